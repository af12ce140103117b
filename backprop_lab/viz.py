r"""Plot functions for the book: arrays in, axes out.

Every function here takes plain numpy arrays (computed elsewhere, by the core or by a
chapter cell) and an optional matplotlib ``ax``; it draws and returns the axes. None of
them computes a gradient, trains anything, or calls ``plt.show()``; when ``ax`` is not
given a new figure is made with ``matplotlib.pyplot.subplots`` (so that a chapter cell
can write ``viz.plot_loss_curves(history)`` and see the figure).

Colours come from one module-level palette, :data:`PALETTE` (Okabe and Ito's
colour-blind-safe set), and successive lines also differ by line style and marker
(:data:`LINESTYLES`, :data:`MARKERS`), so every figure stays readable in greyscale.

Used in every chapter; first in "The learning rate" (gradient descent on a quadratic
bowl: :func:`plot_loss_surface` + :func:`plot_trajectory` beside :func:`plot_loss_curves`,
:func:`plot_lr_sweep` and :func:`plot_schedules`).

Examples
--------
>>> import numpy as np
>>> from matplotlib.figure import Figure
>>> from backprop_lab import viz
>>> w1, w2 = np.meshgrid(np.linspace(-2, 2, 41), np.linspace(-2, 2, 41))
>>> L = 0.5 * (w1**2 + 10 * w2**2)
>>> ax = Figure().subplots()
>>> ax = viz.plot_loss_surface(w1, w2, L, ax=ax)
>>> path = np.array([[1.5, 1.0], [1.2, -0.5], [0.9, 0.3], [0.7, -0.1]])
>>> ax = viz.plot_trajectory(path, ax=ax, label="lr = 0.15")
>>> [float(v) for v in ax.get_xlim()]  # the surface's limits are kept
[-2.0, 2.0]
"""

from __future__ import annotations

import difflib
import math
import numbers
from collections.abc import Mapping

import matplotlib.colors as mcolors
import matplotlib.patheffects as patheffects
import numpy as np
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.transforms import blended_transform_factory

from backprop_lab._checks import as_array, check_positive_float, check_real

__all__ = [
    "PALETTE",
    "COLORS",
    "LINESTYLES",
    "MARKERS",
    "style",
    "plot_loss_surface",
    "plot_trajectory",
    "plot_loss_curves",
    "plot_lr_sweep",
    "plot_schedules",
    "value_badge",
    "ZERO_LABEL",
]

#: Okabe & Ito (2008), "Color Universal Design": distinguishable with every common
#: colour-vision deficiency. Keys are the colour names; :data:`COLORS` is the order in
#: which successive lines take them (black last: it is kept for markers and references).
PALETTE: dict[str, str] = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "bluish_green": "#009E73",
    "vermillion": "#D55E00",
    "sky_blue": "#56B4E9",
    "reddish_purple": "#CC79A7",
    "yellow": "#F0E442",
    "black": "#000000",
}
#: Line colours in order of use (yellow is left out: too light on white for a thin line).
COLORS: tuple[str, ...] = (
    PALETTE["blue"],
    PALETTE["orange"],
    PALETTE["bluish_green"],
    PALETTE["vermillion"],
    PALETTE["sky_blue"],
    PALETTE["reddish_purple"],
    PALETTE["black"],
)
#: Line styles in order of use, so that lines differ without colour.
LINESTYLES: tuple = ("-", "--", "-.", ":", (0, (5, 1, 1, 1, 1, 1)), (0, (1, 3)), (0, (8, 2)))
#: Markers in order of use.
MARKERS: tuple[str, ...] = ("o", "s", "^", "D", "v", "P", "X")

#: The colormap for loss surfaces: perceptually uniform and colour-blind safe.
SURFACE_CMAP = "cividis"


