r"""Neural networks built from scalar :class:`~backprop_lab.autodiff.Value` nodes
(chapter "The chain rule on a computational graph").

:class:`Neuron`, :class:`ScalarLayer` and :class:`MLP` compute one number at a time,
like micrograd's ``nn.py``: every weight is a ``Value``, so ``loss.backward()``
gives every weight its gradient through the scalar engine of
:mod:`backprop_lab.autodiff`. The matrix engine (:class:`backprop_lab.layers.Dense`,
:class:`backprop_lab.network.Network`) computes the same gradients with whole
arrays, much faster.

Examples
--------
>>> from backprop_lab.scalar_nn import MLP
>>> net = MLP(2, [3, 1], rng=0)
>>> loss = (net([0.5, -1.0])[0] - 1.0) ** 2
>>> net.zero_grad()
>>> loss.backward()
>>> len(net.parameters())             # (2*3 + 3) + (3 + 1)
13
"""

from __future__ import annotations

import math

from backprop_lab._checks import check_positive_int, check_rng, lookup
from backprop_lab.autodiff import Value, _as_value, _dot

__all__ = ["Module", "Neuron", "ScalarLayer", "MLP"]

_ACTIVATIONS = {
    "tanh": Value.tanh,
    "relu": Value.relu,
    "sigmoid": Value.sigmoid,
    "linear": None,
}


def _as_values(x, who: str) -> tuple[Value, ...]:
    """Return one sample as a tuple of Values: numbers become constant leaves, once."""
    if isinstance(x, Value | str) or not hasattr(x, "__len__"):
        raise TypeError(
            f"{who} expected one sample x as a sequence of numbers or Values, "
            f"got {type(x).__name__}."
        )
    return tuple(_as_value(v, who) for v in x)


class Module:
    """Base of :class:`Neuron`, :class:`ScalarLayer` and :class:`MLP`: parameters and zero_grad.

    Chapter "The chain rule".
    """

    def parameters(self) -> list[Value]:
        """Return the trainable ``Value`` objects."""
        return []

    def zero_grad(self) -> None:
        """Set ``grad`` to 0.0 on every parameter (gradients accumulate otherwise)."""
        for p in self.parameters():
            p.grad = 0.0


class Neuron(Module):
    r"""One neuron :math:`y = \phi(\mathbf w \cdot \mathbf x + b)` built from ``Value`` nodes.

    Chapter "The chain rule". The weighted sum is one ``dot`` node
    (:meth:`Value.dot`), then ``+ b``, then the activation: three nodes per
    neuron whatever ``n_in`` is, which keeps the scalar engine fast enough to
    train a small network.

    The weights are drawn from :math:`\mathcal U(-1/\sqrt{n_{in}}, 1/\sqrt{n_{in}})`
    (PyTorch's default for ``nn.Linear``); the bias starts at 0.

    Parameters
    ----------
    n_in : int
        Number of inputs.
    activation : {"tanh", "relu", "sigmoid", "linear"}, default "tanh"
        The nonlinearity :math:`\phi`; ``"linear"`` means none.
    rng : numpy.random.Generator or int, optional
        Source of the initial weights. Same seed, same weights.

    Attributes
    ----------
    w : list of Value, length n_in
        The weights.
    b : Value
        The bias.
    activation : str

    Examples
    --------
    >>> n = Neuron(2, activation="linear", rng=0)
    >>> y = n([1.0, 2.0])
    >>> abs(y.data - (n.w[0].data + 2 * n.w[1].data)) < 1e-12
    True
    """

    def __init__(self, n_in: int, *, activation: str = "tanh", rng=None):
        n_in = check_positive_int(n_in, "n_in", "Neuron")
        self._phi = lookup(activation, _ACTIVATIONS, "activation", "Neuron")
        self.activation = activation.lower()
        gen = check_rng(rng, "Neuron")
        bound = 1.0 / math.sqrt(n_in)
        self.w = [Value(w) for w in gen.uniform(-bound, bound, size=n_in).tolist()]
        self.b = Value(0.0)

    def __call__(self, x) -> Value:
        """Return the output for one sample ``x``, a sequence of ``n_in`` numbers or Values.

        Raises
        ------
        ValueError
            If ``x`` does not have ``n_in`` entries.
        """
        x = _as_values(x, "Neuron")
        if len(x) != len(self.w):
            raise ValueError(
                f"Neuron({len(self.w)} inputs) expected x with {len(self.w)} entries, got {len(x)}."
            )
        return self._forward(x)

    def _forward(self, x: tuple[Value, ...]) -> Value:
        z = _dot(tuple(self.w), x) + self.b
        return z if self._phi is None else self._phi(z)

    def parameters(self) -> list[Value]:
        """Return ``w + [b]``."""
        return [*self.w, self.b]

    def __repr__(self) -> str:
        return f"Neuron({len(self.w)}, activation={self.activation!r})"


