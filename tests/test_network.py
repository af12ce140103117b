"""The network: forward/backward composition, the book's hand-worked 2-2-1 example, trace."""

import numpy as np
import pytest

from backprop_lab import (
    MSE,
    BinaryCrossEntropy,
    Dense,
    LeakyReLU,
    Network,
    ReLU,
    Sigmoid,
    SoftmaxCrossEntropy,
    Tanh,
    gradcheck,
)


def hand_worked_network():
    """The 2-2-1 sigmoid network the book works through by hand."""
    net = Network([Dense(2, 2, init="zeros"), Sigmoid(), Dense(2, 1, init="zeros"), Sigmoid()])
    net.layers[0].params["W"][:] = [[0.15, 0.25], [0.20, 0.30]]
    net.layers[0].params["b"][:] = [0.35, 0.35]
    net.layers[2].params["W"][:] = [[0.40], [0.45]]
    net.layers[2].params["b"][:] = [0.60]
    return net, np.array([[0.05, 0.10]]), np.array([[0.01]])


def test_hand_worked_2_2_1_numbers():
    # The values below were worked out by hand (scalar chain rule) and are printed in the book.
    net, X, y = hand_worked_network()
    trace = net.trace(X, y, MSE())
    np.testing.assert_allclose(trace["Z1"], [[0.3775, 0.3925]], atol=1e-12)
    np.testing.assert_allclose(trace["A1"], [[0.593270, 0.596884]], atol=1e-6)
    np.testing.assert_allclose(trace["Z2"], [[1.105906]], atol=1e-6)
    np.testing.assert_allclose(trace["A2"], [[0.751365]], atol=1e-6)
    assert trace["L"] == pytest.approx(0.549622, abs=1e-6)
    np.testing.assert_allclose(trace["dZ2"], [[0.276997]], atol=1e-6)
    np.testing.assert_allclose(trace["dW2"], [[0.164334], [0.165335]], atol=1e-6)
    np.testing.assert_allclose(trace["db2"], [0.276997], atol=1e-6)
    np.testing.assert_allclose(trace["dZ1"], [[0.026736, 0.029992]], atol=1e-6)
    np.testing.assert_allclose(trace["dW1"], [[0.001337, 0.001500], [0.002674, 0.002999]],
                               atol=1e-6)
    np.testing.assert_allclose(trace["db1"], [0.026736, 0.029992], atol=1e-6)


def test_hand_worked_matches_scalar_chain_rule():
    """The same numbers from scalar formulas written out independently of the library."""
    import math

    s = lambda z: 1 / (1 + math.exp(-z))  # noqa: E731
    net, X, y = hand_worked_network()
    (x1, x2), t = X[0], y[0, 0]
    a1, a2 = s(x1 * 0.15 + x2 * 0.20 + 0.35), s(x1 * 0.25 + x2 * 0.30 + 0.35)
    p = s(a1 * 0.40 + a2 * 0.45 + 0.60)
    dzo = 2 * (p - t) * p * (1 - p)
    dz1, dz2 = dzo * 0.40 * a1 * (1 - a1), dzo * 0.45 * a2 * (1 - a2)
    loss = MSE()
    assert loss.forward(net.forward(X), y) == pytest.approx((p - t) ** 2, rel=1e-14)
    net.backward(loss.backward())
    np.testing.assert_allclose(net.layers[2].grads["W"], [[dzo * a1], [dzo * a2]], rtol=1e-13)
    np.testing.assert_allclose(net.layers[0].grads["W"],
                               [[dz1 * x1, dz2 * x1], [dz1 * x2, dz2 * x2]], rtol=1e-13)


def test_trace_symbols_and_that_it_matches_forward_backward():
    net, X, y = hand_worked_network()
    trace = net.trace(X, y, MSE())
    assert trace.symbols == ["X", "Z1", "A1", "Z2", "A2", "L", "dA2", "dZ2", "dW2", "db2",
                             "dA1", "dZ1", "dW1", "db1", "dX"]
    loss = MSE()
    np.testing.assert_array_equal(trace["A2"], net.forward(X))
    loss.forward(net.forward(X), y)
    np.testing.assert_array_equal(trace["dX"], net.backward(loss.backward()))
    assert "Z1" in repr(trace)
    with pytest.raises(KeyError, match="Recorded symbols"):
        trace["Q7"]


