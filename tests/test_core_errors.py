"""Every bad input to the core gets a clear error that says how to fix it."""

import re
import warnings

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
    # float labels are a wrong dtype (TypeError), even whole ones (audit A, M5)
    with pytest.raises(TypeError, match="integer class labels"):
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


# -- found by an audit of every public entry point ----------------------------------------------
def test_activation_first_still_checks_width_and_dtype_against_the_first_dense():
    net = Network([ReLU(), Dense(3, 2)])
    with pytest.raises(ValueError, match=r"Dense\(3 -> 2\) expected X of shape \(n_samples, 3\)"):
        net.forward(np.zeros((4, 2)))
    with pytest.raises(ValueError, match=r"Dense\(3 -> 2\) expected X of shape"):
        net.predict(np.zeros((4, 2)))
    with pytest.raises(TypeError, match=r"float64 parameters, got X of dtype float32"):
        net.forward(np.zeros((4, 3), dtype=np.float32))


def test_fit_checks_width_when_an_activation_comes_first():
    from backprop_lab import SGD, fit

    net = Network([ReLU(), Dense(3, 2)])
    with pytest.raises(ValueError, match=r"fit\(\) expected X of shape \(n_samples, 3\)"):
        fit(net, "cross_entropy", SGD(net, lr=0.1), np.zeros((8, 2)), np.zeros(8, int),
            epochs=1, batch_size=4)


@pytest.mark.parametrize("make", [lambda: Dense(2, 3, rng=-1), lambda: gradcheck(
    Network([Dense(2, 1, rng=0)]), np.zeros((2, 2)), rng=-5)])
def test_negative_seed(make):
    with pytest.raises(ValueError, match=r"expected rng to be an integer seed >= 0, got -"):
        make()


def test_float16_and_zero_width_and_none_are_refused_up_front():
    with pytest.raises(TypeError, match=r"float32 or float64, got float16.*astype\(np.float32\)"):
        BinaryCrossEntropy().forward(np.ones((2, 1), np.float16), np.zeros((2, 1)))
    with pytest.raises(ValueError, match=r"at least one feature \(column\), got shape \(2, 0\)"):
        get_activation("softmax").forward(np.zeros((2, 0)))
    with pytest.raises(TypeError, match=r"expected Y_hat to be an array of numbers, got None"):
        MSE().forward(None, np.zeros((2, 1)))


def test_nan_parameters_are_named_not_blamed_on_the_learning_rate():
    from backprop_lab import SGD, fit

    net = Network([Dense(2, 3, rng=0), Tanh(), Dense(3, 2, rng=1)])
    net.layers[2].params["W"][0, 0] = np.nan
    X, y = np.zeros((4, 2)), np.array([0, 1, 0, 1])
    for call in (lambda: net.forward(X), lambda: net.predict(X), lambda: gradcheck(net, X),
                 lambda: fit(net, "cross_entropy", SGD(net, lr=0.1), X, y, epochs=1,
                             batch_size=2)):
        with pytest.raises(ValueError, match=r"parameter 2.W .*contains NaN or infinity"):
            call()


def test_overflow_from_finite_values_is_an_error_not_an_inf():
    net = Network([Dense(1, 1, init=lambda shape, rng, dtype: np.full(shape, 1e300))])
    with np.errstate(over="ignore"), pytest.raises(
        ValueError, match=r"output contains inf or NaN although X and the parameters are "
                          r"finite.*Rescale X"):
        net.forward(np.array([[1e300]]))
    with np.errstate(over="ignore"), pytest.raises(
            ValueError, match=r"MSE.forward\(\): the loss overflowed to inf.*Rescale"):
        MSE().forward(np.full((2, 1), 1e200), np.zeros((2, 1)))


