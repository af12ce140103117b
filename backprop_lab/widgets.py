r"""The book's one interactive figure: a live widget with a kernel and a player without.

A chapter describes a figure as a function of one or two controls and displays it
once, as the last expression of a cell::

    from backprop_lab import viz
    from backprop_lab.widgets import Choice, InteractiveFigure, Slider

    def draw(axes, lr, schedule):
        ax_path, ax_loss = axes
        path, losses = run_descent(lr, schedule)      # the core computes, not the widget
        viz.plot_loss_surface(W1, W2, L, ax=ax_path)
        viz.plot_trajectory(path, ax=ax_path)
        viz.plot_loss_curves(losses, ax=ax_loss, log_y=True)

    InteractiveFigure(
        draw,
        controls=[Slider("lr", [0.01, 0.05, 0.1, 0.18, 0.21], label="learning rate η",
                         fmt="{:.3g}"),
                  Choice("schedule", ["constant", "step"])],
        ncols=2, figsize=(8, 3.2),
        caption="Gradient descent on a quadratic bowl for several learning rates.",
        alt="Contours of an elongated bowl with the optimizer's path, and its loss curve.",
    )

``draw(axes, **values)`` receives a tuple of ``nrows * ncols`` fresh axes (row-major;
a one-panel figure gets a one-tuple: ``def draw(axes, lr): (ax,) = axes``) and the
current value of every control by name. It draws with the object-oriented API only
(``ax.plot``, :mod:`backprop_lab.viz`), never ``plt``; it holds no model logic.

The object has two faces, both in its rich display (``_repr_mimebundle_``):

* ``application/vnd.jupyter.widget-view+json``: a real ipywidgets container (the
  controls, an ``ipywidgets.Image`` and the caption). Changing a control calls ``draw``
  on ONE reused matplotlib figure and puts the new PNG into the image. JupyterLab shows
  this face.
* ``text/html``: a self-contained, kernel-free player. Every combination of control
  values is rendered in advance (PNG, base64, at ``dpi``); a few lines of inline JS swap
  the images. It needs no network (no URL anywhere), is driven by the keyboard (range
  inputs and selects take the arrow keys; focus is outlined) and its bytes are
  deterministic (same input, same HTML, so nbval can compare it). The book's HTML
  builder is configured to prefer this face (``nb_mime_priority_overrides``).

:class:`Animation` is the same for a figure that unrolls step by step (a trajectory,
training epochs): live, an ipywidgets ``Play`` linked to an ``IntSlider``; kernel-free,
a player with play/pause, previous/next and a scrubber.

DOM contract of the ``text/html`` face (browser tests rely on it; keep it exactly)
-----------------------------------------------------------------------------------
* Root: ``<div class="bpl-player" data-bpl-kind="figure">`` (``"animation"`` for an
  :class:`Animation`), with ``data-bpl-id="<12 hex digits>"`` (a sha1 of the frames,
  labels, caption and alt text; there are no element ``id`` attributes at all) and
  ``data-bpl-frame="<k>"``, the index of the frame shown, updated by the JS.
  Frame ``k`` of a two-control figure is ``i0 * len(values1) + i1`` (first control
  outermost), where ``i0``, ``i1`` are the positions of the current values.
* A :class:`Slider` is ``input[type=range].bpl-range[data-bpl-control="<name>"]`` whose
  ``value`` is the index of the current value (``min=0``, ``step=1``); a :class:`Choice`
  is ``select.bpl-select[data-bpl-control="<name>"]`` whose options have values
  ``0, 1, ...``. Each sits inside a ``<label>`` with the control's label.
* The current value as text: ``.bpl-value[data-bpl-control="<name>"]`` (an ``<output>``);
  range inputs also carry it as ``aria-valuetext``.
* The image: ``img.bpl-frame`` (its ``alt`` is the figure's alt text plus the current
  values), inside ``<figure>`` with ``<figcaption class="bpl-caption">``.
* Animation: buttons ``button.bpl-prev``, ``button.bpl-play`` (toggles play/pause,
  ``aria-pressed``) and ``button.bpl-next``; the scrubber is
  ``input[type=range].bpl-range[data-bpl-control="<name>"]`` (name ``"step"`` by default).
* Data: ``script.bpl-data`` (JSON: ``images``, the distinct base64 PNGs; ``frames``, the
  image index of every frame; ``alts``; ``controls``; ``interval``).

First used in chapter "The learning rate"; every chapter's interactive figures are these.
"""

from __future__ import annotations

import hashlib
import html
import inspect
import io
import itertools
import json
import math
import numbers
import os
import sys
import time
import warnings
from collections.abc import Callable, Hashable, Sequence
from pathlib import Path

import ipywidgets
import matplotlib
import matplotlib.font_manager
import matplotlib.transforms
import numpy as np
import PIL.Image
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from backprop_lab import viz
from backprop_lab._checks import check_positive_int, check_real

__all__ = [
    "Slider",
    "Choice",
    "InteractiveFigure",
    "Animation",
    "WIDGET_MIME",
    "MIN_PANEL_PIXELS",
    "MAX_FIGURE_BYTES",
]

#: The mime type of the live face.
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


# --------------------------------------------------------------------------- controls
class _Control:
    """A named, finite list of values (base of :class:`Slider` and :class:`Choice`)."""

    kind = "control"

    def __init__(self, name, values, *, label=None, fmt="{}", initial=None):
        who = f"{type(self).__name__}({name!r})"
        if not isinstance(name, str) or not name.isidentifier() or name == "axes":
            raise ValueError(
                f"{type(self).__name__} expected a name that is a Python identifier other "
                f"than 'axes' (it is passed to draw as a keyword argument), got {name!r}."
            )
        if isinstance(values, str | bytes) or not isinstance(values, Sequence | np.ndarray):
            raise TypeError(
                f"{who} expected values to be a list or 1-D array, got {type(values).__name__}. "
                "Write values=[0.01, 0.1, 1.0]."
            )
        arr = np.asarray(values, dtype=object)
        if arr.ndim != 1 or any(np.ndim(v) != 0 for v in arr):
            raise ValueError(
                f"{who} expected a 1-D list of values, got shape {np.shape(values)}. "
                "Pass one value per position, e.g. values=np.geomspace(0.01, 1, 7)."
            )
        if len(arr) == 0:
            raise ValueError(
                f"{who} expected at least one value, got none. Pass values=[...] with the "
                "values the reader can choose from."
            )
        vals = [v.item() if isinstance(v, np.generic) else v for v in arr]
        # a control finds its current value by equality: an unhashable value (a dict, a
        # set) cannot be looked up, and NaN never equals itself
        for v in vals:
            if not isinstance(v, Hashable):
                raise TypeError(
                    f"{who} expected values that are numbers, strings or other hashable "
                    f"values, got a {type(v).__name__}: {v!r}. For settings such as dicts, "
                    "pass their names, e.g. values=['sgd', 'adam'], and look them up in draw."
                )
            if isinstance(v, float) and math.isnan(v):
                raise ValueError(f"{who} expected values that are not NaN, got {vals}.")
        if len(set(vals)) != len(vals):
            raise ValueError(f"{who} expected distinct values, got {vals}.")
        if not isinstance(fmt, str):
            raise TypeError(f"{who} expected fmt to be a format string such as '{{:.3g}}'.")
        try:
            labels = [fmt.format(v) for v in vals]
        except (ValueError, TypeError, IndexError, KeyError) as err:
            raise ValueError(
                f"{who} could not format its values with fmt={fmt!r}: {err}. "
                "Use a format string with one field, e.g. fmt='{:.3g}'."
            ) from err
        if len(set(labels)) != len(labels):
            raise ValueError(
                f"{who}: fmt={fmt!r} shows different values the same way ({labels}). "
                "Use more digits, e.g. fmt='{:.3g}'."
            )
        if initial is None:
            index = 0
        else:
            if initial not in vals:
                raise ValueError(f"{who} expected initial to be one of {vals}, got {initial!r}.")
            index = vals.index(initial)
        self.name: str = name
        self.values: list = vals
        self.labels: list[str] = labels
        self.label: str = name if label is None else str(label)
        self.index: int = index

    def __len__(self) -> int:
        return len(self.values)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name!r}, {self.values!r})"

    def _live(self) -> ipywidgets.ValueWidget:  # pragma: no cover - overridden
        raise NotImplementedError