@pytest.mark.parametrize(
    "layers",
    [
        lambda: [Dense(3, 5, rng=0), Tanh(), Dense(5, 2, rng=1)],
        lambda: [Dense(3, 4, rng=0), ReLU(), Dense(4, 4, rng=1), LeakyReLU(0.1),
                 Dense(4, 2, rng=2)],
        lambda: [Dense(3, 2, rng=0), Sigmoid()],
    ],
)
def test_network_gradients_random_upstream(layers):
    X = np.random.default_rng(5).standard_normal((6, 3))
    result = gradcheck(Network(layers()), X, rng=0)
    assert result.passed, result


@pytest.mark.parametrize(
    "loss,y,last",
    [
        (MSE(), np.random.default_rng(1).standard_normal((6, 2)), []),
        (SoftmaxCrossEntropy(), np.array([0, 1, 1, 0, 1, 0]), []),
        (BinaryCrossEntropy(), np.array([[0.0, 1], [1, 1], [0, 0], [1, 0], [0, 1], [1, 1]]),
         [Sigmoid()]),
    ],
)
def test_network_gradients_through_each_loss(loss, y, last):
    net = Network([Dense(3, 4, rng=0), Tanh(), Dense(4, 2, rng=1), *last])
    X = np.random.default_rng(5).standard_normal((6, 3))
    result = gradcheck(net, X, y, loss=loss)
    assert result.passed, result


@pytest.mark.parametrize(
    "loss,Y_hat,y",
    [
        (MSE(), np.random.default_rng(0).standard_normal((4, 3)),
         np.random.default_rng(1).standard_normal((4, 3))),
        (BinaryCrossEntropy(), np.random.default_rng(0).uniform(0.05, 0.95, (4, 3)),
         np.random.default_rng(1).integers(0, 2, (4, 3)).astype(float)),
        (SoftmaxCrossEntropy(), np.random.default_rng(0).standard_normal((5, 3)) * 3,
         np.array([0, 2, 1, 1, 0])),
    ],
)
def test_loss_gradients(loss, Y_hat, y):
    assert gradcheck(loss, Y_hat, y).passed


def test_softmax_cross_entropy_is_stable_for_huge_logits():
    loss = SoftmaxCrossEntropy()
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        L = loss.forward(np.array([[1000.0, 0.0], [0.0, -1000.0]]), np.array([1, 0]))
        dZ = loss.backward()
    assert L == pytest.approx(500.0)
    assert np.isfinite(dZ).all()


def test_predict_equals_forward_and_leaves_caches():
    net = Network([Dense(2, 3, rng=0), ReLU(), Dense(3, 1, rng=1)])
    X = np.random.default_rng(0).standard_normal((5, 2))
    Y = net.forward(X)
    caches = [dict(layer.cache) for layer in net.layers]
    np.testing.assert_array_equal(net.predict(np.ones((2, 2))), net.forward(np.ones((2, 2))))
    net.forward(X)
    net.predict(np.ones((7, 2)))
    for layer, cache in zip(net.layers, caches, strict=True):
        assert layer.cache.keys() == cache.keys()
    np.testing.assert_array_equal(net.predict(X), Y)


def test_backward_without_input_gradient_gives_same_parameter_gradients():
    net = Network([Dense(2, 3, rng=0), ReLU(), Dense(3, 1, rng=1)])
    X = np.random.default_rng(0).standard_normal((5, 2))
    dY = np.random.default_rng(1).standard_normal((5, 1))
    net.forward(X)
    dX = net.backward(dY)
    full = [g.copy() for _, _, g in net.named_parameters()]
    net.forward(X)
    assert net.backward(dY, input_grad=False) is None
    for g, h in zip(full, (g for _, _, g in net.named_parameters()), strict=True):
        np.testing.assert_array_equal(g, h)
    assert dX.shape == X.shape


def test_parameters_and_summary():
    net = Network([Dense(2, 3, rng=0), ReLU(), Dense(3, 1, rng=1)])
    names = [name for name, _, _ in net.named_parameters()]
    assert names == ["0.W", "0.b", "2.W", "2.b"]
    assert net.parameters()[0] is net.layers[0].params["W"]
    assert net.n_params == 2 * 3 + 3 + 3 + 1
    text = net.summary()
    assert "Dense(2 -> 3)" in text and "total parameters: 13" in text


