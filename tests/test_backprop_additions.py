"""Library additions for the chapter "Backpropagation, layer by layer":
``Network.multiply_adds`` and ``gradcheck(upstream=...)``."""

import numpy as np
import pytest

from backprop_lab import Dense, Network, ReLU, Sigmoid, Softmax, Tanh, gradcheck
from backprop_lab.layers import Layer


def test_multiply_adds_counts_every_matrix_product_from_the_shapes():
    net = Network([Dense(5, 4, rng=0), Tanh(), Dense(4, 3, rng=0), Softmax()])
    counts = net.multiply_adds(7)
    assert counts["forward"] == 7 * (5 * 4 + 4 * 3)
    assert counts["backward"] == 2 * counts["forward"]
    assert counts["layers"] == [("Dense(5 -> 4)", 140, 280), ("Tanh()", 0, 0),
                                ("Dense(4 -> 3)", 84, 168), ("Softmax()", 0, 0)]
    training = net.multiply_adds(7, input_grad=False)
    assert training["forward"] == counts["forward"]
    assert training["backward"] == 7 * (5 * 4 + 2 * 4 * 3)  # no dX for layer 0


def test_multiply_adds_follows_what_backward_computes():
    # an activation first: the Dense layer at position 1 still computes dX, as backward does
    net = Network([ReLU(), Dense(3, 2, rng=0)])
    assert net.multiply_adds(4, input_grad=False)["backward"] == 2 * 4 * 3 * 2


def test_multiply_adds_matches_the_arrays_of_a_real_pass():
    net = Network([Dense(6, 5, rng=0), ReLU(), Dense(5, 2, rng=1)])
    rng = np.random.default_rng(0)
    X = rng.standard_normal((9, 6))
    t = net.trace(X, dY=rng.standard_normal((9, 2)))
    forward = sum(a.shape[0] * a.shape[1] * W.shape[1]
                  for a, W in ((t["X"], net.layers[0].params["W"]),
                               (t["A1"], net.layers[2].params["W"])))
    assert net.multiply_adds(9)["forward"] == forward


@pytest.mark.parametrize("n", [0, -1, 2.5, True, "8"])
def test_multiply_adds_refuses_a_bad_batch_size(n):
    net = Network([Dense(2, 1, rng=0)])
    with pytest.raises(ValueError, match=r"multiply_adds\(\) expected n_samples, a whole "):
        net.multiply_adds(n)


def test_multiply_adds_refuses_a_layer_it_cannot_count():
    class Widen(Layer):
        n_in, n_out = 2, 4

    net = Network([Dense(2, 2, rng=0), Widen()])
    with pytest.raises(TypeError, match=r"counts Dense layers and element-wise activations"):
        net.multiply_adds(3)
    with pytest.raises(TypeError, match=r"input_grad to be True or False"):
        Network([Dense(2, 1, rng=0)]).multiply_adds(3, input_grad=1)


class ForgetfulSigmoid(Sigmoid):
    """A broken backward pass that forgets to multiply by dA."""

    def _backward(self, dA, need_dX=True):
        A = self.cache["A"]
        return A * (1 - A)


def test_an_all_ones_upstream_hides_a_forgotten_dy_and_a_random_one_finds_it():
    X = np.random.default_rng(0).standard_normal((4, 3))
    assert gradcheck(ForgetfulSigmoid(), X, upstream=np.ones((4, 3))).passed
    assert not gradcheck(ForgetfulSigmoid(), X, rng=0).passed
    assert gradcheck(Sigmoid(), X, upstream=np.ones((4, 3))).passed


def test_upstream_none_gives_the_same_errors_as_before():
    net = Network([Dense(3, 4, rng=0), Tanh(), Dense(4, 2, rng=1)])
    X = np.random.default_rng(2).standard_normal((5, 3))
    G = np.random.default_rng(3).standard_normal((5, 2))  # what rng=3 draws
    assert gradcheck(net, X, rng=3).errors == gradcheck(net, X, upstream=G).errors


def test_upstream_is_checked():
    X = np.zeros((2, 3))
    with pytest.raises(ValueError, match=r"expected upstream of shape \(2, 3\)"):
        gradcheck(Sigmoid(), X, upstream=np.ones((3, 2)))
    with pytest.raises(ValueError, match=r"was given upstream and a loss"):
        gradcheck(Network([Dense(3, 1, rng=0)]), X, np.zeros((2, 1)), loss="mse",
                  upstream=np.ones((2, 1)))
    with pytest.raises(TypeError):
        gradcheck(Sigmoid(), X, upstream="ones")
