r"""The layer contract and the affine layer (chapter "Backpropagation, layer by layer").

Every layer keeps three dicts keyed by math symbol:

- ``params``: the trainable arrays (``{"W": ..., "b": ...}`` for :class:`Dense`, empty for
  activations);
- ``grads``: the same keys and shapes as ``params``, holding
  :math:`\partial L/\partial \theta` after :meth:`Layer.backward`;
- ``cache``: exactly what ``backward`` needs, overwritten by every ``forward``.

``forward(X) -> Y`` and ``backward(dY) -> dX``. ``backward`` never recomputes the forward
pass, never modifies ``dY`` in place, and raises ``RuntimeError`` when called before
``forward``. ``predict(X)`` computes the same ``Y`` as ``forward`` without touching the cache.
"""

from __future__ import annotations

import numpy as np

from ._checks import (
    check_dtype,
    check_float_array,
    check_has_rows,
    check_positive_int,
    check_rng,
    checked,
)
from .init import Initializer, get_initializer, initial_weights

__all__ = ["Dense", "Layer"]

#: the checks of a layer's public methods, declared once (see :class:`~._checks.checked`):
#: ``forward(X)`` and ``predict(X)`` check ``X``; ``backward(dY)`` checks ``dY`` against the
#: cached forward pass, and the gradients it computed (no inf or NaN)
checks_input = checked(by="_check_input")
checks_upstream = checked(by="_check_upstream", then="_check_backward", quiet=True)