class ScalarLayer(Module):
    """``n_out`` :class:`Neuron` objects that see the same input.

    Chapter "The chain rule".

    Parameters
    ----------
    n_in, n_out : int
        Inputs per neuron and number of neurons.
    activation : {"tanh", "relu", "sigmoid", "linear"}, default "tanh"
    rng : numpy.random.Generator or int, optional
        Source of the initial weights. Same seed, same weights.

    Examples
    --------
    >>> layer = ScalarLayer(3, 2, rng=0)
    >>> len(layer([1.0, 2.0, 3.0])), len(layer.parameters())
    (2, 8)
    """

    def __init__(self, n_in: int, n_out: int, *, activation: str = "tanh", rng=None):
        n_in = check_positive_int(n_in, "n_in", "ScalarLayer")
        n_out = check_positive_int(n_out, "n_out", "ScalarLayer")
        gen = check_rng(rng, "ScalarLayer")
        self.neurons = [Neuron(n_in, activation=activation, rng=gen) for _ in range(n_out)]
        self.n_in = n_in

    def __call__(self, x) -> list[Value]:
        """Return the ``n_out`` outputs for one sample ``x`` (always a list)."""
        x = _as_values(x, "ScalarLayer")
        if len(x) != self.n_in:
            raise ValueError(
                f"ScalarLayer({self.n_in} -> {len(self.neurons)}) expected x with {self.n_in} "
                f"entries, got {len(x)}."
            )
        return list(self._forward(x))

    def _forward(self, x: tuple[Value, ...]) -> tuple[Value, ...]:
        return tuple([n._forward(x) for n in self.neurons])

    def parameters(self) -> list[Value]:
        """Return every neuron's parameters, neuron by neuron."""
        return [p for n in self.neurons for p in n.parameters()]

    def __repr__(self) -> str:
        act = self.neurons[0].activation
        return f"ScalarLayer({self.n_in} -> {len(self.neurons)}, activation={act!r})"


class MLP(Module):
    """A multilayer perceptron of :class:`ScalarLayer` objects; the last layer is linear.

    Chapter "The chain rule".

    Parameters
    ----------
    n_in : int
        Number of input features.
    layer_sizes : sequence of int
        ``n_out`` of each layer, e.g. ``[16, 16, 1]`` for a 2-16-16-1 network.
    activation : {"tanh", "relu", "sigmoid", "linear"}, default "tanh"
        The nonlinearity of every hidden layer.
    rng : numpy.random.Generator or int, optional
        Source of all initial weights. Same seed, same network.

    Examples
    --------
    >>> net = MLP(2, [16, 16, 1], rng=0)
    >>> out = net([0.5, -1.0])
    >>> len(out), len(net.parameters())   # (2*16 + 16) + (16*16 + 16) + (16 + 1)
    (1, 337)
    >>> loss = (out[0] - 1.0) ** 2
    >>> net.zero_grad()
    >>> loss.backward()
    >>> net.layers[0].neurons[0].b.grad != 0.0
    True
    """

    def __init__(self, n_in: int, layer_sizes, *, activation: str = "tanh", rng=None):
        n_in = check_positive_int(n_in, "n_in", "MLP")
        if isinstance(layer_sizes, str) or not hasattr(layer_sizes, "__iter__"):
            raise TypeError(
                f"MLP expected layer_sizes to be a list of integers such as [16, 16, 1], "
                f"got {layer_sizes!r}."
            )
        sizes = [check_positive_int(s, "every layer size", "MLP") for s in layer_sizes]
        if not sizes:
            raise ValueError(
                "MLP expected at least one layer size, got an empty list. "
                "Pass e.g. layer_sizes=[16, 16, 1]."
            )
        gen = check_rng(rng, "MLP")
        dims = [n_in, *sizes]
        last = len(sizes) - 1
        self.layers = [
            ScalarLayer(dims[i], dims[i + 1], rng=gen,
                        activation=activation if i < last else "linear")
            for i in range(len(sizes))
        ]

    def __call__(self, x) -> list[Value]:
        """Return the outputs for one sample ``x``: a list of ``layer_sizes[-1]`` Values."""
        x = _as_values(x, "MLP")
        n_in = self.layers[0].n_in
        if len(x) != n_in:
            raise ValueError(f"MLP expected x with {n_in} entries, got {len(x)}.")
        for layer in self.layers:
            x = layer._forward(x)
        return list(x)

    def parameters(self) -> list[Value]:
        """Return every layer's parameters, layer by layer."""
        return [p for layer in self.layers for p in layer.parameters()]

    def __repr__(self) -> str:
        return f"MLP([{', '.join(repr(layer) for layer in self.layers)}])"
