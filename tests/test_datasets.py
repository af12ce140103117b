"""Tests of ``backprop_lab.datasets``: toy sets from a seed and the shipped digits."""

from __future__ import annotations

import doctest
import hashlib
from importlib import resources

import numpy as np
import pytest

from backprop_lab import datasets
from backprop_lab.datasets import (
    load_digits,
    make_circles,
    make_moons,
    make_regression_curve,
    make_spirals,
    make_xor,
)

CLASSIFIERS = {
    "make_xor": (make_xor, 2),
    "make_moons": (make_moons, 2),
    "make_circles": (make_circles, 2),
    "make_spirals": (make_spirals, 3),
}
ALL_MAKERS = [make_xor, make_moons, make_circles, make_spirals, make_regression_curve]


# ---------------------------------------------------------------------- toy sets
@pytest.mark.parametrize("name", sorted(CLASSIFIERS))
@pytest.mark.parametrize("n_samples", [1, 2, 7, 200])
def test_classification_shapes_dtypes_labels(name, n_samples):
    make, n_classes = CLASSIFIERS[name]
    X, y = make(n_samples, rng=0)
    assert X.shape == (n_samples, 2)
    assert X.dtype == np.float64
    assert y.shape == (n_samples,)
    assert y.dtype == np.int64
    assert y.min() >= 0 and y.max() < n_classes
    assert np.isfinite(X).all()
    assert X.flags.c_contiguous and y.flags.c_contiguous


@pytest.mark.parametrize("name", sorted(CLASSIFIERS))
def test_default_sizes_and_balance(name):
    make, n_classes = CLASSIFIERS[name]
    X, y = make(rng=0)
    counts = np.bincount(y, minlength=n_classes)
    assert len(X) == {"make_spirals": 300}.get(name, 200)
    assert counts.max() - counts.min() <= 1


@pytest.mark.parametrize("name", sorted(CLASSIFIERS))
def test_odd_sizes_stay_balanced(name):
    make, n_classes = CLASSIFIERS[name]
    _, y = make(301, rng=1)
    counts = np.bincount(y, minlength=n_classes)
    assert counts.sum() == 301
    assert counts.max() - counts.min() <= 1


@pytest.mark.parametrize("make", ALL_MAKERS)
def test_same_seed_same_bits(make):
    X1, y1 = make(50, rng=123)
    X2, y2 = make(50, rng=np.random.default_rng(123))
    assert X1.tobytes() == X2.tobytes()
    assert y1.tobytes() == y2.tobytes()
    X3, _ = make(50, rng=124)
    assert not np.array_equal(X1, X3)


@pytest.mark.parametrize("make", ALL_MAKERS)
def test_global_random_state_is_neither_used_nor_changed(make):
    np.random.seed(0)
    before = np.random.get_state()[1].copy()
    X1, _ = make(30, rng=5)
    assert np.array_equal(np.random.get_state()[1], before)
    np.random.seed(99)
    X2, _ = make(30, rng=5)
    assert X1.tobytes() == X2.tobytes()


@pytest.mark.parametrize("make", ALL_MAKERS)
def test_generator_is_advanced(make):
    gen = np.random.default_rng(0)
    X1, _ = make(20, rng=gen)
    X2, _ = make(20, rng=gen)
    assert not np.array_equal(X1, X2)


def test_xor_geometry():
    X, y = make_xor(400, noise=0.0, rng=0)
    assert set(map(tuple, X.tolist())) == {(1.0, 1.0), (-1.0, -1.0), (1.0, -1.0), (-1.0, 1.0)}
    assert np.array_equal(y, (X[:, 0] * X[:, 1] < 0).astype(np.int64))
    X, y = make_xor(400, noise=0.2, rng=0)
    corner = np.sign(X)  # with noise 0.2 almost every point keeps its corner's signs
    assert np.mean(y == (corner[:, 0] != corner[:, 1])) > 0.95


def test_moons_geometry():
    X, y = make_moons(100, noise=0.0, rng=0)
    upper = X[y == 0]
    lower = X[y == 1]
    assert np.allclose(np.hypot(upper[:, 0], upper[:, 1]), 1.0)
    assert np.allclose(np.hypot(lower[:, 0] - 1.0, lower[:, 1] - 0.5), 1.0)
    assert (upper[:, 1] >= -1e-12).all() and (lower[:, 1] <= 0.5 + 1e-12).all()


def test_circles_geometry_and_factor():
    X, y = make_circles(60, noise=0.0, factor=0.3, rng=0)
    radius = np.hypot(X[:, 0], X[:, 1])
    assert np.allclose(radius[y == 0], 1.0)
    assert np.allclose(radius[y == 1], 0.3)


def test_spirals_geometry_and_classes():
    X, y = make_spirals(500, n_classes=5, noise=0.0, rng=0)
    assert np.bincount(y).tolist() == [100] * 5
    assert (np.hypot(X[:, 0], X[:, 1]) <= 1.0 + 1e-12).all()
    X, y = make_spirals(10, n_classes=2, rng=0)
    assert set(y.tolist()) == {0, 1}


