"""Layers and activations: forward values, backward against central differences."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backprop_lab import (
    Dense,
    Identity,
    LeakyReLU,
    ReLU,
    Sigmoid,
    Softmax,
    Tanh,
    get_activation,
    get_initializer,
    gradcheck,
)
from backprop_lab.activations import sigmoid, softmax

ACTIVATIONS = [Sigmoid, Tanh, ReLU, lambda: LeakyReLU(0.1), Identity, Softmax]


def _away_from_kinks(X):
    """ReLU and LeakyReLU have a kink at 0: keep every input at least 0.1 from it."""
    return np.where(np.abs(X) < 0.1, X + np.sign(X + 1e-12) * 0.2, X)


@pytest.mark.parametrize("make", ACTIVATIONS)
def test_activation_gradients_random_upstream(make):
    rng = np.random.default_rng(0)
    X = _away_from_kinks(rng.standard_normal((6, 5)))
    result = gradcheck(make(), X, rng=1)
    assert result.passed, result


def test_dense_gradients_random_upstream():
    rng = np.random.default_rng(0)
    layer = Dense(4, 3, rng=rng)
    layer.params["b"][:] = rng.standard_normal(3)
    result = gradcheck(layer, rng.standard_normal((7, 4)), rng=2)
    assert set(result.errors) == {"X", "W", "b"}
    assert result.max_error < 1e-8, result


def test_gradcheck_catches_a_backward_that_ignores_upstream():
    class Broken(Tanh):
        def _backward(self, dY, need_dX=True):
            return 1 - self.cache["A"] ** 2  # forgot to multiply by dY

    X = np.random.default_rng(0).standard_normal((3, 2))
    assert not gradcheck(Broken(), X, rng=0).passed


@settings(max_examples=30, deadline=None)
@given(
    n=st.integers(1, 6),
    n_in=st.integers(1, 5),
    n_out=st.integers(1, 5),
    seed=st.integers(0, 2**32 - 1),
    act=st.sampled_from(["sigmoid", "tanh", "relu", "leaky_relu", "identity", "softmax"]),
)
def test_property_dense_then_activation(n, n_in, n_out, seed, act):
    rng = np.random.default_rng(seed)
    dense = Dense(n_in, n_out, rng=rng)
    X = rng.uniform(-2, 2, (n, n_in))
    # gradcheck's own threshold (1e-6), not 1e-7: db and dW are sums over the batch of a random
    # upstream gradient, and when such a sum cancels (db = -1.2e-4 for seed 1876, n=3, n_in=2,
    # n_out=1) the central differences' rounding error, which is absolute (about
    # 1e-16 |f| / eps), is 4.2e-7 of it. The worst of 9,000 random draws was that 4.2e-7; a
    # wrong gradient gives errors of order 1.
    assert gradcheck(dense, X, rng=rng).passed
    Z = _away_from_kinks(rng.uniform(-3, 3, (n, n_out)))
    layer = get_activation(act)
    assert gradcheck(layer, Z, rng=rng).max_error < 1e-7
    assert layer.forward(Z).shape == Z.shape


def test_dense_forward_is_affine():
    layer = Dense(2, 3, init="zeros")
    layer.params["W"][:] = [[1, 2, 3], [4, 5, 6]]
    layer.params["b"][:] = [0.5, 0, -1]
    Y = layer.forward(np.array([[1.0, 1.0], [0.0, 2.0]]))
    np.testing.assert_array_equal(Y, [[5.5, 7, 8], [8.5, 10, 11]])
    np.testing.assert_array_equal(layer.predict(np.array([[1.0, 1.0]])), [[5.5, 7, 8]])


def test_backward_keeps_upstream_and_predict_does_not_cache():
    rng = np.random.default_rng(0)
    for layer in [Dense(3, 3, rng=0), ReLU(), LeakyReLU(), Tanh(), Sigmoid(), Identity()]:
        X = rng.standard_normal((4, 3))
        layer.forward(X)
        cache = dict(layer.cache)
        layer.predict(rng.standard_normal((9, 3)))
        assert all(layer.cache[k] is v for k, v in cache.items())
        dY = rng.standard_normal((4, 3))
        copy = dY.copy()
        dX = layer.backward(dY)
        np.testing.assert_array_equal(dY, copy)
        assert dX is not dY


def test_stable_sigmoid_and_softmax_at_extremes():
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        np.testing.assert_array_equal(sigmoid(np.array([-1e4, 1e4])), [0.0, 1.0])
        P = softmax(np.array([[1e4, 0.0, -1e4]]))
    np.testing.assert_array_equal(P, [[1.0, 0.0, 0.0]])


def test_softmax_rows_sum_to_one():
    P = Softmax().forward(np.random.default_rng(0).standard_normal((5, 4)) * 10)
    np.testing.assert_allclose(P.sum(axis=1), 1.0)


@pytest.mark.parametrize("name", ["xavier", "xavier_normal", "he", "he_uniform", "normal",
                                  "uniform", "zeros", "glorot"])
def test_initializers_by_name_have_the_right_scale(name):
    W = Dense(400, 300, init=name, rng=0).params["W"]
    expected_std = {
        "xavier": np.sqrt(2 / 700), "glorot": np.sqrt(2 / 700), "xavier_normal": np.sqrt(2 / 700),
        "he": np.sqrt(2 / 400), "he_uniform": np.sqrt(2 / 400), "normal": 0.01,
        "uniform": 0.05 / np.sqrt(3), "zeros": 0.0,
    }[name]
    assert W.std() == pytest.approx(expected_std, rel=0.02, abs=1e-12)
    assert W.mean() == pytest.approx(0.0, abs=3 * expected_std / np.sqrt(W.size) + 1e-12)


def test_initializer_callable_and_constant():
    from backprop_lab.init import constant

    layer = Dense(2, 2, init=constant(0.5))
    np.testing.assert_array_equal(layer.params["W"], 0.5)
    layer = Dense(2, 3, init=lambda shape, rng, dtype: np.ones(shape, dtype))
    np.testing.assert_array_equal(layer.params["W"], 1.0)
    assert get_initializer("he") is get_initializer("HE")


def test_same_seed_same_bits_and_dtype():
    a = Dense(5, 4, rng=42, dtype=np.float32)
    b = Dense(5, 4, rng=np.random.default_rng(42), dtype=np.float32)
    assert a.params["W"].dtype == np.float32 and a.params["b"].dtype == np.float32
    assert a.params["W"].tobytes() == b.params["W"].tobytes()


@pytest.mark.parametrize("make", [Sigmoid, Tanh, ReLU, LeakyReLU, Identity, Softmax])
def test_float32_stays_float32(make):
    X = np.random.default_rng(0).standard_normal((3, 4)).astype(np.float32)
    layer = make()
    assert layer.forward(X).dtype == np.float32
    assert layer.backward(np.ones((3, 4), np.float32)).dtype == np.float32
    dense = Dense(4, 2, rng=0, dtype=np.float32)
    assert dense.forward(X).dtype == np.float32
    assert dense.backward(np.ones((3, 2), np.float32)).dtype == np.float32
    assert dense.grads["W"].dtype == np.float32


@pytest.mark.parametrize("init, error, match", [
    (lambda shape, rng, dtype: np.full(shape, np.nan), ValueError,
     r"Dense\(2 -> 3\): the initializer returned non-finite weights \(NaN or inf\)"),
    (lambda shape, rng, dtype: np.full(shape, -np.inf), ValueError, r"non-finite weights"),
    (lambda shape, rng, dtype: np.full(shape, 1e300), ValueError, r"non-finite weights"),  # f32
    (lambda shape: np.zeros(shape), TypeError,
     r"calling the initializer as init\(shape, rng, dtype\) raised TypeError: .*takes 1 "
     r"positional argument.* must have the signature init\(shape, rng, dtype\)"),
    (lambda shape, rng, dtype: np.full(shape, "a"), TypeError,
     r"Dense\(2 -> 3\): the initializer must return an array of numbers, got ndarray of dtype "
     r"<U1"),
    (lambda shape, rng, dtype: None, TypeError,
     r"must return an array of numbers, got NoneType"),
])
def test_dense_initializer_errors(init, error, match):
    with pytest.raises(error, match=match), np.errstate(over="ignore"):
        Dense(2, 3, init=init, dtype=np.float32)


def test_get_activation_keywords():
    assert get_activation("leaky_relu", alpha=0.2).alpha == 0.2
    with pytest.raises(TypeError, match=r"get_activation\(\): ReLU takes no keyword argument "
                                        r"'alpha' \(got alpha=0.1\). Only LeakyReLU takes alpha: "
                                        r"use get_activation\('leaky_relu', alpha=0.1\)"):
        get_activation("relu", alpha=0.1)
    with pytest.raises(TypeError, match=r"LeakyReLU takes no keyword argument 'beta' .*No "
                                        r"activation takes beta"):
        get_activation("leaky_relu", beta=2)
    with pytest.raises(TypeError, match=r"got the layer ReLU\(\) and keyword arguments "
                                        r"\['alpha'\]. Pass them to the layer's constructor"):
        get_activation(ReLU(), alpha=0.1)


@pytest.mark.parametrize("value, error, match", [
    ("0.1", TypeError, r"constant\(\) expected value to be a number, got '0.1'. Write the "
                       r"number without quotes: value=0.1."),
    ([1, 2], TypeError, r"constant\(\) expected value to be a number, got \[1, 2\]. Pass a "
                        r"single number, not a list."),
    (True, TypeError, r"constant\(\) expected value to be a number, got True. True and False "
                      r"are not numbers here: write value=1 if you mean it."),
    (float("inf"), ValueError, r"constant\(\) expected a finite value, got inf"),
])
def test_constant_initializer_checks_its_value(value, error, match):
    from backprop_lab.init import constant

    with pytest.raises(error, match=match):
        constant(value)


def test_an_initializer_returning_bools_is_refused():
    with pytest.raises(TypeError, match=r"initializer must return an array of numbers, got "
                                        r"ndarray of dtype bool"):
        Dense(2, 2, init=lambda shape, rng, dtype: np.ones(shape, bool))


def test_a_layer_too_large_for_memory_says_how_large():
    with pytest.raises(MemoryError, match=r"Dense\(1000000 -> 1000000\): W has 1000000 x 1000000 "
                                          r"weights, 7.45e\+03 GiB in float64"):
        Dense(10**6, 10**6)


def test_leaky_relu_gradient_at_exactly_zero_is_alpha():
    """torch's convention: LeakyReLU'(0) = negative_slope (ReLU'(0) = 0)."""
    layer = LeakyReLU(0.1)
    layer.forward(np.array([[0.0, -0.0, 1.0]]))
    np.testing.assert_array_equal(layer.backward(np.array([[2.0, 2.0, 2.0]])), [[0.2, 0.2, 2.0]])
    relu = ReLU()
    relu.forward(np.array([[0.0, 1.0]]))
    np.testing.assert_array_equal(relu.backward(np.array([[2.0, 2.0]])), [[0.0, 2.0]])


def test_relative_error_values():
    from backprop_lab.gradcheck import relative_error

    assert relative_error(np.array([2.0]), np.array([1.0])) == pytest.approx(1 / 3)
    assert relative_error(np.array([0.0]), np.array([1.0])) == pytest.approx(1.0)
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0


def test_gradcheck_fails_when_one_array_of_several_is_wrong():
    class WrongBias(Dense):
        def _backward(self, dY):
            dX = super()._backward(dY)
            self.grads["b"] *= 2.0
            return dX

    X = np.random.default_rng(0).standard_normal((4, 3))
    result = gradcheck(WrongBias(3, 2, rng=0), X, rng=0)
    assert result.errors["W"] < 1e-7 and result.errors["b"] > 0.1
    assert not result.passed
