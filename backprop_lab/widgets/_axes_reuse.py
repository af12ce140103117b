"""Reusing one figure's axes from frame to frame: the only module that relies on
matplotlib's private attributes.

Creating axes (and their tick machinery) is about a third of a frame's cost, so the figure
core (:mod:`.core`) draws every frame on the same axes: :func:`reset_for_reuse` takes away
what the previous frame drew and restores each axes to the state recorded after it was
made (:class:`_AxesState`), then verifies the reset with a signature of everything the
reset does not touch (:func:`_signature`). When the signature differs, the core starts
the frame from a new figure instead (counted in ``n_axes_rebuilds``; a frame drawn on
reused axes is counted in ``n_axes_reused``): a matplotlib release that changes these
internals makes frames slower, never wrong, and tests/test_widgets.py
(``test_pilot_like_figure_reuses_its_axes_for_every_frame``) fails when it happens.

Private matplotlib attributes this module relies on (checked with matplotlib 3.11.2, the
pinned version):

* ``Axis._major_tick_kw``, ``Axis._minor_tick_kw``: the recorded ``tick_params``/``grid``
  settings, compared and put back (:func:`_restore_tick_kw`);
* ``Tick._apply_params``: undoes a grid-look change on existing ticks (cheaper than
  ``Axis.reset_ticks``);
* ``vars(axis)["majorTicks"]``/``["minorTicks"]``: whether the lazily made tick lists exist
  (reading the public attributes would create them);
* ``Axes._left_title``, ``Axes._right_title``: the side titles, in the signature;
* ``Axes.ignore_existing_data_limits``: saved and restored with ``dataLim``;
* the instance ``__dict__`` of the axes, its axis objects, tickers, spines, texts, ticks
  and the figure's patch and subplot parameters: compared attribute by attribute in the
  signature (:func:`_state_of`), minus the links, caches and per-draw values listed in
  :data:`_NOT_STATE` (by their private names: ``_stale``, ``_children``, ``_transform``,
  ``_layoutgrid``, ``_format``, ``_locs``, ``_tick_position``, ...).
"""

from __future__ import annotations

import numbers

import matplotlib
import matplotlib.font_manager
import matplotlib.transforms
import numpy as np
from matplotlib.figure import Figure

_ARTIST_LISTS = ("lines", "collections", "patches", "texts", "images", "artists", "tables")


def _artists(ax) -> list:
    return [a for name in _ARTIST_LISTS for a in getattr(ax, name)]



def reset_for_reuse(fig: Figure, axes: tuple, states: list, signature: tuple) -> bool:
    """Make ``axes`` (on ``fig``) ready for the next frame; True if the reset worked.

    Removes what the last frame added (twin axes, colorbars, figure texts and legends,
    every artist not recorded in ``states``), restores each axes from its
    :class:`_AxesState`, then compares :func:`_signature` with ``signature`` (recorded
    with the fresh axes). False: the axes were removed, or the last frame left state
    behind that the reset does not restore; the caller then starts from a new figure.
    """
    if not all(ax in fig.axes for ax in axes):
        return False
    for extra in [ax for ax in fig.axes if ax not in axes]:
        extra.remove()  # twin axes, colorbars: made by draw, so remade by it
    for artist in [*fig.texts, *fig.legends, *fig.lines, *fig.patches,
                   *fig.images, *fig.artists]:
        artist.remove()
    for ax, state in zip(axes, states, strict=True):
        state.restore(ax)
    return _signature(fig, axes) == signature


_GRID_KEYS = ("grid_alpha", "grid_color", "grid_linewidth", "grid_linestyle")


def _grid_look(tick) -> dict:
    line = tick.gridline
    return dict(zip(_GRID_KEYS, (line.get_alpha(), line.get_color(), line.get_linewidth(),
                                 line.get_linestyle()), strict=True))


def _restore_tick_kw(axis, kws: tuple[dict, dict], defaults: tuple[dict, dict]) -> None:
    """Put an axis's tick settings (``tick_params``, ``grid``) back to the recorded ones.

    A change of the grid lines' look only (``grid(True, alpha=0.3)``, which the book's plot
    functions make in every frame) is undone on the existing ticks; any other change makes
    the ticks anew from the recorded settings (a few ms).
    """
    for which, recorded, default in zip(("major", "minor"), kws, defaults, strict=True):
        current = getattr(axis, f"_{which}_tick_kw")
        if current == recorded:
            continue
        changed = {k for k in set(current) | set(recorded) if current.get(k) != recorded.get(k)}
        current.clear()
        current.update(recorded)
        if changed <= {"gridOn", *_GRID_KEYS} and f"{which}Ticks" in vars(axis):
            undo = {k: recorded[k] if k in recorded else default[k] for k in changed}
            for tick in getattr(axis, f"{which}Ticks"):
                tick._apply_params(**undo)
        else:
            axis.reset_ticks()