def test_loss_given_by_name_class_or_nonsense():
    net = Network([Dense(2, 1, rng=0)])
    X, y = np.random.default_rng(0).standard_normal((3, 2)), np.zeros((3, 1))
    assert net.trace(X, y, "mse")["L"] == MSE().forward(net.forward(X), y)
    assert gradcheck(net, X, y, loss="mse").passed
    with pytest.raises(TypeError, match=r"a loss object such as MSE\(\), got the class MSE"):
        net.trace(X, y, MSE)
    expected = r"gradcheck\(\) expected a loss such as SoftmaxCrossEntropy\(\) or MSE\(\), or its"
    with pytest.raises(TypeError, match=expected + r" name, got int"):
        gradcheck(net, X, y, loss=3)


def test_network_of_nothing_or_the_same_layer_twice():
    with pytest.raises(TypeError, match=r"expected a list of layers such as .*got NoneType"):
        Network(None)
    d = Dense(2, 2)
    with pytest.raises(ValueError, match=r"same Dense\(2 -> 2\) object is at positions 0 and 2"):
        Network([d, Tanh(), d])


def test_backward_checks_every_layer_has_a_forward_cache():
    first, last = Dense(2, 3), Dense(3, 1)
    net = Network([first, Tanh(), last])
    last.forward(np.zeros((4, 3)))  # only the last layer ran
    with pytest.raises(RuntimeError, match=r"before forward\(\): Dense\(2 -> 3\) has no cache"):
        net.backward(np.zeros((4, 1)))


@pytest.mark.parametrize("value, error, match", [
    ("0.1", TypeError, r"Setting SGD.lr: expected lr to be a number, got '0.1'"),
    (None, TypeError, r"expected lr to be a number, got None"),
    (float("nan"), ValueError, r"expected a finite lr > 0, got nan"),
    (0.0, ValueError, r"expected lr > 0, got 0.0"),
])
def test_setting_the_learning_rate_checks_it(value, error, match):
    from backprop_lab import SGD

    opt = SGD(Network([Dense(2, 1)]), lr=0.1)
    with pytest.raises(error, match=match):
        opt.lr = value
    assert opt.lr == 0.1


@pytest.mark.parametrize("kw, error, match", [
    ({"seed": -1}, ValueError, r"expected seed to be an integer seed >= 0"),
    ({"seed": "x"}, TypeError, r"expected seed to be None, an integer seed"),
    ({"smoothing": "a"}, TypeError, r"expected smoothing to be a number"),
    ({"stop_factor": None}, TypeError, r"expected stop_factor to be a number"),
    ({"optimizer_factory": "sgd"}, TypeError, r"expected optimizer_factory to be a function"),
    ({"optimizer_factory": lambda net, lr: "x"}, TypeError,
     r"optimizer_factory\(net, lr=...\) to return an optimizer built on that net"),
])
def test_lr_range_test_checks_every_argument(kw, error, match):
    from backprop_lab import lr_range_test

    net = Network([Dense(2, 2, rng=0)])
    X, y = np.random.default_rng(0).standard_normal((64, 2)), np.zeros(64, int)
    with pytest.raises(error, match=match):
        lr_range_test(net, "cross_entropy", X, y, **kw)


def test_abstract_bases_say_what_to_implement():
    from backprop_lab import Loss, Optimizer

    with pytest.raises(NotImplementedError, match=r"Loss must implement _check\(Y_hat, y\)"):
        Loss().forward(np.zeros((1, 1)), np.zeros((1, 1)))
    with pytest.raises(NotImplementedError, match=r"Optimizer must implement _update"):
        Optimizer(Network([Dense(1, 1)]), 0.1).step()


# -- second audit (audit A) ----------------------------------------------------------------------
def _moons():
    from backprop_lab import datasets

    return datasets.make_moons(40, rng=0)