class Slider(_Control):
    """An ordered control (a range input / selection slider), e.g. a learning rate.

    Parameters
    ----------
    name : str
        The keyword under which ``draw`` receives the value.
    values : 1-D sequence
        The values the reader can choose, in slider order (at least one, distinct).
    label : str, optional
        Shown next to the control (default: ``name``); may use Unicode (``"η"``).
    fmt : str
        Format of the displayed value, e.g. ``"{:.3g}"``.
    initial : optional
        The value shown first (default: the first value).

    >>> Slider("lr", [0.01, 0.1, 1.0], label="learning rate η", fmt="{:.2g}").labels
    ['0.01', '0.1', '1']
    """

    kind = "slider"

    def _live(self) -> ipywidgets.ValueWidget:
        return ipywidgets.SelectionSlider(
            options=list(zip(self.labels, self.values, strict=True)),
            value=self.values[self.index],
            description=self.label,
            continuous_update=True,
            style={"description_width": "initial"},
            layout={"width": "min(100%, 420px)"},
        )


class Choice(_Control):
    """An unordered control (a select / dropdown), e.g. a schedule or an optimizer.

    Same parameters as :class:`Slider`; ``fmt`` defaults to ``"{}"`` (``str`` of the value).

    >>> Choice("schedule", ["constant", "step"]).labels
    ['constant', 'step']
    """

    kind = "choice"

    def _live(self) -> ipywidgets.ValueWidget:
        return ipywidgets.Dropdown(
            options=list(zip(self.labels, self.values, strict=True)),
            value=self.values[self.index],
            description=self.label,
            style={"description_width": "initial"},
        )


# --------------------------------------------------------------------------- base
def _check_figsize(figsize, who: str) -> tuple[float, float]:
    """``figsize`` as ``(width, height)`` floats if it is a pair of finite numbers > 0."""
    fix = "Write figsize=(width, height) in inches, e.g. figsize=(6, 3.2)."
    if isinstance(figsize, str | bytes) or not isinstance(figsize, Sequence | np.ndarray):
        raise TypeError(
            f"{who} expected figsize to be a pair (width, height), got {figsize!r}. {fix}"
        )
    if len(figsize) != 2:
        raise ValueError(
            f"{who} expected figsize=(width, height) in inches, got {figsize!r}. {fix}"
        )
    for size in figsize:
        if isinstance(size, bool) or not isinstance(size, numbers.Real):
            raise TypeError(f"{who} expected figsize to hold two numbers, got {figsize!r}. {fix}")
        if not (math.isfinite(size) and size > 0):
            raise ValueError(
                f"{who} expected a finite width and height > 0 in figsize, got {figsize!r}. {fix}"
            )
    return float(figsize[0]), float(figsize[1])


#: the smallest panel a frame may have, in pixels: below it ticks and labels cannot show
MIN_PANEL_PIXELS = 50
#: the default page weight of one figure's frames (base64 PNGs, as in the page), in bytes.
#: A chapter page should stay under 2.5 MB with all its figures (docs/CHAPTER_GUIDE.md,
#: section 6); the pilot's largest figure takes about 0.27 MB.
MAX_FIGURE_BYTES = 1_000_000


def _check_budget(value, name: str, meaning: str, who: str) -> int:
    """A frame or byte budget: a positive integer (``TypeError`` if not an integer)."""
    message = f"{who} expected {name} to be a positive integer ({meaning}), got {value!r}."
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(message)
    if value < 1:
        raise ValueError(message)
    return int(value)


def _estimate_frame_kb(figsize, dpi, n_panels: int, palette: bool) -> float:
    """A rough page weight (base64 kB) of one frame: PNG size grows about with the length
    of the drawn lines, i.e. with the square root of the pixel count (measured on line and
    contour panels: within about 30 % from dpi 72 to 300, one to four panels)."""
    px = int(figsize[0] * dpi) * int(figsize[1] * dpi)
    return 0.032 * math.sqrt(px * n_panels) * (1 if palette else 4)


