"""The public figures: :class:`InteractiveFigure` and :class:`Animation`.

Each is the figure core (:mod:`.core`) with its two faces, the kernel-free player
(:mod:`.player`) and the live widget (:mod:`.live`), shown together by the rich display
(``_repr_mimebundle_``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from backprop_lab._checks import check_positive_int
from backprop_lab.widgets import live, player
from backprop_lab.widgets.controls import Slider, _Control
from backprop_lab.widgets.core import MAX_FIGURE_BYTES, _FigureCore
from backprop_lab.widgets.live import WIDGET_MIME, _LiveFace
from backprop_lab.widgets.player import _PlayerFace

__all__ = ["InteractiveFigure", "Animation"]


class _FrameFigure(_LiveFace, _PlayerFace, _FigureCore):
    """A figure core with both faces and the rich display that carries them."""

    def __repr__(self) -> str:
        sizes = ", ".join(f"{c.name}: {len(c)} values" for c in self.controls)
        text = f"<{type(self).__name__}: {self.n_frames} frames ({sizes})"
        if self.caption:
            text += f"; {self.caption}"
        return text + ">"

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = {"text/plain": repr(self), "text/html": self.to_html()}
        view = self.widget._repr_mimebundle_()
        if view and WIDGET_MIME in view:
            bundle[WIDGET_MIME] = view[WIDGET_MIME]
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
    n_axes_reused, n_axes_made, n_axes_rebuilds : int
        How many frames were drawn on the previous frame's axes (the fast path), on axes
        made anew, and how many of those fell back from a failed reset. A frozen-layout
        figure makes its axes twice (layout pass, first frame) and then reuses them.

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
    next and a scrubber (see the docstring of :mod:`backprop_lab.widgets` for the DOM
    contract).

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
        self.play = None
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
        return live._step_slider(c)

    def _current_values(self) -> dict:
        c = self.controls[0]
        return {c.name: c.values[self._live_controls[c.name].value]}

    def _live_control_row(self) -> list:
        return live._play_and_slider(self)

    def _controls_html(self) -> str:
        return (f'<span class="bpl-buttons">{player._ANIMATION_BUTTONS}</span>'
                f"{super()._controls_html()}")