def test_regression_curve():
    X, y = make_regression_curve(200, noise=0.0, rng=0)
    assert X.shape == (200, 1) and y.shape == (200, 1)
    assert X.dtype == np.float64 and y.dtype == np.float64
    assert np.all(np.diff(X[:, 0]) >= 0)
    assert X.min() >= -np.pi and X.max() <= np.pi
    assert np.allclose(y, np.sin(X))
    _, y_noisy = make_regression_curve(2000, noise=0.1, rng=0)
    X2, _ = make_regression_curve(2000, noise=0.0, rng=0)
    residual = y_noisy - np.sin(X2)
    assert 0.09 < residual.std() < 0.11


def test_noise_zero_and_positive_differ():
    X0, _ = make_moons(50, noise=0.0, rng=0)
    X1, _ = make_moons(50, noise=0.1, rng=0)
    assert not np.allclose(X0, X1)


@pytest.mark.parametrize("make", ALL_MAKERS)
@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"n_samples": 0}, ValueError, r"expected n_samples >= 1, got 0"),
        ({"n_samples": -5}, ValueError, r"expected n_samples >= 1, got -5"),
        ({"n_samples": 2.5}, TypeError, r"expected n_samples to be an integer, got 2.5"),
        ({"n_samples": True}, TypeError, r"expected n_samples to be an integer"),
        ({"noise": -0.1}, ValueError, r"expected a finite noise >= 0, got -0.1"),
        ({"noise": float("nan")}, ValueError, r"expected a finite noise >= 0, got nan"),
        ({"noise": "0.1"}, TypeError, r"expected noise to be a number"),
        ({"rng": "seed"}, TypeError, r"expected rng to be None, an integer seed"),
        ({"rng": 1.5}, TypeError, r"expected rng to be None, an integer seed"),
    ],
)
def test_bad_arguments(make, kwargs, error, match):
    with pytest.raises(error, match=rf"^{make.__name__} {match}"):
        make(**kwargs)


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: make_spirals(n_classes=1), ValueError, r"make_spirals expected n_classes >= 2"),
        (lambda: make_spirals(n_classes=2.0), TypeError, r"n_classes to be an integer"),
        (lambda: make_circles(factor=1.0), ValueError, r"make_circles expected 0 < factor < 1"),
        (lambda: make_circles(factor=0.0), ValueError, r"finite factor > 0, got 0.0"),
        (lambda: make_xor(10, 0.1), TypeError, r"positional argument"),
    ],
)
def test_bad_specific_arguments(call, error, match):
    with pytest.raises(error, match=match):
        call()


# ---------------------------------------------------------------------- digits
# Observed with scikit-learn 1.9.1: sklearn.datasets.load_digits().
DIGITS_PIXEL_SUM = 561718
DIGITS_CLASS_COUNTS = [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
DIGITS_CLASS_PIXEL_SUMS = [56415, 57007, 55566, 56151, 56239, 55915, 56336, 54289, 57408, 56392]
DIGITS_FIRST_ROW = [
    0, 0, 5, 13, 9, 1, 0, 0, 0, 0, 13, 15, 10, 15, 5, 0, 0, 3, 15, 2, 0, 11, 8, 0,
    0, 4, 12, 0, 0, 8, 8, 0, 0, 5, 8, 0, 0, 9, 8, 0, 0, 4, 11, 0, 1, 12, 7, 0,
    0, 2, 14, 5, 10, 12, 0, 0, 0, 0, 6, 13, 10, 0, 0, 0,
]  # fmt: skip
DIGITS_IMAGES_SHA256 = "8f26b2bd9d135c256808f68f14fdabddde6d9c7f869ae419704b051f0f14b3b3"
DIGITS_LABELS_SHA256 = "8ba4f891220f5e4c9c819638d1602d74b83618f167043c6da52a2a247841ddf0"


def test_digits_shapes_and_dtypes():
    X, y = load_digits()
    assert X.shape == (1797, 64) and X.dtype == np.float64
    assert y.shape == (1797,) and y.dtype == np.int64
    assert X.min() == 0.0 and X.max() == 16.0
    assert np.array_equal(X, np.round(X))  # unscaled integer counts
    assert np.unique(y).tolist() == list(range(10))


def test_digits_checksums_match_scikit_learn():
    X, y = load_digits()
    assert int(X.sum()) == DIGITS_PIXEL_SUM
    assert np.bincount(y).tolist() == DIGITS_CLASS_COUNTS
    assert [int(X[y == k].sum()) for k in range(10)] == DIGITS_CLASS_PIXEL_SUMS
    assert X[0].astype(int).tolist() == DIGITS_FIRST_ROW
    assert y[:10].tolist() == list(range(10))
    images = X.reshape(1797, 8, 8).astype(np.uint8)
    assert hashlib.sha256(images.tobytes()).hexdigest() == DIGITS_IMAGES_SHA256
    labels = y.astype(np.uint8)
    assert hashlib.sha256(labels.tobytes()).hexdigest() == DIGITS_LABELS_SHA256


def test_digits_float32_and_images():
    X, y, images = load_digits(dtype=np.float32, return_images=True)
    assert X.dtype == np.float32 and images.dtype == np.float32
    assert images.shape == (1797, 8, 8)
    assert np.array_equal(images.reshape(1797, 64), X)
    assert not np.shares_memory(images, X)
    X64, y64 = load_digits(dtype="float64")
    assert np.array_equal(X64, X.astype(np.float64))
    assert np.array_equal(y, y64)


def test_digits_returns_fresh_arrays():
    X1, y1 = load_digits()
    X1[:] = -1.0
    y1[:] = -1
    X2, y2 = load_digits()
    assert int(X2.sum()) == DIGITS_PIXEL_SUM
    assert y2.min() == 0


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"dtype": np.int32}, TypeError, r"load_digits expected dtype float32 or .*got int32"),
        ({"dtype": np.float16}, TypeError, r"load_digits expected dtype float32 or float64"),
        ({"dtype": "nonsense"}, TypeError, r"load_digits expected dtype float32 or float64"),
        ({"return_images": "yes"}, TypeError, r"load_digits expected return_images to be True"),
        ({"return_images": 1}, TypeError, r"load_digits expected return_images to be True"),
    ],
)
def test_digits_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        load_digits(**kwargs)


