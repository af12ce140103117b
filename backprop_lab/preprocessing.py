r"""Preparing data (chapter "Evaluating and tuning"): splits, standardization, one-hot.

Randomness comes in as ``rng`` (a seed or a ``numpy.random.Generator``); float32 inputs
give float32 outputs.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from ._checks import (
    as_array,
    check_allocation,
    check_dtype,
    check_float_array,
    check_label_dtype,
    check_labels_nonnegative,
    check_n_classes,
    check_real,
    check_rng,
    check_same_length,
)

__all__ = ["Standardizer", "one_hot", "standardize", "train_test_split"]


def train_test_split(X, y, *, test_size: float | int = 0.2, rng=None, stratify: bool = False):
    r"""Shuffle the samples and split them into a training and a test set.

    (Chapter "Evaluation and tuning".)

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples, ...)
    test_size : float or int, default 0.2
        A fraction in (0, 1) (the test set gets :math:`\lceil \text{test\_size}\cdot n\rceil`
        samples, as scikit-learn) or a number of samples in ``1 .. n_samples - 1``.
    rng : int, numpy.random.Generator or None
    stratify : bool, default False
        Keep each class's proportion in both sets (``y`` must then be integer labels of
        shape ``(n_samples,)``). Each class contributes its share of the test set, rounded
        so that the total is exact (largest remainders).

    Returns
    -------
    X_train, X_test, y_train, y_test

    Examples
    --------
    >>> import numpy as np
    >>> X, y = np.arange(20.0).reshape(10, 2), np.arange(10)
    >>> X_train, X_test, y_train, y_test = train_test_split(X, y, rng=0)
    >>> X_train.shape, X_test.shape
    ((8, 2), (2, 2))
    """
    who = "train_test_split()"
    X = check_float_array(X, "X", who)
    y = as_array(y, "y", who)
    if y.ndim == 0:
        raise ValueError(f"{who} expected y with one target per sample, got a scalar.")
    check_same_length(X, y, who)
    n = len(X)
    if n < 2:
        raise ValueError(f"{who} expected at least 2 samples to split, got {n}.")
    check_real(test_size, "test_size", who, what="a fraction or a count",
               hint="Pass e.g. test_size=0.2 (a fifth of the rows) or test_size=50 (50 rows).")
    if isinstance(test_size, numbers.Integral):
        if not 1 <= test_size <= n - 1:
            raise ValueError(
                f"{who} expected test_size between 1 and {n - 1} samples, got {test_size}."
            )
        n_test = int(test_size)
    else:
        if not 0 < test_size < 1:
            raise ValueError(
                f"{who} expected test_size in (0, 1) as a fraction, got {test_size}. "
                "Use 0.2 for 20% test data."
            )
        n_test = min(max(math.ceil(test_size * n), 1), n - 1)
    if not isinstance(stratify, bool):
        raise TypeError(f"{who} expected stratify to be True or False, got {stratify!r}.")
    rng = check_rng(rng, who)

    if not stratify:
        perm = rng.permutation(n)
        test, train = perm[:n_test], perm[n_test:]
    else:
        if y.ndim != 1 or y.dtype.kind not in "iub":
            raise ValueError(
                f"{who} with stratify=True expected integer labels y of shape (n_samples,), "
                f"got dtype {y.dtype} and shape {y.shape}."
            )
        classes, y_idx = np.unique(y, return_inverse=True)
        counts = np.bincount(y_idx)
        share = counts * (n_test / n)
        per_class = np.floor(share).astype(np.int64)
        # largest remainders get the leftover test slots, so the total is exactly n_test
        leftover = n_test - per_class.sum()
        order = np.argsort(-(share - per_class), kind="stable")
        per_class[order[:leftover]] += 1
        test_parts, train_parts = [], []
        for c in range(len(classes)):
            members = rng.permutation(np.flatnonzero(y_idx == c))
            test_parts.append(members[: per_class[c]])
            train_parts.append(members[per_class[c]:])
        test = rng.permutation(np.concatenate(test_parts))
        train = rng.permutation(np.concatenate(train_parts))
    return X[train], X[test], y[train], y[test]


class Standardizer:
    r"""Scale every column to mean 0 and standard deviation 1 (chapter "Evaluating and tuning").

    ``fit(X)`` learns :math:`\mu_j` and :math:`\sigma_j` (population standard deviation) of
    each column of the *training* data; ``transform(X)`` returns :math:`(X - \mu)/\sigma`;
    ``inverse_transform`` undoes it. A constant column has :math:`\sigma_j = 0`; its scale
    is set to 1, so it becomes all zeros instead of NaN.

    Attributes
    ----------
    mean_, scale_ : ndarray of shape (n_features,), float64
        Set by :meth:`fit`.

    Examples
    --------
    >>> import numpy as np
    >>> s = Standardizer().fit(np.array([[0.0, 5.0], [2.0, 5.0]]))
    >>> s.transform(np.array([[1.0, 5.0], [3.0, 5.0]]))
    array([[0., 0.],
           [2., 0.]])
    """

    def __init__(self) -> None:
        self.mean_: np.ndarray | None = None
        self.scale_: np.ndarray | None = None

    def fit(self, X) -> Standardizer:
        """Learn each column's mean and scale from ``X`` (n_samples, n_features); return self."""
        X = check_float_array(X, "X", "Standardizer.fit()")
        if len(X) == 0:
            raise ValueError("Standardizer.fit() expected at least one sample, got 0 rows.")
        with np.errstate(over="ignore"):  # an overflow is reported below, not warned about
            mean = X.mean(axis=0, dtype=np.float64)
            std = X.std(axis=0, dtype=np.float64)
        if not (np.isfinite(mean).all() and np.isfinite(std).all()):
            column = int(np.flatnonzero(~(np.isfinite(mean) & np.isfinite(std)))[0])
            biggest = np.abs(X[:, column]).max()
            raise ValueError(
                f"Standardizer.fit(): the mean or standard deviation of column {column} is "
                f"not finite: its values (up to {biggest:g} in size) are too large to "
                "standardize in float64. Rescale that column first, e.g. divide it by "
                "its largest value."
            )
        self.mean_ = mean
        self.scale_ = np.where(std > 0, std, 1.0)
        return self

    def _check(self, X, who: str) -> np.ndarray:
        if self.mean_ is None:
            raise RuntimeError(
                f"{who} was called before fit(). Call standardizer.fit(X_train) first."
            )
        X = check_float_array(X, "X", who)
        if X.shape[1] != len(self.mean_):
            raise ValueError(
                f"{who} expected X with {len(self.mean_)} columns (as in fit), got {X.shape}."
            )
        return X

    def _statistics(self, dtype: np.dtype, who: str) -> tuple[np.ndarray, np.ndarray]:
        """``mean_`` and ``scale_`` in ``dtype``, refused if a scale becomes 0 or either
        overflows there (float64 statistics used on float32 data)."""
        with np.errstate(over="ignore", under="ignore"):
            mean, scale = self.mean_.astype(dtype), self.scale_.astype(dtype)
        bad = ~np.isfinite(mean) | ~np.isfinite(scale) | (scale == 0)
        if bad.any():
            column = int(np.flatnonzero(bad)[0])
            mean_ok = np.isfinite(mean[column])
            what = "scale" if mean_ok else "mean"
            learned = (self.scale_ if mean_ok else self.mean_)[column]
            became = (scale if mean_ok else mean)[column]
            raise ValueError(
                f"{who}: the {what} of column {column}, {learned:.3g} (learned in fit), "
                f"becomes {became} in {dtype}, so the result would not be finite. Pass "
                "X.astype(np.float64), or rescale that column before fitting."
            )
        return mean, scale

    def _check_output(self, out: np.ndarray, X: np.ndarray, who: str) -> np.ndarray:
        if np.isfinite(out).all():
            return out
        row, column = (int(i) for i in np.argwhere(~np.isfinite(out))[0])
        raise ValueError(
            f"{who}: the result overflows {out.dtype} at index ({row}, {column}): X holds "
            f"{X[row, column]:.3g} there, with mean {self.mean_[column]:.3g} and scale "
            f"{self.scale_[column]:.3g} learned in fit. Check that X is in the units of the "
            "training data, or pass X.astype(np.float64)."
        )

    def transform(self, X) -> np.ndarray:
        r""":math:`(X - \mu)/\sigma`, in ``X``'s dtype.

        Raises ``ValueError`` if a learned scale is 0 or overflows in ``X``'s dtype, or if a
        result overflows (a value far from the training data, in units of its scale).
        """
        who = "Standardizer.transform()"
        X = self._check(X, who)
        mean, scale = self._statistics(X.dtype, who)
        with np.errstate(over="ignore", invalid="ignore"):  # reported by _check_output
            out = (X - mean) / scale
        return self._check_output(out, X, who)

    def fit_transform(self, X) -> np.ndarray:
        """``fit(X)`` then ``transform(X)``."""
        return self.fit(X).transform(X)

    def inverse_transform(self, X) -> np.ndarray:
        r""":math:`X\sigma + \mu`: back to the original units."""
        who = "Standardizer.inverse_transform()"
        X = self._check(X, who)
        mean, scale = self._statistics(X.dtype, who)
        with np.errstate(over="ignore", invalid="ignore"):  # reported by _check_output
            out = X * scale + mean
        return self._check_output(out, X, who)

    def __repr__(self) -> str:
        state = "fitted" if self.mean_ is not None else "not fitted"
        return f"Standardizer({state})"


