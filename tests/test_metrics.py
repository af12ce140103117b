"""Metrics: accuracy, confusion matrix, predicted labels, errors."""

from __future__ import annotations

import numpy as np
import pytest

from backprop_lab import (
    Dense,
    Network,
    Sigmoid,
    accuracy,
    confusion_matrix,
    predict_labels,
)


def test_accuracy_worked_example():
    assert accuracy([0, 1, 2, 2], [0, 1, 1, 2]) == 0.75
    assert accuracy(np.array([1, 1]), np.array([1, 1])) == 1.0
    assert isinstance(accuracy([0], [1]), float)
    with pytest.raises(TypeError, match=r"astype\(np.int64\), which is exact here"):
        accuracy([0.0, 1.0], [0, 1])  # floats are refused, even whole ones (audit A, M5)
    assert accuracy(np.array([True, False]), np.array([1, 1])) == 0.5


def test_confusion_matrix_worked_example():
    C = confusion_matrix([0, 1, 1, 2, 2, 2], [0, 1, 2, 2, 2, 0])
    np.testing.assert_array_equal(C, [[1, 0, 0], [0, 1, 1], [1, 0, 2]])
    assert C.dtype == np.int64
    assert C.sum() == 6 and np.trace(C) == 4


def test_confusion_matrix_n_classes_pads():
    C = confusion_matrix([0, 1], [1, 1], n_classes=4)
    assert C.shape == (4, 4) and C[0, 1] == 1 and C[1, 1] == 1 and C.sum() == 2


def test_confusion_matrix_agrees_with_accuracy():
    rng = np.random.default_rng(0)
    y_true, y_pred = rng.integers(0, 5, 200), rng.integers(0, 5, 200)
    C = confusion_matrix(y_true, y_pred, n_classes=5)
    assert np.trace(C) / C.sum() == accuracy(y_true, y_pred)
    np.testing.assert_array_equal(C.sum(axis=1), np.bincount(y_true, minlength=5))


def test_predict_labels_argmax():
    net = Network([Dense(2, 3, init="zeros")])
    net.layers[0].params["W"][:] = [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]
    X = np.array([[2.0, 1.0], [0.0, 3.0], [-1.0, -1.0]])
    labels = predict_labels(net, X)
    np.testing.assert_array_equal(labels, [0, 2, 1])
    assert labels.dtype == np.int64 and labels.shape == (3,)


def test_predict_labels_single_output():
    dense = Dense(1, 1, init="zeros")
    dense.params["W"][:] = 1.0
    X = np.array([[-2.0], [0.0], [3.0]])
    np.testing.assert_array_equal(predict_labels(Network([dense, Sigmoid()]), X), [0, 1, 1])
    # a single logit without Sigmoid: the same decision, taken at z >= 0
    np.testing.assert_array_equal(predict_labels(Network([dense]), X), [0, 1, 1])


def test_confusion_matrix_mixed_unsigned_and_signed_labels():
    y_true = np.array([0, 1, 2, 2], dtype=np.uint64)
    y_pred = np.array([0, 2, 2, 1], dtype=np.int64)
    C = confusion_matrix(y_true, y_pred)
    np.testing.assert_array_equal(C, [[1, 0, 0], [0, 0, 1], [0, 1, 1]])
    assert C.dtype == np.int64
    assert confusion_matrix(y_pred, y_true.astype(np.uint8), n_classes=4).shape == (4, 4)


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_predict_labels_refuses_non_finite_parameters(bad):
    net = Network([Dense(2, 3, rng=0)])
    net.layers[0].params["W"][1, 2] = bad
    with pytest.raises(ValueError, match=r"parameter 0.W .* NaN or infinity.* diverged"):
        predict_labels(net, np.ones((2, 2)))


def test_predict_labels_refuses_overflowing_outputs():
    net = Network([Dense(2, 3, init=lambda shape, rng, dtype: np.full(shape, 1e308, dtype))])
    with np.errstate(over="ignore"), pytest.raises(ValueError, match=r"output contains inf "
                                                                     r"or NaN.*overflowed"):
        predict_labels(net, np.full((2, 2), 10.0))


@pytest.mark.parametrize("call, error, match", [
    (lambda: accuracy([0, 1], [0]), ValueError,
     r"accuracy\(\) expected y_true and y_pred of the same length, got 2 and 1"),
    (lambda: accuracy([], []), ValueError, r"expected at least one label"),
    (lambda: accuracy([0, 1], [0.3, 0.7]), TypeError,
     r"expected integer class labels in y_pred, got dtype float64"),
    (lambda: accuracy(np.eye(2, dtype=int), [0, 1]), ValueError,
     r"expected y_true of shape \(n_samples,\), got shape \(2, 2\). For one-hot rows"),
    (lambda: confusion_matrix([0, -1], [0, 0]), ValueError, r"expected labels >= 0, got -1"),
    (lambda: confusion_matrix([0, 3], [0, 0], n_classes=3), ValueError,
     r"expected labels in 0..2 for n_classes=3, got label 3"),
    (lambda: confusion_matrix([0], [0], n_classes=0), ValueError, r"expected n_classes >= 1"),
    (lambda: confusion_matrix([0, 10**12], [0, 0]), ValueError,
     r"got label 1000000000000, which implies 1000000000001 classes \(more than 100000\). "
     r"Check the labels .* or pass n_classes"),
    (lambda: confusion_matrix(np.array([0, 2**63], dtype=np.uint64), [0, 0], n_classes=3),
     ValueError, r"expected labels in 0..2 for n_classes=3, got label 9223372036854775808"),
    (lambda: predict_labels(Dense(2, 2), np.zeros((1, 2))), TypeError,
     r"predict_labels\(\) expected a Network, got Dense"),
    (lambda: predict_labels(Network([Dense(2, 2)]), np.zeros((1, 3))), ValueError,
     r"expected X of shape \(n_samples, 2\), got \(1, 3\)"),
])
def test_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()


