r"""Loss functions (chapter "Measuring the error: loss functions").

A loss compares predictions :math:`\hat Y` with targets :math:`y`:
``loss.forward(Y_hat, y)`` returns the mean over the batch as a Python ``float`` and caches
what ``loss.backward()`` needs to return :math:`\partial L/\partial \hat Y`, an array of the
shape of ``Y_hat``.

- ``MSE``: :math:`L = \frac{1}{N}\sum (\hat Y - y)^2` over all :math:`N` elements,
  :math:`\partial L/\partial \hat Y = \frac{2}{N}(\hat Y - y)`.
- ``BinaryCrossEntropy``: :math:`L = -\frac1N\sum y\log p + (1-y)\log(1-p)`,
  :math:`\partial L/\partial p = \frac1N\frac{p-y}{p(1-p)}`.
- ``BinaryCrossEntropyWithLogits``: the same on logits :math:`z` (:math:`p = \sigma(z)`),
  :math:`L = \frac1N\sum \log(1 + e^{z}) - y z`,
  :math:`\partial L/\partial z = \frac1N(\sigma(z) - y)`.
- ``SoftmaxCrossEntropy``: :math:`L = \frac1n\sum_i \log\sum_k e^{z_{ik}} - z_{iy_i}`,
  :math:`\partial L/\partial Z = \frac1n(P - Y_{\text{onehot}})`.
"""

from __future__ import annotations

import math

import numpy as np

from ._checks import (
    RENUMBER,
    as_array,
    check_float_array,
    check_label_dtype,
    checked,
    lookup,
)

__all__ = [
    "MSE",
    "BinaryCrossEntropy",
    "BinaryCrossEntropyWithLogits",
    "Loss",
    "SoftmaxCrossEntropy",
    "get_loss",
]

#: the checks of a loss's public methods, declared once (see :class:`~._checks.checked`):
#: ``forward(Y_hat, y)`` checks both arrays, and that the loss did not overflow;
#: ``backward()`` checks that a forward pass came first
checks_targets = checked(by="_check", then="_check_loss", quiet=True)
checks_cache = checked(by="_check_cache")


