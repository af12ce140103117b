"""Every bad-input error says what was expected, what was given, and how to fix it.

One test per message that an audit found without a fix (or with wrong advice). Where the
fix is code, the test takes it out of the message and runs it, to prove it works as pasted.
"""

import re

import numpy as np
import pytest

from backprop_lab import (
    MSE,
    SGD,
    BinaryCrossEntropy,
    Dense,
    Network,
    ReLU,
    SoftmaxCrossEntropy,
    fit,
    one_hot,
    train_test_split,
)


def _code(pattern: str, message: str) -> str:
    """The first piece of code in ``message`` that matches ``pattern``."""
    found = re.search(pattern, message)
    assert found, f"no {pattern!r} in: {message}"
    return found.group(0)


def _net():
    return Network([Dense(3, 4, rng=0), ReLU(), Dense(4, 2, rng=1)])


def test_dense_wrong_width_says_how_many_features_and_which_layer_fits_the_data():
    X = np.zeros((10, 5))
    with pytest.raises(ValueError, match=r"got \(10, 5\)\. Each row of X must have 3 features.*"
                       r"build Dense\(5, 4\) for inputs with 5 features") as info:
        Dense(3, 4).forward(X)
    layer = eval(_code(r"Dense\(\d+, \d+\)", str(info.value)), {"Dense": Dense})
    assert layer.forward(X).shape == (10, 4)

    # through a network, the advice speaks of the network's first Dense layer
    net = _net()
    for call in (net.forward, net.predict):
        with pytest.raises(ValueError, match=r"Dense\(3 -> 4\) expected X of shape "
                           r"\(n_samples, 3\), got \(10, 5\)\. The network's first Dense layer "
                           r"takes 3 features per row.*with Dense\(5, 4\) as its first") as info:
            call(X)
        first = eval(_code(r"Dense\(\d+, \d+\)", str(info.value)), {"Dense": Dense})
        assert Network([first, ReLU(), Dense(4, 2)]).forward(X).shape == (10, 2)
    with pytest.raises(ValueError, match=r"fit\(\) expected X of shape .*got \(10, 5\)\. "
                       r"The network's first Dense layer takes 3 features"):
        fit(net, SoftmaxCrossEntropy(), SGD(net, lr=0.1), X, np.zeros(10, int),
            epochs=1, batch_size=5)
    with pytest.raises(ValueError, match=r"X_val must have the same 3 features \(columns\) as X"):
        fit(net, SoftmaxCrossEntropy(), SGD(net, lr=0.1), np.zeros((10, 3)), np.zeros(10, int),
            epochs=1, batch_size=5, validation=(X, np.zeros(10, int)))


@pytest.mark.parametrize("n_in, n_out, name", [(0, 4, "n_in"), (3, 0, "n_out")])
def test_dense_size_below_one_says_sizes_count_units(n_in, n_out, name):
    with pytest.raises(ValueError, match=rf"expected {name} >= 1, got 0\. Layer sizes count "
                       r"units.*e\.g\. Dense\(2, 4\)") as info:
        Dense(n_in, n_out)
    layer = eval(_code(r"Dense\(\d+, \d+\)", str(info.value)), {"Dense": Dense})
    assert layer.params["W"].shape == (2, 4)


@pytest.mark.parametrize("bad, pattern", [
    ({"epochs": 0, "batch_size": 5}, r"expected epochs >= 1, got 0\..*e\.g\. epochs=10"),
    ({"epochs": 1, "batch_size": 0}, r"expected batch_size >= 1, got 0\..*e\.g\. batch_size=32"),
])
def test_fit_epochs_and_batch_size_below_one_suggest_typical_values(bad, pattern):
    net = _net()
    X, y = np.zeros((10, 3)), np.zeros(10, int)
    with pytest.raises(ValueError, match=pattern) as info:
        fit(net, SoftmaxCrossEntropy(), SGD(net, lr=0.1), X, y, **bad)
    key, value = _code(r"(epochs|batch_size)=\d+", str(info.value)).split("=")
    history = fit(net, SoftmaxCrossEntropy(), SGD(net, lr=0.1), X, y, **{**bad, key: int(value)})
    assert len(history.epoch) == {**bad, key: int(value)}["epochs"]


def test_x_and_y_of_different_lengths_say_they_must_come_from_the_same_data():
    fix = (r"needs one row and y one target per sample, in the same order: check that both "
           r"come from the same data set.*train_test_split\(X, y\)")
    X, y = np.zeros((10, 3)), np.zeros(9, int)
    with pytest.raises(ValueError, match=r"train_test_split\(\) expected X and y to have the "
                       r"same number of samples, got 10 and 9\. X " + fix):
        train_test_split(X, y)
    net = _net()
    with pytest.raises(ValueError, match=r"fit\(\) expected X and y to have the same number of "
                       r"samples, got 10 and 9\. X " + fix):
        fit(net, SoftmaxCrossEntropy(), SGD(net, lr=0.1), X, y, epochs=1, batch_size=5)
    with pytest.raises(ValueError, match=r"expected X_val and y_val .* got 4 and 3\. X_val "
                       r"needs one row and y_val one target per sample"):
        fit(net, SoftmaxCrossEntropy(), SGD(net, lr=0.1), X, np.zeros(10, int), epochs=1,
            batch_size=5, validation=(np.zeros((4, 3)), np.zeros(3, int)))


