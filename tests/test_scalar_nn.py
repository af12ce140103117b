"""Tests of the scalar networks ``backprop_lab.scalar_nn`` (chapter "The chain rule").

Moved from ``tests/test_autodiff.py`` when ``Neuron``, ``ScalarLayer`` (formerly the scalar
``Layer``) and ``MLP`` moved to a module of their own.
"""

from __future__ import annotations

import doctest
import gc
import weakref

import numpy as np
import pytest
from test_autodiff import numeric_grad  # the central difference the Value tests use

from backprop_lab import scalar_nn
from backprop_lab.autodiff import Value
from backprop_lab.scalar_nn import MLP, Neuron, ScalarLayer


def test_mlp_shapes_and_parameters():
    net = MLP(2, [16, 16, 1], rng=0)
    assert len(net.layers) == 3
    assert len(net.parameters()) == (2 * 16 + 16) + (16 * 16 + 16) + (16 + 1)
    out = net([0.1, 0.2])
    assert isinstance(out, list) and len(out) == 1
    assert net.layers[-1].neurons[0].activation == "linear"
    assert net.layers[0].neurons[0].activation == "tanh"
    assert repr(net).startswith("MLP([ScalarLayer(2 -> 16, activation='tanh')")
    layer_out = ScalarLayer(3, 1, rng=0)([1.0, 2.0, 3.0])
    assert isinstance(layer_out, list) and len(layer_out) == 1


def test_mlp_same_seed_same_weights():
    a = [p.data for p in MLP(3, [4, 2], rng=7).parameters()]
    b = [p.data for p in MLP(3, [4, 2], rng=np.random.default_rng(7)).parameters()]
    c = [p.data for p in MLP(3, [4, 2], rng=8).parameters()]
    assert a == b
    assert a != c


def test_init_does_not_touch_global_state():
    state = np.random.get_state()[1].copy()
    MLP(3, [4, 2], rng=None)
    Neuron(5)
    assert np.array_equal(np.random.get_state()[1], state)


def test_neuron_weights_are_bounded():
    n = Neuron(16, rng=0)
    assert all(abs(w.data) <= 0.25 for w in n.w)
    assert n.b.data == 0.0


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid", "linear", "TANH"])
def test_neuron_gradient_matches_central_differences(activation):
    n = Neuron(3, activation=activation, rng=1)
    x = [0.5, -1.0, 2.0]
    params = n.parameters()
    out = n(x) * 1.7
    out.backward()

    def f(values):
        for p, v in zip(params, values, strict=True):
            p.data = v
        return n(x).data * 1.7

    original = [p.data for p in params]
    grads = [p.grad for p in params]
    for i in range(len(params)):
        expected = numeric_grad(f, original, i)
        assert grads[i] == pytest.approx(expected, rel=1e-5, abs=1e-7)
    f(original)


def test_mlp_zero_grad():
    net = MLP(2, [3, 1], rng=0)
    loss = net([1.0, 2.0])[0] ** 2
    loss.backward()
    assert any(p.grad != 0.0 for p in net.parameters())
    net.zero_grad()
    assert all(p.grad == 0.0 for p in net.parameters())


def test_mlp_training_decreases_the_loss():
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, size=(20, 2)).tolist()
    y = [1.0 if a * b > 0 else -1.0 for a, b in X]
    net = MLP(2, [8, 1], rng=0)

    def loss_value():
        return Value.sum([(net(x)[0] - t) ** 2 for x, t in zip(X, y, strict=True)]) / len(X)

    first = loss_value().data
    for _ in range(100):
        loss = loss_value()
        net.zero_grad()
        loss.backward()
        for p in net.parameters():
            p.data -= 0.2 * p.grad
    assert loss_value().data < 0.5 * first


@pytest.mark.parametrize(
    ("build", "error", "match"),
    [
        (lambda: Neuron(0), ValueError, r"Neuron expected n_in >= 1, got 0"),
        (lambda: Neuron(2.5), TypeError, r"Neuron expected n_in to be an integer"),
        (lambda: Neuron(2, activation="softplus"), ValueError, r"unknown activation 'softplus'"),
        (lambda: Neuron(2, rng="seed"), TypeError, r"expected rng to be None, an integer seed"),
        (lambda: ScalarLayer(2, 0), ValueError, r"Layer expected n_out >= 1, got 0"),
        (lambda: MLP(2, 16), TypeError, r"MLP expected layer_sizes to be a list of integers"),
        (lambda: MLP(2, []), ValueError, r"MLP expected at least one layer size"),
        (lambda: MLP(2, [4, 0]), ValueError, r"MLP expected every layer size >= 1, got 0"),
        (lambda: MLP(0, [4]), ValueError, r"MLP expected n_in >= 1"),
    ],
)
def test_network_construction_errors(build, error, match):
    with pytest.raises(error, match=match):
        build()