class Loss:
    """Base class: ``forward(Y_hat, y) -> float`` then ``backward() -> dY_hat``.

    A loss writes its maths in ``forward(Y_hat, y)`` (compute the loss on checked arrays and
    fill ``cache``) and ``backward()``, declared with ``checks_targets`` and ``checks_cache``,
    and its checks in ``_check(Y_hat, y)`` (validate and return the arrays).
    :func:`~backprop_lab.fit` checks the targets once for the whole data set and then calls
    the unchecked ``_forward`` on every batch, as :class:`~backprop_lab.Network` calls its
    layers' underscored methods.

    A loss also answers what ``fit`` needs to know, so that a new loss needs no change
    anywhere else: ``classifier`` (with :meth:`n_correct`) and :meth:`_targets`.
    """

    #: its predictions are right or wrong: fit records the accuracy, with n_correct
    classifier = False

    def __init__(self) -> None:
        self.cache: dict[str, np.ndarray] = {}

    def __call__(self, Y_hat, y) -> float:
        return self.forward(Y_hat, y)

    @checks_targets
    def forward(self, Y_hat, y) -> float:
        """The mean loss of predictions ``Y_hat`` against targets ``y``,
        as a Python float.

        Checks both arrays, then caches what :meth:`backward` needs.
        """
        name = type(self).__name__
        raise NotImplementedError(
            f"{name} must implement forward(Y_hat, y).")

    @checks_cache
    def backward(self) -> np.ndarray:
        r""":math:`\partial L/\partial \hat Y` for the last ``forward``."""
        name = type(self).__name__
        raise NotImplementedError(f"{name} must implement backward().")

    def n_correct(self, Y_hat: np.ndarray, y: np.ndarray) -> int:
        """How many of the predictions ``Y_hat`` are right for the targets ``y`` (a
        classifier's loss only: ``fit`` asks when ``classifier`` is true)."""
        raise NotImplementedError(
            f"{type(self).__name__} has classifier = True and must implement "
            "n_correct(Y_hat, y): the number of right predictions."
        )

    def _targets(self, y: np.ndarray, dtype, name: str, who: str) -> np.ndarray:
        """The targets ``y`` (checked by ``_check``) as ``fit`` hands them to every batch:
        converted once to the network's ``dtype``, instead of inside the loss each time."""
        return y if y.dtype == dtype else y.astype(dtype)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"

    # -- the checks (declared with checks_targets and checks_cache) -------------------------
    def _check(self, Y_hat, y) -> tuple[np.ndarray, np.ndarray]:
        raise NotImplementedError(
            f"{type(self).__name__} must implement _check(Y_hat, y); use a concrete loss "
            "such as MSE() or SoftmaxCrossEntropy()."
        )

    def _check_loss(self, L: float, Y_hat: np.ndarray, y: np.ndarray) -> None:
        if not math.isfinite(L):  # finite inputs, yet the arithmetic overflowed
            largest_y = (f", largest |y| {float(np.abs(y).max()):.3g}"
                         if y.dtype.kind == "f" else "")
            raise ValueError(
                f"{type(self).__name__}.forward(): the loss overflowed to {L} although Y_hat "
                f"and y are finite: their values are too large (largest |Y_hat| "
                f"{float(np.abs(Y_hat).max()):.3g}{largest_y}). Rescale the inputs or the "
                "targets, for example with standardize()."
            )

    def _check_cache(self) -> tuple:
        if not self.cache:
            raise RuntimeError(
                f"{type(self).__name__}.backward() was called before forward(). "
                "Call loss.forward(Y_hat, y) first."
            )
        return ()

    def _check_binary_targets(self, Y_hat, y, who, advice):
        """``_check_same_shape``, and targets that are all 0 or 1 (``advice`` says what else)."""
        Y_hat, y = self._check_same_shape(Y_hat, y, who)
        if not np.isin(y, (0, 1)).all():
            raise ValueError(
                f"{who} expected targets y of 0 and 1, got {np.unique(y)[:5]}. {advice}"
            )
        return Y_hat, y

    def _check_same_shape(self, Y_hat, y, who):
        Y_hat = check_float_array(Y_hat, "Y_hat", who, ndim=None)
        y = as_array(y, "y", who)
        if y.dtype.kind in "biu":  # integer targets (0/1 labels) are fine as targets
            y = y.astype(Y_hat.dtype)
        y = check_float_array(y, "y", who, ndim=None)
        if y.dtype != Y_hat.dtype:
            with np.errstate(over="ignore"):
                converted = y.astype(Y_hat.dtype)
            if not np.isfinite(converted).all():
                raise ValueError(
                    f"{who}: y holds {float(np.abs(y).max()):.3g}, beyond the range of "
                    f"{Y_hat.dtype}, the dtype of Y_hat. Rescale the targets (for example "
                    "with standardize()) or use float64."
                )
            y = converted
        if Y_hat.shape != y.shape:
            hint = ""
            if y.ndim == 1 and Y_hat.shape == (y.shape[0], 1):
                hint = " Reshape the targets with y.reshape(-1, 1)."
            raise ValueError(
                f"{who} expected y of the same shape as Y_hat {Y_hat.shape}, got {y.shape}.{hint}"
            )
        if Y_hat.size == 0:
            raise ValueError(f"{who} expected a non-empty batch, got Y_hat of shape {Y_hat.shape}.")
        return Y_hat, y