def _ragged_calls():
    from backprop_lab import SGD, accuracy, fit, lr_range_test, one_hot, train_test_split

    X, _ = _moons()
    ragged = [[0], [0, 1]] + [[0]] * 38
    net = Network([Dense(2, 1, rng=0)])
    return [
        ("MSE.forward()", lambda: MSE().forward(np.zeros((2, 1)), [[0], [0, 1]])),
        ("fit()", lambda: fit(net, MSE(), SGD(net, lr=0.1), X, ragged, epochs=1,
                              batch_size=8)),
        ("lr_range_test()", lambda: lr_range_test(net, MSE(), X, ragged)),
        ("accuracy()", lambda: accuracy([[0], [0, 1]], [0, 1])),
        ("one_hot()", lambda: one_hot([[0], [0, 1]])),
        ("train_test_split()", lambda: train_test_split(X, ragged)),
        ("Dense(2 -> 1)", lambda: net.forward([[0.0, 1.0], [0.0]])),
    ]


@pytest.mark.parametrize("who, call", _ragged_calls(), ids=lambda v: v if isinstance(v, str)
                         else "")
def test_ragged_targets_and_inputs_get_one_clear_error(who, call):
    expected = r".*expected (X|y|y_true) to be a rectangular array, got a ragged nested list"
    with pytest.raises(ValueError, match=re.escape(who) + expected):
        call()


def test_masked_arrays_are_refused_with_advice_matrices_become_plain_arrays():
    from backprop_lab import SGD, fit

    X, y = _moons()
    net = Network([Dense(2, 4, rng=0), Tanh(), Dense(4, 2, rng=1)])
    masked = np.ma.masked_array(X, mask=X > 1)
    for call in (lambda: net.predict(masked), lambda: net.forward(masked),
                 lambda: fit(net, SoftmaxCrossEntropy(), SGD(net, lr=0.1), masked, y, epochs=1,
                             batch_size=8),
                 lambda: MSE().forward(np.zeros((2, 1)), np.ma.masked_array([[0.0], [1.0]]))):
        with pytest.raises(TypeError, match=r"got a masked array, whose mask would be lost.*"
                                            r"\.filled\(0\.0\)"):
            call()
    with pytest.warns(PendingDeprecationWarning):
        M = np.matrix(X)
    out = net.predict(M)
    assert type(out) is np.ndarray
    np.testing.assert_array_equal(out, net.predict(X))
    history = fit(net, SoftmaxCrossEntropy(), SGD(net, lr=0.1), M, y, epochs=1, batch_size=8)
    assert np.isfinite(history.loss[0])


def test_lists_of_strings_or_bools_are_not_silently_converted():
    with pytest.raises(TypeError, match=r"expected X to be a numeric array, got a list holding "
                                        r"<U3 values"):
        Network([Dense(2, 2)]).forward([["1.5", "2"]])
    with pytest.raises(TypeError, match=r"expected X with a float dtype, got bool. Convert it "
                                        r"first: np.asarray\(X, dtype=np.float64\)"):
        Network([Dense(2, 2)]).forward([[True, False]])


def _float32_net():
    return Network([Dense(2, 4, dtype=np.float32, rng=0), Tanh(),
                    Dense(4, 2, dtype=np.float32, rng=1)])


@pytest.mark.parametrize("layer", [Dense(2, 2, dtype=np.float32, rng=0), Sigmoid(), Tanh(),
                                   ReLU(), LeakyReLU(), get_activation("identity"),
                                   get_activation("softmax")], ids=repr)
def test_layer_backward_refuses_an_upstream_gradient_of_another_dtype(layer):
    X32 = _moons()[0].astype(np.float32)
    layer.forward(X32)
    with pytest.raises(TypeError, match=rf"{re.escape(repr(layer))}.backward\(\) expected dY of "
                                        r"dtype float32, the dtype of the forward pass, got "
                                        r"float64. Convert it with dY.astype\(np.float32\)"):
        layer.backward(np.ones((40, 2)))
    assert layer.backward(np.ones((40, 2), np.float32)).dtype == np.float32
    assert layer.backward(np.ones((40, 2)).tolist()).dtype == np.float32  # a list: converted