class _FrameFigure:
    """Rendering shared by both faces: one reused Agg figure, PNG frames, HTML player."""

    _kind = "figure"
    _fewer_frames_hint = "give the controls fewer values (e.g. every other learning rate)"

    def __init__(
        self,
        draw,
        controls,
        *,
        nrows,
        ncols,
        figsize,
        dpi,
        caption,
        alt,
        max_frames,
        show_values,
        subplot_kw,
        layout,
        palette,
        background=None,
        max_bytes=MAX_FIGURE_BYTES,
    ):
        who = type(self).__name__
        if background is not None and not callable(background):
            raise TypeError(
                f"{who} expected background to be a function background(axes), got "
                f"{type(background).__name__}."
            )
        self.controls: tuple[_Control, ...] = tuple(controls)
        self.caption = caption
        if not callable(draw):
            raise TypeError(f"{who} expected a draw function, got {type(draw).__name__}.")
        self._check_signature(draw, controls)
        if layout not in ("frozen", "constrained"):
            raise ValueError(
                f"{who} expected layout='frozen' (lay out once, the default) or "
                f"'constrained' (lay out every frame), got {layout!r}."
            )
        for name, n in (("nrows", nrows), ("ncols", ncols)):
            if isinstance(n, bool) or not isinstance(n, numbers.Integral) or not 1 <= n <= 4:
                raise ValueError(f"{who} expected {name} to be an integer from 1 to 4, got {n!r}.")
        nrows, ncols = int(nrows), int(ncols)
        if figsize is None:
            figsize = (min(4.0 * ncols, 9.0), 3.2 * nrows)
        figsize = _check_figsize(figsize, who)
        if subplot_kw is not None and not isinstance(subplot_kw, dict):
            raise TypeError(
                f"{who} expected subplot_kw to be a dict of Figure.subplots options or None, "
                f"got {subplot_kw!r}. Write e.g. subplot_kw={{'projection': 'polar'}}."
            )
        check_real(dpi, "dpi", who, what="a number such as 72")
        if not 20 <= dpi <= 300:
            raise ValueError(
                f"{who} expected dpi between 20 and 300, got {dpi!r}. About 72 keeps a page "
                "of several figures under 2 MB."
            )
        width_px, height_px = int(figsize[0] * dpi), int(figsize[1] * dpi)
        if width_px < MIN_PANEL_PIXELS * ncols or height_px < MIN_PANEL_PIXELS * nrows:
            raise ValueError(
                f"{who} would make frames of {width_px} x {height_px} px (figsize={figsize!r} "
                f"at dpi={dpi!r}, {nrows} x {ncols} panels): too small to show a panel with its "
                f"ticks and labels (at least {MIN_PANEL_PIXELS} x {MIN_PANEL_PIXELS} px per "
                "panel). Make the figure larger, e.g. figsize=(6, 3.2), or raise dpi (the "
                "pilot chapter uses dpi=90)."
            )
        for name, text in (("caption", caption), ("alt", alt)):
            if text is not None and not isinstance(text, str):
                raise TypeError(
                    f"{who} expected {name} to be a str (plain text), got "
                    f"{type(text).__name__}: {text!r}."
                )
            if text is not None and not text.strip():
                raise ValueError(
                    f"{who} expected a {name} that says what the figure shows, got {text!r}. "
                    f"Write one, or leave {name} out (caption=None) if the other one is given."
                )
        if caption is None and alt is None:
            raise ValueError(
                f"{who} needs a caption or alt text (every figure has one; "
                "docs/CHAPTER_GUIDE.md section 2). Pass caption='...' and alt='...' "
                "describing what the figure shows."
            )
        max_frames = _check_budget(max_frames, "max_frames", "the number of frames", who)
        max_bytes = _check_budget(max_bytes, "max_bytes", "the page weight of the frames, in "
                                  "bytes", who)
        n_frames = math.prod(len(c) for c in controls)
        if n_frames > max_frames:
            sizes = " x ".join(f"{c.name}: {len(c)} values" for c in controls)
            kb = _estimate_frame_kb(figsize, dpi, nrows * ncols, bool(palette))
            raise ValueError(
                f"{who} would render {n_frames} frames ({sizes}), more than "
                f"max_frames={max_frames}. Every frame is a PNG in the page: at "
                f"figsize={figsize!r} and dpi={dpi!r}, roughly {kb:.0f} kB each, so about "
                f"{n_frames * kb / 1000:.1f} MB for {n_frames} frames (a chapter page should "
                f"stay under 2.5 MB with all its figures): {self._fewer_frames_hint}, or raise "
                "max_frames if the page can carry the weight."
            )
        self._draw = draw
        self.nrows, self.ncols = nrows, ncols
        self.figsize = figsize
        self.dpi = dpi
        self.alt = alt if alt is not None else caption
        self.max_frames = max_frames
        self.max_bytes = int(max_bytes)
        self._pixel_size: tuple[int, int] | None = None  # of a new figure, set by _fig
        self._warned_pyplot = False
        self.show_values = show_values
        self.subplot_kw = dict(subplot_kw or {})
        self.layout = layout
        self.palette = bool(palette)
        self.n_frames: int = n_frames
        self._positions = None
        #: how many times the live face has redrawn (tests observe it)
        self.n_redraws: int = 0
        #: wall time of the last live redraw, in seconds
        self.last_redraw_seconds: float | None = None
        self._figure: Figure | None = None
        self._axes: tuple | None = None
        self._states: list[_AxesState] = []
        self._signature = None
        self._figure_signature_ref = None
        self._constrained_now = False
        #: how many times a frame started from a new figure because the previous frame's
        #: draw left state behind that the reset does not restore
        self.n_axes_rebuilds: int = 0
        self._background = background
        self._reuse_axes = layout == "frozen"
        self._frames: list[bytes] | None = None
        self._html: str | None = None
        self._widget = None
        self._image = None
        self._status = None
        self._live_controls: dict[str, ipywidgets.ValueWidget] = {}

    def _check_signature(self, draw, controls) -> None:
        """Fail early, naming the parameters, when draw cannot take the controls' values."""
        try:
            sig = inspect.signature(draw)
        except (TypeError, ValueError):  # some builtins have no signature: let them run
            return
        kwargs = self._signature_example(controls)
        try:
            sig.bind(("axes",), *kwargs[0], **kwargs[1])
        except TypeError as err:
            call = ", ".join(["axes", *map(str, kwargs[0]), *(f"{k}=..." for k in kwargs[1])])
            raise TypeError(
                f"{type(self).__name__}: the draw function "
                f"{getattr(draw, '__name__', type(draw).__name__)}"
                f"{sig} cannot be called as draw({call}): {err}. {self._signature_hint(controls)}"
            ) from None

    def _signature_example(self, controls) -> tuple[tuple, dict]:
        return (), {c.name: c.values[0] for c in controls}

    def _signature_hint(self, controls) -> str:
        names = ", ".join(c.name for c in controls)
        return f"Give it one parameter per control: def draw(axes, {names})."

    # ---- rendering ------------------------------------------------------------
    def _fig(self) -> Figure:
        if self._figure is None:
            # a bare Figure with an Agg canvas: not registered with pyplot, so nothing
            # pops up, no global state changes and no "more than 20 figures" warning
            self._figure = Figure(figsize=self.figsize, dpi=self.dpi, facecolor="white")
            FigureCanvasAgg(self._figure)
            self._figure_signature_ref = _figure_signature(self._figure)
            if self._pixel_size is None:
                self._pixel_size = self._figure.canvas.get_width_height()
        return self._figure

    def _call_draw(self, axes, values: dict):
        self._draw(axes, **values)

    def _describe(self, values: dict, *, title: bool = False) -> str:
        """``label = value, ...``; for the figure's title a value's ``$`` is literal."""

        def shown(c):
            text = c.labels[c.values.index(values[c.name])]
            return text.replace("$", r"\$") if title else text

        return ", ".join(f"{c.label} = {shown(c)}" for c in self.controls)

    def _full_values(self, values: dict) -> dict:
        full = {c.name: c.values[c.index] for c in self.controls}
        for name, v in values.items():
            control = self._control(name)
            if v not in control.values:
                raise ValueError(
                    f"{type(self).__name__}: {v!r} is not one of the values of control "
                    f"{name!r}: {control.values}."
                )
            full[name] = v
        return full

    def _fresh_axes(self) -> tuple:
        """Axes ready for one frame: a blank figure's, or the reused ones reset.

        Creating axes (and their tick machinery) is about a third of a frame's cost, so
        once the layout is frozen the same axes are reused: what ``draw`` added is taken
        away and each axes goes back to the state recorded after it was created and the
        ``background`` (if any) was drawn (:class:`_AxesState`). The reset is then
        verified: a signature of the state the reset does not touch (tick parameters,
        spines, grids, margins, positions, the figure's size, ...; :func:`_signature`)
        must equal the one recorded with the fresh axes. If the previous frame's ``draw``
        changed any of it, this frame starts from a new figure instead, so state never
        travels from one frame to the next (the frame that changed it is correct: it
        drew on axes that were still clean).
        """
        if self._reuse_axes and self._axes is not None and self._positions is not None:
            fig = self._fig()
            if all(ax in fig.axes for ax in self._axes):
                for extra in [ax for ax in fig.axes if ax not in self._axes]:
                    extra.remove()  # twin axes, colorbars: made by draw, so remade by it
                for artist in [*fig.texts, *fig.legends, *fig.lines, *fig.patches,
                               *fig.images, *fig.artists]:
                    artist.remove()
                for ax, state in zip(self._axes, self._states, strict=True):
                    state.restore(ax)
                if _signature(fig, self._axes) == self._signature:
                    return self._axes
            # the last draw left state behind that the reset does not restore
            self.n_axes_rebuilds += 1
            self._figure = None
        fig = self._fig()
        if _figure_signature(fig) != self._figure_signature_ref:
            self._figure = None  # draw resized or recoloured the figure: start anew
            fig = self._fig()
        fig.clear()
        try:
            axes = fig.subplots(self.nrows, self.ncols, squeeze=False, subplot_kw=self.subplot_kw)
        except (AttributeError, TypeError, ValueError) as err:
            kind = ValueError if isinstance(err, ValueError) else TypeError
            raise kind(
                f"{type(self).__name__}: matplotlib refused subplot_kw={self.subplot_kw!r}: "
                f"{str(err).rstrip('.')}. subplot_kw takes the options of Figure.add_subplot, e.g. "
                "{'projection': 'polar'} or {'xlim': (0, 1)}."
            ) from err
        self._axes = tuple(axes.ravel())
        if self._positions is not None:
            for ax, pos in zip(self._axes, self._positions, strict=True):
                ax.set_position(pos)
        if self._background is not None:
            try:
                self._background(self._axes)
            except Exception as err:
                raise RuntimeError(
                    f"{type(self).__name__}: the background function failed: "
                    f"{type(err).__name__}: {err}."
                ) from err
        for ax in self._axes:
            ax.set_prop_cycle(None)  # draw's colours never depend on the background's
        self._states = [_AxesState(ax) for ax in self._axes]
        self._signature = _signature(fig, self._axes)
        return self._axes

    def _shown(self, full: dict) -> str:
        return ", ".join(f"{k}={v!r}" for k, v in full.items())

    def _draw_on_figure(self, full: dict) -> Figure:
        axes = self._fresh_axes()  # already at the frozen positions, if any
        fig = self._fig()
        if self._constrained_now:
            fig.set_layout_engine("constrained")
        if self.show_values:
            fig.suptitle(self._describe(full, title=True), fontsize=10)
        pyplot_before = _pyplot_figures()
        try:
            self._call_draw(axes, full)
        except Exception as err:
            raise RuntimeError(
                f"{type(self).__name__}: the draw function failed for {self._shown(full)}: "
                f"{type(err).__name__}: {err}. {self._draw_hint(err)}"
            ) from err
        finally:
            opened = _close_new_pyplot_figures(pyplot_before)
        if not all(ax in fig.axes for ax in axes):
            self._axes = None  # the next frame starts from new axes
            raise RuntimeError(
                f"{type(self).__name__}: the draw function removed the axes it was given "
                f"(ax.remove() or figure.clear()) for {self._shown(full)}. Draw on the axes "
                "instead; to leave a panel empty, call ax.set_axis_off()."
            )
        self._check_drawn(fig, axes, full, opened)
        return fig

    def _check_drawn(self, fig: Figure, axes, full: dict, opened: int) -> None:
        """Refuse a frame with a blank panel: ``draw`` drew elsewhere (pyplot, a figure of
        its own) or left a panel out. Close what it opened with pyplot, and say so."""
        who = type(self).__name__
        pyplot_note = (
            f" It opened {opened} pyplot figure{'s' if opened > 1 else ''} instead (plt.plot, "
            "plt.subplots, plt.figure; now closed): draw on the axes it receives, "
            "axes[0].plot(...) or viz.plot_...(..., ax=axes[0]), never with plt."
            if opened else ""
        )
        if any(ax not in axes for ax in fig.axes):  # a twin axes, a colorbar: drawn on
            blank = []
        else:
            blank = [i for i, ax in enumerate(axes) if _is_blank(ax)]
        if len(blank) == len(axes):
            fix = pyplot_note or (
                " Draw on the axes it receives (def draw(axes, ...): (ax,) = axes; "
                "ax.plot(...)), not on a figure of its own; to leave a panel empty on "
                "purpose, call ax.set_axis_off()."
            )
            raise RuntimeError(
                f"{who}: the draw function drew nothing on the axes it was given for "
                f"{self._shown(full)}, so the frame would be blank.{fix}"
            )
        if blank:
            n = len(axes)
            which = ", ".join(str(i + 1) for i in blank)
            raise RuntimeError(
                f"{who}: the draw function left panel{'s' if len(blank) > 1 else ''} {which} "
                f"of {n} empty for {self._shown(full)} (it receives {n} axes, nrows="
                f"{self.nrows} x ncols={self.ncols}, row-major).{pyplot_note} Draw on every "
                f"panel, call axes[{blank[0]}].set_axis_off() to leave one empty on purpose, or "
                "make fewer panels (nrows/ncols)."
            )
        if opened and not self._warned_pyplot:  # once per figure, not once per frame
            self._warned_pyplot = True
            warnings.warn(
                f"{who}: the draw function opened {opened} pyplot "
                f"figure{'s' if opened > 1 else ''} for {self._shown(full)} (now closed): draw "
                "only on the axes it receives, never with plt.",
                RuntimeWarning,
                stacklevel=4,
            )

    def _draw_hint(self, err: Exception) -> str:
        n = self.nrows * self.ncols
        if isinstance(err, ValueError) and "unpack" in str(err):
            return (
                f"draw receives a tuple of {n} axes (nrows={self.nrows} x ncols={self.ncols}): "
                "unpack as many names as there are panels (one panel: (ax,) = axes), or "
                "change nrows/ncols."
            )
        return "Fix draw for these values, or leave the value out of the control."

    def _encode(self, full: dict) -> bytes:
        """The PNG of the figure as drawn for ``full``; matplotlib's drawing errors named,
        and a frame whose pixel size is not the figure's refused (the player shows every
        frame in the same ``<img width height>``)."""
        try:
            png = _encode_png(self._fig(), palette=self.palette)
        except Exception as err:
            raise self._drawing_error(full, err) from err
        size = _png_size(png)
        if size != self._pixel_size:
            self._figure = None  # the next frame starts from a new figure of the right size
            self._axes = None
            (w, h), (w0, h0) = size, self._pixel_size
            raise RuntimeError(
                f"{type(self).__name__}: the frame for {self._shown(full)} is {w} x {h} px, "
                f"not {w0} x {h0} px (figsize={self.figsize!r} at dpi={self.dpi!r}): the draw "
                "function changed the figure's size or resolution (set_size_inches, set_dpi, "
                "...). Every frame must have the same size, the player shows them in one "
                f"image: pass figsize= and dpi= to {type(self).__name__} instead, and leave "
                "the figure's size alone in draw."
            )
        return png

    def _drawing_error(self, full: dict, err: Exception) -> RuntimeError:
        return RuntimeError(
            f"{type(self).__name__}: matplotlib failed to draw the figure for "
            f"{self._shown(full)} (after draw had returned): {type(err).__name__}: {err}. "
            "This is usually a title, label, legend entry or control label with $...$ that "
            "is not valid math text (write a literal dollar as \\$), or an artist given an "
            "invalid property; it was set by draw, by background, or by a control's label."
        )

    def _fix_layout(self) -> None:
        """Lay the panels out once (constrained layout at the initial values), then freeze.

        Every frame then puts its axes at the same place: the panels do not jump when a
        control moves, and a frame costs half as much (no layout pass per frame). The
        layout render itself is discarded, so a frame's bytes never depend on which
        frame was drawn first. :meth:`frames` checks that every frame fits this layout.
        """
        if self._positions is not None or self.layout != "frozen":
            return
        self._positions = self._layout_for(self._full_values({}))

    def _layout_for(self, full: dict) -> list:
        """The constrained layout's panel positions for the frame ``full``."""
        self._positions = None
        self._axes = None
        self._constrained_now = True
        fig = None
        try:
            fig = self._draw_on_figure(full)
            try:
                fig.canvas.draw()
            except Exception as err:
                raise self._drawing_error(full, err) from err
            return [ax.get_position() for ax in self._axes]
        finally:
            self._axes = None  # the frames start from new axes at the frozen positions
            self._constrained_now = False
            if fig is not None:
                fig.set_layout_engine(None)

    def render(self, **values) -> bytes:
        """Draw the figure for the given control values and return it as PNG bytes.

        Missing values take the controls' initial values. Deterministic: the same
        values give the same bytes, whatever was rendered before.
        """
        full = self._full_values(values)
        self._fix_layout()
        self._constrained_now = self.layout == "constrained"
        try:
            self._draw_on_figure(full)
        finally:
            self._constrained_now = False
        return self._encode(full)

    def _control(self, name: str) -> _Control:
        for c in self.controls:
            if c.name == name:
                return c
        names = [c.name for c in self.controls]
        raise ValueError(
            f"{type(self).__name__} has no control {name!r}; its controls are {names}."
        )

    def _combinations(self) -> list[dict]:
        return [
            dict(zip([c.name for c in self.controls], combo, strict=True))
            for combo in itertools.product(*(c.values for c in self.controls))
        ]

    def _overflow(self) -> str | None:
        """Where the frame just rendered reaches outside the figure (labels cut off), if it does.

        Looks at the tight box of every axes' decorations (tick labels, axis labels,
        title) as last drawn; about 1-2 ms a panel.
        """
        fig = self._fig()
        renderer = fig.canvas.get_renderer()
        width, height = fig.bbox.width, fig.bbox.height
        for i, ax in enumerate(fig.axes):
            bb = ax.get_tightbbox(renderer, bbox_extra_artists=[])
            if bb is None:
                continue
            if bb.x0 < -1 or bb.y0 < -1 or bb.x1 > width + 1 or bb.y1 > height + 1:
                which = (f"panel {i + 1} of {self.nrows * self.ncols}"
                         if ax in (self._axes or ()) else "an axes made by draw")
                return (
                    f"{which} reaches from ({bb.x0:.0f}, {bb.y0:.0f}) to ({bb.x1:.0f}, "
                    f"{bb.y1:.0f}) px, outside the figure ({width:.0f} x {height:.0f} px)"
                )
        return None

    def _render_all(self, combos: list[dict]) -> tuple[list[bytes], list[tuple[dict, str]]]:
        frames, overflows = [], []
        seen: set[bytes] = set()
        weight = 0  # of the distinct frames in the page, base64
        for values in combos:
            frames.append(self.render(**values))
            if frames[-1] not in seen:
                seen.add(frames[-1])
                weight += 4 * math.ceil(len(frames[-1]) / 3)
                if weight > self.max_bytes:
                    self._refuse_weight(weight, len(frames), len(combos))
            if self.layout == "frozen":
                where = self._overflow()
                if where is not None:
                    overflows.append((values, where))
        return frames, overflows

    def _refuse_weight(self, weight: int, done: int, total: int) -> None:
        mb = weight / 1e6
        so_far = (f"the first {done} of its {total} frames already take {mb:.2f} MB (about "
                  f"{mb * total / done:.1f} MB for all)" if done < total
                  else f"its {total} frames take {mb:.2f} MB")
        raise ValueError(
            f"{type(self).__name__}: in the page (as base64 PNGs), {so_far}, more than "
            f"max_bytes={self.max_bytes} ({self.max_bytes / 1e6:.2f} MB for one figure). A "
            "chapter page should stay under 2.5 MB with all its figures (docs/CHAPTER_GUIDE.md "
            "section 6; the pilot's largest figure takes about 0.27 MB). Lower dpi (the pilot "
            f"uses 90), make figsize smaller, {self._fewer_frames_hint}, or raise max_bytes "
            "if the page can carry the weight."
        )

    def _relayout(self, overflows: list[tuple[dict, str]]) -> None:
        """Panel positions that leave room for every frame's labels.

        The layout made at the initial values is intersected, panel by panel, with the
        constrained layout of each frame that did not fit it: every panel gets the room
        the widest tick labels of any frame need, and the panels still stay put.
        """
        layouts = [self._positions]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # "axes sizes collapsed": see below
            for values, _ in overflows:
                layouts.append(self._layout_for(values))
        boxes = []
        for per_panel in zip(*layouts, strict=True):
            pts = np.array([b.get_points() for b in per_panel])
            lo, hi = pts[:, 0].max(axis=0), pts[:, 1].min(axis=0)
            boxes.append(matplotlib.transforms.Bbox([lo, np.maximum(hi, lo + 1e-3)]))
        self._positions = boxes
        self._axes = None

    def frames(self) -> list[bytes]:
        """PNG bytes of every frame (cached), first control outermost.

        Checks what a single frame cannot show: that every frame's labels fit the panel
        layout made at the initial values (if not, the layout is redone over all frames,
        and a frame that still does not fit is an error naming it), and that frame 0 drawn
        again gives the same bytes (draw is deterministic, and no state reached it through
        the reused axes).
        """
        if self._frames is None:
            combos = self._combinations()
            frames, overflows = self._render_all(combos)
            if overflows:
                self._relayout(overflows)
                frames, overflows = self._render_all(combos)
                if overflows:
                    values, where = overflows[0]
                    raise ValueError(
                        f"{type(self).__name__}: the frame for {self._shown(values)} does not "
                        f"fit in the figure: {where}, so its labels are cut off, even with the "
                        "layout made over all frames. Make the figure larger (figsize=...), "
                        "shorten the labels, or fix the ticks and their format "
                        "(FixedLocator, StrMethodFormatter('{x:g}')) so that they take the "
                        "same room in every frame."
                    )
            if self._reuse_axes and len(frames) > 1 and self.render(**combos[0]) != frames[0]:
                # state the signature does not cover reached frame 0: blank figures
                self._reuse_axes = False
                self._axes = None
                self._figure = None
                frames = [self.render(**v) for v in combos]
            if len(frames) > 1 and not self._reuse_axes and self.render(**combos[0]) != frames[0]:
                raise RuntimeError(
                    f"{type(self).__name__}: the draw function is not deterministic: frame 0 "
                    f"({self._shown(combos[0])}) came out different when drawn again on new "
                    "axes. Seed every random number it uses inside draw "
                    "(rng = np.random.default_rng(0)), or compute the data once, outside draw: "
                    "the page's frames must be the same on every run."
                )
            self._frames = frames
        return list(self._frames)

    def save_frames(self, directory) -> list[Path]:
        """Write every frame as ``frame_000.png``, ... into ``directory``; return the paths.

        ``directory`` (a ``str`` or ``pathlib.Path``) is created if it does not exist.
        """
        who = f"{type(self).__name__}.save_frames"
        if not isinstance(directory, str | os.PathLike):
            raise TypeError(
                f"{who} expected a directory path (a str or pathlib.Path), got {directory!r}. "
                "Write e.g. fig.save_frames('frames')."
            )
        out = Path(directory)
        for p in (out, *out.parents):
            if p.exists() and not p.is_dir():
                raise ValueError(
                    f"{who} expected a directory, but {str(p)!r} is a file, not a directory. "
                    "Pass the path of a directory (it is created if missing)."
                )
        out.mkdir(parents=True, exist_ok=True)
        paths = []
        for k, png in enumerate(self.frames()):
            p = out / f"frame_{k:03d}.png"
            p.write_bytes(png)
            paths.append(p)
        return paths

    # ---- the kernel-free face -------------------------------------------------
    def _initial_frame(self) -> int:
        k = 0
        for c in self.controls:
            k = k * len(c) + c.index
        return k

    def to_html(self) -> str:
        """The self-contained kernel-free player (the ``text/html`` face), cached."""
        if self._html is None:
            self._html = self._build_html()
        return self._html

    def _build_html(self) -> str:
        pngs = self.frames()
        images: list[str] = []
        seen: dict[bytes, int] = {}
        frame_map = []
        for png in pngs:  # identical frames (a converged path) are stored once
            if png not in seen:
                seen[png] = len(images)
                images.append(base64_png(png))
            frame_map.append(seen[png])
        alts = [f"{self.alt} ({self._describe(v)})" for v in self._combinations()]
        h = hashlib.sha1(self._kind.encode())
        for c in self.controls:
            h.update(json.dumps([c.kind, c.name, c.label, c.labels]).encode())
        h.update(json.dumps([self.caption, self.alt]).encode())
        for png in pngs:
            h.update(png)
        pid = h.hexdigest()[:12]
        data = {
            "controls": [{"name": c.name, "labels": c.labels} for c in self.controls],
            "images": images,
            "frames": frame_map,
            "alts": alts,
            "interval": getattr(self, "interval", 0),
        }
        k0 = self._initial_frame()
        width, height = _png_size(pngs[k0])
        caption = (
            f'<figcaption class="bpl-caption">{_esc(self.caption)}</figcaption>'
            if self.caption
            else ""
        )
        return (
            f'<div class="bpl-player" data-bpl-kind="{self._kind}" data-bpl-id="{pid}" '
            f'data-bpl-frame="{k0}">'
            f"<style>{_CSS}</style>"
            f'<div class="bpl-controls">{self._controls_html()}</div>'
            f'<figure class="bpl-figure"><img class="bpl-frame" '
            f'src="data:image/png;base64,{images[frame_map[k0]]}" alt="{_esc(alts[k0])}" '
            f'width="{width}" height="{height}">{caption}</figure>'
            f'<script type="application/json" class="bpl-data">{_json_for_script(data)}</script>'
            f"<script>{_JS.replace('%ID%', pid)}</script>"
            "</div>"
        )

    def _controls_html(self) -> str:
        parts = []
        for c in self.controls:
            label = _esc(c.label)
            value = _esc(c.labels[c.index])
            name = _esc(c.name)  # a Python identifier, but it may be non-ASCII ("η")
            out = f'<output class="bpl-value" data-bpl-control="{name}">{value}</output>'
            if isinstance(c, Choice):
                options = "".join(
                    f'<option value="{i}"{" selected" if i == c.index else ""}>{_esc(t)}</option>'
                    for i, t in enumerate(c.labels)
                )
                widget = (
                    f'<select class="bpl-select" data-bpl-control="{name}">{options}</select>'
                )
            else:
                widget = (
                    f'<input type="range" class="bpl-range" data-bpl-control="{name}" '
                    f'min="0" max="{len(c) - 1}" step="1" value="{c.index}" '
                    f'aria-valuetext="{value}">'
                )
            parts.append(
                f'<label class="bpl-control"><span class="bpl-label">{label}</span>'
                f"{widget}</label>{out}"
            )
        return "".join(parts)

    # ---- the live face --------------------------------------------------------
    @property
    def widget(self) -> ipywidgets.VBox:
        """The live ipywidgets container (built once): controls, image, caption."""
        if self._widget is None:
            self._widget = self._build_widget()
        return self._widget

    @property
    def image(self) -> ipywidgets.Image:
        """The live face's ``ipywidgets.Image``; its ``value`` is the current PNG."""
        self.widget  # noqa: B018 - builds the widget on first use
        return self._image

    @property
    def control_widgets(self) -> dict[str, ipywidgets.ValueWidget]:
        """The live control widgets by control name (set ``.value`` to redraw)."""
        self.widget  # noqa: B018
        return dict(self._live_controls)

    def _current_values(self) -> dict:
        return {c.name: self._live_controls[c.name].value for c in self.controls}

    def _redraw(self, change=None) -> None:
        start = time.perf_counter()
        try:
            png = self.render(**self._current_values())
        except Exception as err:
            # the control has moved but the image has not: say why, where the reader looks
            text = str(err) if isinstance(err, RuntimeError) else f"{type(err).__name__}: {err}"
            self._status.value = f'<pre class="bpl-error">{_esc(text)}</pre>'
            raise
        self._status.value = ""
        self._image.value = png
        self.n_redraws += 1
        self.last_redraw_seconds = time.perf_counter() - start

    def set_value(self, name: str, value) -> None:
        """Set a live control to ``value`` (one of its values); the live figure redraws."""
        control = self._control(name)
        if value not in control.values:
            raise ValueError(
                f"{type(self).__name__}: {value!r} is not one of the values of control "
                f"{name!r}: {control.values}."
            )
        self.control_widgets[name].value = value

    def _live_control_row(self) -> list:
        return [self._live_controls[c.name] for c in self.controls]

    def _build_widget(self) -> ipywidgets.VBox:
        for c in self.controls:
            self._live_controls[c.name] = self._make_live(c)
        self._image = ipywidgets.Image(
            value=self.render(**{c.name: c.values[c.index] for c in self.controls}),
            format="png",
            # No tooltip=: jupyterlab_widgets 3.0.x fails to create an Image view that has a
            # tooltip (ipywidgets issue 3860), so the live figure would not show at all.
            # The caption below carries the description instead.
        )
        self._status = ipywidgets.HTML("")
        for w in self._live_controls.values():
            w.observe(self._redraw, names="value")
        children = [ipywidgets.HBox(self._live_control_row()), self._image, self._status]
        if self.caption:
            children.append(
                ipywidgets.HTML(
                    f'<figcaption class="bpl-caption">{_esc(self.caption)}</figcaption>'
                )
            )
        box = ipywidgets.VBox(children)
        box.add_class("bpl-live")
        return box

    def _make_live(self, c: _Control):
        return c._live()

    # ---- display --------------------------------------------------------------
    def __repr__(self) -> str:
        sizes = ", ".join(f"{c.name}: {len(c)} values" for c in self.controls)
        text = f"<{type(self).__name__}: {self.n_frames} frames ({sizes})"
        if self.caption:
            text += f"; {self.caption}"
        return text + ">"

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = {"text/plain": repr(self), "text/html": self.to_html()}
        live = self.widget._repr_mimebundle_()
        if live and WIDGET_MIME in live:
            bundle[WIDGET_MIME] = live[WIDGET_MIME]
        if include:
            bundle = {k: v for k, v in bundle.items() if k in include}
        if exclude:
            bundle = {k: v for k, v in bundle.items() if k not in exclude}
        return bundle


