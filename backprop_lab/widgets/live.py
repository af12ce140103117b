"""The live face: an ipywidgets container that redraws one reused figure.

:class:`_LiveFace` gives an interactive figure its ``widget`` (the controls, an
``ipywidgets.Image`` and the caption), ``image``, ``control_widgets`` and
:meth:`~_LiveFace.set_value`; moving a control calls ``render`` (the figure core) and puts
the PNG into the image. The only module of the package that imports ipywidgets.
"""

from __future__ import annotations

import time

import ipywidgets

from backprop_lab.widgets.player import _esc

#: The mime type of the live face.
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


def _live_widget(c) -> ipywidgets.ValueWidget:
    """The ipywidgets control of a :class:`Slider` (a selection slider) or a
    :class:`Choice` (a dropdown)."""
    if c.kind == "choice":
        return ipywidgets.Dropdown(
            options=list(zip(c.labels, c.values, strict=True)),
            value=c.values[c.index],
            description=c.label,
            style={"description_width": "initial"},
        )
    return ipywidgets.SelectionSlider(
        options=list(zip(c.labels, c.values, strict=True)),
        value=c.values[c.index],
        description=c.label,
        continuous_update=True,
        style={"description_width": "initial"},
        layout={"width": "min(100%, 420px)"},
    )


def _step_slider(c) -> ipywidgets.IntSlider:
    """An animation's step control: an integer slider over the step indices."""
    return ipywidgets.IntSlider(
        value=c.index,
        min=0,
        max=len(c) - 1,
        step=1,
        description=c.label,
        continuous_update=True,
        style={"description_width": "initial"},
    )


def _play_and_slider(anim) -> list:
    """An animation's control row: a ``Play`` button linked to its step slider."""
    c = anim.controls[0]
    slider = anim._live_controls[c.name]
    anim.play = ipywidgets.Play(
        value=slider.value,
        min=0,
        max=len(c) - 1,
        step=1,
        interval=anim.interval,
        description="play",
    )
    ipywidgets.jslink((anim.play, "value"), (slider, "value"))
    return [anim.play, slider]


class _LiveFace:
    """The live face of a figure core (mixed into the public figure classes)."""

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

    def _make_live(self, c):
        return _live_widget(c)