def test_network_backward_and_trace_refuse_an_upstream_gradient_of_another_dtype():
    X32 = _moons()[0].astype(np.float32)
    net = _float32_net()
    net.forward(X32)
    with pytest.raises(TypeError, match=r"Network.backward\(\) expected dY of dtype float32, "
                                        r"the dtype of the forward pass, got float64"):
        net.backward(np.ones((40, 2)))
    assert net.backward(np.ones((40, 2), np.float32)).dtype == np.float32
    with pytest.raises(TypeError, match=r"Network.trace\(\) expected dY of dtype float32"):
        net.trace(X32, dY=np.ones((40, 2)))
    trace = net.trace(X32, dY=np.ones((40, 2), np.float32))
    assert all(s.value.dtype == np.float32 for s in trace if not isinstance(s.value, float))


def test_a_list_input_to_a_float32_network_is_converted_to_float32():
    out = Network([Dense(2, 2, dtype=np.float32, rng=0)]).forward([[1.0, 2.0]])
    assert out.dtype == np.float32


def test_backward_names_the_layer_whose_cache_holds_another_batch():
    X, _ = _moons()
    net = Network([Dense(2, 4, rng=0), Tanh(), Dense(4, 2, rng=1)])
    net.forward(X)
    net.layers[0].forward(X[:2])  # the first layer alone, on another batch
    with pytest.raises(ValueError, match=r"Network.backward\(\): layer 0, Dense\(2 -> 4\), holds "
                                         r"a forward pass of 2 samples, but dY has 40 rows.*"
                                         r"call net.forward\(X\) again"):
        net.backward(np.ones((40, 2)))
    net.forward(X)
    net.layers[1].forward(np.zeros((3, 4)))
    with pytest.raises(ValueError, match=r"layer 1, Tanh\(\), holds a forward pass of 3 samples"):
        net.backward(np.ones((40, 2)))


def test_public_backward_refuses_to_return_non_finite_gradients():
    X, _ = _moons()
    net = Network([Dense(2, 4, rng=0), Tanh(), Dense(4, 2, rng=1)])
    net.forward(X)
    huge = np.full((40, 2), 1e308)
    expected = (r"the gradient dW of Dense\(2 -> 4\) \(layer 0\) holds inf or NaN although dY "
                r"and the weights are finite: dY or the weights are too large")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no RuntimeWarning either: the error says it all
        with pytest.raises(ValueError, match=r"Network.backward\(\): " + expected):
            net.backward(huge)
        with pytest.raises(ValueError, match=r"Network.trace\(\): the gradient dW of "
                                             r"Dense\(4 -> 2\) \(layer 2\) holds inf"):
            net.trace(X, dY=huge)
        layer = Dense(2, 4, rng=0)
        layer.forward(X)
        with pytest.raises(ValueError, match=r"Dense\(2 -> 4\).backward\(\): the gradient dW of "
                                             r"Dense\(2 -> 4\) holds inf"):
            layer.backward(np.full((40, 4), 1e308))


def test_backward_with_broken_weights_names_the_parameter():
    X, _ = _moons()
    net = Network([Dense(2, 4, rng=0), Tanh(), Dense(4, 2, rng=1)])
    net.forward(X)
    net.layers[2].params["W"][0, 0] = np.inf
    with pytest.raises(ValueError, match=r"Network.backward\(\): the parameter 2.W of the network "
                                         r"contains NaN or infinity"):
        net.backward(np.ones((40, 2)))


def test_fit_internal_backward_stays_unchecked():
    """fit() calls net._backward per batch on purpose: no per-batch finiteness checks."""
    X, _ = _moons()
    net = Network([Dense(2, 4, rng=0)])
    net.forward(X)
    with np.errstate(over="ignore", invalid="ignore"):
        assert net._backward(np.full((40, 4), 1e308), input_grad=False) is None
    assert not np.isfinite(net.layers[0].grads["W"]).all()


