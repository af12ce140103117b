r"""A network is a list of layers applied in order (chapters "Neurons, layers and the forward
pass" and "Backpropagation, layer by layer").

Forward: :math:`A_0 = X`, :math:`A_\ell = \text{layer}_\ell(A_{\ell-1})`, output
:math:`\hat Y = A_L`. Backward, by the chain rule, in reverse order:
:math:`dA_{\ell-1} = \text{layer}_\ell.\text{backward}(dA_\ell)`, each layer filling its own
``grads`` on the way.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from ._checks import check_float_array, check_has_rows, checked
from .layers import Layer
from .losses import Loss, _as_loss

__all__ = ["Network", "Trace", "TraceStep"]


@dataclass(frozen=True)
class TraceStep:
    """One recorded quantity of a forward/backward pass.

    Attributes
    ----------
    phase : ``"forward"``, ``"loss"`` or ``"backward"``
    layer : index into ``net.layers`` (``None`` for the input and the loss)
    name : the layer's repr, e.g. ``"Dense(2 -> 2)"``
    symbol : the book's symbol: ``X``, ``Z1``, ``A1``, ``L``, ``dA1``, ``dZ1``, ``dW1``, ``db1``
    value : a copy of the array (or a float for the loss)
    """

    phase: str
    layer: int | None
    name: str
    symbol: str
    value: np.ndarray | float


class Trace:
    """Every intermediate of one forward and backward pass, in the order computed.

    Index it by symbol (``trace["Z1"]``), iterate over its :class:`TraceStep` s, or print it.
    """

    def __init__(self, steps: list[TraceStep]) -> None:
        self.steps = steps

    def __iter__(self) -> Iterator[TraceStep]:
        return iter(self.steps)

    def __len__(self) -> int:
        return len(self.steps)

    def __getitem__(self, symbol: str):
        for step in self.steps:
            if step.symbol == symbol:
                return step.value
        symbols = ", ".join(s.symbol for s in self.steps)
        raise KeyError(f"No step {symbol!r} in this trace. Recorded symbols: {symbols}.")

    @property
    def symbols(self) -> list[str]:
        return [s.symbol for s in self.steps]

    def __repr__(self) -> str:
        with np.printoptions(precision=4, suppress=True):
            lines = []
            for s in self.steps:
                head = f"{s.phase:<8} {s.symbol:<5} {s.name:<16}"
                if isinstance(s.value, float):
                    lines.append(f"{head} {s.value:.6g}")
                else:
                    body = np.array2string(s.value, prefix=" " * (len(head) + 1))
                    lines.append(f"{head} {body}")
            return "\n".join(lines)


class Network:
    r"""A feed-forward network: ``layers`` applied in order.

    Parameters
    ----------
    layers : sequence of Layer
        For example ``[Dense(2, 2), Sigmoid(), Dense(2, 1), Sigmoid()]``.

    Examples
    --------
    >>> import numpy as np
    >>> from backprop_lab import Dense, Tanh
    >>> net = Network([Dense(2, 3, rng=0), Tanh(), Dense(3, 1, rng=0)])
    >>> net.forward(np.zeros((4, 2))).shape
    (4, 1)
    >>> net.n_params
    13
    """

    def __init__(self, layers: Sequence[Layer]) -> None:
        if isinstance(layers, Layer):
            raise TypeError("Network() expected a list of layers, got a single layer. "
                            "Wrap it in a list: Network([layer]).")
        if not isinstance(layers, Sequence):
            raise TypeError(
                f"Network() expected a list of layers such as [Dense(2, 3), ReLU()], got "
                f"{type(layers).__name__}."
            )
        layers = list(layers)
        if not layers:
            raise ValueError("Network() expected at least one layer, got an empty list.")
        for i, layer in enumerate(layers):
            if isinstance(layer, type) and issubclass(layer, Layer):
                raise TypeError(
                    f"Network() expected layers, got the class {layer.__name__} at position {i}. "
                    f"Add the parentheses: {layer.__name__}()."
                )
            if not isinstance(layer, Layer):
                raise TypeError(
                    f"Network() expected layers (Dense, ReLU, ...), got {type(layer).__name__} "
                    f"at position {i}. Activations are layers too: use ReLU(), not 'relu'."
                )
        first_seen: dict[int, int] = {}
        for i, layer in enumerate(layers):
            j = first_seen.setdefault(id(layer), i)
            if j != i:
                raise ValueError(
                    f"Network(): the same {layer!r} object is at positions {j} and {i}. "
                    "A layer keeps one cache and one set of gradients, so it can appear only "
                    f"once: create a second layer, e.g. {type(layer).__name__}(...)."
                )
        self._check_widths(layers)
        dtypes = {layer.dtype for layer in layers if layer.dtype is not None}
        if len(dtypes) > 1:
            raise TypeError(
                f"Network() expected every Dense layer to have the same dtype, got "
                f"{sorted(str(d) for d in dtypes)}. Pass the same dtype= to each Dense."
            )
        self.layers: list[Layer] = layers
        # the layer that checks X's width and dtype: the first with a fixed width, if only
        # layers that keep the shape (activations) come before it
        self._input_layer = None
        for layer in layers:
            if layer.n_in is not None:
                self._input_layer = layer
                break
            if not layer.keeps_shape:
                break

    @staticmethod
    def _check_widths(layers: list[Layer]) -> None:
        """Each layer of fixed width takes as many features as the last one before it
        gives, when only layers that keep the shape come between them."""
        before = None
        for layer in layers:
            if before is not None and layer.n_in is not None and layer.n_in != before.n_out:
                raise ValueError(
                    f"Network(): {before!r} is followed by {layer!r}; the second needs "
                    f"n_in={before.n_out}. Use Dense({before.n_out}, {layer.n_out})."
                )
            if layer.n_out is not None:
                before = layer
            elif not layer.keeps_shape:
                before = None  # a width the network does not know

    # -- passes --------------------------------------------------------------------
    @checked(by="_check_input", then="_check_output",
             who="Network.forward()")
    def forward(self, X: np.ndarray) -> np.ndarray:
        r"""Apply every layer in order, caching what backward needs;
        return :math:`\hat Y`."""
        A = X
        for layer in self.layers:
            A = layer._forward(A)  # X was checked once, above
        return A

    @checked(by="_check_input", then="_check_output",
             who="Network.predict()")
    def predict(self, X: np.ndarray) -> np.ndarray:
        """The same output as :meth:`forward`, without caching (logits
        for a classifier)."""
        A = X
        for layer in self.layers:
            A = layer._predict(A)
        return A

    @checked(by="_check_upstream", then="_check_gradients", quiet=True,
             who="Network.backward()")
    def backward(self, dY: np.ndarray, *, input_grad: bool = True):
        r"""Backpropagate :math:`dY = \partial L/\partial \hat Y` through
        every layer.

        Fills every layer's ``grads`` and returns
        :math:`\partial L/\partial X`, or ``None`` with
        ``input_grad=False`` (training never needs it, and skipping it
        saves the first layer's largest matrix product).
        """
        dA = dY
        for i in range(len(self.layers) - 1, -1, -1):
            dA = self.layers[i]._backward(dA, need_dX=input_grad or i > 0)
        return dA if input_grad else None

    def __call__(self, X):
        return self.forward(X)

    # -- the checks of the passes ------------------------------------------------------
    def _check_input(self, X, who: str) -> np.ndarray:
        if self._input_layer is not None:
            return self._input_layer._check_input(X, of_network=True)
        return check_has_rows(check_float_array(X, "X", who), "X", who)

    def _check_output(self, A: np.ndarray, X: np.ndarray, who: str) -> None:
        """Raise if finite inputs gave a non-finite output, saying whether the parameters are
        broken (a diverged run) or the arithmetic overflowed."""
        if np.isfinite(A).all():
            return
        self.check_parameters_finite(who)
        raise ValueError(
            f"{who}: the output contains inf or NaN although X and the parameters are finite: "
            "the values overflowed. Rescale X (for example with standardize()) or use smaller "
            "initial weights."
        )

    def _check_upstream(self, dY, who: str) -> np.ndarray:
        self._check_caches(who)
        dY = self.layers[-1]._check_upstream(dY, who, of_network=True)
        self._check_cached_rows(len(dY), who)
        return dY

    def check_parameters_finite(self, who: str = "Network") -> None:
        """Raise ``ValueError`` naming the first parameter that holds NaN or infinity."""
        for name, param, _ in self.named_parameters():
            if not np.isfinite(param).all():
                raise ValueError(
                    f"{who}: the parameter {name} of the network contains NaN or infinity, "
                    "so every output would too. The network probably diverged in an earlier "
                    "training run (learning rate too large) or was loaded from a broken file: "
                    "build it afresh, or load a good copy with backprop_lab.load()."
                )

    def _check_gradients(self, dX: np.ndarray | None, dY: np.ndarray, who: str) -> None:
        """Raise ``ValueError`` naming the first layer whose gradients (or ``dX``) hold inf
        or NaN: a broken parameter, else a finite ``dY`` or weights too large."""
        for i, layer in enumerate(self.layers):
            if any(not np.isfinite(g).all() for g in layer.grads.values()):
                self.check_parameters_finite(who)
                layer._check_gradients(None, who, f" (layer {i})")
        if dX is not None and not np.isfinite(dX).all():
            self.check_parameters_finite(who)
            self.layers[0]._check_gradients(dX, who, " (layer 0)")

    def _check_caches(self, who: str) -> None:
        for layer in self.layers:
            if not layer.cache:
                raise RuntimeError(
                    f"{who} was called before forward(): {layer!r} has no cache "
                    "from a forward pass of this network. Call net.forward(X) first."
                )

    def _check_cached_rows(self, n_rows: int, who: str) -> None:
        """Every layer's cache must come from the same batch as ``dY`` (``n_rows`` samples):
        a layer run on its own since ``net.forward`` holds another batch."""
        for i, layer in enumerate(self.layers):
            rows = layer._cache_rows()
            if rows is not None and rows != n_rows:
                raise ValueError(
                    f"{who}: layer {i}, {layer!r}, holds a forward pass of {rows} samples, "
                    f"but dY has {n_rows} rows. The layer was run on another batch after "
                    "net.forward(X); call net.forward(X) again, then backward."
                )

    # -- parameters ------------------------------------------------------------------
    def named_parameters(self) -> Iterator[tuple[str, np.ndarray, np.ndarray]]:
        """Yield ``(name, param, grad)`` for every trainable array, e.g. ``("0.W", W, dW)``.

        ``name`` is ``"<layer index>.<key>"``; ``param`` and ``grad`` are the arrays
        themselves (update them in place).
        """
        for i, layer in enumerate(self.layers):
            for key, param in layer.params.items():
                yield f"{i}.{key}", param, layer.grads[key]

    def parameters(self) -> list[np.ndarray]:
        """The trainable arrays, in layer order."""
        return [p for _, p, _ in self.named_parameters()]

    @property
    def n_params(self) -> int:
        return sum(layer.n_params for layer in self.layers)

    @property
    def dtype(self) -> np.dtype:
        for layer in self.layers:
            if layer.dtype is not None:
                return layer.dtype
        return np.dtype(np.float64)

    # -- cost ------------------------------------------------------------------------
    def multiply_adds(self, n_samples: int, *, input_grad: bool = True) -> dict:
        r"""Count the multiply-adds of the matrix products of one forward and one backward
        pass on a batch of ``n_samples`` (chapter "Backpropagation, layer by layer").

        A :class:`~backprop_lab.Dense` layer ``(n_in -> n_out)`` costs
        :math:`n\,n_\text{in}n_\text{out}` multiply-adds forward (:math:`XW`), the same for
        :math:`dW = X^\top dY` and the same again for :math:`dX = dY\,W^\top`: the backward
        pass costs twice the forward pass, or once for the first layer when ``input_grad`` is
        false (training never needs :math:`dX` of the input). Element-wise work (adding
        ``b``, summing ``db``, activations and their derivatives) is of order
        :math:`n\,n_\text{out}` per layer, a fraction :math:`1/n_\text{in}` of the product,
        and is not counted.

        Returns
        -------
        dict
            ``"forward"`` and ``"backward"``: the totals; ``"layers"``: one
            ``(repr, forward, backward)`` tuple per layer, in order.

        >>> from backprop_lab import Dense, ReLU
        >>> net = Network([Dense(784, 128, rng=0), ReLU(), Dense(128, 10, rng=0)])
        >>> counts = net.multiply_adds(64)
        >>> counts["forward"], counts["backward"]
        (6504448, 13008896)
        >>> net.multiply_adds(64, input_grad=False)["backward"]
        6586368
        """
        from .layers import Dense  # the only layer type with a matrix product

        who = "Network.multiply_adds()"
        if isinstance(n_samples, bool) or not isinstance(n_samples, int | np.integer) \
                or n_samples < 1:
            raise ValueError(f"{who} expected n_samples, a whole number >= 1, got "
                             f"{n_samples!r}.")
        if not isinstance(input_grad, bool):
            raise TypeError(f"{who} expected input_grad to be True or False, got "
                            f"{input_grad!r}.")
        # the count itself (printed by the chapter on backpropagation)
        rows, forward, backward = [], 0, 0
        for i, layer in enumerate(self.layers):
            if isinstance(layer, Dense):
                product = int(n_samples) * layer.n_in * layer.n_out
                # dW always; dX unless this is layer 0 and dX is not
                # wanted, as in backward()
                dX = input_grad or i > 0
                f, b = product, product * (2 if dX else 1)
            elif layer.keeps_shape and not layer.params:
                f = b = 0  # element-wise: no matrix product
            else:
                raise TypeError(
                    f"{who} counts Dense layers and element-wise "
                    f"activations, got {layer!r} at position {i}, "
                    "whose cost it does not know."
                )
            rows.append((repr(layer), f, b))
            forward, backward = forward + f, backward + b
        return {"forward": forward, "backward": backward,
                "layers": rows}

    # -- display ---------------------------------------------------------------------
    def summary(self) -> str:
        """A table of layers, output shapes and parameter counts.

        >>> from backprop_lab import Dense, Sigmoid
        >>> print(Network([Dense(2, 2, rng=0), Sigmoid(), Dense(2, 1, rng=0)]).summary())
        #  layer          output shape    parameters
        0  Dense(2 -> 2)  (n_samples, 2)  6 (W 2x2, b 2)
        1  Sigmoid()      (n_samples, 2)  0
        2  Dense(2 -> 1)  (n_samples, 1)  3 (W 2x1, b 1)
        total parameters: 9
        """
        rows = [("#", "layer", "output shape", "parameters")]
        width = self._input_layer.n_in if self._input_layer else None
        for i, layer in enumerate(self.layers):
            if layer.n_out is not None:
                width = layer.n_out
            elif not layer.keeps_shape:
                width = None
            detail = str(layer.n_params)
            if layer.params:  # e.g. "6 (W 2x2, b 2)"
                shapes = ", ".join(f"{key} {'x'.join(map(str, p.shape))}"
                                   for key, p in layer.params.items())
                detail += f" ({shapes})"
            shape = f"(n_samples, {width})" if width is not None else "(n_samples, ...)"
            rows.append((str(i), repr(layer), shape, detail))
        widths = [max(len(r[c]) for r in rows) for c in range(3)]
        lines = ["  ".join([*(r[c].ljust(widths[c]) for c in range(3)), r[3]]) for r in rows]
        lines.append(f"total parameters: {self.n_params}")
        return "\n".join(line.rstrip() for line in lines)

    def __repr__(self) -> str:
        return "Network([" + ", ".join(repr(layer) for layer in self.layers) + "])"

    def trace(self, X: np.ndarray, y=None, loss: Loss | None = None, *, dY=None) -> Trace:
        r"""Run one forward and backward pass and record every intermediate.

        Symbols follow the book: the ``k``-th :class:`Dense` layer outputs the
        pre-activation ``Zk``, the activation after it outputs ``Ak``; backward records
        ``dAk``, ``dZk``, ``dWk`` and ``dbk``. With ``loss`` and ``y`` the backward pass starts
        from :math:`\partial L/\partial\hat Y`; otherwise pass the upstream gradient ``dY``.
        The layers' caches and grads are left as after a normal forward/backward.
        """
        if (loss is None) == (dY is None):
            raise ValueError(
                "Network.trace() expected either a loss with targets y, or an upstream gradient "
                "dY, not both or neither. Example: net.trace(X, y, MSE())."
            )
        if loss is not None and y is None:
            raise ValueError("Network.trace() was given a loss but no targets y.")
        if loss is None and y is not None:
            raise ValueError(
                "Network.trace() was given targets y and an upstream gradient dY; y would be "
                "ignored. Pass a loss to start from the loss, net.trace(X, y, MSE()), or only dY."
            )
        if loss is not None:
            loss = _as_loss(loss, "Network.trace()")
        symbols = self._symbols()
        A = self._check_input(X, "Network.trace()")
        steps = [TraceStep("forward", None, "input", "X", A.copy())]
        for i, layer in enumerate(self.layers):
            A = layer._forward(A)
            steps.append(TraceStep("forward", i, repr(layer), symbols[i], A.copy()))
        if loss is not None:
            L = loss.forward(A, y)
            steps.append(TraceStep("loss", None, repr(loss), "L", L))
            dA = loss.backward()
        else:
            dA = self.layers[-1]._check_upstream(dY, "Network.trace()", of_network=True)
        steps.append(TraceStep("backward", len(self.layers) - 1, "output", "d" + symbols[-1],
                               np.array(dA, copy=True)))
        for i in range(len(self.layers) - 1, -1, -1):
            layer = self.layers[i]
            with np.errstate(over="ignore", invalid="ignore"):  # reported just below
                dA = layer._backward(dA)
            layer._check_gradients(dA if i == 0 else None, "Network.trace()", f" (layer {i})")
            k = symbols[i][1:]
            for key, grad in layer.grads.items():
                steps.append(TraceStep("backward", i, repr(layer), f"d{key}{k}", grad.copy()))
            name = "dX" if i == 0 else "d" + symbols[i - 1]
            steps.append(TraceStep("backward", i, repr(layer), name, dA.copy()))
        return Trace(steps)

    def _symbols(self) -> list[str]:
        """``Z1, A1, Z2, A2, ...``: the book's names of each layer's output."""
        out, k = [], 0
        for layer in self.layers:
            if layer.params or k == 0:  # each layer with parameters starts a new k
                k += 1
            out.append(f"{layer.output_symbol}{k}")
        return out
