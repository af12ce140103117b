r"""Loss functions and their gradients drawn against one input (a prediction, a logit).

* :func:`plot_loss_functions`: curves over a common input :math:`x` (for example
  :math:`L(p)` and :math:`\partial L/\partial p` over the prediction :math:`p`, or
  :math:`\partial L/\partial z` over the pre-activation :math:`z`), with marked inputs:
  a dotted vertical line per mark, labelled, and a dot where it crosses each curve.
* :func:`mark_inputs`: only the marks, on curves drawn before (for example by the
  ``background`` of an interactive figure, while each frame marks the chosen input).

First used in chapter "Measuring the error: loss functions" (a prediction control against
both losses and their gradients; the gradients of MSE and cross-entropy over :math:`z`
with a saturated and an unsaturated start marked).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from matplotlib.axes import Axes

from backprop_lab.viz._checks import _as_float_array, _check_label, _get_ax, _series
from backprop_lab.viz.style import PALETTE, _apply_axes_options, _check_axes_options, style

__all__ = ["mark_inputs", "plot_loss_functions"]


def plot_loss_functions(
    x,
    curves,
    *,
    ax=None,
    marks=None,
    xlabel: str = "prediction",
    ylabel: str = "loss",
    zero_line: bool = True,
    legend: bool = True,
    legend_loc: str = "best",
    xticks=None,
    yticks=None,
    xlim=None,
    ylim=None,
) -> Axes:
    r"""Draw functions of one input as lines, and mark chosen inputs on every line.

    Chapter "Measuring the error: loss functions".

    Parameters
    ----------
    x : 1-D array
        The input values, increasing (a grid of predictions or logits).
    curves : 1-D array or mapping label -> 1-D array
        One value per entry of ``x`` for each curve (a loss, a gradient); finite. The labels
        are the legend entries.
    ax : matplotlib Axes, optional
    marks : mapping label -> float, optional
        Inputs to mark, for example ``{"start, a = 0.98": 4.0}``: a dotted vertical line
        labelled at the top of the axes (on its right in the left half of the x range, on
        its left in the right half; each further mark's label a line lower), and on every
        curve a dot at its value there (linear interpolation between the grid points; exact
        on a grid point). Each mark must lie within ``x``.
    xlabel, ylabel : str
    zero_line : bool
        Draw a thin horizontal line at 0 (where a gradient changes sign).
    legend : bool
        Draw the legend (``False``: leave it to the caller, e.g. a figure's ``background``
        draws the curves once and every frame adds the legend, so that the reused axes of
        an interactive figure can be reset).
    legend_loc : str
        Where the legend goes (matplotlib's ``loc``).
    xticks, yticks : sequence of numbers, optional
        Fixed tick positions (the same in every frame of an interactive figure).
    xlim, ylim : (float, float), optional
        Fixed limits ``(low, high)``; a curve that leaves them is cut at the edge.

    Returns
    -------
    Axes

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> p = np.linspace(0.01, 0.99, 99)
    >>> ax = plot_loss_functions(p, {"MSE": (p - 1) ** 2, "BCE": -np.log(p)},
    ...                          marks={"p = 0.3": 0.3}, ax=Figure().subplots())
    >>> [round(float(line.get_ydata()[0]), 4) for line in ax.lines[-2:]]  # the two dots
    [0.49, 1.204]
    """
    who = "plot_loss_functions"
    xs, series = _check_curves(x, curves, who)
    mark_items = _check_marks(marks, xs, who)
    for name, flag in (("zero_line", zero_line), ("legend", legend)):
        if not isinstance(flag, bool):
            raise TypeError(f"{who} expected {name} to be True or False, got {flag!r}.")
    axes_options = _check_axes_options(who, xticks=xticks, yticks=yticks, xlim=xlim, ylim=ylim)

    ax = _get_ax(ax)
    if zero_line:
        ax.axhline(0.0, color="0.5", linewidth=0.8, zorder=1)
    for i, (label, values) in enumerate(series.items()):
        st = style(i)
        ax.plot(xs, values, color=st["color"], linestyle=st["linestyle"], linewidth=2,
                label=label, zorder=2)
    _draw_marks(ax, xs, series, mark_items, axes_options["xlim"] or (xs[0], xs[-1]))
    _apply_axes_options(ax, **axes_options)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if legend and ax.get_legend_handles_labels()[1]:
        ax.legend(fontsize="small", loc=legend_loc)
    ax.grid(True, alpha=0.3)
    return ax


def mark_inputs(ax, x, curves, marks, *, xlim=None) -> Axes:
    """Mark inputs on curves that :func:`plot_loss_functions` drew on ``ax`` before.

    Chapter "Measuring the error: loss functions": the curves of an interactive figure do
    not depend on its control, so its ``background`` draws them once (with ``legend=False``)
    and every frame only marks the chosen input, which is cheaper.

    Parameters
    ----------
    ax : matplotlib Axes
    x, curves, marks
        As for :func:`plot_loss_functions` (the same ``x`` and ``curves``, in the same
        order, so that every dot has its curve's colour).
    xlim : (float, float), optional
        The x limits the curves were drawn with (they decide on which side of its line a
        mark's label goes); default the range of ``x``.

    Returns
    -------
    Axes

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> p = np.linspace(0.01, 0.99, 99)
    >>> curves = {"MSE": (p - 1) ** 2, "BCE": -np.log(p)}
    >>> ax = plot_loss_functions(p, curves, ax=Figure().subplots(), legend=False)
    >>> ax = mark_inputs(ax, p, curves, {"p = 0.3": 0.3})
    >>> [t.get_text() for t in ax.texts], len(ax.lines)
    (['p = 0.3'], 6)
    """
    who = "mark_inputs"
    if not isinstance(ax, Axes):
        raise TypeError(f"{who} expected a matplotlib Axes, got {type(ax).__name__}.")
    xs, series = _check_curves(x, curves, who)
    mark_items = _check_marks(marks, xs, who)
    options = _check_axes_options(who, xlim=xlim)
    _draw_marks(ax, xs, series, mark_items, options["xlim"] or (xs[0], xs[-1]))
    return ax


def _check_curves(x, curves, who: str) -> tuple[np.ndarray, dict]:
    """``x`` (1-D, finite, increasing) and the curves over it (one finite value each)."""
    xs = _as_float_array(x, "x", who)
    if xs.ndim != 1 or xs.size < 2:
        raise ValueError(f"{who} expected x to be 1-D with at least 2 values, got shape "
                         f"{xs.shape}.")
    if not np.isfinite(xs).all() or np.any(np.diff(xs) <= 0):
        raise ValueError(f"{who} expected x to be finite and increasing (a grid of inputs), "
                         "got values that are not. Use e.g. np.linspace(-6, 6, 241).")
    series = _series(curves, who, per="entry of x",
                     hint="Pass one 1-D array per label, e.g. {'MSE': L_mse, 'BCE': L_bce}.")
    for label, values in series.items():
        what = "the curve" if label is None else f"curve {label!r}"
        if values.shape != xs.shape:
            raise ValueError(f"{who} expected {what} to have one value per entry of x "
                             f"({xs.size}), got {values.size}.")
        if not np.isfinite(values).all():
            raise ValueError(f"{who} expected {what} to be finite, got NaN or infinity at x = "
                             f"{xs[~np.isfinite(values)][0]:.4g}. Leave that input out of the "
                             "grid (e.g. p = 0 for -log p), or clip the values.")
    return xs, series


def _check_marks(marks, xs: np.ndarray, who: str) -> list[tuple[str, float]]:
    """``marks`` as (label, input) pairs, each input one number within ``xs``."""
    if marks is None:
        return []
    if not isinstance(marks, Mapping):
        raise TypeError(f"{who} expected marks to be a mapping label -> input, e.g. "
                        f"{{'p = 0.3': 0.3}}, got {type(marks).__name__}.")
    items = []
    for label, at in marks.items():
        _check_label(label, "every key of marks", who)
        value = _as_float_array(at, f"mark {label!r}", who)
        if value.ndim != 0 or not xs[0] <= float(value) <= xs[-1]:
            raise ValueError(f"{who} expected mark {label!r} to be one number within x "
                             f"[{xs[0]:.4g}, {xs[-1]:.4g}], got {at!r}.")
        items.append((label, float(value)))
    return items


def _draw_marks(ax: Axes, xs: np.ndarray, series: dict, mark_items: list, xlim) -> None:
    """A dotted line per mark, its label, and a dot on every curve at its value."""
    low, high = xlim
    for k, (label, at) in enumerate(mark_items):
        ax.axvline(at, color=PALETTE["black"], linestyle=":", linewidth=1, zorder=1)
        # the label beside the line, on the side with more room (inside the axes); each
        # further mark's label a line lower, so that the labels of close marks do not overlap
        right = at <= (low + high) / 2
        ax.annotate(label, (at, 1.0), xycoords=("data", "axes fraction"),
                    xytext=(3 if right else -3, -3 - 11 * k), textcoords="offset points",
                    ha="left" if right else "right", va="top", fontsize="small", zorder=6)
    for _, at in mark_items:
        for i, values in enumerate(series.values()):
            ax.plot([at], [np.interp(at, xs, values)], linestyle="none", marker="o",
                    markersize=7, color=style(i)["color"], markeredgecolor=PALETTE["black"],
                    zorder=5)
