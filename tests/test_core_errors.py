"""Every bad input to the core gets a clear error that says how to fix it."""

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
    get_activation,
    get_loss,
    gradcheck,
)


def test_dense_wrong_width_names_layer_and_shapes():
    expected = r"Dense\(3 -> 4\) expected X of shape \(n_samples, 3\), got \(10, 5\)"
    with pytest.raises(ValueError, match=expected):
        Dense(3, 4).forward(np.zeros((10, 5)))


def test_one_dimensional_input_says_how_to_reshape():
    with pytest.raises(ValueError, match=r"reshape\(1, -1\)"):
        Dense(3, 4).forward(np.zeros(3))


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_input(bad):
    X = np.zeros((2, 3))
    X[1, 2] = bad
    with pytest.raises(ValueError, match=r"finite values in X.*index \(1, 2\)"):
        Network([Dense(3, 1)]).forward(X)


def test_integer_input_is_refused_with_a_fix():
    with pytest.raises(TypeError, match=r"astype\(np.float64\)"):
        Dense(2, 1).forward(np.array([[1, 2]]))


def test_dtype_mismatch_is_not_silently_upcast():
    with pytest.raises(TypeError, match="float64 parameters, got X of dtype float32"):
        Dense(2, 1).forward(np.zeros((1, 2), np.float32))
    with pytest.raises(TypeError, match="same dtype"):
        Network([Dense(2, 2), Dense(2, 1, dtype=np.float32)])
    with pytest.raises(TypeError, match="float32 or float64"):
        Dense(2, 1, dtype=np.int64)


@pytest.mark.parametrize("n_in,n_out", [(0, 1), (1, 0), (-3, 2)])
def test_layer_sizes_below_one(n_in, n_out):
    with pytest.raises(ValueError, match=">= 1"):
        Dense(n_in, n_out)


def test_layer_sizes_must_be_integers():
    with pytest.raises(TypeError, match="integer"):
        Dense(2.5, 1)


def test_unknown_names_list_the_valid_ones():
    with pytest.raises(ValueError, match=r"unknown initializer 'xaviar'.*'xavier'"):
        Dense(2, 2, init="xaviar")
    with pytest.raises(ValueError, match=r"unknown activation 'rellu'.*'relu'"):
        get_activation("rellu")
    with pytest.raises(ValueError, match=r"unknown loss 'l2'.*'mse'"):
        get_loss("l2")


def test_backward_before_forward():
    with pytest.raises(RuntimeError, match=r"Dense\(2 -> 1\).backward\(\) was called before"):
        Dense(2, 1).backward(np.zeros((1, 1)))
    with pytest.raises(RuntimeError, match="before forward"):
        ReLU().backward(np.zeros((1, 1)))
    with pytest.raises(RuntimeError, match="before forward"):
        Network([Dense(2, 1)]).backward(np.zeros((1, 1)))
    with pytest.raises(RuntimeError, match="before forward"):
        MSE().backward()


def test_backward_with_wrong_upstream_shape():
    layer = Dense(2, 3)
    layer.forward(np.zeros((4, 2)))
    with pytest.raises(ValueError, match=r"expected dY of shape \(4, 3\).*got \(4, 2\)"):
        layer.backward(np.zeros((4, 2)))


def test_network_construction_errors():
    with pytest.raises(ValueError, match="at least one layer"):
        Network([])
    with pytest.raises(TypeError, match="use ReLU\\(\\), not 'relu'"):
        Network([Dense(2, 2), "relu"])
    with pytest.raises(ValueError, match=r"needs n_in=3.*Dense\(3, 1\)"):
        Network([Dense(2, 3), Tanh(), Dense(4, 1)])
    with pytest.raises(TypeError, match="single layer"):
        Network(Dense(2, 2))


def test_leaky_relu_alpha():
    with pytest.raises(ValueError, match="0 <= alpha < 1"):
        LeakyReLU(alpha=1.5)
    with pytest.raises(TypeError, match="number"):
        LeakyReLU(alpha="0.1")


def test_mse_shape_mismatch_suggests_reshape():
    with pytest.raises(ValueError, match=r"reshape\(-1, 1\)"):
        MSE().forward(np.zeros((3, 1)), np.zeros(3))


def test_bce_probabilities_outside_unit_interval():
    with pytest.raises(ValueError, match=r"probabilities in \[0, 1\].*Sigmoid"):
        BinaryCrossEntropy().forward(np.array([[1.5]]), np.array([[1.0]]))
    with pytest.raises(ValueError, match="targets y of 0 and 1"):
        BinaryCrossEntropy().forward(np.array([[0.5]]), np.array([[0.3]]))


def test_softmax_cross_entropy_label_errors():
    loss = SoftmaxCrossEntropy()
    Z = np.zeros((3, 4))
    with pytest.raises(ValueError, match=r"labels in 0..3.*from 0 to 4"):
        loss.forward(Z, np.array([0, 1, 4]))
    with pytest.raises(ValueError, match=r"labels in 0..3.*from -1"):
        loss.forward(Z, np.array([0, -1, 2]))
    with pytest.raises(ValueError, match=r"argmax\(axis=1\)"):
        loss.forward(Z, np.eye(4)[:3])
    with pytest.raises(ValueError, match="integer class labels"):
        loss.forward(Z, np.array([0.0, 1.0, 2.0]))
    with pytest.raises(ValueError, match="one label per row"):
        loss.forward(Z, np.array([0, 1]))


def test_loss_nan_predictions():
    with pytest.raises(ValueError, match="finite values in Y_hat"):
        MSE().forward(np.array([[np.nan]]), np.array([[0.0]]))


def test_gradcheck_refuses_float32_and_wrong_objects():
    with pytest.raises(TypeError, match="float64"):
        gradcheck(Sigmoid(), np.zeros((2, 2), np.float32))
    with pytest.raises(TypeError, match="Layer, a Network or a Loss"):
        gradcheck(lambda x: x, np.zeros((2, 2)))
    with pytest.raises(ValueError, match="needs the targets y"):
        gradcheck(MSE(), np.zeros((2, 2)))


def test_trace_needs_loss_or_upstream_gradient():
    net = Network([Dense(2, 1)])
    with pytest.raises(ValueError, match="either a loss"):
        net.trace(np.zeros((1, 2)))
