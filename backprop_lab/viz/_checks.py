"""Input checks shared by the plot functions (private to :mod:`backprop_lab.viz`).

Each takes the calling function's name (``who``) and raises ``TypeError``/``ValueError``
with a message that says what was expected, what was given and how to fix it.
"""

from __future__ import annotations

import difflib
import math
import numbers
from collections.abc import Mapping

import matplotlib.colors as mcolors
import numpy as np
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.lines import Line2D

from backprop_lab._checks import as_array, check_real


def _get_ax(ax) -> Axes:
    """Return ``ax``, or a new axes on a new pyplot figure when ``ax`` is None."""
    if ax is None:
        import matplotlib.pyplot as plt  # only when the caller asked for a new figure

        _, ax = plt.subplots()
        return ax
    if not isinstance(ax, Axes):
        raise TypeError(f"expected ax to be a matplotlib Axes or None, got {type(ax).__name__}.")
    return ax


def _as_float_array(x, name: str, who: str) -> np.ndarray:
    """``x`` as a float64 array, or a ``TypeError`` naming the function and the argument."""
    try:
        # as_array refuses a masked array (np.asarray would plot the masked values)
        arr = np.asarray(as_array(x, name, who), dtype=np.float64)
    except (TypeError, ValueError) as err:
        if "masked array" in str(err):
            raise
        raise TypeError(
            f"{who} expected {name} to be an array of numbers, got {type(x).__name__}."
        ) from err
    return arr


def _check_label(label, what: str, who: str, *, none: str | None = None) -> str | None:
    """``label`` if it can be a legend entry: a non-empty ``str`` not starting with ``_``.

    ``none`` says what ``None`` means where it is allowed (no legend entry, a default);
    where it is not given, ``None`` is refused. matplotlib would otherwise draw the line
    and silently leave it out of the legend (``None``, ``""``, ``"_train"``), or fail
    with "label must be scalar" (a tuple).
    """
    if label is None and none is not None:
        return None
    if not isinstance(label, str):
        got = "None" if label is None else f"{type(label).__name__} {label!r}"
        example = "e.g. f'lr = {lr:g}'" if isinstance(label, numbers.Number) else "e.g. 'train'"
        raise TypeError(
            f"{who} expected {what} to be a str (its legend entry), got {got}. Write the "
            f"label as text, {example}."
        )
    if not label.strip():
        raise ValueError(
            f"{who} expected {what} to be a non-empty str (its legend entry), got {label!r}."
            + (f" For {none}, pass None." if none is not None else "")
        )
    if label.startswith("_"):
        raise ValueError(
            f"{who} expected {what} not to start with '_', got {label!r}: matplotlib leaves "
            f"such labels out of the legend. Write e.g. {label.lstrip('_')!r}."
        )
    return label


def _series(
    curves,
    who: str,
    *,
    arg: str = "curves",
    per: str = "step",
    hint: str = "Pass one 1-D array per label, e.g. {'train': train_loss, 'test': test_loss}.",
) -> dict[str, np.ndarray]:
    """Normalise ``curves`` (one 1-D array or a mapping label -> 1-D array) to a dict.

    A mapping's keys are the legend entries: non-empty ``str`` not starting with ``_``
    (:func:`_check_label`). One array alone is drawn without a legend entry (key None).
    """
    if isinstance(curves, Mapping):
        if not curves:
            raise ValueError(f"{who} expected at least one curve, got an empty mapping.")
        items = list(curves.items())
        for label, _ in items:
            if label is None:
                raise TypeError(
                    f"{who} expected the keys of {arg} to be str (legend entries), got None. "
                    f"To draw one curve without a legend entry, pass the array itself: "
                    f"{who}(values) instead of {who}({{None: values}})."
                )
            _check_label(label, f"every key of {arg}", who)
    else:
        items = [(None, curves)]
    out = {}
    for label, values in items:
        arr = _as_float_array(values, "each curve" if label is None else f"curve {label!r}", who)
        what = f"curve {label!r}" if label is not None else (
            "the curve" if arg == "curves" else arg)
        if arr.ndim != 1:
            raise ValueError(
                f"{who} expected {what} to be 1-D (one value per {per}), got shape "
                f"{arr.shape}. {hint}"
            )
        if arr.size == 0:
            raise ValueError(f"{who} expected {what} to have at least one value, got none.")
        out[label] = arr
    return out