def test_digits_file_is_package_data_without_pickle():
    data = resources.files("backprop_lab").joinpath("data")
    npz = data.joinpath("digits.npz")
    assert npz.is_file()
    with npz.open("rb") as f, np.load(f, allow_pickle=False) as archive:
        assert sorted(archive.files) == ["images", "labels"]
        assert archive["images"].dtype == np.uint8 and archive["images"].shape == (1797, 8, 8)
        assert archive["labels"].dtype == np.uint8 and archive["labels"].shape == (1797,)
    licence = data.joinpath("DIGITS_LICENSE.md").read_text(encoding="utf-8")
    for needle in ("10.24432/C50P49", "CC BY 4.0", "Alpaydin", "Kaynak", "BSD-3-Clause"):
        assert needle in licence


# ---------------------------------------------------------------------- docstrings
def test_docstring_examples_run():
    result = doctest.testmod(datasets, extraglobs={"np": np})
    assert result.attempted > 5
    assert result.failed == 0


@pytest.mark.parametrize("make", [make_xor, make_moons, make_circles, make_spirals,
                                  make_regression_curve])
def test_noise_so_large_that_samples_overflow_is_refused(make):
    with np.errstate(over="ignore", invalid="ignore"), pytest.raises(
            ValueError, match=r"noise=1e\+308 is so large that some samples overflowed"):
        make(50, noise=1e308, rng=0)


def test_spiral_points_lie_on_their_arms():
    """Without noise, arm k has its points at (r sin t, r cos t) with t = 4k + 4r."""
    X, y = make_spirals(90, n_classes=3, noise=0.0, rng=0)
    r = np.linalg.norm(X, axis=1)
    theta = 4 * y + 4 * r
    np.testing.assert_allclose(X, np.column_stack([r * np.sin(theta), r * np.cos(theta)]),
                               atol=1e-12)


def test_circles_have_no_duplicate_points():
    X, _ = make_circles(40, noise=0.0, rng=0)
    assert len(np.unique(X.round(12), axis=0)) == len(X)


@pytest.mark.parametrize(("n", "counts"), [(5, [2, 3]), (7, [3, 4]), (6, [3, 3])])
def test_moons_of_an_odd_size(n, counts):
    assert np.bincount(make_moons(n, rng=0)[1]).tolist() == counts


@pytest.mark.parametrize("make", [make_xor, make_moons, make_circles, make_spirals,
                                  make_regression_curve])
def test_a_huge_n_samples_is_refused_before_allocating(make):
    with pytest.raises(ValueError, match=r"n_samples <= 100,000,000 .* got 10,000,000,000,000"):
        make(10**13)
    assert len(make(datasets.MAX_TOY_SAMPLES // 10**6)[0]) == 100  # the limit is not tiny


@pytest.mark.parametrize("make", [make_xor, make_moons, make_circles, make_spirals,
                                  make_regression_curve])
def test_toy_sets_come_in_float32_as_the_float64_set_rounded(make):
    X, y = make(rng=3)
    X32, y32 = make(rng=3, dtype=np.float32)
    assert X32.dtype == np.float32 and X32.flags.c_contiguous
    np.testing.assert_array_equal(X32, X.astype(np.float32))
    if make is make_regression_curve:  # float targets follow dtype too
        assert y32.dtype == np.float32
        np.testing.assert_array_equal(y32, y.astype(np.float32))
    else:  # labels stay int64
        assert y32.dtype == np.int64
        np.testing.assert_array_equal(y32, y)
    with pytest.raises(TypeError, match=r"expected dtype float32 or float64, got int64. Pass "
                                        r"dtype=np.float64 \(the default\) or dtype=np.float32"):
        make(rng=3, dtype=np.int64)