def style(i: int) -> dict:
    """Return the ``color``, ``linestyle`` and ``marker`` of the ``i``-th line.

    Successive indices differ in all three, so lines are told apart in greyscale too.
    The three cycles have 7 entries each; from index 7 on, each further round of colours
    shifts the line style by one and the marker by two positions, and every other round
    has hollow markers (the dict then also has ``markerfacecolor="white"``), so line
    ``i`` and line ``i + 7`` still differ in line style, marker and fill.

    >>> style(0)["color"], style(1)["linestyle"]
    ('#0072B2', '--')
    >>> style(7)["color"] == style(0)["color"], style(7)["linestyle"], style(7)["marker"]
    (True, '--', '^')
    >>> style(7)["markerfacecolor"]
    'white'
    """
    if isinstance(i, bool) or not isinstance(i, int | np.integer) or i < 0:
        raise ValueError(f"style(i) expected a non-negative integer index, got {i!r}.")
    n = len(COLORS)
    rnd, j = divmod(int(i), n)
    out = {
        "color": COLORS[j],
        "linestyle": LINESTYLES[(j + rnd) % len(LINESTYLES)],
        "marker": MARKERS[(j + 2 * rnd) % len(MARKERS)],
    }
    if rnd % 2:
        out["markerfacecolor"] = "white"
    return out


def _fill(st: dict) -> dict:
    """The marker-fill part of a :func:`style` (empty for the first 7 lines)."""
    return {"markerfacecolor": st["markerfacecolor"]} if "markerfacecolor" in st else {}


# --------------------------------------------------------------------------- helpers
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


#: where values a log axis cannot show (exactly 0) are marked: this high in the axes
_ZERO_Y = 0.03
#: their legend entry
ZERO_LABEL = "0 (below the log axis)"


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


def _mark_zeros(ax: Axes, x, color: str, *, first: bool) -> None:
    """Mark the x positions of values that are exactly 0 on a log y axis: a downward
    triangle at the bottom edge, with one legend entry (:data:`ZERO_LABEL`) per axes."""
    ax.plot(
        x,
        np.full(len(x), _ZERO_Y),
        transform=blended_transform_factory(ax.transData, ax.transAxes),
        marker="v",
        markersize=7,
        color=color,
        markeredgecolor=PALETTE["black"],
        markeredgewidth=0.8,
        linestyle="none",
        zorder=5,
        label=ZERO_LABEL if first else None,
    )


def _first_nonfinite(arr: np.ndarray) -> int | None:
    """Index of the first NaN/inf entry along axis 0, or None when everything is finite."""
    bad = ~np.isfinite(arr)
    if bad.ndim > 1:
        bad = bad.any(axis=tuple(range(1, bad.ndim)))
    idx = np.flatnonzero(bad)
    return int(idx[0]) if idx.size else None


