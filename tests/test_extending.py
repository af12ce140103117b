"""A new layer and a new loss, defined here only, work with every part of the library.

Adding a layer or a loss touches one module: ``Network``, ``fit``, ``save``/``load``,
``predict_labels``/``accuracy`` and ``gradcheck`` ask the layer or the loss what they need
(widths, dtype, threshold, ``config``; ``classifier``, ``n_correct``, ``_targets``) instead of
checking its class. Nothing in ``backprop_lab`` is changed by this file.
"""

import numpy as np
import pytest

import backprop_lab as bl
from backprop_lab.layers import Layer, checks_input, checks_upstream
from backprop_lab.losses import Loss, checks_cache, checks_targets


class Scale(Layer):
    """A learnable scale per feature, :math:`Y = X \\odot s`."""

    keeps_shape = True

    def __init__(self, n: int, dtype=np.float64) -> None:
        super().__init__()
        self.n_in = self.n_out = n
        self.dtype = np.dtype(dtype)
        self.params = {"s": np.ones(n, dtype=self.dtype)}
        self.grads = {"s": np.zeros(n, dtype=self.dtype)}

    def __repr__(self) -> str:
        return f"Scale({self.n_in})"

    @checks_input
    def forward(self, X):
        self.cache = {"X": X}
        return X * self.params["s"]

    @checks_input
    def predict(self, X):
        return X * self.params["s"]

    @checks_upstream
    def backward(self, dY, need_dX=True):
        X = self.cache["X"]
        self.grads["s"][...] = (dY * X).sum(axis=0)
        return dY * self.params["s"] if need_dX else None

    def config(self):
        return {"n": self.n_in}

    @classmethod
    def from_config(cls, config, *, dtype, largest):
        return cls(config["n"], dtype=dtype)


class Hinge(Loss):
    """The hinge loss on one logit per sample and 0/1 targets: with :math:`t = 2y - 1`,
    :math:`L = \\frac1n \\sum \\max(0, 1 - t z)`."""

    classifier = True

    def _check(self, Y_hat, y):
        Y_hat = np.asarray(Y_hat)
        y = np.asarray(y, dtype=Y_hat.dtype)
        if Y_hat.shape != y.shape:
            raise ValueError(f"Hinge.forward() expected y of shape {Y_hat.shape}, got {y.shape}.")
        return Y_hat, y

    @checks_targets
    def forward(self, Z, y):
        t = 2 * y - 1
        margin = 1 - t * Z
        self.cache = {"t": t, "active": margin > 0}
        return float(np.mean(np.maximum(margin, 0.0)))

    @checks_cache
    def backward(self):
        t, active = self.cache["t"], self.cache["active"]
        return -t * active / t.size

    def n_correct(self, Z, y):
        return int(np.count_nonzero((Z >= 0) == (y >= 0.5)))


def _data(n=200, dtype=np.float64):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((n, 2)).astype(dtype)
    y = (X[:, 0] - 0.5 * X[:, 1] > 0).astype(np.int64)
    return X, y


def _net(dtype=np.float64):
    return bl.Network([bl.Dense(2, 8, rng=0, dtype=dtype), bl.Tanh(), Scale(8, dtype=dtype),
                       bl.Dense(8, 1, rng=1, dtype=dtype)])


def test_the_new_layer_passes_gradcheck_alone_and_in_a_network():
    X = np.random.default_rng(1).standard_normal((5, 3))
    layer = Scale(3)
    layer.params["s"][:] = [0.5, -2.0, 3.0]
    assert bl.gradcheck(layer, X, rng=0).passed
    assert bl.gradcheck(_net(), np.random.default_rng(2).standard_normal((6, 2)), rng=0).passed


def test_the_network_checks_widths_and_dtypes_through_the_new_layer():
    with pytest.raises(ValueError, match=r"Dense\(2 -> 8\) is followed by Scale\(7\); the "
                                         r"second needs n_in=8"):
        bl.Network([bl.Dense(2, 8), bl.Tanh(), Scale(7)])
    with pytest.raises(TypeError, match="same dtype"):
        bl.Network([bl.Dense(2, 8), Scale(8, dtype=np.float32)])
    net = _net()
    assert net.dtype == np.float64
    assert "2  Scale(8)       (n_samples, 8)  8 (s 8)\n" in net.summary()
    assert net.trace(np.ones((1, 2)), np.ones((1, 1)), bl.MSE()).symbols[:5] == [
        "X", "Z1", "A1", "A2", "Z3"]
    # Scale keeps the shape: the network's input is checked against the first Dense
    with pytest.raises(ValueError, match=r"expected X of shape \(n_samples, 8\)"):
        bl.Network([Scale(8), bl.Dense(8, 1)]).forward(np.ones((3, 4)))
    with pytest.raises(ValueError, match=r"Scale\(8\).backward\(\) expected dY of shape"):
        layer = Scale(8)
        layer.forward(np.ones((3, 8)))
        layer.backward(np.ones((3, 2)))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_fit_trains_with_the_new_layer_and_the_new_loss_and_records_accuracy(dtype):
    X, y = _data(dtype=dtype)
    net = _net(dtype)
    history = bl.fit(net, Hinge(), bl.SGD(net, lr=0.1, momentum=0.9), X, y[:, None],
                     epochs=15, batch_size=20, seed=0, validation=(X[:50], y[:50, None]))
    assert history.accuracy is not None and history.val_accuracy is not None
    assert history.loss[-1] < 0.5 * history.loss[0]
    labels = bl.predict_labels(net, X)  # the last layer is Dense: class 1 from z >= 0
    np.testing.assert_array_equal(labels, (net.predict(X)[:, 0] >= 0).astype(np.int64))
    assert bl.accuracy(y, labels) > 0.9
    # the last epoch's training accuracy was counted by Hinge.n_correct, batch by batch
    assert 0.8 < history.accuracy[-1] <= 1.0
    assert net.layers[2].params["s"].dtype == dtype
    assert not np.array_equal(net.layers[2].params["s"], np.ones(8))  # it learned