def test_bce_targets_other_than_0_and_1_point_to_softmax_cross_entropy():
    P, y = np.array([0.5, 0.5]), np.array([2, 0])
    with pytest.raises(ValueError, match=r"expected targets y of 0 and 1, got \[0\. 2\.\]\. "
                       r"BinaryCrossEntropy needs 0/1 targets.*use SoftmaxCrossEntropy\(\) "
                       r"with integer labels 0\.\.K-1") as info:
        BinaryCrossEntropy().forward(P, y)
    loss = eval(_code(r"SoftmaxCrossEntropy\(\)", str(info.value)),
                {"SoftmaxCrossEntropy": SoftmaxCrossEntropy})
    assert np.isfinite(loss.forward(np.zeros((2, 3)), y))  # 3 logits per row for labels 0..2


def test_one_hot_label_out_of_range_suggests_n_classes():
    with pytest.raises(ValueError, match=r"expected labels in 0\.\.2 for n_classes=3, got label "
                       r"3\. n_classes must be larger than the largest label: use n_classes=4, "
                       r"or leave n_classes out") as info:
        one_hot([0, 3], n_classes=3)
    n_classes = int(_code(r"n_classes=4", str(info.value)).split("=")[1])
    assert one_hot([0, 3], n_classes=n_classes).shape == (2, 4)
    assert one_hot([0, 3]).shape == (2, 4)


def test_wrong_shape_upstream_gradient_says_it_must_match_the_last_forward_output():
    X, y = np.zeros((2, 3)), np.zeros((2, 4))
    layer = Dense(3, 4, rng=0)
    Y = layer.forward(X)
    with pytest.raises(ValueError, match=r"expected dY of shape \(2, 4\) \(the shape of the "
                       r"forward output\), got \(2, 5\)\. dY must have the shape of this "
                       r"layer's last forward output.*dY = loss\.backward\(\)"):
        layer.backward(np.zeros((2, 5)))
    loss = SoftmaxCrossEntropy()
    net = _net()
    Y_hat = net.forward(X)
    with pytest.raises(ValueError, match=r"Network\.backward\(\) expected dY of shape \(2, 2\).*"
                       r"got \(2, 5\)\. dY must have the shape of the network's last forward "
                       r"output Y_hat = net\.forward\(X\), e\.g\. dY = loss\.backward\(\)"):
        net.backward(np.zeros((2, 5)))
    # the suggestion, as written: loss.forward on the same batch, then loss.backward()
    loss.forward(Y_hat, np.array([0, 1]))
    assert net.backward(loss.backward()).shape == X.shape
    mse = MSE()
    mse.forward(Y, y)
    assert layer.backward(mse.backward()).shape == X.shape


def test_negative_labels_are_told_to_renumber_not_to_add_outputs():
    y = np.array([0, 1, -1])
    with pytest.raises(ValueError, match=r"expected labels in 0\.\.3 \(one per logit column\), "
                       r"got labels from -1 to 1\. Class labels must be integers 0\.\.3, never "
                       r"negative: renumber them with classes, y = np\.unique\(y, "
                       r"return_inverse=True\)") as info:
        SoftmaxCrossEntropy().forward(np.zeros((3, 4)), y)
    assert "one output per class" not in str(info.value)  # more outputs would not help
    code = _code(r"classes, y = np\.unique\(y, return_inverse=True\)", str(info.value))
    scope = {"np": np, "y": y}
    exec(code, scope)
    assert np.isfinite(SoftmaxCrossEntropy().forward(np.zeros((3, 4)), scope["y"]))
    assert np.array_equal(scope["classes"][scope["y"]], y)  # classes[k]: the original label
    # labels >= K keep the advice about the last layer, and no renumbering
    with pytest.raises(ValueError, match=r"from 0 to 4\. Check that the last Dense layer has "
                       r"one output per class\.$"):
        SoftmaxCrossEntropy().forward(np.zeros((3, 4)), np.array([0, 1, 4]))


