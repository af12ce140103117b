"""How a learner's answer is compared with the reference's, and how a difference is described.

An answer has a *structure* (one array, one number, or a tuple of them, as the reference
returns) and *values*. :func:`difference` returns ``None`` when the two agree and otherwise the
lines that say what differs: the kind, the shape, the dtype, or the first entries that differ.
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = ["difference", "describe", "matches"]

MAX_ENTRIES = 3  # differing entries shown in a report


def describe(value) -> str:
    """A short description of a value: ``array of shape (2, 3), float64`` or ``float 0.25``."""
    if value is None:
        return "None"
    if isinstance(value, np.ndarray):
        return f"array of shape {value.shape}, dtype {value.dtype}"
    if isinstance(value, bool | np.bool_):
        return f"bool {value}"
    if isinstance(value, numbers.Real):
        return f"{type(value).__name__} {_fmt(float(value))}"
    if isinstance(value, tuple | list):
        inner = ", ".join(describe(v) for v in value[:4])
        more = ", ..." if len(value) > 4 else ""
        return f"{type(value).__name__} of {len(value)} ({inner}{more})"
    return f"{type(value).__name__}"


def _fmt(x: float) -> str:
    return f"{x:.6g}"


def _pair(a: float, b: float) -> tuple[str, str]:
    """Two numbers with enough digits to see that they differ (6, else all 17)."""
    x, y = _fmt(a), _fmt(b)
    if x == y:
        x, y = f"{a:.17g}", f"{b:.17g}"
    return x, y


def _is_number(value) -> bool:
    if isinstance(value, bool | np.bool_):
        return False
    if isinstance(value, np.ndarray):
        return value.ndim == 0 and np.issubdtype(value.dtype, np.floating | np.integer)
    return isinstance(value, numbers.Real)


def _one(got, expected, name: str, rtol: float, atol: float) -> list[str] | None:
    """Compare one output; ``name`` is how the report calls it (``the result``, ``dW``)."""
    if isinstance(expected, np.ndarray) and expected.ndim > 0:
        if not isinstance(got, np.ndarray):
            how = "a list" if isinstance(got, list) else describe(got)
            return [
                f"{name} should be a numpy array of shape {expected.shape}; it is {how}."
            ]
        if got.shape != expected.shape:
            return [f"{name} has shape {got.shape}; expected shape {expected.shape}."]
        if not np.issubdtype(got.dtype, np.floating):
            return [f"{name} has dtype {got.dtype}; expected floats ({expected.dtype})."]
        lines = _values(got, expected, name, rtol, atol)
        if lines and got.dtype != expected.dtype:
            lines.append(f"{name} has dtype {got.dtype}, the reference {expected.dtype}: "
                         f"compute in {expected.dtype}, as the inputs are.")
        return lines
    # a number (a loss)
    if not _is_number(got):
        return [f"{name} should be a number (a float); it is {describe(got)}."]
    return _values(np.asarray(float(got)), np.asarray(float(expected)), name, rtol, atol)


def _values(got, expected, name, rtol, atol) -> list[str] | None:
    g = got.astype(np.float64, copy=False)
    e = np.asarray(expected, dtype=np.float64)
    bad_nonfinite = ~np.isfinite(g) & np.isfinite(e)
    with np.errstate(all="ignore"):
        close = np.isclose(g, e, rtol=rtol, atol=atol) | (np.isnan(g) & np.isnan(e))
    if close.all():
        return None
    lines = []
    if bad_nonfinite.any():
        n = int(bad_nonfinite.sum())
        lines.append(f"{name} has {n} entr{'y' if n == 1 else 'ies'} that are inf or nan.")
    if g.ndim == 0:
        a, b = _pair(float(g), float(e))
        lines.append(f"{name} is {a}; expected {b}.")
        return lines
    wrong = np.argwhere(~close)
    lines.append(f"{len(wrong)} of {g.size} entries of {name} differ; the first:")
    for idx in wrong[:MAX_ENTRIES]:
        t = tuple(int(i) for i in idx)
        where = f"[{', '.join(map(str, t))}]"
        a, b = _pair(float(g[t]), float(e[t]))
        lines.append(f"  {name}{where} = {a}, expected {b}")
    return lines


def difference(got, expected, names: tuple[str, ...], rtol: float, atol: float):
    """``None`` if ``got`` agrees with ``expected``, else ``(index, lines)``.

    ``expected`` is one value when ``names`` has one name, else a tuple of ``len(names)``;
    ``index`` is the output the lines are about (``None`` when the structure itself is wrong).
    """
    if len(names) == 1:
        lines = _one(got, expected, names[0], rtol, atol)
        return None if lines is None else (0, lines)
    if not isinstance(got, tuple | list):
        return None, [
            f"the function should return a tuple of {len(names)} values "
            f"({', '.join(names)}); it returned {describe(got)}."
        ]
    if len(got) != len(names):
        return None, [
            f"the function returned {len(got)} values; expected {len(names)} "
            f"({', '.join(names)}), in that order."
        ]
    for i, (g, e, n) in enumerate(zip(got, expected, names, strict=True)):
        lines = _one(g, e, n, rtol, atol)
        if lines:
            return i, lines
    return None


def matches(got, other, index: int | None, n_outputs: int, rtol: float, atol: float) -> bool:
    """Whether ``got`` equals ``other`` (a mistaken implementation's answer) where it matters.

    With ``index`` (the output a report is about) only that output is compared, so a mistake
    in ``dW`` is recognised even if ``db`` has a second one; without it, everything is.
    """
    if other is None or got is None:
        return False
    try:
        if n_outputs > 1 and index is not None:
            if not isinstance(got, tuple | list) or not isinstance(other, tuple | list):
                return False
            if len(got) != n_outputs or len(other) != n_outputs:
                return False
            return _one(got[index], other[index], "v", rtol, atol) is None
        names = tuple(f"v{i}" for i in range(n_outputs))
        return difference(got, other, names, rtol, atol) is None
    except (TypeError, ValueError, IndexError):
        return False
