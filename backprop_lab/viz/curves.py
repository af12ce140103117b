r"""Curves over steps and learning rates: losses, learning-rate sweeps, schedules.

* :func:`plot_loss_curves`: loss against step or epoch (divergence cut and marked).
* :func:`plot_lr_sweep`: a final loss against the learning rate :math:`\eta`.
* :func:`plot_schedules`: learning rates :math:`\eta_t` against the step.

Each takes the options a chapter needs so that it never patches the returned axes:
``log_y``/``log_x`` (the scales), ``marker`` (``""``: plain lines), ``xticks``/``yticks``
and ``xlim``/``ylim`` (fixed, the same in every frame of an interactive figure; see
:func:`backprop_lab.viz.style.fixed_ticks`).

First used in chapter "The learning rate" (and every training chapter after it).
"""

from __future__ import annotations

import math

import numpy as np
from matplotlib.axes import Axes
from matplotlib.transforms import blended_transform_factory

from backprop_lab.viz._checks import (
    _as_float_array,
    _check_label,
    _check_line_style,
    _check_number,
    _first_nonfinite,
    _get_ax,
    _refuse_negative,
    _series,
    _step_text,
)
from backprop_lab.viz.style import (
    PALETTE,
    _apply_axes_options,
    _check_axes_options,
    _fill,
    _mark_zeros,
    style,
)

__all__ = ["plot_loss_curves", "plot_lr_sweep", "plot_schedules"]


def plot_loss_curves(
    curves,
    *,
    ax=None,
    log_y: bool = False,
    xlabel: str = "step",
    ylabel: str = "loss",
    x=None,
    diverge_factor: float | None = 1e3,
    marker: str | None = None,
    xticks=None,
    yticks=None,
    xlim=None,
    ylim=None,
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
    marker : str, optional
        One marker for every line, instead of the style cycle's (:func:`style`); ``""``
        draws plain lines (e.g. a prediction drawn as a line, measurements on top).
    xticks, yticks : sequence of numbers, optional
        Fixed tick positions (increasing; > 0 on a log axis, where the minor ticks are
        then left out and the labels written as ``{x:g}``), e.g. to keep every frame of an
        interactive figure on the same ticks; see :func:`~backprop_lab.viz.fixed_ticks`.
    xlim, ylim : (float, float), optional
        Fixed limits ``(low, high)`` (> 0 on a log axis).

    Returns
    -------
    Axes
    """
    who = "plot_loss_curves"
    series = _series(curves, who)
    _check_line_style(who, None, None, marker)
    axes_options = _check_axes_options(who, xticks=xticks, yticks=yticks, xlim=xlim, ylim=ylim,
                                       log_y=log_y)
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
            marker=st["marker"] if marker is None else marker,
            markevery=max(1, len(shown) // 10) if len(shown) else 1,
            markersize=4,
            linewidth=1.5,
            label=text,
            **(_fill(st) if marker is None else {}),
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
    _apply_axes_options(ax, **axes_options)
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
    log_x: bool = True,
    marker: str | None = None,
    xticks=None,
    yticks=None,
    xlim=None,
    ylim=None,
) -> Axes:
    r"""Draw a learning-rate sweep: a final loss (or accuracy) against :math:`\eta`.

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
    log_x : bool
        Logarithmic x axis (the default: rates spread over decades); ``False`` for a
        linear one (a narrow range of rates, a V-shaped rate of convergence undistorted).
    marker : str, optional
        One marker for every line, instead of the style cycle's (:func:`style`); ``""``
        draws plain lines (e.g. a prediction drawn as a line, measurements on top).
    xticks, yticks : sequence of numbers, optional
        Fixed tick positions (increasing; > 0 on a log axis, where the minor ticks are
        then left out and the labels written as ``{x:g}``), e.g. to keep every frame of an
        interactive figure on the same ticks; see :func:`~backprop_lab.viz.fixed_ticks`.
    xlim, ylim : (float, float), optional
        Fixed limits ``(low, high)`` (> 0 on a log axis).

    Returns
    -------
    Axes
    """
    who = "plot_lr_sweep"
    lr = _as_float_array(lrs, "lrs", who)
    if lr.ndim != 1 or lr.size == 0:
        raise ValueError(f"{who} expected lrs to be a non-empty 1-D array, got shape {lr.shape}.")
    if not np.all(np.isfinite(lr)) or np.any(lr <= 0):
        why = "the x axis is logarithmic" if log_x else "a learning rate is > 0"
        raise ValueError(
            f"{who} expected positive finite learning rates ({why}), got {lr.tolist()}."
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
    _check_line_style(who, None, None, marker)
    axes_options = _check_axes_options(who, xticks=xticks, yticks=yticks, xlim=xlim, ylim=ylim,
                                       log_x=log_x, log_y=log_y)

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
            marker=st["marker"] if marker is None else marker,
            markersize=5,
            linewidth=1.5,
            label=label,
            **(_fill(st) if marker is None else {}),
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
    if log_x:
        ax.set_xscale("log")
    if log_y:
        ax.set_yscale("log")
    _apply_axes_options(ax, **axes_options)
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
    marker: str | None = None,
    xticks=None,
    yticks=None,
    xlim=None,
    ylim=None,
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
    marker : str, optional
        One marker for every line, instead of the style cycle's (:func:`style`); ``""``
        draws plain lines (e.g. a prediction drawn as a line, measurements on top).
    xticks, yticks : sequence of numbers, optional
        Fixed tick positions (increasing; > 0 on a log axis, where the minor ticks are
        then left out and the labels written as ``{x:g}``), e.g. to keep every frame of an
        interactive figure on the same ticks; see :func:`~backprop_lab.viz.fixed_ticks`.
    xlim, ylim : (float, float), optional
        Fixed limits ``(low, high)`` (> 0 on a log axis).

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
    _check_line_style(who, None, None, marker)
    axes_options = _check_axes_options(who, xticks=xticks, yticks=yticks, xlim=xlim, ylim=ylim,
                                       log_y=log_y)
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
            marker=st["marker"] if marker is None else marker,
            markersize=4,
            markevery=max(1, len(t) // 8),
            linewidth=1.8,
            label=name,
            **(_fill(st) if marker is None else {}),
        )
        if len(zeros):
            zero_marks.append((t[zeros], st["color"]))
    for k, (x0, color) in enumerate(zero_marks):
        _mark_zeros(ax, x0, color, first=k == 0)
    if log_y:
        ax.set_yscale("log")
    _apply_axes_options(ax, **axes_options)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(True, alpha=0.3)
    if any(name is not None for name in series) or zero_marks:
        ax.legend(fontsize="small")
    return ax
