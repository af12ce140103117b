"""Preprocessing: train/test split, standardization, one-hot, errors."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from backprop_lab import Standardizer, one_hot, standardize, train_test_split


def data(n=50):
    X = np.arange(2.0 * n).reshape(n, 2)
    return X, np.arange(n) % 3


def test_split_sizes_and_partition():
    X, y = data()
    X_train, X_test, y_train, y_test = train_test_split(X, y, rng=0)
    assert X_train.shape == (40, 2) and X_test.shape == (10, 2)
    assert y_train.shape == (40,) and y_test.shape == (10,)
    rows = np.concatenate([X_train[:, 0], X_test[:, 0]]) / 2
    np.testing.assert_array_equal(np.sort(rows), np.arange(50))  # every sample exactly once
    np.testing.assert_array_equal(y_train, (X_train[:, 0] / 2).astype(int) % 3)  # pairs kept


def test_split_test_size_rounds_up_and_accepts_counts():
    X, y = data(11)
    assert len(train_test_split(X, y, test_size=0.25, rng=0)[1]) == 3  # ceil(2.75)
    assert len(train_test_split(X, y, test_size=4, rng=0)[1]) == 4


def test_split_same_rng_same_split():
    X, y = data()
    a = train_test_split(X, y, rng=3)
    b = train_test_split(X, y, rng=np.random.default_rng(3))
    for u, v in zip(a, b, strict=True):
        np.testing.assert_array_equal(u, v)
    c = train_test_split(X, y, rng=4)
    assert not np.array_equal(a[1], c[1])


def test_split_float32_stays_float32():
    X, y = data()
    assert train_test_split(X.astype(np.float32), y, rng=0)[0].dtype == np.float32


def test_stratified_split_keeps_proportions():
    X = np.zeros((100, 1))
    y = np.array([0] * 70 + [1] * 20 + [2] * 10)
    _, _, y_train, y_test = train_test_split(X, y, test_size=0.3, rng=0, stratify=True)
    np.testing.assert_array_equal(np.bincount(y_test), [21, 6, 3])
    np.testing.assert_array_equal(np.bincount(y_train), [49, 14, 7])


def test_stratified_split_total_is_exact_with_remainders():
    X = np.zeros((10, 1))
    y = np.array([0, 0, 0, 1, 1, 1, 2, 2, 2, 2])
    _, X_test, _, y_test = train_test_split(X, y, test_size=0.5, rng=1, stratify=True)
    assert len(X_test) == 5 and set(y_test) == {0, 1, 2}


def test_standardizer_worked_example_and_inverse():
    X = np.array([[1.0, 10.0, 5.0], [3.0, 30.0, 5.0]])
    s = Standardizer().fit(X)
    np.testing.assert_array_equal(s.mean_, [2.0, 20.0, 5.0])
    np.testing.assert_array_equal(s.scale_, [1.0, 10.0, 1.0])  # constant column: scale 1
    Z = s.transform(X)
    np.testing.assert_array_equal(Z, [[-1.0, -1.0, 0.0], [1.0, 1.0, 0.0]])
    assert not np.isnan(Z).any()
    np.testing.assert_allclose(s.inverse_transform(Z), X)
    np.testing.assert_array_equal(s.fit_transform(X), Z)
    assert repr(s) == "Standardizer(fitted)" and repr(Standardizer()) == "Standardizer(not fitted)"


def test_standardize_shortcut_and_float32():
    rng = np.random.default_rng(0)
    X = rng.normal(3.0, 5.0, size=(200, 4)).astype(np.float32)
    Z = standardize(X)
    assert Z.dtype == np.float32
    np.testing.assert_allclose(Z.mean(axis=0), 0, atol=1e-5)
    np.testing.assert_allclose(Z.std(axis=0), 1, atol=1e-5)


def test_standardizer_uses_training_statistics():
    s = Standardizer().fit(np.array([[0.0], [2.0]]))
    np.testing.assert_array_equal(s.transform(np.array([[4.0]])), [[3.0]])


def test_one_hot():
    Y = one_hot([0, 2, 1])
    np.testing.assert_array_equal(Y, [[1, 0, 0], [0, 0, 1], [0, 1, 0]])
    assert Y.dtype == np.float64
    Y = one_hot(np.array([1]), n_classes=4, dtype=np.float32)
    assert Y.shape == (1, 4) and Y.dtype == np.float32 and Y[0, 1] == 1
    np.testing.assert_array_equal(one_hot(np.array([], dtype=int), n_classes=2).shape, (0, 2))


@pytest.mark.parametrize("X", [
    np.array([[1.0, 1e308], [2.0, -1e308], [3.0, 1e308]]),  # the variance overflows
    np.array([[1.0, 1e308], [2.0, 1e308]]),  # the sum, and so the mean, overflows
])
@pytest.mark.parametrize("fit", [lambda X: Standardizer().fit(X), standardize])
def test_standardize_values_too_large(X, fit):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a clear error, not an overflow warning
        with pytest.raises(ValueError, match=r"Standardizer.fit\(\): the mean or standard "
                                             r"deviation of column 1 is not finite: its values "
                                             r"\(up to 1e\+308 in size\) are too large to "
                                             r"standardize .* Rescale"):
            fit(X)


@pytest.mark.parametrize("call, error, match", [
    (lambda: train_test_split(*data(), test_size=1.0), ValueError,
     r"expected test_size in \(0, 1\) as a fraction, got 1.0"),
    (lambda: train_test_split(*data(), test_size=50), ValueError,
     r"expected test_size between 1 and 49 samples, got 50"),
    (lambda: train_test_split(*data(), test_size="20%"), TypeError, r"test_size to be a fraction"),
    (lambda: train_test_split(data()[0], data()[1][:10]), ValueError,
     r"expected X and y to have the same number of samples, got 50 and 10"),
    (lambda: train_test_split(np.zeros((1, 2)), [0]), ValueError, r"at least 2 samples"),
    (lambda: train_test_split(np.arange(4).reshape(2, 2), [0, 1]), TypeError,
     r"train_test_split\(\) expected X with a float dtype, got int64"),
    (lambda: train_test_split(np.zeros((4, 2)), np.zeros(4), stratify=True), ValueError,
     r"stratify=True expected integer labels"),
    (lambda: train_test_split(*data(), stratify="y"), TypeError, r"stratify to be True or False"),
    (lambda: train_test_split(*data(), rng="seed"), TypeError, r"expected rng to be None"),
    (lambda: Standardizer().transform(np.zeros((2, 2))), RuntimeError,
     r"Standardizer.transform\(\) was called before fit\(\)"),
    (lambda: Standardizer().fit(np.zeros((2, 2))).transform(np.zeros((2, 3))), ValueError,
     r"expected X with 2 columns \(as in fit\), got \(2, 3\)"),
    (lambda: Standardizer().fit(np.zeros((0, 2))), ValueError, r"at least one sample"),
    (lambda: Standardizer().fit(np.array([[np.nan]])), ValueError, r"expected finite values"),
    (lambda: standardize(np.zeros(3)), ValueError, r"expected X with 2 dimensions"),
    (lambda: one_hot([0.0, 1.0]), TypeError, r"one_hot\(\) expected integer class labels"),
    (lambda: one_hot([[0, 1]]), ValueError, r"expected labels of shape \(n_samples,\)"),
    (lambda: one_hot([-1, 0]), ValueError, r"expected labels >= 0, got -1"),
    (lambda: one_hot([0, 3], n_classes=3), ValueError, r"labels in 0..2 for n_classes=3"),
    (lambda: one_hot(np.array([], dtype=int)), ValueError, r"pass n_classes"),
    (lambda: one_hot([0, 10**12]), ValueError,
     r"one_hot\(\) got label 1000000000000, which implies 1000000000001 classes \(more than "
     r"100000\). Check the labels .* or pass n_classes"),
    (lambda: standardize(np.zeros((3, 0))), ValueError,
     r"Standardizer.fit\(\) expected X with at least one feature \(column\), got shape \(3, 0\)"),
    (lambda: Standardizer().fit(np.zeros((3, 0))), ValueError, r"at least one feature"),
    (lambda: train_test_split(np.zeros((4, 0)), np.arange(4)), ValueError,
     r"train_test_split\(\) expected X with at least one feature \(column\)"),
    (lambda: one_hot([0], dtype=np.int32), TypeError, r"expected dtype float32 or float64"),
])
def test_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()


# -- audit A ----------------------------------------------------------------------------------
def test_standardizer_refuses_a_scale_that_is_zero_or_overflows_in_the_data_dtype():
    tiny = Standardizer().fit(np.array([[0.0], [1e-50]]))
    with pytest.raises(ValueError, match=r"Standardizer.transform\(\): the scale of column 0, "
                                         r"5e-51 \(learned in fit\), becomes 0.0 in float32.*"
                                         r"X.astype\(np.float64\)"):
        tiny.transform(np.array([[1.0]], np.float32))
    huge = Standardizer().fit(np.array([[0.0], [1e150]]))
    with pytest.raises(ValueError, match=r"the mean of column 0, 5e\+149 \(learned in fit\), "
                                         r"becomes inf in float32"):
        huge.inverse_transform(np.array([[1.0]], np.float32))
    assert np.isfinite(tiny.transform(np.array([[1.0]]))).all()  # float64 is fine


def test_standardizer_refuses_a_result_that_overflows():
    s = Standardizer().fit(np.array([[0.0], [1e-30]], np.float32))
    with pytest.raises(ValueError, match=r"Standardizer.transform\(\): the result overflows "
                                         r"float32 at index \(0, 0\): X holds 1e\+10 there"):
        s.transform(np.array([[1e10]], np.float32))
    with pytest.raises(ValueError, match=r"inverse_transform\(\): the result overflows float64"):
        Standardizer().fit(np.array([[0.0], [1e150]])).inverse_transform(np.array([[1e200]]))


def test_stratified_rounding_gives_the_largest_remainders_first():
    """Class counts 6, 3, 1 and 3 test samples: exact shares 1.8, 0.9, 0.3 round to 2, 1, 0."""
    y = np.array([0] * 6 + [1] * 3 + [2])
    X = np.arange(10.0).reshape(-1, 1)
    _, _, _, y_test = train_test_split(X, y, test_size=3, stratify=True, rng=0)
    assert np.bincount(y_test, minlength=3).tolist() == [2, 1, 0]


def test_a_stratified_training_set_is_shuffled():
    y = np.repeat([0, 1, 2], 20)
    X = np.arange(60.0).reshape(-1, 1)
    orders = []
    for seed in (0, 1):
        _, _, y_train, _ = train_test_split(X, y, test_size=0.25, stratify=True, rng=seed)
        assert np.any(np.diff(y_train) < 0), "the training labels come sorted by class"
        orders.append(y_train)
    assert not np.array_equal(*orders)