class InteractiveFigure(_FrameFigure):
    r"""A figure as a function of one or two controls, live with a kernel, a player without.

    Parameters
    ----------
    draw : callable ``draw(axes, **values)``
        Draws onto ``axes``, a tuple of ``nrows * ncols`` fresh matplotlib axes
        (row-major), for the control values given by name. Object-oriented matplotlib
        only; compute with the core, draw with :mod:`backprop_lab.viz`. Every frame is
        checked: a panel left blank (no artist, title or axis label, from ``draw`` or the
        ``background``) is a ``RuntimeError`` naming the panel and the values (call
        ``ax.set_axis_off()`` to leave one empty on purpose), so is a frame in which
        ``draw`` drew nothing (it drew with ``plt`` or on a figure of its own) and a
        frame whose pixel size is not ``figsize * dpi`` (``draw`` resized the figure).
        pyplot figures that ``draw`` opens are closed (with a ``RuntimeWarning``).
    controls : list of :class:`Slider` / :class:`Choice`
        One or two controls with distinct names.
    nrows, ncols : int
        The panel grid (1 to 4 each).
    figsize : (float, float), optional
        Inches; default ``(4 * ncols, 3.2 * nrows)``, at most 9 wide. With ``dpi``, at
        least :data:`MIN_PANEL_PIXELS` (50) pixels per panel each way.
    dpi : int
        Resolution of every frame (default 72; the pilot chapter uses 90: 7-16 kB per
        two-panel frame).
    caption : str
        Shown under the figure (plain text). A caption or ``alt`` is required.
    alt : str
        Alt text of the image (default: the caption); the current values are appended.
    max_frames : int
        Refuse to build more frames than this (the product of the controls' lengths).
    max_bytes : int
        Refuse frames whose page weight (the distinct frames as base64 PNGs, as the
        player embeds them) exceeds this many bytes; default :data:`MAX_FIGURE_BYTES`
        (1 MB: a chapter page should stay under 2.5 MB with all its figures). Checked
        while the frames are rendered, so a figure far too heavy fails early.
    show_values : bool
        Write the current values as the figure's title, so each frame says what it shows.
    subplot_kw : dict, optional
        Passed to ``Figure.subplots`` (e.g. ``{"projection": "3d"}``).
    layout : {"frozen", "constrained"}
        ``"frozen"`` (default): constrained layout computed once, at the initial values,
        then every frame uses the same panel positions (panels do not jump, frames
        render twice as fast). ``"constrained"``: lay out every frame anew.
    palette : bool
        Store frames as 256-colour PNGs (default; about 4x smaller, same look).
    background : callable ``background(axes)``, optional
        Draws what does not depend on the controls (a loss surface's contours, fixed
        ticks, axis labels) once; every frame then starts from it, and ``draw`` adds only
        what changes. Saves the background's cost on every frame and live redraw.

    Attributes
    ----------
    widget : ipywidgets.VBox
        The live face. ``control_widgets[name].value = v`` or :meth:`set_value` redraws it.
    n_frames : int
        ``prod(len(c) for c in controls)``.

    Examples
    --------
    >>> import numpy as np
    >>> def draw(axes, a):
    ...     (ax,) = axes
    ...     x = np.linspace(-1, 1, 50)
    ...     ax.plot(x, a * x**2)
    >>> fig = InteractiveFigure(draw, [Slider("a", [0.5, 1.0, 2.0])], alt="A parabola.")
    >>> fig.n_frames, len(fig.frames())
    (3, 3)
    >>> "text/html" in fig._repr_mimebundle_()
    True
    """

    _kind = "figure"

    def __init__(
        self,
        draw: Callable,
        controls: Sequence[_Control],
        *,
        nrows: int = 1,
        ncols: int = 1,
        figsize=None,
        dpi: int = 72,
        caption: str | None = None,
        alt: str | None = None,
        max_frames: int = 60,
        show_values: bool = True,
        subplot_kw: dict | None = None,
        layout: str = "frozen",
        palette: bool = True,
        background: Callable | None = None,
        max_bytes: int = MAX_FIGURE_BYTES,
    ):
        if isinstance(controls, _Control):
            controls = [controls]
        if isinstance(controls, str) or not isinstance(controls, Sequence):
            raise TypeError(
                "InteractiveFigure expected controls to be a list of Slider/Choice, got "
                f"{type(controls).__name__}."
            )
        controls = list(controls)
        if not controls:
            raise ValueError(
                "InteractiveFigure expected one or two controls, got none. A figure without "
                "controls is a plain matplotlib figure: draw it with backprop_lab.viz."
            )
        if len(controls) > 2:
            raise ValueError(
                f"InteractiveFigure expected one or two controls, got {len(controls)} "
                f"({[getattr(c, 'name', c) for c in controls]}). Frames grow as the product "
                "of the controls' lengths: fix the others in the draw function or split the "
                "figure in two."
            )
        for c in controls:
            if not isinstance(c, _Control):
                raise TypeError(
                    "InteractiveFigure expected controls made with Slider(...) or Choice(...), "
                    f"got {type(c).__name__}."
                )
        names = [c.name for c in controls]
        if len(set(names)) != len(names):
            raise ValueError(
                f"InteractiveFigure expected distinct control names, got {names}. Each name "
                "is a keyword argument of draw."
            )
        super().__init__(
            draw,
            controls,
            nrows=nrows,
            ncols=ncols,
            figsize=figsize,
            dpi=dpi,
            caption=caption,
            alt=alt,
            max_frames=max_frames,
            show_values=show_values,
            subplot_kw=subplot_kw,
            layout=layout,
            palette=palette,
            background=background,
            max_bytes=max_bytes,
        )


