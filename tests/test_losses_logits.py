"""Tests of BinaryCrossEntropyWithLogits (chapter "Measuring the error: loss functions")."""

import numpy as np
import pytest

from backprop_lab import SGD, BinaryCrossEntropy, Dense, Network, Sigmoid
from backprop_lab.activations import sigmoid
from backprop_lab.gradcheck import gradcheck
from backprop_lab.losses import BinaryCrossEntropyWithLogits, get_loss
from backprop_lab.training import fit


@pytest.fixture
def batch():
    rng = np.random.default_rng(0)
    Z = 3 * rng.standard_normal((7, 2))
    y = (rng.random((7, 2)) < 0.5).astype(np.float64)
    return Z, y


def test_equals_bce_of_the_sigmoid_and_its_gradient_is_sigma_minus_y(batch):
    Z, y = batch
    fused, plain = BinaryCrossEntropyWithLogits(), BinaryCrossEntropy()
    L = fused.forward(Z, y)
    P = sigmoid(Z)
    np.testing.assert_allclose(L, plain.forward(P, y), rtol=1e-12)
    np.testing.assert_allclose(fused.backward(), (P - y) / Z.size, rtol=1e-12, atol=1e-15)
    # the chain rule through the sigmoid gives the same dL/dz
    np.testing.assert_allclose(fused.backward(), plain.backward() * P * (1 - P), rtol=1e-9)


def test_against_central_differences(batch):
    Z, y = batch
    result = gradcheck(BinaryCrossEntropyWithLogits(), Z, y)
    assert result.passed, result


def test_large_logits_neither_overflow_nor_clamp():
    loss = BinaryCrossEntropyWithLogits()
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        L = loss.forward(np.array([-1000.0, 1000.0, 800.0]), np.array([1.0, 0.0, 1.0]))
        dZ = loss.backward()
    assert L == pytest.approx(2000.0 / 3)  # 1000 + 1000 + 0, no clamp at 100
    np.testing.assert_allclose(dZ, [-1 / 3, 1 / 3, 0.0])


def test_float32_stays_float32():
    loss = BinaryCrossEntropyWithLogits()
    loss.forward(np.array([[0.5], [-2.0]], dtype=np.float32), np.array([[1], [0]]))
    assert loss.backward().dtype == np.float32


def test_by_name_and_refuses_bad_targets():
    assert isinstance(get_loss("bce_with_logits"), BinaryCrossEntropyWithLogits)
    with pytest.raises(ValueError, match="targets y of 0 and 1"):
        BinaryCrossEntropyWithLogits().forward(np.zeros(3), np.array([0.0, 0.5, 1.0]))
    with pytest.raises(ValueError, match="same shape"):
        BinaryCrossEntropyWithLogits().forward(np.zeros((3, 1)), np.zeros(3))
    with pytest.raises(RuntimeError, match="before forward"):
        BinaryCrossEntropyWithLogits().backward()


def test_n_correct_reads_the_sign_of_the_logit():
    loss = BinaryCrossEntropyWithLogits()
    Z = np.array([[2.0], [-1.0], [0.0], [-3.0]])
    y = np.array([[1.0], [1.0], [1.0], [0.0]])
    assert loss.n_correct(Z, y) == 3


def test_fit_trains_a_logistic_regression_like_sigmoid_plus_bce():
    rng = np.random.default_rng(1)
    X = rng.standard_normal((40, 2))
    y = (X[:, :1] + X[:, 1:] > 0).astype(np.float64)
    logits = Network([Dense(2, 1, rng=0)])
    probs = Network([Dense(2, 1, rng=0), Sigmoid()])
    h1 = fit(logits, BinaryCrossEntropyWithLogits(), SGD(logits, lr=0.5), X, y,
             epochs=5, batch_size=8, seed=0)
    h2 = fit(probs, BinaryCrossEntropy(), SGD(probs, lr=0.5), X, y,
             epochs=5, batch_size=8, seed=0)
    np.testing.assert_allclose(h1.loss, h2.loss, rtol=1e-9)
    np.testing.assert_allclose(logits.layers[0].params["W"], probs.layers[0].params["W"],
                               rtol=1e-9)
    assert h1.accuracy[-1] == h2.accuracy[-1] > 0.9