class _AxesState:
    """What a reused axes is reset to before each frame: a new axes' state, or the state
    right after the figure's ``background`` was drawn (its artists are kept)."""

    def __init__(self, ax) -> None:
        self.keep = set(map(id, _artists(ax)))
        self.titles = {loc: ax.get_title(loc) for loc in ("left", "center", "right")}
        self.labels = (ax.get_xlabel(), ax.get_ylabel())
        self.scales = (ax.get_xscale(), ax.get_yscale())
        self.aspect = ax.get_aspect()
        self.axison = ax.axison
        self.tickers = [
            (axis.get_major_locator(), axis.get_major_formatter(),
             axis.get_minor_locator(), axis.get_minor_formatter())
            for axis in (ax.xaxis, ax.yaxis)
        ]
        self.data_lim = ax.dataLim.get_points().copy()
        self.ignore_data_lim = ax.ignore_existing_data_limits
        self.lims = (ax.get_xlim(), ax.get_ylim())
        self.autoscale = (ax.get_autoscalex_on(), ax.get_autoscaley_on())
        self.tick_kw = [
            (dict(axis._major_tick_kw), dict(axis._minor_tick_kw)) for axis in (ax.xaxis, ax.yaxis)
        ]
        # how a new tick's grid line looks, to undo grid(alpha=..., color=...) cheaply
        self.grid_defaults = [
            tuple(_grid_look(getattr(axis, ticks)[0]) for ticks in ("majorTicks", "minorTicks"))
            for axis in (ax.xaxis, ax.yaxis)
        ]

    def restore(self, ax) -> None:
        """Take away what ``draw`` added to ``ax`` and put the recorded state back."""
        for artist in _artists(ax):
            if id(artist) not in self.keep:
                artist.remove()
        legend = ax.get_legend()
        if legend is not None:
            legend.remove()
        for loc, title in self.titles.items():
            ax.set_title(title, loc=loc)
        ax.set_xlabel(self.labels[0])
        ax.set_ylabel(self.labels[1])
        ax.set_xscale(self.scales[0])  # resets the tickers: restored just below
        ax.set_yscale(self.scales[1])
        for axis, (major, major_fmt, minor, minor_fmt) in zip(
            (ax.xaxis, ax.yaxis), self.tickers, strict=True
        ):
            axis.set_major_locator(major)
            axis.set_major_formatter(major_fmt)
            axis.set_minor_locator(minor)
            axis.set_minor_formatter(minor_fmt)
        ax.set_aspect(self.aspect)
        ax.set_prop_cycle(None)
        if self.axison:
            ax.set_axis_on()
        else:
            ax.set_axis_off()
        ax.grid(matplotlib.rcParams["axes.grid"])
        for axis, kws, defaults in zip(
            (ax.xaxis, ax.yaxis), self.tick_kw, self.grid_defaults, strict=True
        ):
            _restore_tick_kw(axis, kws, defaults)
        ax.dataLim.set_points(self.data_lim.copy())
        ax.ignore_existing_data_limits = self.ignore_data_lim
        ax.set_xlim(*self.lims[0])
        ax.set_ylim(*self.lims[1])
        ax.set_autoscalex_on(self.autoscale[0])
        ax.set_autoscaley_on(self.autoscale[1])