class Animation(_FrameFigure):
    r"""A figure that unrolls over ``n_frames`` steps, e.g. a trajectory step by step.

    Live (with a kernel): an ipywidgets ``Play`` button linked to an ``IntSlider``, each
    step redrawing one reused figure. Kernel-free: a player with previous, play/pause,
    next and a scrubber (see the module docstring for the DOM contract).

    Parameters
    ----------
    draw_frame : callable ``draw_frame(axes, step)``
        Draws step ``step`` (``0 .. n_frames - 1``) onto ``axes`` (a tuple of fresh axes).
    n_frames : int
        Number of steps.
    name : str
        Name of the step control (``data-bpl-control`` of the scrubber).
    label : str
        Its label, shown next to the scrubber.
    fmt : str
        Format of the displayed step (e.g. ``"{}"`` or ``"epoch {}"``).
    interval : int
        Milliseconds between steps when playing.
    nrows, ncols, figsize, dpi, caption, alt, max_frames, max_bytes, show_values, subplot_kw
        As for :class:`InteractiveFigure` (and ``layout``, ``palette``, ``background``).

    Examples
    --------
    >>> import numpy as np
    >>> path = np.cumsum(np.ones((5, 2)), axis=0)
    >>> def draw_frame(axes, step):
    ...     (ax,) = axes
    ...     ax.plot(path[: step + 1, 0], path[: step + 1, 1], "o-")
    >>> anim = Animation(draw_frame, 5, alt="A path unrolling.")
    >>> anim.n_frames, anim.controls[0].values
    (5, [0, 1, 2, 3, 4])
    """

    _kind = "animation"
    _fewer_frames_hint = "show fewer steps (e.g. every other one: path[::2])"

    def __init__(
        self,
        draw_frame: Callable,
        n_frames: int,
        *,
        name: str = "step",
        label: str = "step",
        fmt: str = "{}",
        interval: int = 300,
        nrows: int = 1,
        ncols: int = 1,
        figsize=None,
        dpi: int = 72,
        caption: str | None = None,
        alt: str | None = None,
        max_frames: int = 60,
        show_values: bool = True,
        subplot_kw: dict | None = None,
        layout: str = "frozen",
        palette: bool = True,
        background: Callable | None = None,
        max_bytes: int = MAX_FIGURE_BYTES,
    ):
        n_frames = check_positive_int(n_frames, "n_frames", "Animation")
        # a plain int: it goes into the player's JSON
        self.interval = check_positive_int(
            interval, "interval (in milliseconds)", "Animation", minimum=10
        )
        #: the live face's ``ipywidgets.Play`` (set when the widget is built)
        self.play: ipywidgets.Play | None = None
        control = Slider(name, list(range(int(n_frames))), label=label, fmt=fmt)
        super().__init__(
            draw_frame,
            [control],
            nrows=nrows,
            ncols=ncols,
            figsize=figsize,
            dpi=dpi,
            caption=caption,
            alt=alt,
            max_frames=max_frames,
            show_values=show_values,
            subplot_kw=subplot_kw,
            layout=layout,
            palette=palette,
            background=background,
            max_bytes=max_bytes,
        )

    def _call_draw(self, axes, values: dict):
        self._draw(axes, values[self.controls[0].name])

    def _signature_example(self, controls) -> tuple[tuple, dict]:
        return (0,), {}

    def _signature_hint(self, controls) -> str:
        return "Write it as def draw_frame(axes, step), with the step as an integer."

    def _make_live(self, c: _Control):
        return ipywidgets.IntSlider(
            value=c.index,
            min=0,
            max=len(c) - 1,
            step=1,
            description=c.label,
            continuous_update=True,
            style={"description_width": "initial"},
        )

    def _current_values(self) -> dict:
        c = self.controls[0]
        return {c.name: c.values[self._live_controls[c.name].value]}

    def _live_control_row(self) -> list:
        c = self.controls[0]
        slider = self._live_controls[c.name]
        self.play = ipywidgets.Play(
            value=slider.value,
            min=0,
            max=len(c) - 1,
            step=1,
            interval=self.interval,
            description="play",
        )
        ipywidgets.jslink((self.play, "value"), (slider, "value"))
        return [self.play, slider]

    def _controls_html(self) -> str:
        buttons = (
            '<button type="button" class="bpl-prev" aria-label="previous step">'
            "&#9664; prev</button>"
            '<button type="button" class="bpl-play" aria-pressed="false" aria-label="play">'
            "&#9654; play</button>"
            '<button type="button" class="bpl-next" aria-label="next step">'
            "next &#9654;</button>"
        )
        return f'<span class="bpl-buttons">{buttons}</span>{super()._controls_html()}'


