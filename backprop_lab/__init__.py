"""backprop_lab: backpropagation step by step, in numpy.

The numerical core imports numpy only. Plotting lives in :mod:`backprop_lab.viz` and the
interactive figures in :mod:`backprop_lab.widgets`; import them explicitly.

Rows are samples: ``X`` has shape ``(n_samples, n_in)``; ``Dense`` computes ``X @ W + b``.
"""

from . import datasets
from .activations import Identity, LeakyReLU, ReLU, Sigmoid, Softmax, Tanh, get_activation
from .autodiff import Value
from .gradcheck import gradcheck
from .init import get_initializer
from .layers import Dense, Layer
from .losses import MSE, BinaryCrossEntropy, Loss, SoftmaxCrossEntropy, get_loss
from .network import Network, Trace, TraceStep

__version__ = "0.1.0"

__all__ = [
    "MSE",
    "BinaryCrossEntropy",
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
    "get_activation",
    "gradcheck",
    "get_initializer",
    "get_loss",
]