def test_logits_hints_are_valid_code():
    Y_hat = np.zeros(3)
    with pytest.raises(ValueError, match=r"expected Y_hat \(the logits\) with 2 dimensions.*"
                       r"for one sample use Y_hat\.reshape\(1, -1\); for one feature use "
                       r"Y_hat\.reshape\(-1, 1\)\.") as info:
        SoftmaxCrossEntropy().forward(Y_hat, np.array([0, 1, 2]))
    assert "(the logits)." not in str(info.value)
    one_sample = eval(_code(r"Y_hat\.reshape\(1, -1\)", str(info.value)), {"Y_hat": Y_hat})
    assert np.isfinite(SoftmaxCrossEntropy().forward(one_sample, np.array([2])))
    # the dtype hint names Y_hat alone too, so it runs as pasted
    Z = np.zeros((3, 4), dtype=np.int64)
    with pytest.raises(TypeError, match=r"expected Y_hat \(the logits\) with a float dtype.*"
                       r"Convert it first: Y_hat\.astype\(np\.float64\)\.") as info:
        SoftmaxCrossEntropy().forward(Z, np.array([0, 1, 2]))
    fixed = eval(_code(r"Y_hat\.astype\(np\.float64\)", str(info.value)), {"Y_hat": Z, "np": np})
    assert np.isfinite(SoftmaxCrossEntropy().forward(fixed, np.array([0, 1, 2])))


@pytest.mark.parametrize("name", ["constant", "ones", "xaviar"])
def test_unknown_initializer_says_init_also_takes_a_function(name):
    with pytest.raises(ValueError, match=rf"unknown initializer '{name}'\. Valid names are: .*"
                       r"init also accepts a function init\(shape, rng, dtype\).*"
                       r"from backprop_lab\.init import constant, normal, uniform.*"
                       r"Dense\(3, 4, init=constant\(0\.1\)\)") as info:
        Dense(3, 4, init=name)
    message = str(info.value)
    scope = {"Dense": Dense}
    exec(_code(r"from backprop_lab\.init import [\w, ]+\w", message), scope)
    calls = re.findall(r"Dense\(3, 4, init=\w+\([^)]*\)\)", message)
    assert len(calls) == 3
    layers = [eval(call, scope) for call in calls]
    assert np.all(layers[0].params["W"] == 0.1)  # constant(0.1)
    assert all(layer.params["W"].shape == (3, 4) for layer in layers)
    assert np.abs(layers[2].params["W"]).max() <= 0.05  # uniform(limit=0.05)


def test_one_hot_negative_labels_are_told_to_renumber():
    from backprop_lab import one_hot

    y = np.array([3, -2, 3])
    with pytest.raises(ValueError, match=r"one_hot\(\) expected labels >= 0, got -2. Class labels "
                                         r"are 0..K-1: renumber them with classes, y = "
                                         r"np.unique\(y, return_inverse=True\)"):
        one_hot(y)
    classes, y = np.unique(y, return_inverse=True)  # the advice, as printed
    np.testing.assert_array_equal(one_hot(y).argmax(axis=1), [1, 0, 1])


def test_lr_range_test_batch_size_below_one_suggests_a_typical_value():
    from backprop_lab import Dense, Network, lr_range_test

    with pytest.raises(ValueError, match=r"lr_range_test\(\) expected batch_size >= 1, got 0. "
                                         r"batch_size is the number of samples per gradient "
                                         r"step: use e.g. batch_size=32."):
        lr_range_test(Network([Dense(2, 2)]), "mse", np.zeros((4, 2)), np.zeros((4, 2)),
                      batch_size=0)


@pytest.mark.parametrize("call, given, fix", [
    (lambda: __import__("backprop_lab").SGD(_two_by_two(), lr="0.1"), "'0.1'",
     "Write the number without quotes: lr=0.1."),
    (lambda: __import__("backprop_lab").Adam(_two_by_two(), eps="tiny"), "'tiny'",
     r"Pass a number \(an int or a float\), not a string."),
    (lambda: __import__("backprop_lab").LeakyReLU(alpha=None), "None",
     "Pass a number; alpha=None is not accepted."),
    (lambda: __import__("backprop_lab").ExponentialLR([0.9]), r"\[0.9\]",
     "Pass a single number, not a list."),
    (lambda: __import__("backprop_lab").CosineLR(10, lr_min=True), "True",
     "True and False are not numbers here: write lr_min=1 if you mean it."),
])
def test_a_value_that_is_not_a_number_gets_advice_on_passing_one(call, given, fix):
    """One type check (_checks.check_real) behind every number a public function takes: the
    message says what was given and how to pass a number instead."""
    with pytest.raises(TypeError, match=rf"expected \w+ to be a number, got {given}. {fix}"):
        call()


def _two_by_two():
    from backprop_lab import Dense, Network

    return Network([Dense(2, 2, rng=0)])


def test_the_advice_for_a_quoted_number_runs():
    from backprop_lab import SGD

    with pytest.raises(TypeError) as err:
        SGD(_two_by_two(), lr="1e-3")
    advice = str(err.value).split("without quotes: ")[1].rstrip(".")
    assert advice == "lr=0.001"
    assert eval(f"SGD(_two_by_two(), {advice})").lr == 0.001