#: attributes left out of a state signature: links to other objects, caches, and what
#: :class:`_AxesState` restores or each draw sets anyway (artists, positions of ticks)
_NOT_STATE = frozenset({
    "_stale", "stale_callback", "_callbacks", "callbacks", "_children", "_axes", "axes",
    "figure", "_parent_figure", "_remove_method", "majorTicks", "minorTicks", "_transform",
    "_clippath", "_clipbox", "_mouseover", "eventson", "_stale_viewlims", "_subplotspec",
    "_gridspec", "_sharex", "_sharey", "_twinned_axes", "_shared_axes", "_get_lines",
    "_get_patches_for_fill", "legend_", "_current_image", "containers", "child_axes",
    "_colorbars", "_projection_init", "_prop_cycle", "_loc", "_text", "_x", "_y", "_xy",
    "_xorig", "_yorig", "_path", "_invalidx", "_invalidy", "_subslice", "_x_filled",
    "_transformed_path", "_layoutgrid", "_cachedRenderer", "_renderer", "_tight",
    "_unstale_viewLim", "viewLim", "dataLim", "_label", "_localaxes", "_suptitle",
    "_supxlabel", "_supylabel", "_layout_engine", "_canvas", "canvas", "_button_pick_id",
    "_scroll_pick_id", "_axobservers", "_align_label_groups", "_fig_callbacks",
    "subfigs", "_draw_pending", "_mouseover_set",
    "offsetText_",
    # set while drawing (the formatter's tick locations, the axis's tick side; a label set
    # to "" by the reset): a fresh axes has them unset, a drawn one set, to the same effect
    "_format", "_locs", "locs", "_orderOfMagnitude", "offset", "_sublabels", "_tick_position",
    "isDefault_label",
    # boxes derived from the axes' position (which is compared, as _position)
    "clipbox", "bbox",
})


def _state_value(v, depth: int):
    """A comparable stand-in for an attribute's value (objects below ``depth`` 0 by type)."""
    if v is None or isinstance(v, bool | str | numbers.Number):
        return v
    if isinstance(v, np.ndarray):
        return ("array", v.shape, v.tobytes() if v.dtype != object else repr(v))
    if isinstance(v, list | tuple):
        return tuple(_state_value(x, depth) for x in v)
    if isinstance(v, dict):
        return tuple((str(k), _state_value(x, depth)) for k, x in v.items() if k not in _NOT_STATE)
    if isinstance(v, matplotlib.transforms.BboxBase):
        # to a millionth (of the figure, or of a pixel): drawing an equal-aspect axes moves
        # its position by a rounding error, which no frame can show
        return ("bbox", np.round(v.get_points(), 6).tobytes())
    if isinstance(v, matplotlib.font_manager.FontProperties):
        return ("font", hash(v))
    if depth > 0 and not isinstance(v, matplotlib.transforms.TransformNode):
        return _state_of(v, depth - 1)
    return type(v).__name__


def _state_of(obj, depth: int = 0) -> tuple:
    """The attributes of ``obj`` as a comparable tuple (see :data:`_NOT_STATE`)."""
    if not hasattr(obj, "__dict__"):
        return (type(obj).__name__,)
    return (type(obj).__name__,) + tuple(
        (k, _state_value(v, depth)) for k, v in vars(obj).items() if k not in _NOT_STATE
    )


def _figure_signature(fig: Figure) -> tuple:
    """The figure-level state a frame must start from: size, dpi, background, margins."""
    return (
        tuple(fig.get_size_inches()), fig.dpi, _state_of(fig.patch),
        _state_of(fig.subplotpars), fig.get_frameon(),
    )


def _signature(fig: Figure, axes) -> tuple:
    """What a reused axes must be back to before a frame, beyond what the reset restores.

    Covers the axes, its two axis objects with their tick settings, locators and
    formatters and first ticks, its spines, background patch, titles and axis labels, and
    the figure; two calls compare equal when no state travelled from one frame to the
    next. About 0.2 ms per axes.
    """
    parts = [_figure_signature(fig), len(fig.axes)]
    for ax in axes:
        parts.append(_state_of(ax))
        parts.append(_state_of(ax.patch))
        parts.extend(_state_of(spine) for spine in ax.spines.values())
        for text in (ax.title, ax._left_title, ax._right_title):
            parts.append(_state_of(text))
        for axis in (ax.xaxis, ax.yaxis):
            parts.append(_state_of(axis))
            parts.append(_state_of(axis.label))
            parts.append(_state_of(axis.offsetText))
            for ticker in (axis.major, axis.minor):
                parts.append(_state_of(ticker.locator))
                parts.append(_state_of(ticker.formatter))
            for ticks in ("majorTicks", "minorTicks"):
                if ticks in vars(axis) and getattr(axis, ticks):  # made only when drawn
                    tick = getattr(axis, ticks)[0]
                    parts.append(_state_of(tick))
                    for part in (tick.tick1line, tick.tick2line, tick.gridline, tick.label1,
                                 tick.label2):
                        parts.append(_state_of(part))
    return tuple(parts)