_ARTIST_LISTS = ("lines", "collections", "patches", "texts", "images", "artists", "tables")


def _artists(ax) -> list:
    return [a for name in _ARTIST_LISTS for a in getattr(ax, name)]


def _is_blank(ax) -> bool:
    """True if a panel shows nothing but empty axes: no artist, no title or axis label,
    and not turned off on purpose (``ax.set_axis_off()``)."""
    if not ax.axison or _artists(ax) or ax.get_legend() is not None:
        return False
    texts = [ax.get_title(loc) for loc in ("left", "center", "right")]
    return not any(texts) and not ax.get_xlabel() and not ax.get_ylabel()


def _pyplot_figures() -> set:
    """The numbers of the open pyplot figures (empty if pyplot was never imported: the
    widget does not import it)."""
    plt = sys.modules.get("matplotlib.pyplot")
    return set(plt.get_fignums()) if plt is not None else set()


def _close_new_pyplot_figures(before: set) -> int:
    """Close the pyplot figures opened since ``before`` was taken (by ``draw``: nothing else
    runs in between); return how many."""
    new = _pyplot_figures() - before
    if new:
        plt = sys.modules["matplotlib.pyplot"]
        for num in sorted(new):
            plt.close(num)
    return len(new)


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


# --------------------------------------------------------------------------- html bits
def _encode_png(fig: Figure, *, palette: bool) -> bytes:
    """PNG bytes of ``fig`` (no metadata: same figure, same bytes).

    With ``palette`` the image is reduced to at most 256 colours (PIL's fast octree, no
    dithering): line plots and filled contours look the same and the file is about a
    quarter of the size, which is what makes a page of precomputed frames affordable.
    """
    buf = io.BytesIO()
    if not palette:
        fig.savefig(buf, format="png", metadata={"Software": None})
        return buf.getvalue()
    fig.canvas.draw()
    rgb = PIL.Image.fromarray(np.asarray(fig.canvas.buffer_rgba())[..., :3])
    small = rgb.quantize(
        colors=256, method=PIL.Image.Quantize.FASTOCTREE, dither=PIL.Image.Dither.NONE
    )
    small.save(buf, format="png")
    return buf.getvalue()