# -- audit A --------------------------------------------------------------------------------------
@pytest.mark.parametrize("call", [
    lambda: accuracy([1e20], [1e20 + 1e5]),
    lambda: confusion_matrix([1e20], [1e20]),
    lambda: accuracy([0, 1], [0.0, 1.5]),
])
def test_float_labels_are_refused_and_the_bad_value_named(call):
    with pytest.raises(TypeError, match=r"expected integer class labels in y_(true|pred), got "
                                        r"dtype float64 with .* at index \d, which is not a class "
                                        r"label.*predict_labels"):
        call()


def test_one_rule_for_labels_floats_refused_bools_are_zero_and_one():
    from backprop_lab import SoftmaxCrossEntropy, one_hot

    for call in (lambda: one_hot(np.array([0.0, 1.0])), lambda: accuracy([0.0, 1.0], [0, 1]),
                 lambda: SoftmaxCrossEntropy().forward(np.zeros((2, 2)), np.array([0.0, 1.0]))):
        with pytest.raises(TypeError, match=r"got dtype float64 \(whole numbers\). Convert them "
                                            r"with y(_true)?.astype\(np.int64\), which is exact"):
            call()
    with pytest.raises(TypeError, match=r"with 1.5 at index 1, which is not a class label"):
        SoftmaxCrossEntropy().forward(np.zeros((2, 3)), np.array([0.0, 1.5]))
    flags = np.array([False, True, True])
    np.testing.assert_array_equal(one_hot(flags), one_hot([0, 1, 1]))
    Z = np.array([[0.0, 1.0], [2.0, 0.0], [0.0, 0.0]])
    assert SoftmaxCrossEntropy().forward(Z, flags) == SoftmaxCrossEntropy().forward(Z, [0, 1, 1])
    assert accuracy(flags, [0, 1, 0]) == pytest.approx(2 / 3)


def test_fit_takes_boolean_labels_as_zero_and_one():
    from backprop_lab import SGD, Dense, fit

    X = np.random.default_rng(0).standard_normal((8, 2))
    y = X[:, 0] > 0
    runs = []
    for labels in (y, y.astype(np.int64)):
        net = Network([Dense(2, 2, rng=0)])
        runs.append(fit(net, "cross_entropy", SGD(net, lr=0.1), X, labels, epochs=2,
                        batch_size=4, seed=0).loss)
    assert runs[0] == runs[1]


def test_label_encodings_too_large_for_memory_are_refused():
    from backprop_lab import one_hot

    with pytest.raises(ValueError, match=r"confusion_matrix\(\): the confusion matrix of shape "
                                         r"\(100000, 100000\) would take 74.5 GiB.*not raw ids"):
        confusion_matrix([0, 99999], [0, 0])
    with pytest.raises(ValueError, match=r"one_hot\(\): the one-hot array of shape "
                                         r"\(90000, 90000\) would take 60.3 GiB"):
        one_hot(np.arange(90000))


def test_confusion_matrix_refuses_a_negative_predicted_label():
    with pytest.raises(ValueError, match="labels >= 0"):
        confusion_matrix([1, 1], [-1, 1])


@pytest.mark.parametrize("y_true, y_pred", [([-3, -1], [-3, -1]), ([0, 1], [0, -1])])
def test_accuracy_refuses_negative_labels_as_confusion_matrix_does(y_true, y_pred):
    """Labels are 0..K-1 for every metric: accuracy([-3, -1], [-3, -1]) used to return 1.0."""
    with pytest.raises(ValueError, match=r"accuracy\(\) expected labels >= 0, got -\d. Class "
                                         r"labels are 0..K-1: renumber them with classes, y = "
                                         r"np.unique\(y, return_inverse=True\) \(classes\[k\]"):
        accuracy(y_true, y_pred)
    classes, y = np.unique(np.array(y_true), return_inverse=True)  # the advice works
    assert y.min() == 0 and accuracy(y, y) == 1.0
    np.testing.assert_array_equal(classes[y], y_true)


def test_a_length_mismatch_says_to_compare_the_same_samples():
    with pytest.raises(ValueError, match=r"got 2 and 1. Compare the labels of the same samples, "
                                         r"e.g. y_pred = predict_labels\(net, X\)"):
        accuracy([0, 1], [0])
