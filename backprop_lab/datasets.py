r"""Data sets for the book: toy problems made from a seed, and real handwritten digits.

Every function returns ``(X, y)`` with rows as samples: ``X`` is float64 (or float32 with
``dtype=np.float32``) of shape ``(n_samples, n_features)``. Classification sets give integer
labels ``y`` of shape ``(n_samples,)`` and dtype int64; :func:`make_regression_curve` gives float
targets of shape ``(n_samples, 1)``.

Randomness comes only from ``rng`` (an integer seed or a
``numpy.random.Generator``), never from the global ``np.random`` state: the same
seed gives the same bits. The toy sets are shuffled, so that any slice of them is
a fair sample of every class, and have at most :data:`MAX_TOY_SAMPLES` samples.

:func:`load_digits` reads a copy of the UCI handwritten digits that ships inside
the package (``backprop_lab/data/digits.npz``); nothing is downloaded.

The book's chapters use them throughout:

- :func:`make_xor`, :func:`make_moons`, :func:`make_circles`: two features,
  two classes, not linearly separable.
- :func:`make_spirals`: two features, ``n_classes`` classes (softmax).
- :func:`make_regression_curve`: one feature, a real-valued target (MSE).
- :func:`load_digits`: 64 features, 10 classes, real data.
"""

from __future__ import annotations

import numpy as np

from backprop_lab._checks import (
    check_dtype,
    check_positive_float,
    check_positive_int,
    check_rng,
)

__all__ = [
    "make_xor",
    "make_moons",
    "make_circles",
    "make_spirals",
    "make_regression_curve",
    "load_digits",
]


#: The largest ``n_samples`` of a toy set: 10**8 samples of two float64 features already take
#: 1.6 GB (2.4 GB with the labels), far beyond what a toy problem needs.
MAX_TOY_SAMPLES = 10**8


def _check_n_samples(n_samples, who: str) -> int:
    """``n_samples`` as a positive int, at most :data:`MAX_TOY_SAMPLES`."""
    n_samples = check_positive_int(n_samples, "n_samples", who)
    if n_samples > MAX_TOY_SAMPLES:
        raise ValueError(
            f"{who} expected n_samples <= {MAX_TOY_SAMPLES:,} for a toy data set, got "
            f"{n_samples:,}, which would need about {24 * n_samples / 1e9:,.0f} GB. Ask for "
            "fewer samples: a few hundred to a few thousand show every effect in the book."
        )
    return n_samples


def _split_evenly(n_samples: int, n_parts: int) -> list[int]:
    """Sizes of ``n_parts`` groups that add up to ``n_samples``; the first groups get the rest."""
    base, extra = divmod(n_samples, n_parts)
    return [base + (1 if k < extra else 0) for k in range(n_parts)]


def _check_overflow(A: np.ndarray, noise: float, who: str) -> None:
    """Refuse a ``noise`` so large that samples overflowed to infinity."""
    if not np.isfinite(A).all():
        raise ValueError(
            f"{who}: noise={noise:g} is so large that some samples overflowed to infinity. "
            "Use a noise of the order of the data, such as 0.1."
        )


def _shuffled(X: np.ndarray, y: np.ndarray, gen: np.random.Generator, dtype: np.dtype):
    """``X`` and ``y`` in a random order, ``X`` in ``dtype`` (made in float64: a float32 set
    holds the float64 set's values rounded, whatever the dtype, for the same seed)."""
    order = gen.permutation(len(X))
    return np.ascontiguousarray(X[order], dtype=dtype), np.ascontiguousarray(y[order])


def make_xor(n_samples: int = 200, *, noise: float = 0.2, rng=None, dtype=np.float64):
    r"""Four Gaussian blobs at the corners :math:`(\pm 1, \pm 1)` labelled by XOR.

    Label 1 where the two coordinates have different signs (corners
    :math:`(1, -1)` and :math:`(-1, 1)`), 0 where they agree. No straight line
    separates the classes, so a network without a hidden layer cannot fit it.

    Parameters
    ----------
    n_samples : int, default 200
        Total number of points, split as evenly as possible over the four corners.
    noise : float, default 0.2
        Standard deviation of the Gaussian blob around each corner (``>= 0``).
    rng : numpy.random.Generator or int, optional
        Source of the noise and of the shuffle.
    dtype : {numpy.float64, numpy.float32}, default numpy.float64
        Float dtype of ``X``.

    Returns
    -------
    X : ndarray of shape (n_samples, 2), dtype ``dtype``
    y : ndarray of shape (n_samples,), int64
        Labels 0 or 1.

    Raises
    ------
    TypeError, ValueError
        If ``n_samples`` is not an integer ``>= 1`` or ``noise`` is negative.

    Examples
    --------
    >>> X, y = make_xor(8, noise=0.0, rng=0)
    >>> X.shape, y.dtype.name
    ((8, 2), 'int64')
    >>> bool(np.all(y == (np.sign(X[:, 0]) != np.sign(X[:, 1]))))
    True
    """
    who = "make_xor"
    n_samples = _check_n_samples(n_samples, who)
    noise = check_positive_float(noise, "noise", who, allow_zero=True)
    gen = check_rng(rng, who)
    dt = check_dtype(dtype, who)
    corners = np.array([[1.0, 1.0], [-1.0, -1.0], [1.0, -1.0], [-1.0, 1.0]])
    labels = np.array([0, 0, 1, 1], dtype=np.int64)
    sizes = _split_evenly(n_samples, 4)
    idx = np.repeat(np.arange(4), sizes)
    X = corners[idx] + noise * gen.standard_normal((n_samples, 2))
    _check_overflow(X, noise, who)
    return _shuffled(X, labels[idx], gen, dt)


