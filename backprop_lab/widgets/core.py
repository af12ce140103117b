"""The figure core: frames drawn on one reused figure, checked, encoded as PNG.

:class:`_FigureCore` holds what both faces share: the checked options, the control
values, ``render(**values)`` (one frame's PNG bytes), ``frames()`` (every frame, with the
layout frozen once and verified), ``save_frames`` and the checks that name a draw
function's mistakes (a blank panel, pyplot figures, a resized figure, labels cut off, a
non-deterministic draw). The axes are reused from frame to frame (:mod:`._axes_reuse`).
The faces are mixed in by the public classes (:mod:`.figures`): the player
(:mod:`.player`) and the live widget (:mod:`.live`).
"""

from __future__ import annotations

import inspect
import io
import itertools
import math
import numbers
import os
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path

import matplotlib.transforms
import numpy as np
import PIL.Image
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from backprop_lab._checks import check_real
from backprop_lab.widgets._axes_reuse import (
    _artists,
    _AxesState,
    _figure_signature,
    _signature,
    reset_for_reuse,
)
from backprop_lab.widgets.controls import _Control


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


class _FigureCore:
    """Rendering shared by both faces: one reused Agg figure, PNG frames, checks."""

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
        self._states: list[_AxesState] = []  # one per axes, recorded when it is made
        self._signature = None
        self._figure_signature_ref = None
        self._constrained_now = False
        #: how many times a frame started from a new figure because the previous frame's
        #: draw left state behind that the reset does not restore
        self.n_axes_rebuilds: int = 0
        #: how many frames (layout passes, frames, live redraws) were drawn on the reused
        #: axes of the previous frame (the fast path), and how many on axes made anew: a
        #: frozen-layout figure makes its axes twice (layout pass, first frame), then reuses
        #: them, unless a matplotlib change breaks the reset (tests check it)
        self.n_axes_reused: int = 0
        self.n_axes_made: int = 0
        self._background = background
        self._reuse_axes = layout == "frozen"
        self._frames: list[bytes] | None = None
        self._html: str | None = None
        self._widget = None
        self._image = None
        self._status = None
        self._live_controls: dict = {}  # the live face's control widgets, by name

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
            if reset_for_reuse(self._fig(), self._axes, self._states, self._signature):
                self.n_axes_reused += 1
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
        self.n_axes_made += 1
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

