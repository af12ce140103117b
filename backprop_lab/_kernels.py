"""Compiled kernels: the same arithmetic as the numpy code, in one pass over memory.

An optimizer step is memory-bound: every numpy operation such as ``np.add(n, g, out=n)``
streams whole arrays through the cache, and Adam's update takes ten of them per parameter.
A loop compiled by numba does the ten operations on each element while it is in a register:
one pass instead of ten, about four times faster on the MNIST-sized network of
``make bench``.

The kernels compute exactly what the numpy code beside them computes, operation for
operation and rounding for rounding (every operation is an IEEE one, done in the arrays'
dtype, and nothing is fused into an FMA), so a result never depends on whether numba is
installed; ``tests/test_optim.py`` checks the two paths bit for bit. The numpy code remains
the reference the book prints.

numba is optional. It is imported at the first large update, never by ``import
backprop_lab``; without it, or with ``BACKPROP_LAB_NO_NUMBA=1`` in the environment, the
numpy code runs.
"""

from __future__ import annotations

import os

import numpy as np

# below this many elements numpy's per-call overhead is as small as the kernel's, so small
# networks (the book's, the tests') never load numba
MIN_SIZE = 16384

_UNSET = object()
_adam = _UNSET


def adam_kernel():
    """The compiled Adam update ``f(p, g, n, u, beta1, beta2, eps, c, wd)``, or ``None``.

    ``None`` when numba is not installed or ``BACKPROP_LAB_NO_NUMBA`` is set to a non-empty
    value other than ``0``. Looked up once per process. The arrays must be 1-D, C-contiguous,
    of one float dtype, and not overlap; the scalars of that same dtype. See
    :meth:`backprop_lab.Adam.step` for the arithmetic.
    """
    global _adam
    if _adam is _UNSET:
        _adam = _compile_adam()
    return _adam


def _disabled() -> bool:
    return os.environ.get("BACKPROP_LAB_NO_NUMBA", "") not in ("", "0")


def adam_update(p, g, n, u, beta1, beta2, eps, c, wd):
    """Adam's update, element by element, in the order of the numpy code in ``Adam.step``.

    Plain Python here (far too slow to call on real arrays); :func:`adam_kernel` compiles it.
    """
    for i in range(p.size):
        gi = g[i]
        if wd != 0:
            gi = gi + p[i] * wd  # g <- g + lambda theta
        ni = n[i] * beta1 + gi  # n <- beta1 n + g
        ui = u[i] * beta2 + gi * gi  # u <- beta2 u + g^2
        n[i] = ni
        u[i] = ui
        p[i] = p[i] - (ni / (np.sqrt(ui) + eps)) * c  # theta <- theta - c n / (sqrt(u) + eps)


def _compile_adam():
    if _disabled():
        return None
    try:
        import numba
    except ImportError:
        return None
    # error_model="numpy": a division by zero gives inf as in numpy (and lets the loop be
    # vectorized); no fastmath, so every operation rounds exactly as numpy's does
    options = {"nogil": True, "error_model": "numpy"}
    try:
        return numba.njit(cache=True, **options)(adam_update)
    except RuntimeError:  # no writable cache directory: compile afresh in each process
        return numba.njit(**options)(adam_update)