class MSE(Loss):
    r"""Mean squared error over all elements.

    .. math:: L = \frac1N \sum_{i,j} (\hat Y_{ij} - y_{ij})^2, \qquad
              \frac{\partial L}{\partial \hat Y} = \frac2N (\hat Y - y),

    where :math:`N` is the number of elements (``Y_hat.size``), as in ``torch.nn.MSELoss``.

    >>> loss = MSE()
    >>> loss.forward(np.array([[1.0], [3.0]]), np.array([[0.0], [0.0]]))
    5.0
    >>> loss.backward()
    array([[1.],
           [3.]])
    """

    def _check(self, Y_hat, y):
        return self._check_same_shape(Y_hat, y, "MSE.forward()")

    @checks_targets
    def forward(self, Y_hat, y) -> float:
        diff = Y_hat - y
        self.cache = {"diff": diff}
        return float(np.mean(diff * diff))

    @checks_cache
    def backward(self):
        diff = self.cache["diff"]
        return diff * (2.0 / diff.size)


#: torch's clamp of p(1-p) in BCELoss's gradient: the float32 constant 1e-12 (9.99999996e-13),
#: in float64 too
_BCE_EPSILON = float(np.float32(1e-12))


class BinaryCrossEntropy(Loss):
    r"""Binary cross-entropy on probabilities :math:`p \in [0,1]` and targets :math:`y\in\{0,1\}`.

    .. math:: L = -\frac1N \sum \big(y \log p + (1-y)\log(1-p)\big), \qquad
              \frac{\partial L}{\partial p} = \frac1N \frac{p - y}{p(1-p)} .

    As ``torch.nn.BCELoss``, each logarithm is clamped at :math:`-100`, so a confident mistake
    (even :math:`p = 0` for :math:`y = 1`) costs at most 100 rather than infinity, and the
    denominator :math:`p(1-p)` of the gradient is clamped at :math:`10^{-12}`. Nothing else
    is clipped: through a :class:`~backprop_lab.Sigmoid`, whose derivative is :math:`p(1-p)`,
    the gradient with respect to the logit stays :math:`(p - y)/N` in float32 and float64
    alike, down to :math:`p(1-p) = 10^{-12}`. Put a Sigmoid last in the network to produce
    ``p``.

    >>> loss = BinaryCrossEntropy()
    >>> round(loss.forward(np.array([0.5, 0.5]), np.array([0.0, 1.0])), 6)
    0.693147
    >>> loss.backward()
    array([ 1., -1.])
    """

    classifier = True  # p >= 0.5 predicts class 1

    def _check(self, Y_hat, y):
        return self._check_binary_targets(
            Y_hat, y, "BinaryCrossEntropy.forward()",
            "BinaryCrossEntropy needs 0/1 targets (one probability per output); for more "
            "than two classes use SoftmaxCrossEntropy() with integer labels 0..K-1 and a "
            "last Dense layer with K outputs (no Sigmoid after it).")

    @checks_targets
    def forward(self, P, y) -> float:
        # P is checked at every batch: the network's output may leave [0, 1]
        self._check_probabilities(P)
        self.cache = {"P": P, "y": y}
        # log(0) = -inf is clamped to -100, as torch does
        with np.errstate(divide="ignore"):
            log_p = np.maximum(np.log(P), -100.0)
            log_q = np.maximum(np.log1p(-P), -100.0)
        return float(-np.mean(y * log_p + (1 - y) * log_q))

    @checks_cache
    def backward(self):
        P, y = self.cache["P"], self.cache["y"]
        return (P - y) / (np.maximum(P * (1 - P), _BCE_EPSILON) * P.size)

    def n_correct(self, P, y) -> int:
        return int(np.count_nonzero((P >= 0.5) == (y >= 0.5)))

    def _check_probabilities(self, P) -> None:
        """Checked at every batch, not once in ``_check``: the clamping of the logarithms
        would turn a network output outside [0, 1] into a finite, wrong loss, not an error."""
        if P.min() < 0 or P.max() > 1:
            raise ValueError(
                f"BinaryCrossEntropy.forward() expected probabilities in [0, 1], got values "
                f"from {P.min():.4g} to {P.max():.4g}. Put a Sigmoid as the last layer, or "
                "use SoftmaxCrossEntropy on logits."
            )