def make_moons(n_samples: int = 200, *, noise: float = 0.1, rng=None, dtype=np.float64):
    r"""Two interleaving half circles (as scikit-learn's ``make_moons``).

    Class 0 is the upper half circle :math:`(\cos t, \sin t)`, class 1 the lower
    one :math:`(1 - \cos t, \tfrac12 - \sin t)`, for :math:`t` evenly spaced in
    :math:`[0, \pi]`; then Gaussian noise is added to every coordinate.

    Parameters
    ----------
    n_samples : int, default 200
        Total number of points; class 0 gets ``n_samples // 2``.
    noise : float, default 0.1
        Standard deviation of the Gaussian noise (``>= 0``).
    rng : numpy.random.Generator or int, optional
        Source of the noise and of the shuffle.
    dtype : {numpy.float64, numpy.float32}, default numpy.float64
        Float dtype of ``X``.

    Returns
    -------
    X : ndarray of shape (n_samples, 2), dtype ``dtype``
    y : ndarray of shape (n_samples,), int64
        Labels 0 or 1.

    Raises
    ------
    TypeError, ValueError
        If ``n_samples`` is not an integer ``>= 1`` or ``noise`` is negative.

    Examples
    --------
    >>> X, y = make_moons(100, rng=0)
    >>> X.shape, np.bincount(y).tolist()
    ((100, 2), [50, 50])
    """
    who = "make_moons"
    n_samples = _check_n_samples(n_samples, who)
    noise = check_positive_float(noise, "noise", who, allow_zero=True)
    gen = check_rng(rng, who)
    dt = check_dtype(dtype, who)
    n_out = n_samples // 2
    n_in = n_samples - n_out
    t_out = np.linspace(0.0, np.pi, n_out)
    t_in = np.linspace(0.0, np.pi, n_in)
    X = np.concatenate(
        [
            np.column_stack([np.cos(t_out), np.sin(t_out)]),
            np.column_stack([1.0 - np.cos(t_in), 0.5 - np.sin(t_in)]),
        ]
    )
    y = np.concatenate([np.zeros(n_out, dtype=np.int64), np.ones(n_in, dtype=np.int64)])
    X = X + noise * gen.standard_normal(X.shape)
    _check_overflow(X, noise, who)
    return _shuffled(X, y, gen, dt)


