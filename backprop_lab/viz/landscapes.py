r"""Loss landscapes: a loss surface over two weights, and an optimizer's path across it.

:func:`plot_loss_surface` draws the contours of :math:`L(w_1, w_2)` sampled on a grid;
:func:`plot_trajectory` draws the iterates :math:`w_0, w_1, \dots` on top (and says
"diverged" where a path leaves the view or overflows).

First used in chapter "The learning rate" (gradient descent on a quadratic bowl).
"""

from __future__ import annotations

import math
import numbers

import matplotlib.colors as mcolors
import matplotlib.patheffects as patheffects
import numpy as np
from matplotlib.axes import Axes

from backprop_lab._checks import check_positive_float
from backprop_lab.viz._checks import (
    _as_float_array,
    _check_cmap,
    _check_finite_grid,
    _check_label,
    _check_levels,
    _check_line_style,
    _first_nonfinite,
    _get_ax,
)
from backprop_lab.viz.style import (
    PALETTE,
    SURFACE_CMAP,
    _apply_axes_options,
    _check_axes_options,
    _fill,
    style,
)

__all__ = ["plot_loss_surface", "plot_trajectory"]


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
    xticks=None,
    yticks=None,
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
    xticks, yticks : sequence of numbers, optional
        Fixed tick positions (increasing), e.g. a few round ones that every frame of an
        interactive figure shares; see :func:`~backprop_lab.viz.fixed_ticks`.

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
    axes_options = _check_axes_options(who, xticks=xticks, yticks=yticks)

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
    _apply_axes_options(ax, **axes_options)
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