def _check_number(value, name: str, who: str, *, above: float, what: str, hint: str) -> float:
    """``value`` as a float if it is a finite number ``> above``; else a clear error."""
    check_real(value, name, who, what=what, hint=hint)
    if not (math.isfinite(value) and value > above):
        raise ValueError(f"{who} expected {name} to be {what}, got {value!r}. {hint}")
    return float(value)


def _check_finite_grid(arr: np.ndarray, name: str, who: str) -> None:
    """Raise ``ValueError`` if the grid coordinates ``arr`` hold NaN or infinity."""
    if not np.isfinite(arr).all():
        where = tuple(int(i) for i in np.argwhere(~np.isfinite(arr))[0])
        raise ValueError(
            f"{who} expected finite coordinates in {name}, found {arr[where]} at index {where}. "
            "Build the grid from finite ranges: W1, W2 = np.meshgrid(np.linspace(-2, 2, 41), "
            "np.linspace(-2, 2, 41))."
        )


def _check_levels(levels, who: str):
    """``levels`` as an int count (>= 2), or as a float array of increasing finite levels."""
    hint = "Pass a number of levels such as levels=20, or the levels themselves, e.g. [0.1, 1, 10]."
    if np.ndim(levels) == 0:
        if isinstance(levels, bool) or not isinstance(levels, numbers.Integral):
            raise TypeError(
                f"{who} expected levels to be an integer count or a sequence of numbers, "
                f"got {levels!r}. {hint}"
            )
        if levels < 2:
            raise ValueError(f"{who} expected levels >= 2, got {levels}. {hint}")
        return int(levels)
    lev = _as_float_array(levels, "levels", who)
    if lev.ndim != 1 or lev.size < 2 or not np.isfinite(lev).all() or np.any(np.diff(lev) <= 0):
        raise ValueError(
            f"{who} expected levels to be an int or an increasing 1-D array of at least "
            f"2 finite values, got {levels!r}. {hint}"
        )
    return lev


def _check_cmap(cmap, who: str) -> None:
    """Raise a clear error unless ``cmap`` is a registered colormap name or a Colormap."""
    if isinstance(cmap, mcolors.Colormap):
        return
    some = "'cividis' (the default, colour-blind safe), 'viridis', 'magma', 'Greys'"
    if not isinstance(cmap, str):
        raise TypeError(f"{who} expected cmap to be a colormap name such as {some}, got {cmap!r}.")
    if cmap not in colormaps:
        close = difflib.get_close_matches(cmap, list(colormaps), n=3)
        guess = f" Did you mean {', '.join(map(repr, close))}?" if close else ""
        raise ValueError(
            f"{who}: unknown cmap {cmap!r}.{guess} Use a matplotlib colormap name such as "
            f"{some}; list(matplotlib.colormaps) shows them all."
        )


def _check_line_style(who: str, color, linestyle, marker) -> None:
    """Raise a clear error for a colour, line style or marker that matplotlib would refuse."""
    if color is not None and not mcolors.is_color_like(color):
        raise ValueError(
            f"{who} expected color to be a matplotlib colour such as 'black', '#0072B2' or "
            f"viz.PALETTE['orange'], got {color!r}."
        )
    examples = {"linestyle": "'-', '--', ':' or (0, (5, 2))", "marker": "'o', 's', '^' or ''"}
    for name, value in (("linestyle", linestyle), ("marker", marker)):
        if value is None:
            continue
        try:
            Line2D([], [], **{name: value})  # matplotlib's own check, without drawing
        except (TypeError, ValueError) as err:
            raise ValueError(
                f"{who} expected {name} to be a matplotlib {name} such as {examples[name]}, "
                f"got {value!r}."
            ) from err
        # matplotlib checks the dash lengths only when it draws: check them here
        dashes = value[1] if name == "linestyle" and isinstance(value, tuple) else None
        if dashes is not None and len(dashes) > 0 and (min(dashes) < 0 or max(dashes) <= 0):
            raise ValueError(
                f"{who} expected the dash lengths in linestyle={value!r} to be >= 0 with at "
                "least one > 0 (on, off, on, off, ... in points), e.g. (0, (5, 2))."
            )