# --------------------------------------------------------------------------- surfaces
def plot_loss_surface(
    W1,
    W2,
    L,
    *,
    ax=None,
    levels: int | np.ndarray = 20,
    log_levels: bool = True,
    filled: bool = True,
    cmap: str = SURFACE_CMAP,
    xlabel: str = "$w_1$",
    ylabel: str = "$w_2$",
    minimum=None,
    equal_aspect: bool = True,
) -> Axes:
    r"""Draw the contours of a loss surface :math:`L(w_1, w_2)` sampled on a grid.

    Chapter "The learning rate": the bowl that gradient descent walks down.

    Parameters
    ----------
    W1, W2 : ndarray, shape (n_rows, n_cols)
        The grid, as returned by ``np.meshgrid(w1, w2)``.
    L : ndarray, shape (n_rows, n_cols)
        The loss at every grid point (NaN/inf points are left blank).
    ax : matplotlib Axes, optional
        Where to draw; a new figure when omitted.
    levels : int or 1-D array
        Number of contour levels (at least 2), or the levels themselves (increasing,
        finite).
    log_levels : bool
        Space the levels geometrically between the smallest positive and the largest
        loss (the default: a bowl's low region otherwise gets a single contour).
    filled : bool
        Fill between contours (with thin lines on top) or draw lines only.
    cmap : str or Colormap
        Colormap name (one of ``matplotlib.colormaps``); the default ``"cividis"`` is
        colour-blind safe.
    xlabel, ylabel : str
        Axis labels.
    minimum : sequence of 2 floats, optional
        Mark the minimiser with a black star.
    equal_aspect : bool
        Same scale on both axes (the default), so an elongated bowl looks elongated.

    Returns
    -------
    Axes
        With ``ax.get_xlim()``/``get_ylim()`` equal to the grid's extent.
    """
    who = "plot_loss_surface"
    if ax is not None:
        _get_ax(ax)  # a wrong ax is named before anything about the data
    W1 = _as_float_array(W1, "W1", who)
    W2 = _as_float_array(W2, "W2", who)
    L = _as_float_array(L, "L", who)
    for name, arr in (("W1", W1), ("W2", W2), ("L", L)):
        if arr.ndim != 2:
            raise ValueError(
                f"{who} expected {name} to be a 2-D grid, got shape {arr.shape}. "
                "Build the grid with W1, W2 = np.meshgrid(w1, w2) and evaluate L on it."
            )
    if not (W1.shape == W2.shape == L.shape):
        raise ValueError(
            f"{who} expected W1, W2 and L of the same shape, got {W1.shape}, {W2.shape} "
            f"and {L.shape}. Use W1, W2 = np.meshgrid(w1, w2), then L of shape W1.shape "
            "(rows follow w2, columns follow w1)."
        )
    if min(L.shape) < 2:
        raise ValueError(f"{who} expected a grid of at least 2 x 2 points, got {L.shape}.")
    _check_finite_grid(W1, "W1", who)
    _check_finite_grid(W2, "W2", who)
    finite = L[np.isfinite(L)]
    if finite.size == 0:
        raise ValueError(f"{who} expected some finite values in L, got none.")
    levels = _check_levels(levels, who)
    _check_cmap(cmap, who)

    norm = None
    if isinstance(levels, int):
        n = levels
        lo, hi = float(finite.min()), float(finite.max())
        if log_levels and lo < 0:
            raise ValueError(
                f"{who} with log_levels=True expected L >= 0 (a loss), got values down to "
                f"{lo:g} ({np.mean(finite < 0):.0%} of the grid below 0): log-spaced levels "
                "would paint all of them one colour. Pass log_levels=False, or plot "
                "L - L.min()."
            )
        with np.errstate(all="ignore"):  # overflow is detected just below
            if log_levels:
                positive = finite[finite > 0]
                lo = float(positive.min()) if positive.size else 1e-12
                hi = max(hi, lo * 10)
                lev = np.geomspace(lo, hi, n)
            else:
                lev = np.linspace(lo, hi if hi > lo else lo + 1.0, n)
            # matplotlib's contouring fails beyond about 1e250 (and a log norm below 1e-200)
            nonzero = np.abs(lev[lev != 0])
            usable = (np.isfinite(lev).all() and np.all(np.diff(lev) > 0)
                      and np.all(nonzero <= 1e200) and np.all(nonzero >= 1e-200))
        if not usable:  # L's values sit at the edge of float64: levels overflow or collapse
            raise ValueError(
                f"{who} could not space {n} contour levels between {finite.min():g} and "
                f"{finite.max():g}, the smallest and largest finite values of L. Rescale L "
                "(e.g. L / L.max()) or pass levels=[...] yourself."
            )
        if finite.min() == finite.max():
            raise ValueError(
                f"{who} got a constant L (every finite value is {finite.min():g}): a contour "
                "plot of it is one flat colour. Check how L was computed (a loss that ignores "
                "w1 and w2?), or plot something that varies over the grid."
            )
        if log_levels:
            norm = mcolors.LogNorm(vmin=lev[0], vmax=lev[-1])
    else:
        lev = levels
        if log_levels and lev[0] > 0:
            norm = mcolors.LogNorm(vmin=lev[0], vmax=lev[-1])

    if minimum is not None:
        m = _as_float_array(minimum, "minimum", who)
        if m.shape != (2,):
            raise ValueError(f"{who} expected minimum as (w1, w2), got shape {m.shape}.")

    ax = _get_ax(ax)
    # LogNorm masks values <= 0 (a bowl's minimum is exactly 0): lift them to the lowest level
    Lm = np.ma.masked_invalid(np.maximum(L, lev[0]) if norm is not None else L)
    if filled:
        # extend="both": values beyond the outer levels are coloured, not left blank
        ax.contourf(W1, W2, Lm, levels=lev, cmap=cmap, norm=norm, extend="both")
        ax.contour(W1, W2, Lm, levels=lev, colors="white", linewidths=0.4, alpha=0.6)
    else:
        ax.contour(W1, W2, Lm, levels=lev, cmap=cmap, norm=norm, linewidths=1.0)
    if minimum is not None:
        ax.plot(
            m[0],
            m[1],
            marker="*",
            markersize=12,
            color=PALETTE["black"],
            linestyle="none",
            label="minimum",
            zorder=4,
        )
    ax.set_xlim(float(W1.min()), float(W1.max()))
    ax.set_ylim(float(W2.min()), float(W2.max()))
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if equal_aspect:
        ax.set_aspect("equal", adjustable="box")
    return ax


