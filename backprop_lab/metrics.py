r"""Evaluation metrics on class labels (chapter "Evaluating and tuning").

Labels are integers :math:`0, \dots, K-1` in arrays of shape ``(n_samples,)``. One rule holds
for every function that takes labels (these, ``one_hot``, ``SoftmaxCrossEntropy``, ``fit``):
an integer dtype, or booleans, which count as 0 and 1 (``accuracy(y, p >= 0.5)``). Floats are
refused with ``TypeError``, even whole numbers such as ``1.0``, as PyTorch refuses them; the
message says when ``y.astype(np.int64)`` is exact.
:func:`predict_labels` turns a network's outputs into such labels.
"""

from __future__ import annotations

import numpy as np

from ._checks import (
    as_array,
    check_allocation,
    check_label_dtype,
    check_labels_nonnegative,
    check_n_classes,
)
from .network import Network

__all__ = ["accuracy", "confusion_matrix", "predict_labels"]


def _check_labels(y, name: str, who: str) -> np.ndarray:
    y = as_array(y, name, who)
    if y.ndim != 1:
        hint = " For one-hot rows pass y.argmax(axis=1)." if y.ndim == 2 else ""
        raise ValueError(
            f"{who} expected {name} of shape (n_samples,), got shape {y.shape}.{hint}"
        )
    return check_label_dtype(y, name, who)


def _check_pair(y_true, y_pred, who: str) -> tuple[np.ndarray, np.ndarray]:
    y_true = _check_labels(y_true, "y_true", who)
    y_pred = _check_labels(y_pred, "y_pred", who)
    if len(y_true) != len(y_pred):
        raise ValueError(
            f"{who} expected y_true and y_pred of the same length, got {len(y_true)} and "
            f"{len(y_pred)}. Compare the labels of the same samples, e.g. y_pred = "
            "predict_labels(net, X) for the X whose labels are y_true."
        )
    if len(y_true) == 0:
        raise ValueError(f"{who} expected at least one label, got empty arrays.")
    # Python ints: comparing uint64 with int64 labels in numpy would go through float64
    check_labels_nonnegative(min(int(y_true.min()), int(y_pred.min())), who)
    return y_true, y_pred


def accuracy(y_true, y_pred) -> float:
    r"""Fraction of correct labels, :math:`\frac1n \sum_i [\hat y_i = y_i]` (chapter "Evaluating").

    Parameters
    ----------
    y_true, y_pred : array of int, shape (n_samples,)

    Returns
    -------
    float in [0, 1]

    Examples
    --------
    >>> accuracy([0, 1, 2, 2], [0, 1, 1, 2])
    0.75
    """
    y_true, y_pred = _check_pair(y_true, y_pred, "accuracy()")
    return float(np.mean(y_true == y_pred))


def confusion_matrix(y_true, y_pred, n_classes: int | None = None) -> np.ndarray:
    r"""Counts :math:`C_{jk}` = number of samples of true class :math:`j` predicted as :math:`k`.

    (Chapter "Evaluation".) Rows are true classes, columns predicted classes (as
    scikit-learn); the diagonal holds the correct predictions.

    Parameters
    ----------
    y_true, y_pred : array of int, shape (n_samples,)
    n_classes : int, optional
        :math:`K`; by default one more than the largest label seen.

    Returns
    -------
    ndarray of int64, shape (n_classes, n_classes)

    Examples
    --------
    >>> confusion_matrix([0, 1, 1, 2], [0, 1, 2, 2])
    array([[1, 0, 0],
           [0, 1, 1],
           [0, 0, 1]])
    """
    who = "confusion_matrix()"
    y_true, y_pred = _check_pair(y_true, y_pred, who)
    high = max(int(y_true.max()), int(y_pred.max()))
    n_classes = check_n_classes(n_classes, high, who,
                                " Increase n_classes or check the labels.")
    check_allocation((n_classes, n_classes), np.int64, who, "the confusion matrix")
    # every label is now known to lie in 0..n_classes-1, so int64 holds it exactly
    y_true, y_pred = y_true.astype(np.int64), y_pred.astype(np.int64)
    counts = np.bincount(y_true * n_classes + y_pred, minlength=n_classes * n_classes)
    return counts.reshape(n_classes, n_classes).astype(np.int64)


def predict_labels(net: Network, X) -> np.ndarray:
    r"""Class labels predicted by ``net`` for the rows of ``X`` (chapter "Evaluating and tuning").

    With :math:`K > 1` outputs: :math:`\hat y_i = \arg\max_k \hat Y_{ik}` (logits or
    probabilities give the same answer). With a single output: :math:`\hat y_i = [p_i \ge 0.5]`
    when the last layer is a :class:`~backprop_lab.Sigmoid`, else :math:`[z_i \ge 0]`
    (the same decision taken on the logit): the last layer's ``threshold`` says which.

    Returns
    -------
    ndarray of int64, shape (n_samples,)

    Examples
    --------
    >>> import numpy as np
    >>> from backprop_lab import Dense, Network
    >>> net = Network([Dense(2, 2, init="zeros")])
    >>> net.layers[0].params["b"][:] = [0.0, 1.0]
    >>> predict_labels(net, np.zeros((3, 2)))
    array([1, 1, 1])
    """
    if not isinstance(net, Network):
        raise TypeError(f"predict_labels() expected a Network, got {type(net).__name__}.")
    Y_hat = net.predict(X)
    if Y_hat.ndim != 2:
        raise ValueError(
            f"predict_labels() expected the network to output (n_samples, n_out), got "
            f"shape {Y_hat.shape}."
        )
    if Y_hat.shape[1] > 1:
        return Y_hat.argmax(axis=1).astype(np.int64)
    # the last layer says where class 1 starts: 0.5 for a Sigmoid's probability, else 0
    return (Y_hat[:, 0] >= net.layers[-1].threshold).astype(np.int64)
