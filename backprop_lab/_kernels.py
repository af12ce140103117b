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

Dispatch: ``Optimizer.step`` calls :func:`update` for each parameter; it runs the compiled
loop when :func:`kernel_for` allows it (the parameter is large enough, every array fits the
calling convention below, and the optimizer's class computes what the loop was written for)
and says whether it did; otherwise ``step`` runs the numpy rule.

numba is optional. It is imported at the first update of a parameter of at least
:data:`MIN_SIZE` elements, never by ``import backprop_lab``; without it, or with
``BACKPROP_LAB_NO_NUMBA=1`` in the environment, the numpy code runs.

Calling convention: the arrays are 1-D, C-contiguous views of one float dtype and of equal
size (the velocity ``b`` is ignored, and may be empty, without momentum) that do not overlap;
numba checks no bounds, so :func:`kernel_for` checks all of that first. Every numeric
scalar is of the arrays' dtype (numpy, from version 2, rounds a Python float to the array's
dtype before it computes, and so must the caller here); the ``use_*`` flags say whether an
option is on, decided on the Python float as numpy's code does.
"""

from __future__ import annotations

import functools
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


# -- dispatch: which parameters take a compiled loop, and with which arguments ----------------

_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


def update(opt, i: int, param: np.ndarray, grad: np.ndarray) -> bool:
    """Run the compiled twin of ``opt._update(i, param, grad)`` if :func:`kernel_for` finds
    one, and say whether it did (``Optimizer.step`` runs the numpy rule when it did not)."""
    if param.size < MIN_SIZE:  # most parameters of the book's networks: decided at once
        return False
    call = _CALLS.get(twin_of(type(opt)))
    return call is not None and call(opt, i, param, grad)


@functools.cache
def twin_of(cls) -> str | None:
    """The name of the compiled loop that computes exactly what optimizer class ``cls``
    computes, or None: ``SGD``, ``RMSProp`` and ``Adam`` have one, and so has a subclass of
    theirs that keeps their ``_update``; a subclass that overrides it (to clip the gradient,
    say) gets its own code run. Decided once per class (it is asked at every step)."""
    from . import optim  # optim imports this module: import it back only when first asked

    owners = {optim.SGD: "sgd", optim.RMSProp: "rmsprop", optim.Adam: "adam"}
    owner = next((c for c in cls.__mro__ if c in owners), None)
    if owner is None or cls._update is not owner._update:
        return None
    return owners[owner]


def kernel_for(opt, *arrays: np.ndarray):
    """The compiled twin of ``opt``'s numpy update for these arrays (parameter, gradient,
    state), or None: numpy's code.

    The twin runs only for a parameter of at least :data:`MIN_SIZE` elements whose arrays
    all have its shape, are C-contiguous, and are all float32 or all float64, the parameter
    and state writable; and only where ``opt``'s class computes what the twin was written
    for (:func:`twin_of`). Anything else takes the numpy code, whose checks then say what is
    wrong.
    """
    param = arrays[0]
    if param.size < MIN_SIZE or param.dtype not in _DTYPES:
        return None
    name = twin_of(type(opt))
    if name is None:
        return None
    for k, a in enumerate(arrays):
        if (a.shape != param.shape or a.dtype != param.dtype or not a.flags.c_contiguous
                or (k != 1 and not a.flags.writeable)):
            return None
    return kernel(name)


def _call_sgd(opt, i, param, grad) -> bool:
    b = opt.velocity[i]
    loop = kernel_for(opt, param, grad, *([] if b is None else [b]))
    if loop is None:
        return False
    first = bool(opt.momentum) and b is None
    if first:  # b_1 = g: the loop fills it
        b = opt.velocity[i] = np.empty_like(param)
    elif b is None:  # no momentum: the loop never touches b
        b = np.empty(0, param.dtype)
    dtype = param.dtype.type
    # whether to apply momentum and weight decay is decided, as in numpy's code, on the
    # Python floats, not on their float32 roundings (1e-46 rounds to 0)
    loop(param.reshape(-1), grad.reshape(-1), b.reshape(-1), dtype(opt.lr),
         dtype(opt.momentum), dtype(opt.weight_decay), bool(opt.momentum),
         bool(opt.weight_decay), opt.nesterov, first)
    return True


def _call_rmsprop(opt, i, param, grad) -> bool:
    v = opt.square_avg[i]
    state = [v, opt.velocity[i]] if opt.momentum else [v]
    loop = kernel_for(opt, param, grad, *state)
    if loop is None:
        return False
    # without momentum the loop never touches b
    b = opt.velocity[i] if opt.momentum else np.empty(0, param.dtype)
    dtype = param.dtype.type
    loop(param.reshape(-1), grad.reshape(-1), v.reshape(-1), b.reshape(-1),
         dtype(opt.alpha), dtype(1 - opt.alpha), dtype(opt.eps), dtype(opt.lr),
         dtype(opt.momentum), dtype(opt.weight_decay), bool(opt.momentum),
         bool(opt.weight_decay))
    return True


def _call_adam(opt, i, param, grad) -> bool:
    n, u = opt._n[i], opt._u[i]
    loop = kernel_for(opt, param, grad, n, u)
    if loop is None:
        return False
    dtype = param.dtype.type
    loop(param.reshape(-1), grad.reshape(-1), n.reshape(-1), u.reshape(-1),
         dtype(opt.betas[0]), dtype(opt.betas[1]), dtype(opt._eps_k), dtype(opt._c),
         dtype(opt.weight_decay), bool(opt.weight_decay))
    return True


_CALLS = {"sgd": _call_sgd, "rmsprop": _call_rmsprop, "adam": _call_adam}