def test_network_call_errors():
    net = MLP(2, [3, 1], rng=0)
    with pytest.raises(ValueError, match=r"MLP expected x with 2 entries, got 3"):
        net([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match=r"Neuron\(2 inputs\) expected x with 2 entries, got 1"):
        Neuron(2)([1.0])
    with pytest.raises(ValueError, match=r"Layer\(2 -> 3\) expected x with 2 entries, got 1"):
        ScalarLayer(2, 3)([1.0])
    with pytest.raises(TypeError, match=r"MLP expected one sample x as a sequence"):
        net(1.0)
    with pytest.raises(TypeError, match=r"Neuron expected Values or real numbers, got str"):
        Neuron(2)([1.0, "a"])


def _mlp_step(net, X, y):
    loss = Value.sum([(net(x)[0] - t) ** 2 for x, t in zip(X, y, strict=True)])
    net.zero_grad()
    loss.backward()
    return loss


def test_mlp_graph_stays_small():
    # Speed is shown by `make bench` (goal: <= 100 ms for this MLP), not by a timed test.
    # What makes it fast is structural: Neuron uses one `dot` node per neuron instead of a
    # `*` and a `+` node per weight, so the graph stays small. That is asserted here.
    rng = np.random.default_rng(0)
    X = rng.normal(size=(100, 2)).tolist()
    y = rng.normal(size=100).tolist()
    net = MLP(2, [16, 16, 1], rng=0)
    loss = Value(0.0)
    for xi, yi in zip(X, y, strict=True):
        out = net(xi)
        out = out[0] if isinstance(out, list) else out
        loss = loss + (out - yi) ** 2
    nodes, _ = loss.graph()
    assert len(nodes) < 12_000, len(nodes)


def test_no_reference_cycles_in_an_mlp_graph():
    net = MLP(2, [4, 1], rng=0)
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        out = net([0.5, -0.25])[0]
        loss = (out - 1.0) ** 2
        loss.backward()
        ref = weakref.ref(out)
        del out, loss
        assert ref() is None
    finally:
        if was_enabled:
            gc.enable()


def test_mlp_matches_torch():
    torch = pytest.importorskip("torch")
    net = MLP(2, [5, 4, 1], rng=3)
    X = [[0.3, -0.8], [1.2, 0.4], [-0.5, -0.1]]
    y = [0.5, -1.0, 2.0]
    _mlp_step(net, X, y)

    Ws, bs = [], []
    for layer in net.layers:
        W = [[n.w[i].data for n in layer.neurons] for i in range(layer.n_in)]
        Ws.append(torch.tensor(W, dtype=torch.float64, requires_grad=True))
        bs.append(
            torch.tensor([n.b.data for n in layer.neurons], dtype=torch.float64, requires_grad=True)
        )
    H = torch.tensor(X, dtype=torch.float64)
    for k, (W, b) in enumerate(zip(Ws, bs, strict=True)):
        H = H @ W + b
        if k < len(Ws) - 1:
            H = torch.tanh(H)
    loss = ((H[:, 0] - torch.tensor(y, dtype=torch.float64)) ** 2).sum()
    loss.backward()
    for layer, W, b in zip(net.layers, Ws, bs, strict=True):
        for j, n in enumerate(layer.neurons):
            assert [w.grad for w in n.w] == pytest.approx(W.grad[:, j].tolist(), rel=1e-10)
            assert n.b.grad == pytest.approx(b.grad[j].item(), rel=1e-10)


def test_neuron_weights_are_uniform_in_plus_minus_one_over_sqrt_n_in():
    neuron = Neuron(100, rng=0)
    w = np.array([v.data for v in neuron.w])
    assert np.abs(w).max() <= 0.1
    assert np.abs(w).max() > 0.08


def test_docstring_examples_run():
    result = doctest.testmod(scalar_nn, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 5
    assert result.failed == 0


def test_the_scalar_layer_names_itself_in_messages_and_repr():
    with pytest.raises(ValueError, match=r"^ScalarLayer expected n_out >= 1, got 0"):
        ScalarLayer(2, 0)
    with pytest.raises(ValueError, match=r"^ScalarLayer\(2 -> 3\) expected x with 2 entries, "
                                         r"got 1\.$"):
        ScalarLayer(2, 3)([1.0])
    assert repr(ScalarLayer(2, 3, activation="relu")) == "ScalarLayer(2 -> 3, activation='relu')"


def test_the_package_has_one_class_called_layer():
    import backprop_lab
    from backprop_lab import autodiff, layers

    assert backprop_lab.Layer is layers.Layer
    assert not hasattr(autodiff, "Layer") and not hasattr(scalar_nn, "Layer")
    assert not issubclass(ScalarLayer, layers.Layer)
    assert not hasattr(autodiff, "Neuron") and not hasattr(autodiff, "MLP")  # moved


def test_a_neuron_is_three_nodes_dot_plus_activation():
    n = Neuron(4, rng=0)
    y = n([1.0, 2.0, 3.0, 4.0])
    assert y.op == "tanh"
    (z,) = y.children
    assert z.op == "+" and z.children[1] is n.b
    dot = z.children[0]
    assert dot.op == "dot" and dot.children[:4] == tuple(n.w)