def make_circles(
    n_samples: int = 200, *, noise: float = 0.05, factor: float = 0.5, rng=None, dtype=np.float64
):
    r"""A circle inside a circle (as scikit-learn's ``make_circles``).

    Class 0 lies on the unit circle, class 1 on the circle of radius
    ``factor``, at evenly spaced angles; then Gaussian noise is added.

    Parameters
    ----------
    n_samples : int, default 200
        Total number of points; class 0 gets ``n_samples // 2``.
    noise : float, default 0.05
        Standard deviation of the Gaussian noise (``>= 0``).
    factor : float, default 0.5
        Radius of the inner circle, ``0 < factor < 1``.
    rng : numpy.random.Generator or int, optional
        Source of the noise and of the shuffle.
    dtype : {numpy.float64, numpy.float32}, default numpy.float64
        Float dtype of ``X``.

    Returns
    -------
    X : ndarray of shape (n_samples, 2), dtype ``dtype``
    y : ndarray of shape (n_samples,), int64
        Labels 0 (outer) or 1 (inner).

    Raises
    ------
    TypeError, ValueError
        If ``n_samples`` is not an integer ``>= 1``, ``noise`` is negative or
        ``factor`` is not strictly between 0 and 1.

    Examples
    --------
    >>> X, y = make_circles(10, noise=0.0, rng=0)
    >>> np.round(np.hypot(X[:, 0], X[:, 1])[np.argsort(y)], 6).tolist()
    [1.0, 1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.5, 0.5]
    """
    who = "make_circles"
    n_samples = _check_n_samples(n_samples, who)
    noise = check_positive_float(noise, "noise", who, allow_zero=True)
    factor = check_positive_float(factor, "factor", who)
    if factor >= 1.0:
        raise ValueError(
            f"{who} expected 0 < factor < 1 (the inner radius), got {factor}. Try factor=0.5."
        )
    gen = check_rng(rng, who)
    dt = check_dtype(dtype, who)
    n_out = n_samples // 2
    n_in = n_samples - n_out
    t_out = np.linspace(0.0, 2.0 * np.pi, n_out, endpoint=False)
    t_in = np.linspace(0.0, 2.0 * np.pi, n_in, endpoint=False)
    X = np.concatenate(
        [
            np.column_stack([np.cos(t_out), np.sin(t_out)]),
            factor * np.column_stack([np.cos(t_in), np.sin(t_in)]),
        ]
    )
    y = np.concatenate([np.zeros(n_out, dtype=np.int64), np.ones(n_in, dtype=np.int64)])
    X = X + noise * gen.standard_normal(X.shape)
    _check_overflow(X, noise, who)
    return _shuffled(X, y, gen, dt)


def make_spirals(
    n_samples: int = 300, *, n_classes: int = 3, noise: float = 0.2, rng=None, dtype=np.float64
):
    r"""Interleaved spiral arms, one per class (the CS231n spiral data).

    Arm :math:`k` has points at radius :math:`r` evenly spaced in :math:`[0, 1]`
    and angle :math:`\theta = 4k + 4r + \varepsilon`,
    :math:`\varepsilon \sim \mathcal N(0, \text{noise}^2)`, at
    :math:`(r \sin\theta, r\cos\theta)`. Not linearly separable; a softmax
    classifier needs a hidden layer.

    Parameters
    ----------
    n_samples : int, default 300
        Total number of points, split as evenly as possible over the classes. With fewer
        points than classes, the first ``n_samples`` classes get one point each and the
        others none (as every maker here allows ``n_samples=1``).
    n_classes : int, default 3
        Number of arms and classes, ``>= 2``.
    noise : float, default 0.2
        Standard deviation of the angle noise in radians (``>= 0``).
    rng : numpy.random.Generator or int, optional
        Source of the noise and of the shuffle.
    dtype : {numpy.float64, numpy.float32}, default numpy.float64
        Float dtype of ``X``.

    Returns
    -------
    X : ndarray of shape (n_samples, 2), dtype ``dtype``
        Every point lies in the unit disc.
    y : ndarray of shape (n_samples,), int64
        Labels ``0 .. n_classes - 1``.

    Raises
    ------
    TypeError, ValueError
        If ``n_samples`` is not an integer ``>= 1``, ``n_classes`` not an integer
        ``>= 2``, or ``noise`` is negative.

    Examples
    --------
    >>> X, y = make_spirals(300, n_classes=3, rng=0)
    >>> X.shape, np.bincount(y).tolist()
    ((300, 2), [100, 100, 100])
    """
    who = "make_spirals"
    n_samples = _check_n_samples(n_samples, who)
    n_classes = check_positive_int(n_classes, "n_classes", who, minimum=2)
    noise = check_positive_float(noise, "noise", who, allow_zero=True)
    gen = check_rng(rng, who)
    dt = check_dtype(dtype, who)
    sizes = _split_evenly(n_samples, n_classes)
    r = np.concatenate([np.linspace(0.0, 1.0, m) for m in sizes])
    y = np.repeat(np.arange(n_classes, dtype=np.int64), sizes)
    theta = 4.0 * y + 4.0 * r + noise * gen.standard_normal(n_samples)
    _check_overflow(theta, noise, who)
    X = np.column_stack([r * np.sin(theta), r * np.cos(theta)])
    return _shuffled(X, y, gen, dt)


