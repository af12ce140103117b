"""backprop_lab: backpropagation step by step, in numpy.

The numerical core imports numpy only (an optimizer's first large step may load numba, if
installed, to run numpy's very arithmetic in one pass: see :mod:`backprop_lab._kernels`).
Plotting lives in :mod:`backprop_lab.viz` and the interactive figures in
:mod:`backprop_lab.widgets`; import them explicitly.

Rows are samples: ``X`` has shape ``(n_samples, n_in)``; ``Dense`` computes ``X @ W + b``.
"""

from . import datasets, surfaces
from .activations import Identity, LeakyReLU, ReLU, Sigmoid, Softmax, Tanh, get_activation
from .autodiff import Value
from .gradcheck import gradcheck
from .init import get_initializer
from .layers import Dense, Layer
from .losses import (
    MSE,
    BinaryCrossEntropy,
    BinaryCrossEntropyWithLogits,
    Loss,
    SoftmaxCrossEntropy,
    get_loss,
)
from .metrics import accuracy, confusion_matrix, predict_labels
from .network import Network, Trace, TraceStep
from .optim import SGD, Adam, Optimizer, RMSProp, get_optimizer
from .preprocessing import Standardizer, one_hot, standardize, train_test_split
from .schedules import ConstantLR, CosineLR, ExponentialLR, Schedule, StepLR, WarmUp
from .serialization import load, save
from .training import (
    Callback,
    EarlyStopping,
    History,
    ParameterSnapshots,
    TrainingDivergedError,
    fit,
    lr_range_test,
)

__version__ = "0.1.0"

__all__ = [
    "MSE",
    "BinaryCrossEntropy",
    "BinaryCrossEntropyWithLogits",
    "Dense",
    "Identity",
    "Layer",
    "LeakyReLU",
    "Loss",
    "Network",
    "ReLU",
    "Sigmoid",
    "Softmax",
    "SoftmaxCrossEntropy",
    "Tanh",
    "Trace",
    "TraceStep",
    "Value",
    "__version__",
    "datasets",
    "surfaces",
    "get_activation",
    "gradcheck",
    "lr_range_test",
    "get_initializer",
    "get_loss",
    "SGD",
    "Adam",
    "Optimizer",
    "RMSProp",
    "get_optimizer",
    "fit",
    "History",
    "EarlyStopping",
    "ParameterSnapshots",
    "Callback",
    "TrainingDivergedError",
    "ConstantLR",
    "CosineLR",
    "ExponentialLR",
    "Schedule",
    "StepLR",
    "WarmUp",
    "accuracy",
    "confusion_matrix",
    "predict_labels",
    "train_test_split",
    "Standardizer",
    "standardize",
    "one_hot",
    "save",
    "load",
]
