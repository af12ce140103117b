r"""Activation functions as layers (chapter "Activation functions").

Each activation applies a scalar function :math:`f` element-wise, :math:`A = f(Z)`, so its
backward pass multiplies element-wise by the derivative: :math:`dZ = dA \odot f'(Z)`.
They have no parameters; ``params`` and ``grads`` stay empty.

- ``Sigmoid``: :math:`f(z) = \sigma(z) = 1/(1+e^{-z})`,
  :math:`f'(z) = \sigma(z)(1-\sigma(z)) = A(1-A)`.
- ``Tanh``: :math:`f(z) = \tanh z`, :math:`f'(z) = 1-\tanh^2 z = 1-A^2`.
- ``ReLU``: :math:`f(z) = \max(z, 0)`, :math:`f'(z) = [z>0]` (0 at the kink).
- ``LeakyReLU``: :math:`f(z) = z` if :math:`z>0` else :math:`\alpha z`; :math:`f'` is 1 or
  :math:`\alpha`.
- ``Identity``: :math:`f(z) = z`, :math:`f'(z) = 1`.
- ``Softmax`` (per row, not element-wise): :math:`A_j = e^{z_j}/\sum_k e^{z_k}`, backward
  :math:`dZ = A\odot(dA - \sum_k dA_k A_k)`.
"""

from __future__ import annotations

import inspect

import numpy as np

from ._checks import check_real, lookup
from .layers import Layer, checks_input, checks_upstream

__all__ = [
    "Identity",
    "LeakyReLU",
    "ReLU",
    "Sigmoid",
    "Softmax",
    "Tanh",
    "get_activation",
    "sigmoid",
    "softmax",
]


def sigmoid(Z: np.ndarray) -> np.ndarray:
    r"""Numerically stable :math:`\sigma(z) = 1/(1+e^{-z})`, never overflowing.

    For :math:`z \ge 0` it computes :math:`1/(1+e^{-z})`; for :math:`z<0` the equal
    :math:`e^{z}/(1+e^{z})`, so ``exp`` only ever sees non-positive numbers.

    >>> sigmoid(np.array([-1000.0, 0.0, 1000.0]))
    array([0. , 0.5, 1. ])
    """
    E = np.exp(-np.abs(Z))  # in (0, 1]: never overflows
    return np.where(Z >= 0, 1.0 / (1.0 + E), E / (1.0 + E)).astype(Z.dtype, copy=False)


def softmax(Z: np.ndarray) -> np.ndarray:
    r"""Row-wise softmax :math:`e^{z_j - m}/\sum_k e^{z_k - m}` with :math:`m=\max_k z_k`.

    Subtracting the row maximum changes nothing mathematically and keeps ``exp`` finite.

    >>> softmax(np.array([[0.0, 0.0], [1000.0, 0.0]]))
    array([[0.5, 0.5],
           [1. , 0. ]])
    """
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    E /= E.sum(axis=1, keepdims=True)
    return E


class _Elementwise(Layer):
    """An activation: no parameters, and the output has the shape of the input."""

    keeps_shape = True


class Sigmoid(_Elementwise):
    r"""Logistic sigmoid :math:`A = \sigma(Z)`; backward :math:`dZ = dA \odot A(1-A)`.

    >>> layer = Sigmoid()
    >>> layer.forward(np.array([[0.0]]))
    array([[0.5]])
    >>> layer.backward(np.array([[1.0]]))
    array([[0.25]])
    """

    threshold = 0.5  # its output is a probability: class 1 from p >= 0.5

    @checks_input
    def forward(self, Z):
        A = sigmoid(Z)
        self.cache = {"A": A}
        return A

    @checks_input
    def predict(self, Z):
        return sigmoid(Z)

    @checks_upstream
    def backward(self, dA, need_dX=True):
        A = self.cache["A"]
        return dA * A * (1 - A)

    def config(self):
        return {}


class Tanh(_Elementwise):
    r"""Hyperbolic tangent :math:`A = \tanh Z`; backward :math:`dZ = dA \odot (1 - A^2)`.

    >>> layer = Tanh()
    >>> layer.forward(np.array([[0.0]]))
    array([[0.]])
    >>> layer.backward(np.array([[2.0]]))
    array([[2.]])
    """

    @checks_input
    def forward(self, Z):
        A = np.tanh(Z)
        self.cache = {"A": A}
        return A

    @checks_input
    def predict(self, Z):
        return np.tanh(Z)

    @checks_upstream
    def backward(self, dA, need_dX=True):
        A = self.cache["A"]
        return dA * (1 - A * A)

    def config(self):
        return {}


