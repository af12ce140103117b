"""Compiled kernels: the optimizers' numpy arithmetic, in one pass over memory.

An optimizer step is memory-bound: every numpy operation such as ``np.add(n, g, out=n)``
streams whole arrays through the cache, and Adam's update takes ten of them per parameter
(RMSProp's nine, SGD's two to six). A loop compiled by numba does all the operations on each
element while it is in a register: one pass instead of ten, about four times faster for Adam
on the MNIST-sized network of ``make bench``.

Each loop below computes exactly what its optimizer's numpy code computes, operation for
operation and rounding for rounding (every operation is an IEEE one, done in the arrays'
dtype, and nothing is fused into an FMA), so a result never depends on whether numba is
installed; ``tests/test_kernels.py`` checks the two paths bit for bit. Two differences
remain, neither in a number: a NaN may come out with the other sign bit (numpy's own array
and scalar additions already disagree on that), and the loops never warn about overflow or
obey ``np.errstate`` (``fit`` silences those warnings anyway and stops on a non-finite loss).
The numpy code in :mod:`backprop_lab.optim` remains the reference the book prints; these
loops are its twins.

numba is optional. It is imported at the first update of a parameter of at least
:data:`MIN_SIZE` elements, never by ``import backprop_lab``; without it, or with
``BACKPROP_LAB_NO_NUMBA=1`` in the environment, the numpy code runs.

Calling convention: the arrays are 1-D, C-contiguous views of one float dtype and of equal
size (the velocity ``b`` is ignored, and may be empty, without momentum) that do not overlap;
numba checks no bounds, so ``Optimizer._kernel_for`` checks all of that first. Every numeric
scalar is of the arrays' dtype (numpy, from version 2, rounds a Python float to the array's
dtype before it computes, and so must the caller here); the ``use_*`` flags say whether an
option is on, decided on the Python float as numpy's code does.
"""

from __future__ import annotations

import os

import numpy as np

# Parameters smaller than this take numpy's code, so small networks (the book's, the tests')
# never pay for loading numba (0.15-0.2 s) and compiling or reading its cache (0.1-0.2 s). At
# this size, one float32 Dense layer's step took (median of 300, 2026-11-29): SGD 4.7 us in
# numpy against 5.3 us compiled, momentum 7.9 against 5.5, Adam 21 against 7; at 65,536
# elements SGD 11.4 against 7.6 and Adam 60 against 15.
MIN_SIZE = 16384


def sgd_update(p, g, b, lr, momentum, wd, use_momentum, use_wd, nesterov, first):
    """``SGD._update``: ``b`` is the velocity (ignored without momentum); ``first`` says it
    starts at this step's gradient, as torch's does."""
    for i in range(p.size):
        gi = g[i]
        if use_wd:
            gi = gi + p[i] * wd  # g <- g + lambda theta
        if use_momentum:
            bi = gi if first else b[i] * momentum + gi  # b <- mu b + g  (b_1 = g)
            b[i] = bi
            gi = gi + bi * momentum if nesterov else bi  # g + mu b, or b
        p[i] = p[i] - gi * lr  # theta <- theta - lr g


def rmsprop_update(p, g, v, b, alpha, one_minus_alpha, eps, lr, momentum, wd, use_momentum,
                   use_wd):
    """``RMSProp._update``: ``v`` is the running mean of g^2, ``b`` the velocity (ignored
    without momentum)."""
    for i in range(p.size):
        gi = g[i]
        if use_wd:
            gi = gi + p[i] * wd  # g <- g + lambda theta
        vi = v[i] * alpha + gi * one_minus_alpha * gi  # v <- alpha v + (1 - alpha) g^2
        v[i] = vi
        avg = np.sqrt(vi) + eps
        if use_momentum:
            bi = b[i] * momentum + gi / avg  # b <- mu b + g / (sqrt(v) + eps)
            b[i] = bi
            p[i] = p[i] - bi * lr
        else:
            p[i] = p[i] - gi * lr / avg  # theta <- theta - lr g / (sqrt(v) + eps)


def adam_update(p, g, n, u, beta1, beta2, eps, c, wd, use_wd):
    """``Adam._update``, with its rescaled moments ``n`` and ``u``."""
    for i in range(p.size):
        gi = g[i]
        if use_wd:
            gi = gi + p[i] * wd  # g <- g + lambda theta
        ni = n[i] * beta1 + gi  # n <- beta1 n + g
        ui = u[i] * beta2 + gi * gi  # u <- beta2 u + g^2
        n[i] = ni
        u[i] = ui
        p[i] = p[i] - ni / (np.sqrt(ui) + eps) * c  # theta <- theta - c n / (sqrt(u) + eps k)


# The loops above are plain Python (far too slow on real arrays; run on numpy scalars they
# give the same bits, which the tests use); kernel() compiles them.
_SOURCES = {"sgd": sgd_update, "rmsprop": rmsprop_update, "adam": adam_update}
_compiled: dict = {}


def kernel(name: str):
    """The compiled loop ``name`` (``"sgd"``, ``"rmsprop"`` or ``"adam"``), or ``None``.

    ``None`` when numba is not installed or ``BACKPROP_LAB_NO_NUMBA`` is set to a non-empty
    value other than ``0``. Compiled (or read from numba's cache) once per process.
    """
    if name not in _compiled:
        _compiled[name] = _compile(_SOURCES[name])
    return _compiled[name]


def _disabled() -> bool:
    return os.environ.get("BACKPROP_LAB_NO_NUMBA", "") not in ("", "0")


def _compile(source):
    if _disabled():
        return None
    try:
        import numba
    except ImportError:
        return None
    if numba.config.DISABLE_JIT:  # NUMBA_DISABLE_JIT=1: the loops would run as plain Python
        return None
    # error_model="numpy": a division by zero gives inf as in numpy (and lets the loop be
    # vectorized); no fastmath, so every operation rounds exactly as numpy's does
    options = {"nogil": True, "error_model": "numpy"}
    try:
        return numba.njit(cache=True, **options)(source)
    except RuntimeError:  # no writable cache directory: compile afresh in each process
        return numba.njit(**options)(source)