class Layer:
    """Base class of every layer: the ``params``/``grads``/``cache`` contract.

    A layer writes its maths in three methods, each declared ``@checked`` so that its body
    holds the maths only: ``forward(X)`` (compute ``Y`` and fill ``self.cache``),
    ``predict(X)`` (compute ``Y`` only; by default ``forward``'s) and
    ``backward(dY, need_dX=True)`` (fill ``grads``, return ``dX``, or ``None`` when
    ``need_dX`` is false). The public methods check their input once and call the
    unchecked ``_forward``, ``_predict`` and ``_backward``, which
    :class:`~backprop_lab.Network` and :func:`~backprop_lab.fit` call directly after
    validating once at their own boundary.

    A layer also answers what the network, ``fit``, ``save`` and ``predict_labels`` need to
    know, so that a new layer needs no change anywhere else: the class attributes below,
    and :meth:`config` for saving.
    """

    #: the symbol the book gives this layer's output (``Z`` for affine, ``A`` for activations)
    output_symbol = "A"
    #: the number of input and output features, if fixed (``None``: any, or unknown)
    n_in: int | None = None
    n_out: int | None = None
    #: the dtype of the parameters (``None``: a layer without parameters takes any)
    dtype: np.dtype | None = None
    #: the output has the shape of the input (element-wise layers): the network can then
    #: check its input against the first layer after it that has a fixed width
    keeps_shape = False
    #: with a single output, the value from which ``predict_labels`` predicts class 1
    #: (0 for a logit; ``Sigmoid`` says 0.5, for a probability)
    threshold = 0.0

    #: the classes that ``load`` can rebuild, by name: those that define ``config``
    _saveable: dict[str, type[Layer]] = {}

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        if "config" in vars(cls):
            known = Layer._saveable.get(cls.__name__)
            # a class of another module never takes a built-in layer's name
            if known is None or not known.__module__.startswith(__package__ + ".") \
                    or cls.__module__.startswith(__package__ + "."):
                Layer._saveable[cls.__name__] = cls

    def __init__(self) -> None:
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}
        self.cache: dict[str, np.ndarray] = {}

    # -- the maths (what a layer implements) --------------------------------------------
    @checks_input
    def forward(self, X: np.ndarray) -> np.ndarray:
        """The layer's output for a batch ``X``, caching what backward
        needs."""
        name = type(self).__name__
        raise NotImplementedError(
            f"{name} must implement forward(X): compute the output Y "
            "and keep in self.cache what backward needs."
        )

    @checks_input
    def predict(self, X: np.ndarray) -> np.ndarray:
        """The same output as :meth:`forward` (which, by default, it
        calls); a layer may compute it without caching anything."""
        return self._forward(X)

    @checks_upstream
    def backward(self, dY: np.ndarray, need_dX: bool = True):
        r"""Given :math:`dY = \partial L/\partial Y`, fill ``grads`` and
        return ``dX`` (``None`` if not ``need_dX``).

        Raises ``ValueError`` rather than return a gradient that holds
        inf or NaN (a finite ``dY`` or weights too large for the
        products).
        """
        name = type(self).__name__
        raise NotImplementedError(
            f"{name} must implement backward(dY, need_dX=True): fill "
            "self.grads and return dX = dL/dX."
        )

    def config(self) -> dict:
        """The constructor arguments that rebuild this layer (its parameters are saved
        apart), for :func:`~backprop_lab.save`.

        A layer can be saved only if its own class defines ``config`` (a subclass may hold
        state that its parent's ``config`` does not know about): ``save`` says so otherwise.
        ``load`` rebuilds it as ``type(layer)(**config)``, then copies the parameters in.
        """
        raise NotImplementedError(f"{type(self).__name__} must implement config() to be saved.")

    @classmethod
    def from_config(cls, config: dict, *, dtype: np.dtype, largest: int) -> Layer:
        """The layer that :meth:`config` described, for :func:`~backprop_lab.load`, which
        then copies the saved parameters in. ``dtype`` is the network's; ``largest`` the size
        of the largest array in the file (a layer needing more is described wrongly)."""
        return cls(**config)

    @property
    def n_params(self) -> int:
        """Number of trainable scalars."""
        return sum(p.size for p in self.params.values())

    # -- the checks (declared with checks_input and checks_upstream) -----------------
    def _check_input(self, X, *, of_network: bool = False) -> np.ndarray:
        """``X`` checked as a layer's input: a 2-D float array with rows, of the layer's width
        and dtype if it has them. ``of_network``: ``X`` is the input of a network whose
        first layer of fixed width this is."""
        # a list is converted to the layer's dtype: only an array can have the wrong one
        convert = None if isinstance(X, np.ndarray) else self.dtype
        X = check_has_rows(check_float_array(X, "X", f"{self!r}", dtype=convert), "X", f"{self!r}")
        return self._check_features(X, "X", of_network=of_network)

    def _check_features(self, X: np.ndarray, name: str, who: str | None = None, *,
                        of_network: bool = False) -> np.ndarray:
        """``X`` (a 2-D float array) checked against this layer's width and dtype, if it
        has them (:meth:`Dense._check_features` says more)."""
        subject = f"{self!r}" if who is None else f"{who}: the network"
        if self.n_in is not None and X.shape[1] != self.n_in:
            raise ValueError(
                f"{who or subject} expected {name} of shape (n_samples, {self.n_in}) for "
                f"{self!r}, got {X.shape}. Pass data with {self.n_in} columns."
            )
        if self.dtype is not None and X.dtype != self.dtype:
            raise TypeError(
                f"{subject} has {self.dtype} parameters, got {name} of dtype {X.dtype}. "
                f"Convert {name} with {name}.astype(np.{self.dtype})."
            )
        return X

    def _check_backward(self, dX: np.ndarray | None, dY: np.ndarray) -> None:
        self._check_gradients(dX, f"{self!r}.backward()")

    def _check_upstream(self, dY, who: str | None = None, *,
                        of_network: bool = False) -> np.ndarray:
        """``dY`` checked against the cached forward pass: it must exist and match in shape
        and dtype (a float32 pass is never upcast silently by a float64 ``dY``).

        ``of_network``: this is a network's last layer, and ``dY`` the network's upstream
        gradient (the messages then speak of the network's output)."""
        if not self.cache:
            raise RuntimeError(
                f"{self!r}.backward() was called before forward(). "
                "Call forward(X) on this batch first."
            )
        if who is None:
            who = f"{self!r}.backward()"
        dtype = self._cache_dtype()
        # a list is converted to the forward pass's dtype; an array must already have it
        convert = dtype if dtype is not None and not isinstance(dY, np.ndarray) else None
        dY = check_float_array(dY, "dY", who, dtype=convert)
        expected = self._output_shape(self.cache)
        if dY.shape != expected:
            if of_network:
                fix = ("dY must have the shape of the network's last forward output "
                       "Y_hat = net.forward(X), e.g. dY = loss.backward() after "
                       "loss.forward(Y_hat, y) on the same batch.")
            else:
                fix = ("dY must have the shape of this layer's last forward output "
                       "Y = layer.forward(X), e.g. dY = loss.backward() after "
                       "loss.forward(Y, y) on the same batch.")
            raise ValueError(
                f"{who} expected dY of shape {expected} (the shape of the "
                f"forward output), got {dY.shape}. {fix}"
            )
        if dtype is not None and dY.dtype != dtype:
            raise TypeError(
                f"{who} expected dY of dtype {dtype}, the dtype of the forward pass, got "
                f"{dY.dtype}. Convert it with dY.astype(np.{dtype}): the gradient is never "
                "converted silently."
            )
        return dY

    def _check_gradients(self, dX: np.ndarray | None, who: str, where: str = "") -> None:
        """Raise ``ValueError`` if ``grads`` or ``dX`` hold inf or NaN after a backward pass
        whose ``dY`` was finite, naming the first such array."""
        arrays = [(f"d{key}", grad) for key, grad in self.grads.items()]
        if dX is not None:
            arrays.append(("dX", dX))
        for name, grad in arrays:
            if not np.isfinite(grad).all():
                for key, param in self.params.items():
                    if not np.isfinite(param).all():
                        raise ValueError(
                            f"{who}: the parameter {key} of {self!r}{where} contains NaN or "
                            "infinity, so its gradients would too. Build the layer afresh."
                        )
                raise ValueError(
                    f"{who}: the gradient {name} of {self!r}{where} holds inf or NaN although "
                    "dY and the weights are finite: dY or the weights are too large, and the "
                    "products overflowed. Scale dY down (a loss averages over the batch) or "
                    "use smaller weights or inputs."
                )

    def _cache_dtype(self) -> np.dtype | None:
        """The dtype of the cached forward pass (``None`` if the cache holds no array)."""
        for value in self.cache.values():
            if isinstance(value, np.ndarray):
                return value.dtype
        return None

    def _cache_rows(self) -> int | None:
        """The number of samples of the cached forward pass (``None`` if unknown)."""
        for value in self.cache.values():
            if isinstance(value, np.ndarray) and value.ndim >= 1:
                return value.shape[0]
        return None

    def _output_shape(self, cache) -> tuple[int, ...]:
        if self.keeps_shape:
            return next(iter(cache.values())).shape
        raise NotImplementedError(
            f"{type(self).__name__} must implement _output_shape(cache): the shape of the "
            "output of the cached forward pass, which dY must have."
        )

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class Dense(Layer):
    r"""Affine layer :math:`Y = XW + b` (chapter "Backpropagation, layer by layer").

    Parameters
    ----------
    n_in, n_out : int
        Number of input features and of output units, both ``>= 1``.
    init : str or callable, default ``"xavier"``
        Weight initializer, by name (see :mod:`backprop_lab.init`) or a callable
        ``init((n_in, n_out), rng, dtype)``. Biases start at zero.
    rng : numpy.random.Generator or int, optional
        Source of randomness for the initializer; an int is a seed.
    dtype : float32 or float64, default float64

    Notes
    -----
    Shapes: ``X`` is ``(n_samples, n_in)``, ``W`` is ``(n_in, n_out)``, ``b`` is
    ``(n_out,)``, ``Y`` is ``(n_samples, n_out)``.

    Backward, given :math:`dY = \partial L/\partial Y`:

    .. math::

        dW = X^\top dY, \qquad db = \sum_i dY_{i,:}, \qquad dX = dY\,W^\top .

    Examples
    --------
    >>> import numpy as np
    >>> layer = Dense(2, 1, init="zeros")
    >>> layer.params["W"][:] = [[1.0], [2.0]]
    >>> layer.forward(np.array([[1.0, 1.0]]))
    array([[3.]])
    >>> layer.backward(np.array([[1.0]]))
    array([[1., 2.]])
    >>> layer.grads["W"]
    array([[1.],
           [1.]])
    """

    output_symbol = "Z"

    def __init__(
        self,
        n_in: int,
        n_out: int,
        *,
        init: str | Initializer = "xavier",
        rng: np.random.Generator | int | None = None,
        dtype=np.float64,
    ) -> None:
        super().__init__()
        sizes = (" Layer sizes count units: n_in is the number of input features (columns "
                 "of X, or units of the layer before) and n_out the number of output units, "
                 "both at least 1, e.g. Dense(2, 4).")
        self.n_in = check_positive_int(n_in, "n_in", "Dense()", hint=sizes)
        self.n_out = check_positive_int(n_out, "n_out", "Dense()", hint=sizes)
        self.dtype = check_dtype(dtype, "Dense()")
        initializer = get_initializer(init, "Dense()", sizes=(self.n_in, self.n_out))
        rng = check_rng(rng, "Dense()")
        W = initial_weights(initializer, (self.n_in, self.n_out), rng, self.dtype, f"{self!r}")
        self.params = {"W": W, "b": np.zeros(self.n_out, dtype=self.dtype)}
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}

    def __repr__(self) -> str:
        return f"Dense({self.n_in} -> {self.n_out})"

    def _check_features(self, X: np.ndarray, name: str, who: str | None = None, *,
                        of_network: bool = False) -> np.ndarray:
        """``X`` (a 2-D float array) checked against this layer's width and dtype.

        ``who`` names the caller when it is not the layer itself (``fit()`` checks a network's
        input against its first layer); the messages then speak of the network.
        ``of_network``: the layer is a network's first Dense layer, checking the network's
        input for ``Network.forward``/``predict``/``trace`` (the advice on a wrong width then
        speaks of the network).
        """
        if who is None:  # the layer checks its own input
            who = subject = f"{self!r}"
            where, owner = "", "the layer"
        else:  # e.g. fit() checks a network's input against its first layer
            where, owner = f" for the first layer {self!r}", "the network"
            subject = f"{who}: the network"
        if X.shape[1] != self.n_in:
            got = X.shape[1]
            if name != "X":  # X_val, after X passed: it must match the training data
                fix = (f"{name} must have the same {self.n_in} features (columns) as X: "
                       "prepare it the same way as the training data.")
            elif who != subject or of_network:  # the network's input
                fix = (f"The network's first Dense layer takes {self.n_in} features per row: "
                       f"pass data with {self.n_in} columns, or, for data with {got} features, "
                       f"build the network with Dense({got}, {self.n_out}) as its first Dense "
                       "layer.")
            else:
                fix = (f"Each row of {name} must have {self.n_in} features: pass data with "
                       f"{self.n_in} columns (or the output of a layer with {self.n_in} "
                       f"units), or build Dense({got}, {self.n_out}) for inputs with {got} "
                       "features.")
            raise ValueError(
                f"{who} expected {name} of shape (n_samples, {self.n_in}){where}, got {X.shape}. "
                f"{fix}"
            )
        if X.dtype != self.dtype:
            raise TypeError(
                f"{subject} has {self.dtype} parameters, got {name} of dtype {X.dtype}. "
                f"Convert {name} with {name}.astype(np.{self.dtype}), or build {owner} with "
                f"dtype=np.{X.dtype}."
            )
        return X

    def config(self) -> dict:
        return {"n_in": self.n_in, "n_out": self.n_out}

    @classmethod
    def from_config(cls, config: dict, *, dtype: np.dtype, largest: int) -> Dense:
        n_in, n_out = _size(config, "n_in"), _size(config, "n_out")
        # W must be among the stored arrays, so a larger one means a damaged size
        # (say 10**12): refuse it here, before np.zeros tries to allocate it
        if n_in * n_out > largest:
            raise ValueError(
                f"Dense({n_in} -> {n_out}) needs {n_in * n_out} weights, but the largest "
                f"array in the file holds {largest}"
            )
        return cls(n_in, n_out, init="zeros", dtype=dtype)

    def _output_shape(self, cache) -> tuple[int, ...]:
        return (cache["X"].shape[0], self.n_out)

    @checks_input
    def forward(self, X: np.ndarray) -> np.ndarray:
        r"""The affine map :math:`Y = XW + b`; caches :math:`X`."""
        W, b = self.params["W"], self.params["b"]
        self.cache = {"X": X}
        Y = X @ W
        Y += b  # Y = X @ W + b (b added to every row)
        return Y

    @checks_input
    def predict(self, X: np.ndarray) -> np.ndarray:
        """:math:`Y = XW + b`, as :meth:`forward`, without caching."""
        W, b = self.params["W"], self.params["b"]
        Y = X @ W
        Y += b  # Y = X @ W + b, as in forward
        return Y

    @checks_upstream
    def backward(self, dY: np.ndarray, need_dX: bool = True):
        r"""From :math:`dY`: :math:`dW = X^\top dY`,
        :math:`db = \sum_i dY_{i,:}` and, unless ``need_dX`` is false (a
        network's first layer), :math:`dX = dY\,W^\top`."""
        X, W = self.cache["X"], self.params["W"]
        dW, db = self.grads["W"], self.grads["b"]
        # dW = X.T @ dY and db = dY summed over the rows, written
        # into the arrays the optimizer holds (no new array per batch)
        np.matmul(X.T, dY, out=dW)
        dY.sum(axis=0, out=db)
        if not need_dX:
            return None
        return dY @ W.T  # dX


def _size(config: dict, key: str) -> int:
    value = config[key]
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"Dense {key} must be a whole number >= 1, got {value!r}")
    return value