def base64_png(png: bytes) -> str:
    """Base64 text of PNG bytes (what the player embeds)."""
    import base64

    return base64.b64encode(png).decode("ascii")


def _png_size(png: bytes) -> tuple[int, int]:
    """(width, height) in pixels from a PNG's IHDR chunk."""
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def _esc(text) -> str:
    """HTML-escape and keep the output ASCII (non-ASCII as character references)."""
    return html.escape(str(text), quote=True).encode("ascii", "xmlcharrefreplace").decode()


def _json_for_script(data) -> str:
    """JSON safe inside ``<script>``: ASCII only, and no ``<`` (no ``</script>``, no ``<!--``)."""
    return json.dumps(data, ensure_ascii=True, separators=(",", ":")).replace("<", "\\u003c")


_CSS = (
    ".bpl-player{margin:.5em 0 1.2em;max-width:100%}"
    ".bpl-player .bpl-controls{display:flex;flex-wrap:wrap;align-items:center;gap:.3em .8em;"
    "margin:.2em 0 .4em}"
    ".bpl-player .bpl-control{display:inline-flex;align-items:center;gap:.5em;margin:0}"
    ".bpl-player .bpl-range{width:min(16em,60vw)}"
    ".bpl-player .bpl-value{font-weight:600;font-variant-numeric:tabular-nums;min-width:3.5em}"
    ".bpl-player .bpl-buttons{display:inline-flex;gap:.3em}"
    ".bpl-player button{font:inherit;padding:.15em .6em;border:1px solid #555;border-radius:4px;"
    "background:#f4f4f4;color:#111;cursor:pointer}"
    ".bpl-player input:focus-visible,.bpl-player select:focus-visible,"
    ".bpl-player button:focus-visible{outline:3px solid " + viz.PALETTE["blue"] + ";"
    "outline-offset:2px}"
    ".bpl-player .bpl-figure{margin:0}"
    ".bpl-player .bpl-frame{display:block;max-width:100%;height:auto;background:#fff}"
    ".bpl-player .bpl-caption{font-size:.9em;margin-top:.3em}"
)