def plot_trajectory(
    path,
    *,
    ax=None,
    label: str | None = None,
    index: int = 0,
    color: str | None = None,
    linestyle=None,
    marker: str | None = None,
    markersize: float = 4.0,
) -> Axes:
    r"""Draw an optimizer's path :math:`w_0, w_1, \dots, w_T` in the plane, over a surface.

    Chapter "The learning rate": the zig-zag of a too-large step, the crawl of a too-small one.

    The start is marked with a hollow circle, the end with a filled square. If the
    axes already hold a surface (or anything else) their limits are kept, so a path
    that diverges far away is clipped at the border instead of shrinking the bowl to
    a dot; when it leaves the view, an arrow at the border says "diverged". Rows after
    the first NaN/inf are dropped (the update has overflowed) and the cut is always
    marked "diverged": by the arrow at the border over a surface, next to the last
    finite point on empty axes. The start (row 0) must be finite (``ValueError``).

    Parameters
    ----------
    path : ndarray, shape (n_steps + 1, 2)
        Row ``t`` is :math:`w_t = (w_1, w_2)` after ``t`` steps; row 0 is the start.
    ax : matplotlib Axes, optional
        Typically the axes returned by :func:`plot_loss_surface`.
    label : str, optional
        Legend entry for the line (a non-empty ``str`` not starting with ``_``); None,
        the default, gives the line no legend entry.
    index : int
        Position in the palette/line-style cycle (see :func:`style`); use 0, 1, ...
        when several paths share the axes.
    color, linestyle, marker : optional
        Override the cycle.
    markersize : float
        Size of the per-step markers (``>= 0``).

    Returns
    -------
    Axes
    """
    who = "plot_trajectory"
    P = _as_float_array(path, "path", who)
    if P.ndim != 2 or P.shape[1] != 2 or P.shape[0] < 1:
        raise ValueError(
            f"{who} expected path of shape (n_steps + 1, 2), one row (w1, w2) per step, "
            f"got {P.shape}. Stack the iterates with np.array(list_of_points)."
        )
    if not np.isfinite(P[0]).all():
        raise ValueError(
            f"{who} expected a finite start (row 0 of path), got {P[0].tolist()}. The path "
            "starts where the optimizer starts: check the starting point w0."
        )
    if isinstance(index, bool) or not isinstance(index, numbers.Integral):
        raise TypeError(
            f"{who} expected index to be an integer (the line's position in the style "
            f"cycle: 0, 1, ...), got {index!r}."
        )
    if index < 0:
        raise ValueError(
            f"{who} expected index >= 0 (the line's position in the style cycle: 0, 1, ...), "
            f"got {index}."
        )
    label = _check_label(label, "label", who, none="no legend entry")
    _check_line_style(who, color, linestyle, marker)
    markersize = check_positive_float(markersize, "markersize", who, allow_zero=True)
    ax = _get_ax(ax)
    keep_limits = ax.has_data()
    xlim, ylim = ax.get_xlim(), ax.get_ylim()

    bad = _first_nonfinite(P)
    diverged = bad is not None
    if diverged:
        P = P[:bad]
    st = style(int(index))
    fill = _fill(st) if marker is None else {}
    color = st["color"] if color is None else color
    linestyle = st["linestyle"] if linestyle is None else linestyle
    marker = st["marker"] if marker is None else marker
    if len(P):
        ax.plot(
            P[:, 0],
            P[:, 1],
            color=color,
            linestyle=linestyle,
            marker=marker,
            markersize=markersize,
            linewidth=1.5,
            label=label,
            zorder=3,
            **fill,
            # a white edge keeps the path visible over the dark centre of a contour plot
            path_effects=[patheffects.withStroke(linewidth=3.5, foreground="white")],
        )
        ax.plot(
            P[0, 0],
            P[0, 1],
            marker="o",
            markersize=9,
            markerfacecolor="white",
            markeredgecolor=color,
            markeredgewidth=2,
            linestyle="none",
            zorder=5,
        )
        ax.plot(
            P[-1, 0],
            P[-1, 1],
            marker="s",
            markersize=7,
            color=color,
            markeredgecolor="white",
            linestyle="none",
            zorder=5,
        )
    if keep_limits:
        ax.set_xlim(xlim)
        ax.set_ylim(ylim)
        (x0, x1), (y0, y1) = sorted(xlim), sorted(ylim)
        outside = len(P) and not (x0 <= P[-1, 0] <= x1 and y0 <= P[-1, 1] <= y1)
        if outside:
            _mark_escape(ax, P, color, (x0, x1, y0, y1))
        elif diverged:  # cut inside the view: say so where it stops
            _mark_cut(ax, P, color)
    elif diverged:
        _mark_cut(ax, P, color)
    return ax