def _step_text(x: float) -> str:
    return f"{int(x)}" if float(x).is_integer() else f"{x:g}"


def _refuse_negative(values, xs, *, who: str, what: str, xname: str, fix: str) -> None:
    """Raise ``ValueError`` at the first negative entry of ``values``: a log axis has no
    place for it (matplotlib would leave it out without a word)."""
    with np.errstate(invalid="ignore"):
        neg = np.flatnonzero(values < 0)
    if neg.size:
        k = int(neg[0])
        raise ValueError(
            f"{who} with log_y=True expected {what} >= 0, got {values[k]:g} at {xname} "
            f"{_step_text(xs[k])}: a log axis cannot show a negative value. {fix}"
        )



def _first_nonfinite(arr: np.ndarray) -> int | None:
    """Index of the first NaN/inf entry along axis 0, or None when everything is finite."""
    bad = ~np.isfinite(arr)
    if bad.ndim > 1:
        bad = bad.any(axis=tuple(range(1, bad.ndim)))
    idx = np.flatnonzero(bad)
    return int(idx[0]) if idx.size else None



def _check_ticks(ticks, name: str, who: str, *, log: bool) -> np.ndarray:
    """``ticks`` as an increasing 1-D float array of finite values (positive on a log axis)."""
    fix = (f"Pass the tick positions as a list of increasing numbers, e.g. {name}=[0, 10, 20, 30]"
           + (" (a log axis: all > 0, e.g. [1e-6, 1e-3, 1, 1e3])." if log else "."))
    if isinstance(ticks, str | bytes) or np.ndim(ticks) != 1:
        raise TypeError(f"{who} expected {name} to be a list of numbers, got {ticks!r}. {fix}")
    arr = _as_float_array(ticks, name, who)
    if arr.size == 0 or not np.isfinite(arr).all() or np.any(np.diff(arr) <= 0):
        raise ValueError(
            f"{who} expected {name} to be at least one finite tick position, in increasing "
            f"order, got {ticks!r}. {fix}"
        )
    if log and arr[0] <= 0:
        raise ValueError(
            f"{who} expected {name} > 0 on a log axis, got {ticks!r}: a log axis has no place "
            f"for {arr[0]:g}. {fix}"
        )
    return arr


def _check_lim(lim, name: str, who: str, *, log: bool) -> tuple[float, float]:
    """``lim`` as a ``(low, high)`` pair of finite floats, ``low < high`` (> 0 on a log axis)."""
    fix = f"Write {name}=(low, high), e.g. {name}=" + ("(1e-6, 1e5)." if log else "(0, 1).")
    if isinstance(lim, str | bytes) or np.ndim(lim) != 1 or len(lim) != 2:
        raise TypeError(f"{who} expected {name} to be a pair (low, high), got {lim!r}. {fix}")
    for v in lim:
        check_real(v, name, who, what="a pair of numbers (low, high)", hint=fix)
    low, high = float(lim[0]), float(lim[1])
    if not (math.isfinite(low) and math.isfinite(high) and low < high):
        raise ValueError(
            f"{who} expected {name}=(low, high) with finite low < high, got {lim!r}. {fix}"
        )
    if log and low <= 0:
        raise ValueError(
            f"{who} expected {name} > 0 on a log axis, got {lim!r}: a log axis has no place "
            f"for {low:g}. {fix}"
        )
    return low, high
