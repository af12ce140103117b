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

The package, one module per part (a newcomer finds each by its name):

* :mod:`~backprop_lab.widgets.controls`: :class:`Slider` and :class:`Choice`;
* :mod:`~backprop_lab.widgets.core`: the figure core (options, frames drawn on one
  reused figure, the frozen layout, the checks of a draw function, PNG encoding);
* ``_axes_reuse``: resetting the reused axes between frames, and verifying the reset:
  the one module that relies on matplotlib's private attributes (its docstring lists
  them); the counters ``n_axes_reused``/``n_axes_made``/``n_axes_rebuilds`` show whether
  the fast path was taken;
* :mod:`~backprop_lab.widgets.player`: the kernel-free face (HTML, CSS, inline JS);
* :mod:`~backprop_lab.widgets.live`: the live face (ipywidgets; the only module that
  imports it);
* :mod:`~backprop_lab.widgets.figures`: :class:`InteractiveFigure` and
  :class:`Animation`, the core with both faces.

``widgets`` imports the core, :mod:`backprop_lab.viz`, matplotlib and ipywidgets; nothing
below it imports ``widgets``.

First used in chapter "The learning rate"; every chapter's interactive figures are these.
"""

from __future__ import annotations

from backprop_lab.widgets.controls import Choice, Slider
from backprop_lab.widgets.core import MAX_FIGURE_BYTES, MIN_PANEL_PIXELS, base64_png
from backprop_lab.widgets.figures import Animation, InteractiveFigure
from backprop_lab.widgets.live import WIDGET_MIME

__all__ = [
    "Slider",
    "Choice",
    "InteractiveFigure",
    "Animation",
    "WIDGET_MIME",
    "MIN_PANEL_PIXELS",
    "MAX_FIGURE_BYTES",
    "base64_png",
]
