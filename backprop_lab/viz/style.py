"""The look every plot shares: colours, line styles, badges and fixed axes.

* :data:`PALETTE` (Okabe and Ito's colour-blind-safe set), :data:`COLORS`,
  :data:`LINESTYLES`, :data:`MARKERS` and :func:`style`: successive lines differ in colour,
  line style and marker, so every figure stays readable in greyscale.
* :func:`value_badge`: the current value of a control, written on the figure.
* :func:`fixed_ticks` and :func:`log_axis`: ticks and limits that stay the same in every
  frame of an interactive figure (the panels then keep their room and do not jump), which
  the plot functions also apply through their ``xticks=``/``yticks=``/``xlim=``/``ylim=``
  options.
* Values a log axis cannot show (exactly 0) are marked along its bottom edge
  (:data:`ZERO_LABEL`).

First used in chapter "The learning rate".
"""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.ticker import FixedLocator, NullLocator, StrMethodFormatter
from matplotlib.transforms import blended_transform_factory

from backprop_lab.viz._checks import _check_lim, _check_ticks

__all__ = [
    "PALETTE",
    "COLORS",
    "LINESTYLES",
    "MARKERS",
    "SURFACE_CMAP",
    "style",
    "value_badge",
    "fixed_ticks",
    "log_axis",
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




#: where values a log axis cannot show (exactly 0) are marked: this high in the axes
_ZERO_Y = 0.03
#: their legend entry
ZERO_LABEL = "0 (below the log axis)"



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


def _set_ticks(axis, ticks: np.ndarray) -> None:
    """Major ticks at ``ticks`` only; on a log axis no minor ticks and labels as ``{x:g}``."""
    axis.set_major_locator(FixedLocator(ticks))
    if axis.get_scale() == "log":
        axis.set_minor_locator(NullLocator())
        axis.set_major_formatter(StrMethodFormatter("{x:g}"))


def fixed_ticks(ax, *, x=None, y=None) -> Axes:
    """Put the major ticks of ``ax`` at fixed positions: ``x`` and ``y`` (None: unchanged).

    Fixed ticks take the same room in every frame of an interactive figure, so its panels
    stay put; they are also cheaper to draw than located ones. On a log axis (set the scale
    first) the minor ticks are removed and the labels written as ``{x:g}`` (``0.001``,
    ``1``, ``1000``), as :func:`log_axis` does.

    Parameters
    ----------
    ax : matplotlib Axes
    x, y : sequence of numbers, optional
        Increasing, finite tick positions (> 0 on a log axis).

    Returns
    -------
    Axes

    >>> from matplotlib.figure import Figure
    >>> ax = fixed_ticks(Figure().subplots(), x=[0, 10, 20, 30])
    >>> [float(t) for t in ax.get_xticks()]
    [0.0, 10.0, 20.0, 30.0]
    """
    who = "fixed_ticks"
    if not isinstance(ax, Axes):
        raise TypeError(f"{who} expected a matplotlib Axes, got {type(ax).__name__}.")
    for name, ticks, axis in (("x", x, ax.xaxis), ("y", y, ax.yaxis)):
        if ticks is not None:
            _set_ticks(axis, _check_ticks(ticks, name, who, log=axis.get_scale() == "log"))
    return ax


def log_axis(ax, lim, *, ticks=None, axis: str = "y") -> Axes:
    """Make ``axis`` of ``ax`` a fixed log axis: log scale, limits ``lim``, and (if given)
    major ticks at ``ticks`` labelled ``{x:g}`` with no minor ticks.

    A loss that falls by orders of magnitude is a straight line on it; fixed limits and
    ticks keep every frame of an interactive figure on the same scale.

    Parameters
    ----------
    ax : matplotlib Axes
    lim : (float, float)
        ``(low, high)``, both > 0.
    ticks : sequence of numbers > 0, optional
        Tick positions, e.g. ``[1e-6, 1e-3, 1, 1e3]``.
    axis : {"x", "y"}

    Returns
    -------
    Axes

    >>> from matplotlib.figure import Figure
    >>> ax = log_axis(Figure().subplots(), (1e-6, 1e5), ticks=[1e-6, 1e-3, 1, 1e3])
    >>> ax.get_yscale(), [float(v) for v in ax.get_ylim()]
    ('log', [1e-06, 100000.0])
    """
    who = "log_axis"
    if not isinstance(ax, Axes):
        raise TypeError(f"{who} expected a matplotlib Axes, got {type(ax).__name__}.")
    if axis not in ("x", "y"):
        raise ValueError(f"{who} expected axis='x' or axis='y', got {axis!r}.")
    low, high = _check_lim(lim, "lim", who, log=True)
    tick_values = None if ticks is None else _check_ticks(ticks, "ticks", who, log=True)
    if axis == "x":
        ax.set_xscale("log")
        ax.set_xlim(low, high)
    else:
        ax.set_yscale("log")
        ax.set_ylim(low, high)
    if tick_values is not None:
        _set_ticks(ax.xaxis if axis == "x" else ax.yaxis, tick_values)
    return ax


def _apply_axes_options(ax: Axes, *, xticks=None, yticks=None, xlim=None, ylim=None) -> None:
    """The ``xticks=``, ``yticks=``, ``xlim=`` and ``ylim=`` options of a plot function,
    checked by :func:`_check_axes_options` before anything was drawn."""
    if xlim is not None:
        ax.set_xlim(*xlim)
    if ylim is not None:
        ax.set_ylim(*ylim)
    if xticks is not None:
        _set_ticks(ax.xaxis, xticks)
    if yticks is not None:
        _set_ticks(ax.yaxis, yticks)


def _check_axes_options(who: str, *, xticks=None, yticks=None, xlim=None, ylim=None,
                        log_x=False, log_y=False) -> dict:
    """The axes options of a plot function, checked (before drawing) and normalised."""
    return {
        "xlim": None if xlim is None else _check_lim(xlim, "xlim", who, log=log_x),
        "xticks": None if xticks is None else _check_ticks(xticks, "xticks", who, log=log_x),
        "yticks": None if yticks is None else _check_ticks(yticks, "yticks", who, log=log_y),
        "ylim": None if ylim is None else _check_lim(ylim, "ylim", who, log=log_y),
    }