class BinaryCrossEntropyWithLogits(Loss):
    r"""Sigmoid followed by binary cross-entropy, fused: takes logits :math:`z` and 0/1 targets
    (chapter "Measuring the error: loss functions"; ``torch.nn.BCEWithLogitsLoss``).

    With :math:`p = \sigma(z) = 1/(1 + e^{-z})`, :math:`-\log p = \log(1 + e^{-z})` and
    :math:`-\log(1-p) = \log(1 + e^{z})`, so the loss of :class:`BinaryCrossEntropy`
    becomes

    .. math:: L = \frac1N \sum \big(\log(1 + e^{z}) - y z\big), \qquad
              \frac{\partial L}{\partial z} = \frac1N \big(\sigma(z) - y\big),

    over all :math:`N` elements. :math:`\log(1 + e^{z})` is computed as
    :math:`\max(z, 0) + \log(1 + e^{-|z|})`, so ``exp`` never sees a positive number: no
    logit overflows and no logarithm is clamped (a confident mistake at :math:`z = -1000`
    costs 1000, where :class:`BinaryCrossEntropy` on :math:`p = \sigma(z) = 0` is clamped
    at 100). Put no Sigmoid after the last layer: this loss applies it.

    >>> loss = BinaryCrossEntropyWithLogits()
    >>> round(loss.forward(np.array([0.0, 0.0]), np.array([0.0, 1.0])), 6)
    0.693147
    >>> loss.backward()
    array([ 0.25, -0.25])
    >>> loss.forward(np.array([-1000.0]), np.array([1.0]))
    1000.0
    """

    classifier = True  # z >= 0 (p >= 0.5) predicts class 1

    def _check(self, Y_hat, y):
        return self._check_binary_targets(
            Y_hat, y, "BinaryCrossEntropyWithLogits.forward()",
            "For more than two classes use SoftmaxCrossEntropy() with integer labels 0..K-1.")

    @checks_targets
    def forward(self, Z, y) -> float:
        E = np.exp(-np.abs(Z))  # in (0, 1]: never overflows
        self.cache = {"Z": Z, "E": E, "y": y}
        # log(1 + e^z) = max(z, 0) + log(1 + e^-|z|)
        softplus = np.maximum(Z, 0) + np.log1p(E)
        return float(np.mean(softplus - y * Z))

    @checks_cache
    def backward(self):
        Z, E, y = self.cache["Z"], self.cache["E"], self.cache["y"]
        # sigma(z), the two-branch form of activations.sigmoid
        P = np.where(Z >= 0, 1 / (1 + E), E / (1 + E))
        return (P - y) / Z.size

    def n_correct(self, Z, y) -> int:
        return int(np.count_nonzero((Z >= 0) == (y >= 0.5)))