def test_float32_network_end_to_end():
    f32 = np.float32
    net = Network([Dense(3, 4, rng=0, dtype=f32), Tanh(), Dense(4, 2, rng=1, dtype=f32)])
    X = np.random.default_rng(0).standard_normal((5, 3)).astype(np.float32)
    loss = SoftmaxCrossEntropy()
    Y = net.forward(X)
    assert Y.dtype == np.float32
    loss.forward(Y, np.array([0, 1, 0, 1, 1]))
    dY = loss.backward()
    assert dY.dtype == np.float32
    assert net.backward(dY).dtype == np.float32
    assert all(g.dtype == np.float32 for _, _, g in net.named_parameters())


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_bce_confident_mistake_keeps_its_gradient(dtype):
    """Through a Sigmoid, dL/dz = (p - y)/N also for a confident mistake (z = -20, p = 2e-9) in
    float32: the loss clamps only each log (at -100) and p(1-p) (at 1e-12), as torch's BCELoss
    does, and no longer clips p itself (which made this gradient 50 times too small)."""
    Z = np.array([[-20.0], [0.0]], dtype)
    Y = np.array([[1.0], [1.0]], dtype)
    sigmoid, loss = Sigmoid(), BinaryCrossEntropy()
    P = sigmoid.forward(Z)
    L = loss.forward(P, Y)
    dZ = sigmoid.backward(loss.backward())
    assert dZ.dtype == dtype
    np.testing.assert_allclose(dZ, (P - Y) / 2, rtol=1e-5)
    assert L == pytest.approx((20.0 + np.log1p(np.exp(-20.0)) + np.log(2.0)) / 2, rel=1e-6)


def test_bce_of_a_certain_mistake_is_100():
    """p = 0 for y = 1 and p = 1 for y = 0: each log is clamped at -100, the loss is finite."""
    loss = BinaryCrossEntropy()
    assert loss.forward(np.array([[0.0], [1.0]]), np.array([[1.0], [0.0]])) == 100.0
    assert np.isfinite(loss.backward()).all()


def test_trace_symbols_of_a_network_that_starts_with_an_activation():
    net = Network([Tanh(), Dense(2, 1, rng=0)])
    trace = net.trace(np.ones((1, 2)), dY=np.ones((1, 1)))
    assert [step.symbol for step in trace.steps][:3] == ["X", "A1", "Z2"]


def test_predict_between_forward_and_backward_leaves_the_cache_alone():
    """net.predict(X2) must not replace the cache of net.forward(X1): backward still gives the
    gradients of X1."""
    rng = np.random.default_rng(0)
    X1, X2 = rng.standard_normal((4, 3)), rng.standard_normal((4, 3))
    dY = rng.standard_normal((4, 2))
    net = Network([Dense(3, 5, rng=1), Tanh(), Dense(5, 2, rng=2)])
    net.forward(X1)
    expected = net.backward(dY)
    W_grad = net.layers[0].grads["W"].copy()
    net.forward(X1)
    net.predict(X2)
    np.testing.assert_array_equal(net.backward(dY), expected)
    np.testing.assert_array_equal(net.layers[0].grads["W"], W_grad)


def test_a_custom_layer_that_changes_the_width_before_the_first_dense():
    """X is checked against the first Dense only when nothing before it changes the width."""
    from backprop_lab import Layer

    class Duplicate(Layer):
        """[x, x]: doubles the number of columns."""

        def _forward(self, X):
            self.cache = {"X": X}
            return np.hstack([X, X])

        _predict = _forward

        def _backward(self, dY):
            half = dY.shape[1] // 2
            return dY[:, :half] + dY[:, half:]

        def _output_shape(self, cache):
            n, d = cache["X"].shape
            return (n, 2 * d)

    net = Network([Duplicate(), Dense(4, 1, rng=0)])
    X = np.random.default_rng(0).standard_normal((3, 2))  # 2 columns, not Dense's 4
    np.testing.assert_allclose(net.predict(X), np.hstack([X, X]) @ net.layers[1].params["W"])