# ES5, no globals; initialises every player with this id not yet initialised (the same
# figure may be shown twice on a page). Frame index: mixed radix over the controls.
_JS = """(function(){
var roots=document.querySelectorAll('div.bpl-player[data-bpl-id="%ID%"]');
for(var r=0;r<roots.length;r++){init(roots[r]);}
function init(root){
if(root.getAttribute('data-bpl-ready')){return;}
root.setAttribute('data-bpl-ready','1');
var data=JSON.parse(root.querySelector('script.bpl-data').textContent);
var img=root.querySelector('img.bpl-frame');
var ctrls=data.controls.map(function(c){var q='[data-bpl-control="'+c.name+'"]';
return {n:c.labels.length,labels:c.labels,el:root.querySelector('.bpl-range'+q+',.bpl-select'+q),
out:root.querySelector('.bpl-value'+q)};});
function show(){var k=0;
ctrls.forEach(function(c){var i=parseInt(c.el.value,10);k=k*c.n+i;c.out.textContent=c.labels[i];
if(c.el.type==='range'){c.el.setAttribute('aria-valuetext',c.labels[i]);}});
img.src='data:image/png;base64,'+data.images[data.frames[k]];img.alt=data.alts[k];
root.setAttribute('data-bpl-frame',String(k));}
ctrls.forEach(function(c){c.el.addEventListener('input',show);c.el.addEventListener('change',show);});
var play=root.querySelector('button.bpl-play');
if(play){var s=ctrls[0].el,n=ctrls[0].n,timer=null;
var go=function(i){s.value=String(Math.max(0,Math.min(n-1,i)));show();};
var stop=function(){if(timer!==null){clearInterval(timer);timer=null;}
play.innerHTML='&#9654; play';play.setAttribute('aria-pressed','false');
play.setAttribute('aria-label','play');};
play.addEventListener('click',function(){if(timer!==null){stop();return;}
if(parseInt(s.value,10)>=n-1){go(0);}
timer=setInterval(function(){var i=parseInt(s.value,10);if(i>=n-1){stop();}else{go(i+1);}},
data.interval);
play.innerHTML='&#10074;&#10074; pause';play.setAttribute('aria-pressed','true');
play.setAttribute('aria-label','pause');});
root.querySelector('button.bpl-prev').addEventListener('click',function(){stop();
go(parseInt(s.value,10)-1);});
root.querySelector('button.bpl-next').addEventListener('click',function(){stop();
go(parseInt(s.value,10)+1);});
s.addEventListener('input',stop);}
show();}
})();"""