def _mark_cut(ax: Axes, P: np.ndarray, color: str) -> None:
    """On axes that follow the path: 'diverged' next to its last finite point, on the side
    of the path's centre (the last point of a diverging path is at the edge of the view)."""
    cx, cy = (P.min(axis=0) + P.max(axis=0)) / 2
    tx, ty = P[-1]
    ax.annotate(
        "diverged",
        xy=(tx, ty),
        xytext=(-24 if tx > cx else 24, -18 if ty > cy else 18),
        textcoords="offset points",
        color=color,
        fontsize=8,
        ha="right" if tx > cx else "left",
        va="center",
        zorder=6,
        arrowprops={"arrowstyle": "->", "color": color, "linewidth": 1.2},
        bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": color},
    )


def _mark_escape(ax: Axes, P: np.ndarray, color: str, box) -> None:
    """Put a 'diverged' arrow on the border where the path leaves the view."""
    x0, x1, y0, y1 = box
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    tx, ty = P[-1]  # the start is finite: P has a row
    dx, dy = tx - cx, ty - cy
    # scale the direction from the centre to the last point down to the border
    sx = (x1 - cx) / abs(dx) if dx else math.inf
    sy = (y1 - cy) / abs(dy) if dy else math.inf
    s = min(sx, sy, 1.0) * 0.92
    ex, ey = cx + dx * s, cy + dy * s
    ax.annotate(
        "diverged",
        xy=(ex, ey),
        xytext=(cx + dx * s * 0.6, cy + dy * s * 0.6),
        color=color,
        fontsize=8,
        ha="center",
        va="center",
        zorder=6,
        arrowprops={"arrowstyle": "->", "color": color, "linewidth": 1.2},
        bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": color},
    )


