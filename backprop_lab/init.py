r"""Weight initializers (chapter "Initialization").

An initializer is any callable ``init(shape, rng, dtype) -> ndarray`` where
``shape = (n_in, n_out)``. ``fan_in = n_in`` and ``fan_out = n_out``.

=================  ==========================================================
name               distribution of every weight
=================  ==========================================================
``zeros``          :math:`0` (breaks symmetry only for a single unit)
``constant``       a constant, built with :func:`constant`
``normal``         :math:`\mathcal N(0, 0.01^2)`, or :func:`normal` with a scale
``uniform``        :math:`\mathcal U(-0.05, 0.05)`, or :func:`uniform` with a limit
``xavier_uniform`` :math:`\mathcal U(-a, a)`, :math:`a = \sqrt{6/(\text{fan\_in}+\text{fan\_out})}`
``xavier_normal``  :math:`\mathcal N(0, 2/(\text{fan\_in}+\text{fan\_out}))`
``he_uniform``     :math:`\mathcal U(-a, a)`, :math:`a = \sqrt{6/\text{fan\_in}}`
``he_normal``      :math:`\mathcal N(0, 2/\text{fan\_in})`
=================  ==========================================================

``xavier`` and ``glorot`` mean ``xavier_uniform`` (Glorot and Bengio, 2010); ``he`` and
``kaiming`` mean ``he_normal`` (He et al., 2015).

Examples
--------
>>> import numpy as np
>>> W = xavier_uniform((3, 2), np.random.default_rng(0), np.float64)
>>> W.shape, bool(np.all(np.abs(W) <= np.sqrt(6 / 5)))
((3, 2), True)
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ._checks import check_finite_number, check_positive_float, lookup

# (shape, rng, dtype) -> weights; spelled with ... so that importing this module does not
# import numpy.random (a sixth of `import backprop_lab`'s time).
Initializer = Callable[..., np.ndarray]

__all__ = [
    "Initializer",
    "constant",
    "get_initializer",
    "he_normal",
    "he_uniform",
    "normal",
    "uniform",
    "xavier_normal",
    "xavier_uniform",
    "zeros",
]


def zeros(shape, rng, dtype=np.float64) -> np.ndarray:
    """All zeros. Every unit of a layer then computes the same thing."""
    return np.zeros(shape, dtype=dtype)


def constant(value: float) -> Initializer:
    """Return an initializer that fills with ``value``, a finite number."""
    value = check_finite_number(value, "value", "constant()")

    def init(shape, rng, dtype=np.float64):
        return np.full(shape, value, dtype=dtype)

    init.__name__ = f"constant({value})"
    return init


def normal(std: float = 0.01) -> Initializer:
    r"""Return an initializer drawing from :math:`\mathcal N(0, \text{std}^2)`."""
    std = check_positive_float(std, "std", "normal()")

    def init(shape, rng, dtype=np.float64):
        return (rng.standard_normal(shape) * std).astype(dtype, copy=False)

    init.__name__ = f"normal(std={std})"
    return init


def uniform(limit: float = 0.05) -> Initializer:
    r"""Return an initializer drawing from :math:`\mathcal U(-\text{limit}, \text{limit})`."""
    limit = check_positive_float(limit, "limit", "uniform()")

    def init(shape, rng, dtype=np.float64):
        return rng.uniform(-limit, limit, size=shape).astype(dtype, copy=False)

    init.__name__ = f"uniform(limit={limit})"
    return init


def xavier_uniform(shape, rng, dtype=np.float64) -> np.ndarray:
    r"""Glorot uniform: :math:`\mathcal U(-a, a)` with
    :math:`a=\sqrt{6/(\text{fan\_in}+\text{fan\_out})}`."""
    fan_in, fan_out = shape
    a = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-a, a, size=shape).astype(dtype, copy=False)


def xavier_normal(shape, rng, dtype=np.float64) -> np.ndarray:
    r"""Glorot normal: :math:`\mathcal N(0, 2/(\text{fan\_in}+\text{fan\_out}))`."""
    fan_in, fan_out = shape
    std = np.sqrt(2.0 / (fan_in + fan_out))
    return (rng.standard_normal(shape) * std).astype(dtype, copy=False)


def he_uniform(shape, rng, dtype=np.float64) -> np.ndarray:
    r"""He uniform: :math:`\mathcal U(-a, a)`, :math:`a=\sqrt{6/\text{fan\_in}}`."""
    a = np.sqrt(6.0 / shape[0])
    return rng.uniform(-a, a, size=shape).astype(dtype, copy=False)


def he_normal(shape, rng, dtype=np.float64) -> np.ndarray:
    r"""He normal: :math:`\mathcal N(0, 2/\text{fan\_in})`, suited to ReLU layers."""
    std = np.sqrt(2.0 / shape[0])
    return (rng.standard_normal(shape) * std).astype(dtype, copy=False)


_BY_NAME: dict[str, Initializer] = {
    "zeros": zeros,
    "normal": normal(),
    "uniform": uniform(),
    "xavier": xavier_uniform,
    "glorot": xavier_uniform,
    "xavier_uniform": xavier_uniform,
    "glorot_uniform": xavier_uniform,
    "xavier_normal": xavier_normal,
    "glorot_normal": xavier_normal,
    "he": he_normal,
    "kaiming": he_normal,
    "he_normal": he_normal,
    "he_uniform": he_uniform,
}


def get_initializer(init: str | Initializer, who: str = "get_initializer()", *,
                    sizes: tuple[int, int] = (3, 4)) -> Initializer:
    """Return the initializer named ``init`` (see the module table) or ``init`` if callable.

    ``sizes`` are the ``(n_in, n_out)`` of the ``Dense`` layers that an unknown name's message
    suggests (``Dense(3, 4, init=constant(0.1))``).
    """
    if callable(init):
        return init
    dense = f"Dense({sizes[0]}, {sizes[1]}"
    fix = (" init also accepts a function init(shape, rng, dtype); for a constant or a "
           "custom scale, build one: from backprop_lab.init import constant, normal, uniform; "
           f"then {dense}, init=constant(0.1)), {dense}, init=normal(std=0.01)) or "
           f"{dense}, init=uniform(limit=0.05)).")
    return lookup(init, _BY_NAME, "initializer", who,
                  also="a function init(shape, rng, dtype)", fix=fix)


def initial_weights(initializer: Initializer, shape: tuple[int, int], rng, dtype,
                    who: str) -> np.ndarray:
    """``initializer(shape, rng, dtype)`` as a C-contiguous array of ``dtype``, after
    checking what it returned (numbers, of ``shape``, finite). ``who`` names the layer."""
    n_in, n_out = shape
    dtype = np.dtype(dtype)
    try:
        returned = initializer(shape, rng, dtype)
    except MemoryError as err:
        n_bytes = n_in * n_out * dtype.itemsize
        raise MemoryError(
            f"{who}: W has {n_in} x {n_out} weights, {n_bytes / 2**30:.3g} GiB "
            f"in {dtype}, more than this machine can allocate. Use fewer units "
            "(n_in and n_out are the sizes of the layer's input and output)."
        ) from err
    except TypeError as err:
        raise TypeError(
            f"{who}: calling the initializer as init(shape, rng, dtype) raised "
            f"TypeError: {err}. A custom initializer must have the signature "
            "init(shape, rng, dtype), e.g. "
            "lambda shape, rng, dtype: rng.normal(0.0, 0.01, shape).astype(dtype)."
        ) from err
    W = np.asarray(returned)
    if W.dtype.kind not in "iuf":  # bools are not weights: True is no number to start from
        raise TypeError(
            f"{who}: the initializer must return an array of numbers, got "
            f"{type(returned).__name__} of dtype {W.dtype}. Return floats, e.g. "
            "np.ones(shape, dtype)."
        )
    if W.shape != shape:
        raise ValueError(
            f"{who}: the initializer returned shape {W.shape}, expected {shape}."
        )
    W = np.ascontiguousarray(W, dtype=dtype)
    if not np.isfinite(W).all():
        raise ValueError(
            f"{who}: the initializer returned non-finite weights (NaN or inf). "
            f"Make it return finite {dtype} numbers."
        )
    return W