def test_a_class_or_function_given_for_a_name_gets_the_name_to_use():
    from backprop_lab import Adam, get_optimizer
    from backprop_lab.scalar_nn import Neuron

    with pytest.raises(TypeError, match=r"get_activation\(\) expected activation to be a name "
                                        r"\('sigmoid', .*\) or a layer such as ReLU\(\), got the "
                                        r"class ReLU. Pass the name 'relu', or add the "
                                        r"parentheses: ReLU\(\)"):
        get_activation(ReLU)
    net = Network([Dense(2, 2)])
    with pytest.raises(TypeError, match=r"get_optimizer\(\) expected optimizer to be a name "
                                        r"\('sgd', .*\), got the class Adam. Pass the name 'adam'"):
        get_optimizer(Adam, net)
    with pytest.raises(TypeError, match=r"Neuron expected activation to be a name \('tanh', .*\), "
                                        r"got ufunc <ufunc 'tanh'>. Pass the name 'tanh'"):
        Neuron(2, activation=np.tanh)


def test_zero_row_batches_are_refused():
    net = Network([Dense(3, 2, rng=0), Tanh()])
    for call in (lambda: net.forward(np.zeros((0, 3))), lambda: net.predict(np.zeros((0, 3))),
                 lambda: net.trace(np.zeros((0, 3)), dY=np.zeros((0, 2))),
                 lambda: Tanh().forward(np.zeros((0, 3))),
                 lambda: gradcheck(Dense(3, 2, rng=0), np.zeros((0, 3)))):
        with pytest.raises(ValueError, match=r"expected at least one sample \(row\) in X, got "
                                             r"shape \(0, 3\)"):
            call()


def test_gradcheck_says_what_is_wrong_with_float32_layers_eps_and_huge_values():
    with pytest.raises(TypeError, match=r"gradcheck\(\) expected float64 layers, got "
                                        r"Dense\(3 -> 2\) in float32.*dtype=np.float64"):
        gradcheck(Dense(3, 2, dtype=np.float32), np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"BinaryCrossEntropy\(\) accepts Y_hat but refuses "
                                         r"Y_hat \+- eps \(eps=1e-06\).*in \[eps, 1 - eps\]"):
        gradcheck(BinaryCrossEntropy(), np.full((2, 1), 1e-7), np.zeros((2, 1)))
    with pytest.raises(ValueError, match=r"eps=1e-06 is below the float64 spacing of X, whose "
                                         r"largest value is 1e\+200"):
        gradcheck(Dense(3, 2, rng=0), np.full((2, 3), 1e200))
    result = gradcheck(Dense(3, 2, rng=0), np.full((2, 3), 1e200), rng=0, check_input=False)
    assert np.isfinite(result.errors["W"])  # norms of gradients near 1e200 do not overflow


def test_arguments_that_would_be_ignored_are_refused():
    net = Network([Dense(2, 1, rng=0)])
    X, y = np.zeros((3, 2)), np.zeros((3, 1))
    with pytest.raises(ValueError, match=r"Network.trace\(\) was given targets y and an upstream "
                                         r"gradient dY; y would be ignored"):
        net.trace(X, y, dY=np.ones((3, 1)))
    with pytest.raises(ValueError, match=r"gradcheck\(\) was given targets y but no loss"):
        gradcheck(net, X, y)
    with pytest.raises(ValueError, match=r"gradcheck\(\) was given the loss MSE\(\) to check and "
                                         r"also loss="):
        gradcheck(MSE(), np.ones((3, 1)), y, loss=BinaryCrossEntropy())
    with pytest.raises(TypeError, match=r"expected check_input to be True or False, got 'no'"):
        gradcheck(net, X, check_input="no")


def test_a_layer_class_in_a_network_says_add_the_parentheses():
    with pytest.raises(TypeError, match=r"Network\(\) expected layers, got the class ReLU at "
                                        r"position 1. Add the parentheses: ReLU\(\)"):
        Network([Dense(2, 2), ReLU])