class ReLU(_Elementwise):
    r"""Rectified linear unit :math:`A = \max(Z, 0)`; backward :math:`dZ = dA \odot [Z > 0]`.

    The derivative at the kink :math:`z=0` is taken as 0, as PyTorch does.

    >>> layer = ReLU()
    >>> layer.forward(np.array([[-1.0, 0.0, 2.0]]))
    array([[0., 0., 2.]])
    >>> layer.backward(np.array([[5.0, 5.0, 5.0]]))
    array([[0., 0., 5.]])
    """

    @checks_input
    def forward(self, Z):
        # a float zero: an int 0 costs numpy a slower, casting loop
        A = np.maximum(Z, 0.0)
        # A > 0 exactly where Z > 0, so A is all backward needs
        self.cache = {"A": A}
        return A

    @checks_input
    def predict(self, Z):
        return np.maximum(Z, 0.0)

    @checks_upstream
    def backward(self, dA, need_dX=True):
        # times the boolean mask: ten times faster than assigning
        # through it
        return dA * (self.cache["A"] > 0)

    def config(self):
        return {}


class LeakyReLU(_Elementwise):
    r"""Leaky ReLU: :math:`A = Z` where :math:`Z>0`, else :math:`\alpha Z`.

    Backward: :math:`dZ = dA` where :math:`Z>0`, else :math:`\alpha\,dA`.

    >>> layer = LeakyReLU(alpha=0.1)
    >>> layer.forward(np.array([[-2.0, 3.0]]))
    array([[-0.2,  3. ]])
    >>> layer.backward(np.array([[1.0, 1.0]]))
    array([[0.1, 1. ]])
    """

    def __init__(self, alpha: float = 0.01) -> None:
        super().__init__()
        check_real(alpha, "alpha", "LeakyReLU()")
        if not (0 <= alpha < 1):
            raise ValueError(
                f"LeakyReLU() expected 0 <= alpha < 1, got {alpha}. A typical value is 0.01."
            )
        self.alpha = float(alpha)

    def __repr__(self) -> str:
        return f"LeakyReLU(alpha={self.alpha:g})"

    @checks_input
    def forward(self, Z):
        self.cache = {"Z": Z}
        return np.where(Z > 0, Z, Z * self.alpha)

    @checks_input
    def predict(self, Z):
        return np.where(Z > 0, Z, Z * self.alpha)

    @checks_upstream
    def backward(self, dA, need_dX=True):
        return np.where(self.cache["Z"] > 0, dA, dA * self.alpha)

    def config(self):
        return {"alpha": self.alpha}


class Identity(_Elementwise):
    r"""The identity :math:`A = Z`; backward :math:`dZ = dA` (the output layer of a regressor)."""

    @checks_input
    def forward(self, Z):
        self.cache = {"Z": Z}
        return Z

    @checks_input
    def predict(self, Z):
        return Z

    @checks_upstream
    def backward(self, dA, need_dX=True):
        return dA.copy()

    def config(self):
        return {}


class Softmax(_Elementwise):
    r"""Row-wise softmax, for *display* of class probabilities.

    Train classifiers with :class:`~backprop_lab.SoftmaxCrossEntropy` on the logits instead:
    the fused loss is numerically stable and its gradient is simply :math:`(P - Y)/n`.

    Backward (the Jacobian of each row applied to :math:`dA`):
    :math:`dZ = A \odot \left(dA - \textstyle\sum_k dA_{:,k} A_{:,k}\right)`.

    >>> Softmax().forward(np.array([[0.0, 0.0]]))
    array([[0.5, 0.5]])
    """

    @checks_input
    def forward(self, Z):
        A = softmax(Z)
        self.cache = {"A": A}
        return A

    @checks_input
    def predict(self, Z):
        return softmax(Z)

    @checks_upstream
    def backward(self, dA, need_dX=True):
        A = self.cache["A"]
        return A * (dA - (dA * A).sum(axis=1, keepdims=True))

    def config(self):
        return {}


_BY_NAME = {
    "sigmoid": Sigmoid,
    "tanh": Tanh,
    "relu": ReLU,
    "leaky_relu": LeakyReLU,
    "identity": Identity,
    "linear": Identity,
    "softmax": Softmax,
}


def _takes(cls, keyword: str) -> bool:
    return keyword in inspect.signature(cls).parameters


def get_activation(name: str | Layer, **kwargs) -> Layer:
    """Return a new activation layer by name (``"relu"``, ``"tanh"``, ...) or ``name`` itself.

    Keyword arguments go to the layer's constructor, e.g.
    ``get_activation("leaky_relu", alpha=0.1)``.
    """
    who = "get_activation()"
    if isinstance(name, Layer):
        if kwargs:
            raise TypeError(
                f"{who} got the layer {name!r} and keyword arguments {sorted(kwargs)}. "
                "Pass them to the layer's constructor instead, e.g. LeakyReLU(alpha=0.1)."
            )
        return name
    cls = lookup(name, _BY_NAME, "activation", who, also="a layer such as ReLU()")
    for key, value in kwargs.items():
        if not _takes(cls, key):
            takers = {c.__name__: n for n, c in _BY_NAME.items() if _takes(c, key)}
            if takers:
                example = next(iter(takers.values()))
                hint = (
                    f"Only {', '.join(takers)} takes {key}: use "
                    f"get_activation({example!r}, {key}={value!r}), or drop {key}=."
                )
            else:
                hint = f"No activation takes {key}; drop {key}=."
            raise TypeError(
                f"{who}: {cls.__name__} takes no keyword argument {key!r} "
                f"(got {key}={value!r}). {hint}"
            )
    return cls(**kwargs)