def standardize(X) -> np.ndarray:
    """``Standardizer().fit_transform(X)``: each column to mean 0, standard deviation 1.

    Use a :class:`Standardizer` instead when test data must be scaled with the training
    statistics. (Chapter "Evaluation and tuning".)
    """
    return Standardizer().fit_transform(X)


def one_hot(y, n_classes: int | None = None, *, dtype=np.float64) -> np.ndarray:
    r"""One-hot encode labels: :math:`Y_{ik} = [y_i = k]` (chapter "Measuring the error").

    Parameters
    ----------
    y : array of int, shape (n_samples,)
    n_classes : int, optional
        :math:`K`; by default ``y.max() + 1``.
    dtype : float32 or float64, default float64

    Returns
    -------
    ndarray of shape (n_samples, n_classes)

    Examples
    --------
    >>> one_hot([0, 2, 1])
    array([[1., 0., 0.],
           [0., 0., 1.],
           [0., 1., 0.]])
    """
    who = "one_hot()"
    dtype = check_dtype(dtype, who)
    y = as_array(y, "y", who)
    if y.ndim != 1:
        raise ValueError(f"{who} expected labels of shape (n_samples,), got shape {y.shape}.")
    y = check_label_dtype(y, "y", who)
    if len(y):
        check_labels_nonnegative(int(y.min()), who)
    high = int(y.max()) if len(y) else -1
    if n_classes is None and high < 0:
        raise ValueError(f"{who} got no labels; pass n_classes to encode an empty array.")
    n_classes = check_n_classes(
        n_classes, high, who,
        f" n_classes must be larger than the largest label: use n_classes={high + 1}, or leave "
        "n_classes out to get y.max() + 1 classes.")
    check_allocation((len(y), n_classes), dtype, who, "the one-hot array")
    out = np.zeros((len(y), n_classes), dtype=dtype)
    out[np.arange(len(y)), y] = 1
    return out