# --------------------------------------------------------------------------- curves
def plot_loss_curves(
    curves,
    *,
    ax=None,
    log_y: bool = False,
    xlabel: str = "step",
    ylabel: str = "loss",
    x=None,
    diverge_factor: float | None = 1e3,
) -> Axes:
    """Draw one or more loss curves (loss against step or epoch).

    Chapter "The learning rate" (and every training chapter after it).

    A curve that becomes NaN or infinite, or grows above ``diverge_factor`` times the
    largest starting value of all curves, has diverged: it stops at its last value
    before that, which is marked with a cross, and its legend entry gets
    "(diverged at step k)". The other curves stay readable instead of being squashed
    by a value of 1e300.

    With ``log_y=True``, a loss of exactly 0 (a training loss that reaches zero) has no
    place on the axis: the line leaves it out and a downward triangle at the bottom edge
    marks its step, with the legend entry "0 (below the log axis)". A negative value
    (before any divergence) is a ``ValueError``: a loss on a log axis cannot be negative.

    Parameters
    ----------
    curves : 1-D array or mapping label -> 1-D array
        One value per step. Curves may have different lengths. The labels are the legend
        entries (non-empty ``str``, not starting with ``_``); one array alone gets none.
    ax : matplotlib Axes, optional
    log_y : bool
        Logarithmic loss axis (linear convergence is then a straight line).
    xlabel, ylabel : str
    x : 1-D array, optional
        The x coordinates (default ``0, 1, ..., len(curve) - 1``); must be at least as
        long as the longest curve.
    diverge_factor : float > 1 or None
        Growth above the starting values that counts as divergence (default 1000);
        None: only NaN/inf count.

    Returns
    -------
    Axes
    """
    who = "plot_loss_curves"
    series = _series(curves, who)
    longest = max(len(v) for v in series.values())
    if x is None:
        xs = np.arange(longest, dtype=np.float64)
    else:
        xs = _as_float_array(x, "x", who)
        if xs.ndim != 1 or len(xs) < longest:
            raise ValueError(
                f"{who} expected x to be 1-D with at least {longest} values (the longest "
                f"curve), got shape {xs.shape}."
            )
    limit = math.inf
    if diverge_factor is not None:
        # a factor <= 1 would call a curve diverged at its very first value
        diverge_factor = _check_number(
            diverge_factor,
            "diverge_factor",
            who,
            above=1,
            what="a finite number > 1 or None",
            hint="Use diverge_factor=1e3 (the default), or None to count only NaN/inf.",
        )
        starts = [abs(v[0]) for v in series.values() if np.isfinite(v[0])]
        if starts and max(starts) > 0:
            limit = diverge_factor * max(starts)
    cuts = {}
    for label, values in series.items():
        with np.errstate(invalid="ignore"):
            cuts[label] = _first_nonfinite(np.where(np.abs(values) > limit, np.inf, values))
        if log_y:  # before anything is drawn
            shown = values if cuts[label] is None else values[: cuts[label]]
            _refuse_negative(
                shown, xs, who=who, what="the losses" if label is None else f"curve {label!r}",
                xname=xlabel, fix="Pass log_y=False (a quantity that can be negative, such as "
                "a log-likelihood, needs a linear axis), or plot the loss itself.",
            )
    ax = _get_ax(ax)
    zero_marks = []  # drawn after the curves: their legend entry comes last
    for i, (label, values) in enumerate(series.items()):
        st = style(i)
        bad = cuts[label]
        shown = values if bad is None else values[:bad]
        text = label
        if bad is not None:
            text = f"{label or 'loss'} (diverged at {xlabel} {_step_text(xs[bad])})"
        line_y = shown
        zeros = np.flatnonzero(shown == 0) if log_y else ()
        if len(zeros):  # a log axis has no 0: the line leaves it out, a triangle marks it
            line_y = np.where(shown > 0, shown, np.nan)
        ax.plot(
            xs[: len(shown)],
            line_y,
            color=st["color"],
            linestyle=st["linestyle"],
            marker=st["marker"],
            markevery=max(1, len(shown) // 10) if len(shown) else 1,
            markersize=4,
            linewidth=1.5,
            label=text,
            **_fill(st),
        )
        if len(zeros):
            zero_marks.append((xs[zeros], st["color"]))
        if bad is not None and len(shown):
            ax.plot(
                xs[len(shown) - 1],
                shown[-1],
                marker="X",
                markersize=10,
                color=st["color"],
                markeredgecolor=PALETTE["black"],
                linestyle="none",
                zorder=5,
            )
    for k, (x0, color) in enumerate(zero_marks):
        _mark_zeros(ax, x0, color, first=k == 0)
    if log_y:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if ax.get_legend_handles_labels()[1]:
        ax.legend(fontsize="small")
    ax.grid(True, alpha=0.3)
    return ax


def plot_lr_sweep(
    lrs,
    values,
    *,
    ax=None,
    ylabel: str = "final loss",
    xlabel: str = "learning rate $\\eta$",
    log_y: bool = False,
    mark: float | None = None,
    mark_label: str | None = None,
    diverged_above: float | None = None,
) -> Axes:
    r"""Draw a learning-rate sweep: a final loss (or accuracy) against :math:`\eta`, log x axis.

    Chapter "The learning rate": too small crawls, too large diverges; the best
    :math:`\eta` sits just below the divergence edge (:math:`2/\lambda_{\max}` on a
    quadratic bowl).

    Non-finite values (runs that diverged), and values above ``diverged_above`` if
    given, are drawn as crosses along the top edge of the axes, labelled "diverged".

    With ``log_y=True``, a value of exactly 0 (a run that reached zero loss) is drawn as
    a downward triangle along the bottom edge, labelled "0 (below the log axis)"; a
    negative value is a ``ValueError``.

    Parameters
    ----------
    lrs : 1-D array, shape (n_lrs,)
        Positive learning rates.
    values : 1-D array of shape (n_lrs,) or mapping label -> such arrays
        The measured quantity for each learning rate. The labels are the legend entries
        (non-empty ``str``, not starting with ``_``); one array alone gets none.
    ax : matplotlib Axes, optional
    ylabel, xlabel : str
    log_y : bool
        Logarithmic y axis.
    mark : float, optional
        A learning rate to highlight with a vertical dashed line (e.g. the critical
        :math:`2/\lambda_{\max}` or the chosen one).
    mark_label : str, optional
        Legend entry for ``mark`` (a non-empty ``str``; default ``"η = <mark>"``).
    diverged_above : float > 0, optional
        Values above this count as diverged runs (e.g. ``1e3 * initial_loss``).

    Returns
    -------
    Axes
    """
    who = "plot_lr_sweep"
    lr = _as_float_array(lrs, "lrs", who)
    if lr.ndim != 1 or lr.size == 0:
        raise ValueError(f"{who} expected lrs to be a non-empty 1-D array, got shape {lr.shape}.")
    if not np.all(np.isfinite(lr)) or np.any(lr <= 0):
        raise ValueError(
            f"{who} expected positive finite learning rates (the x axis is logarithmic), "
            f"got {lr.tolist()}."
        )
    series = _series(
        values, who, arg="values", per="learning rate",
        hint="Several quantities go in a mapping, e.g. {'train': final_train, 'test': "
        "final_test}; several runs per rate (seeds) as their mean, values.mean(axis=1), or "
        "one entry per run, {f'seed {j}': values[:, j] for j in range(values.shape[1])}.",
    )
    for label, v in series.items():
        if v.shape != lr.shape:
            what = "values" if label is None else f"values[{label!r}]"
            raise ValueError(
                f"{who} expected {what} of shape {lr.shape} (one per learning rate), got {v.shape}."
            )
    if mark is not None:
        mark = _check_number(
            mark,
            "mark",
            who,
            above=0,
            what="a positive learning rate",
            hint="Pass the rate to highlight, e.g. mark=0.1, or leave mark out.",
        )
    if diverged_above is not None:
        diverged_above = _check_number(
            diverged_above,
            "diverged_above",
            who,
            above=0,
            what="a finite number > 0",
            hint="Pass a loss that only a diverged run exceeds, e.g. 1e3 * initial_loss.",
        )
    mark_label = _check_label(mark_label, "mark_label", who, none="the default label")

    order = np.argsort(lr)
    lr = lr[order]
    oks = {}
    for label, v in series.items():
        v = v[order]
        ok = np.isfinite(v)
        if diverged_above is not None:
            ok &= np.where(ok, v, 0.0) <= diverged_above
        oks[label] = ok
        if log_y:  # before anything is drawn
            _refuse_negative(
                np.where(ok, v, 0.0), lr, who=who,
                what="values" if label is None else f"values[{label!r}]",
                xname="learning rate", fix="Pass log_y=False, or plot a quantity that is >= 0.",
            )

    ax = _get_ax(ax)
    trans = blended_transform_factory(ax.transData, ax.transAxes)
    any_diverged = False
    zero_marks = []  # drawn after the series: their legend entry comes last
    for i, (label, v) in enumerate(series.items()):
        v = v[order]
        st = style(i)
        ok = oks[label]
        zero = ok & (v == 0) if log_y else None
        if zero is not None and zero.any():
            ok = ok & ~zero
        ax.plot(
            lr[ok],
            v[ok],
            color=st["color"],
            linestyle=st["linestyle"],
            marker=st["marker"],
            markersize=5,
            linewidth=1.5,
            label=label,
            **_fill(st),
        )
        if zero is not None and zero.any():
            zero_marks.append((lr[zero], st["color"]))
        ok = oks[label]
        if not ok.all():
            ax.plot(
                lr[~ok],
                np.full((~ok).sum(), 0.96),
                transform=trans,
                marker="x",
                markersize=8,
                markeredgewidth=2,
                color=st["color"],
                linestyle="none",
                label=None if any_diverged else "diverged",
            )
            any_diverged = True
    for k, (x0, color) in enumerate(zero_marks):
        _mark_zeros(ax, x0, color, first=k == 0)
    ax.set_xscale("log")
    if log_y:
        ax.set_yscale("log")
    if mark is not None:
        ax.axvline(
            mark,
            color=PALETTE["black"],
            linestyle=(0, (4, 3)),
            linewidth=1.2,
            label=mark_label if mark_label is not None else f"$\\eta$ = {mark:.3g}",
        )
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(True, which="both", alpha=0.3)
    if ax.get_legend_handles_labels()[1]:
        ax.legend(fontsize="small")
    return ax


def plot_schedules(
    steps,
    schedules,
    *,
    ax=None,
    log_y: bool = False,
    xlabel: str = "step",
    ylabel: str = "learning rate $\\eta_t$",
) -> Axes:
    r"""Draw learning-rate schedules :math:`\eta_t` against the step :math:`t`.

    Chapter "The learning rate" (section on schedules: constant, step decay,
    exponential, cosine, warm-up).

    With ``log_y=True``, a rate of exactly 0 (a cosine schedule's last step, a warm-up's
    first) is left out of the staircase and marked by a downward triangle at the bottom
    edge, labelled "0 (below the log axis)"; a negative rate is a ``ValueError``.

    Parameters
    ----------
    steps : 1-D array, shape (n_steps,)
        The steps ``t``.
    schedules : mapping name -> 1-D array of shape (n_steps,), or one such array
        The learning rate at each step. The names are the legend entries (non-empty
        ``str``, not starting with ``_``); one array alone gets none.
    ax : matplotlib Axes, optional
    log_y : bool
        Logarithmic y axis (exponential decay becomes a straight line).
    xlabel, ylabel : str

    Returns
    -------
    Axes
    """
    who = "plot_schedules"
    if ax is not None:
        _get_ax(ax)  # a wrong ax is named first; a new figure only once the data is valid
    t = _as_float_array(steps, "steps", who)
    if t.ndim != 1 or t.size == 0:
        raise ValueError(f"{who} expected steps to be a non-empty 1-D array, got shape {t.shape}.")
    series = _series(schedules, who, arg="schedules")
    for name, lr in series.items():
        what = "the schedule" if name is None else f"schedule {name!r}"
        if lr.shape != t.shape:
            raise ValueError(
                f"{who} expected {what} of shape {t.shape} (one learning rate per step), "
                f"got {lr.shape}."
            )
        if log_y:
            _refuse_negative(lr, t, who=who, what=what, xname=xlabel,
                             fix="Learning rates are >= 0: check how the schedule was computed.")
    ax = _get_ax(ax)
    zero_marks = []  # drawn after the schedules: their legend entry comes last
    for i, (name, lr) in enumerate(series.items()):
        st = style(i)
        zeros = np.flatnonzero(lr == 0) if log_y else ()
        line_y = np.where(lr > 0, lr, np.nan) if len(zeros) else lr
        # steps are discrete: a staircase shows where the rate changes
        ax.plot(
            t,
            line_y,
            drawstyle="steps-post",
            color=st["color"],
            linestyle=st["linestyle"],
            marker=st["marker"],
            markersize=4,
            markevery=max(1, len(t) // 8),
            linewidth=1.8,
            label=name,
            **_fill(st),
        )
        if len(zeros):
            zero_marks.append((t[zeros], st["color"]))
    for k, (x0, color) in enumerate(zero_marks):
        _mark_zeros(ax, x0, color, first=k == 0)
    if log_y:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(True, alpha=0.3)
    if any(name is not None for name in series) or zero_marks:
        ax.legend(fontsize="small")
    return ax


def value_badge(ax, text: str, *, loc: str = "upper left") -> Axes:
    """Write ``text`` (e.g. ``"η = 0.1"``) in a boxed badge in a corner of ``ax``.

    Interactive figures show the current control value on the figure itself, so a
    frame read on its own (a screenshot, a printed page) still says what it shows.

    Parameters
    ----------
    ax : matplotlib Axes
    text : str
    loc : {"upper left", "upper right", "lower left", "lower right"}

    Returns
    -------
    Axes
    """
    corners = {
        "upper left": (0.03, 0.97, "left", "top"),
        "upper right": (0.97, 0.97, "right", "top"),
        "lower left": (0.03, 0.03, "left", "bottom"),
        "lower right": (0.97, 0.03, "right", "bottom"),
    }
    if loc not in corners:
        raise ValueError(f"value_badge expected loc in {sorted(corners)}, got {loc!r}.")
    if not isinstance(ax, Axes):
        raise TypeError(f"value_badge expected a matplotlib Axes, got {type(ax).__name__}.")
    x, y, ha, va = corners[loc]
    ax.text(
        x,
        y,
        text,
        transform=ax.transAxes,
        ha=ha,
        va=va,
        fontsize=9,
        zorder=10,
        bbox={"boxstyle": "round,pad=0.3", "facecolor": "white", "edgecolor": "0.4", "alpha": 0.9},
    )
    return ax