class SoftmaxCrossEntropy(Loss):
    r"""Softmax followed by cross-entropy, fused: takes logits :math:`Z` and integer labels.

    For logits :math:`Z` of shape ``(n_samples, n_classes)`` and labels
    :math:`y_i \in \{0, \dots, K-1\}` of shape ``(n_samples,)``:

    .. math::

        L = \frac1n \sum_i \Big(\log \sum_k e^{z_{ik}} - z_{i y_i}\Big), \qquad
        \frac{\partial L}{\partial Z} = \frac1n (P - Y),

    with :math:`P = \mathrm{softmax}(Z)` and :math:`Y` the one-hot labels. The log-sum-exp is
    computed after subtracting each row's maximum, so no logit overflows. Labels have an
    integer dtype (booleans count as 0 and 1); float labels, even ``1.0``, are a ``TypeError``.

    >>> loss = SoftmaxCrossEntropy()
    >>> round(loss.forward(np.array([[0.0, 0.0]]), np.array([1])), 6)
    0.693147
    >>> loss.backward()
    array([[ 0.5, -0.5]])
    """

    classifier = True  # the largest logit predicts the class

    def _check(self, Y_hat, y):
        who = "SoftmaxCrossEntropy.forward()"
        Z = check_float_array(Y_hat, "Y_hat", who, about="the logits")
        y = as_array(y, "y", who)
        if y.ndim != 1:
            shape_hint = (
                " For one-hot targets pass y.argmax(axis=1)." if y.ndim == 2 else ""
            )
            raise ValueError(
                f"{who} expected integer class labels of shape (n_samples,), got shape "
                f"{y.shape}.{shape_hint}"
            )
        y = check_label_dtype(y, "y", who)
        n, K = Z.shape
        if len(y) != n:
            raise ValueError(
                f"{who} expected one label per row of Y_hat ({n} rows), got {len(y)} labels."
            )
        if n == 0:
            raise ValueError(f"{who} expected a non-empty batch, got 0 rows.")
        if y.min() < 0 or y.max() >= K:
            fix = ""
            if y.min() < 0:  # not a matter of too few outputs: the labels need renumbering
                fix += (
                    f" Class labels must be integers 0..{K - 1}, never negative: renumber them "
                    f"with {RENUMBER}."
                )
            if y.max() >= K:
                fix += " Check that the last Dense layer has one output per class."
            raise ValueError(
                f"{who} expected labels in 0..{K - 1} (one per logit column), got labels from "
                f"{y.min()} to {y.max()}.{fix}"
            )
        return Z, y

    @checks_targets
    def forward(self, Z, y) -> float:
        shifted = Z - Z.max(axis=1, keepdims=True)  # no exp overflows
        E = np.exp(shifted)
        S = E.sum(axis=1, keepdims=True)
        # backward reuses the exponentials
        self.cache = {"E": E, "S": S, "y": y}
        n = len(y)
        # the mean as sum / n: np.mean's bits, without its overhead
        return float((np.log(S[:, 0]) - shifted[np.arange(n), y]).sum() / n)

    @checks_cache
    def backward(self):
        E, S, y = self.cache["E"], self.cache["S"], self.cache["y"]
        n = len(y)
        # P = softmax(Z), computed as activations.softmax does
        dZ = E / S
        dZ[np.arange(n), y] -= 1
        dZ /= n
        return dZ

    def n_correct(self, Z, y) -> int:
        return int(np.count_nonzero(Z.argmax(axis=1) == y))

    def _targets(self, y, dtype, name: str, who: str) -> np.ndarray:
        return check_label_dtype(y, name, who)  # booleans become 0/1, once


_BY_NAME = {
    "mse": MSE,
    "binary_cross_entropy": BinaryCrossEntropy,
    "bce": BinaryCrossEntropy,
    "bce_with_logits": BinaryCrossEntropyWithLogits,
    "softmax_cross_entropy": SoftmaxCrossEntropy,
    "cross_entropy": SoftmaxCrossEntropy,
}


def get_loss(name) -> Loss:
    """Return a new loss by name (``"mse"``, ``"bce"``, ``"cross_entropy"``) or ``name`` itself."""
    return _as_loss(name, "get_loss()")


def _as_loss(loss, who: str) -> Loss:
    """``loss`` itself, or a new loss from its name; anything else is an error that says so.

    Every function that takes ``loss=`` (``fit``, ``lr_range_test``, ``Network.trace``,
    ``gradcheck``) goes through here.
    """
    if isinstance(loss, Loss):
        return loss
    if isinstance(loss, str):
        return lookup(loss, _BY_NAME, "loss", who)()
    if isinstance(loss, type) and issubclass(loss, Loss):
        raise TypeError(
            f"{who} expected a loss object such as {loss.__name__}(), got the class "
            f"{loss.__name__}. Add the parentheses."
        )
    raise TypeError(
        f"{who} expected a loss such as SoftmaxCrossEntropy() or MSE(), or its name, got "
        f"{type(loss).__name__}."
    )