def make_regression_curve(n_samples: int = 100, *, noise: float = 0.1, rng=None, dtype=np.float64):
    r"""Noisy samples of :math:`y = \sin x` for :math:`x` uniform in :math:`[-\pi, \pi]`.

    :math:`y_i = \sin x_i + \varepsilon_i`,
    :math:`\varepsilon_i \sim \mathcal N(0, \text{noise}^2)`. ``X`` is sorted
    in increasing order so that ``plot(X, y)`` draws the curve from left to
    right; shuffle (or use ``train_test_split``) before splitting it.

    Parameters
    ----------
    n_samples : int, default 100
        Number of points.
    noise : float, default 0.1
        Standard deviation of the Gaussian noise on ``y`` (``>= 0``).
    rng : numpy.random.Generator or int, optional
        Source of ``x`` and of the noise.
    dtype : {numpy.float64, numpy.float32}, default numpy.float64
        Float dtype of ``X`` and ``y``.

    Returns
    -------
    X : ndarray of shape (n_samples, 1), dtype ``dtype``
        Inputs, sorted.
    y : ndarray of shape (n_samples, 1), dtype ``dtype``
        Noisy targets, the shape an MSE loss on a 1-output network expects.

    Raises
    ------
    TypeError, ValueError
        If ``n_samples`` is not an integer ``>= 1`` or ``noise`` is negative.

    Examples
    --------
    >>> X, y = make_regression_curve(50, noise=0.0, rng=0)
    >>> X.shape, y.shape, bool(np.allclose(y, np.sin(X)))
    ((50, 1), (50, 1), True)
    """
    who = "make_regression_curve"
    n_samples = _check_n_samples(n_samples, who)
    noise = check_positive_float(noise, "noise", who, allow_zero=True)
    gen = check_rng(rng, who)
    dt = check_dtype(dtype, who)
    X = np.sort(gen.uniform(-np.pi, np.pi, n_samples)).reshape(-1, 1)
    y = np.sin(X) + noise * gen.standard_normal((n_samples, 1))
    _check_overflow(y, noise, who)
    return X.astype(dt), y.astype(dt)


_DIGITS_FILE = "digits.npz"


def load_digits(*, dtype=np.float64, return_images: bool = False):
    r"""The UCI handwritten digits: 1797 images of 8x8 pixels, 10 classes.

    The test set of "Optical Recognition of Handwritten Digits" (E. Alpaydin and
    C. Kaynak, 1998, UCI Machine Learning Repository, CC BY 4.0,
    doi:10.24432/C50P49), as bundled with scikit-learn's ``load_digits``. The
    copy ships in ``backprop_lab/data/digits.npz``; ``DIGITS_LICENSE.md`` next
    to it gives the provenance. Nothing is downloaded.

    Pixel values are the integers 0..16 (the count of ink pixels in a 4x4
    block of the original 32x32 bitmap) and are returned **unscaled**: divide by
    16 or standardize before training (chapter "Evaluating and tuning").

    Parameters
    ----------
    dtype : {numpy.float64, numpy.float32}, default numpy.float64
        Float dtype of ``X`` (and of ``images``).
    return_images : bool, default False
        Also return the pixels as ``(1797, 8, 8)`` images, for plotting.

    Returns
    -------
    X : ndarray of shape (1797, 64), dtype ``dtype``
        One flattened image per row, row-major (pixel ``(i, j)`` is column
        ``8 * i + j``), values 0..16.
    y : ndarray of shape (1797,), int64
        The digit, 0..9.
    images : ndarray of shape (1797, 8, 8), dtype ``dtype``
        Only if ``return_images=True``: the same pixels as ``X``, in a separate
        array.

    Raises
    ------
    TypeError
        If ``dtype`` is not float32 or float64, or ``return_images`` is not a bool.

    Examples
    --------
    >>> X, y = load_digits()
    >>> X.shape, X.dtype.name, y.shape, y.dtype.name
    ((1797, 64), 'float64', (1797,), 'int64')
    >>> float(X.min()), float(X.max()), np.unique(y).tolist()
    (0.0, 16.0, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    >>> X, y, images = load_digits(dtype=np.float32, return_images=True)
    >>> images.shape, bool(np.array_equal(images.reshape(1797, 64), X))
    ((1797, 8, 8), True)
    """
    who = "load_digits"
    dt = check_dtype(dtype, who)
    if not isinstance(return_images, bool | np.bool_):
        raise TypeError(f"{who} expected return_images to be True or False, got {return_images!r}.")
    from importlib import resources  # here, not at the top: it slows `import backprop_lab`

    source = resources.files("backprop_lab").joinpath("data", _DIGITS_FILE)
    try:
        with source.open("rb") as f, np.load(f, allow_pickle=False) as archive:
            images = archive["images"]
            labels = archive["labels"]
    except FileNotFoundError as err:
        raise FileNotFoundError(
            f"{who} could not find the shipped file backprop_lab/data/{_DIGITS_FILE}. "
            "The package data is missing: reinstall backprop_lab (pip install -e .)."
        ) from err
    X = images.reshape(len(images), 64).astype(dt)
    y = labels.astype(np.int64)
    if return_images:
        return X, y, images.astype(dt)
    return X, y