def test_a_new_last_layer_sets_the_label_threshold():
    class Probability(Layer):
        """:math:`(1 + \\tanh z)/2`, a probability: class 1 from 0.5."""

        keeps_shape = True
        threshold = 0.5

        @checks_input
        def forward(self, Z):
            A = (1 + np.tanh(Z)) / 2
            self.cache = {"A": A}
            return A

        @checks_upstream
        def backward(self, dA, need_dX=True):
            A = self.cache["A"]
            return dA * 2 * A * (1 - A)

    net = bl.Network([bl.Dense(1, 1, init="zeros"), Probability()])
    net.layers[0].params["b"][:] = 0.1  # p slightly above 0.5: class 1, though p < 1
    np.testing.assert_array_equal(bl.predict_labels(net, np.zeros((3, 1))), [1, 1, 1])
    net.layers[0].params["b"][:] = -0.1
    np.testing.assert_array_equal(bl.predict_labels(net, np.zeros((3, 1))), [0, 0, 0])
    # predict falls back on forward when a layer defines no predict of its own
    assert bl.gradcheck(net, np.ones((2, 1)), rng=0).passed


def test_save_and_load_a_network_with_the_new_layer(tmp_path):
    X, y = _data()
    net = _net()
    bl.fit(net, Hinge(), bl.SGD(net, lr=0.1), X, y[:, None], epochs=2, batch_size=50, seed=0)
    loaded = bl.load(bl.save(net, tmp_path / "scaled"))
    assert repr(loaded) == repr(net)
    np.testing.assert_array_equal(loaded.predict(X), net.predict(X))  # bit for bit


def test_save_names_what_a_new_layer_must_implement(tmp_path):
    class NoConfig(Layer):  # a layer that does not say how to rebuild it
        keeps_shape = True

        @checks_input
        def forward(self, X):
            self.cache = {"X": X}
            return X

    with pytest.raises(TypeError, match=r"save\(\) cannot store layer 1, NoConfig\(\): its "
                                        r"class NoConfig does not define config\(\)"):
        bl.save(bl.Network([bl.Dense(2, 2), NoConfig()]), tmp_path / "x.npz")
    assert not (tmp_path / "x.npz").exists()

    class Dense(Scale):  # a layer of another module may not take a built-in's name
        def config(self):
            return {"n": self.n_in}

    with pytest.raises(TypeError, match="another layer class is saved under the name Dense"):
        bl.save(bl.Network([Dense(2)]), tmp_path / "x.npz")
    assert bl.load(bl.save(bl.Network([bl.Dense(2, 2, rng=0)]), tmp_path / "y")).layers[0].n_in == 2


def test_a_new_loss_that_is_no_classifier_records_no_accuracy():
    class MAE(Loss):
        def _check(self, Y_hat, y):
            return np.asarray(Y_hat), np.asarray(y, dtype=np.asarray(Y_hat).dtype)

        @checks_targets
        def forward(self, Y_hat, y):
            diff = Y_hat - y
            self.cache = {"sign": np.sign(diff)}
            return float(np.mean(np.abs(diff)))

        @checks_cache
        def backward(self):
            sign = self.cache["sign"]
            return sign / sign.size

    X, y = _data()
    net = _net()
    history = bl.fit(net, MAE(), bl.Adam(net, lr=0.01), X, y[:, None].astype(float),
                     epochs=3, batch_size=50, seed=0)
    assert history.accuracy is None and len(history.loss) == 3
    with pytest.raises(RuntimeError, match=r"MAE.backward\(\) was called before forward\(\)"):
        MAE().backward()


def test_the_public_methods_check_once_and_the_maths_stays_reachable_unchecked():
    import inspect

    source = inspect.getsource(bl.Dense.forward)  # what a chapter prints: the maths
    body = source[source.index("def forward"):]
    assert "Y = X @ W" in body and "check" not in body
    assert "np.matmul(X.T, dY, out=dW)" in inspect.getsource(bl.Dense.backward)
    layer = bl.Dense(2, 1, rng=0)
    X = np.ones((3, 2))
    # arguments by name work as by position; a missing one is named
    np.testing.assert_array_equal(layer.forward(X=X), layer.forward(X))
    layer.backward(dY=np.ones((3, 1)))
    with pytest.raises(TypeError, match=r"Dense.forward\(\) is missing X\."):
        layer.forward()
    with pytest.raises(TypeError, match=r"MSE.forward\(\) is missing y\."):
        bl.MSE().forward(np.ones(2))
    # the public method checks; _forward, which Network and fit call per batch, does not
    with pytest.raises(ValueError, match=r"expected X of shape \(n_samples, 2\)"):
        layer.forward(np.ones((3, 4)))
    with pytest.raises(ValueError, match="matmul"):
        layer._forward(np.ones((3, 4)))
    # a subclass that overrides the unchecked method is used by the public one too
    class Doubled(bl.Dense):
        def _backward(self, dY, need_dX=True):
            dX = super()._backward(dY, need_dX)
            self.grads["b"] *= 2.0
            return dX

    twice = Doubled(2, 1, rng=0)
    twice.forward(X)
    twice.backward(np.ones((3, 1)))
    np.testing.assert_array_equal(twice.grads["b"], [6.0])
