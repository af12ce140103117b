r"""Plot functions for the book: arrays in, axes out.

Every function here takes plain numpy arrays (computed elsewhere, by the core or by a
chapter cell) and an optional matplotlib ``ax``; it draws and returns the axes. None of
them computes a gradient, trains anything, or calls ``plt.show()``; when ``ax`` is not
given a new figure is made with ``matplotlib.pyplot.subplots`` (so that a chapter cell
can write ``viz.plot_loss_curves(history)`` and see the figure).

Colours come from one module-level palette, :data:`PALETTE` (Okabe and Ito's
colour-blind-safe set), and successive lines also differ by line style and marker
(:data:`LINESTYLES`, :data:`MARKERS`), so every figure stays readable in greyscale.

The package is grouped by the kind of thing a figure draws; a module per kind:

* :mod:`~backprop_lab.viz.style`: the palette, :func:`style`, :func:`value_badge`, fixed
  (log) axes and ticks (:func:`fixed_ticks`, :func:`log_axis`);
* :mod:`~backprop_lab.viz.curves`: loss curves, learning-rate sweeps, schedules;
* :mod:`~backprop_lab.viz.landscapes`: loss surfaces and optimizer trajectories;
* :mod:`~backprop_lab.viz.classifiers`: data points, decision regions, a unit's output over
  the input plane (one unit, or a tile per unit);
* :mod:`~backprop_lab.viz.networks`: networks drawn as layers of units joined by weighted
  edges;
* :mod:`~backprop_lab.viz.graphs`: computational graphs of a ``Value`` (:func:`plot_graph`,
  :func:`graph_layout`);
* :mod:`~backprop_lab.viz.diagrams`: the learning loop as a cycle of boxes, and named arrays
  as heat maps with those a step reads and writes framed (:func:`plot_learning_loop`,
  :func:`plot_cycle`, :func:`plot_arrays`);
* :mod:`~backprop_lab.viz.arrays`: arrays drawn as grids of cells with their names and
  shapes, joined by operators (a layer's ``X @ W + b``);
* :mod:`~backprop_lab.viz.losses`: loss functions and their gradients against one input;
* ``_checks``: the input checks they share (private).

A new kind of figure gets a new module of at most about 600
lines; every public function is re-exported here, so a chapter writes
``viz.plot_loss_curves(...)`` whatever module it lives in. ``viz`` imports the numpy core
and matplotlib, never :mod:`backprop_lab.widgets` or ipywidgets.

Used in every chapter; first in "The learning rate" (gradient descent on a quadratic
bowl: :func:`plot_loss_surface` + :func:`plot_trajectory` beside :func:`plot_loss_curves`,
:func:`plot_lr_sweep` and :func:`plot_schedules`).

Examples
--------
>>> import numpy as np
>>> from matplotlib.figure import Figure
>>> from backprop_lab import viz
>>> w1, w2 = np.meshgrid(np.linspace(-2, 2, 41), np.linspace(-2, 2, 41))
>>> L = 0.5 * (w1**2 + 10 * w2**2)
>>> ax = Figure().subplots()
>>> ax = viz.plot_loss_surface(w1, w2, L, ax=ax)
>>> path = np.array([[1.5, 1.0], [1.2, -0.5], [0.9, 0.3], [0.7, -0.1]])
>>> ax = viz.plot_trajectory(path, ax=ax, label="lr = 0.15")
>>> [float(v) for v in ax.get_xlim()]  # the surface's limits are kept
[-2.0, 2.0]
"""

from __future__ import annotations

from backprop_lab.viz.arrays import plot_array_equation
from backprop_lab.viz.classifiers import (
    plot_decision_regions,
    plot_field,
    plot_field_tiles,
    plot_points,
)
from backprop_lab.viz.curves import plot_loss_curves, plot_lr_sweep, plot_schedules
from backprop_lab.viz.diagrams import LEARNING_LOOP, plot_arrays, plot_cycle, plot_learning_loop
from backprop_lab.viz.graphs import graph_layout, plot_graph
from backprop_lab.viz.landscapes import plot_loss_surface, plot_trajectory
from backprop_lab.viz.losses import mark_inputs, plot_loss_functions
from backprop_lab.viz.networks import plot_network
from backprop_lab.viz.style import (
    COLORS,
    LINESTYLES,
    MARKERS,
    PALETTE,
    SURFACE_CMAP,
    ZERO_LABEL,
    fixed_ticks,
    log_axis,
    style,
    value_badge,
)

__all__ = [
    "PALETTE",
    "COLORS",
    "LINESTYLES",
    "MARKERS",
    "SURFACE_CMAP",
    "style",
    "plot_loss_surface",
    "plot_trajectory",
    "plot_loss_curves",
    "plot_lr_sweep",
    "plot_schedules",
    "plot_points",
    "plot_decision_regions",
    "plot_field",
    "plot_field_tiles",
    "plot_array_equation",
    "plot_network",
    "graph_layout",
    "plot_graph",
    "plot_loss_functions",
    "mark_inputs",
    "value_badge",
    "fixed_ticks",
    "log_axis",
    "ZERO_LABEL",
    "LEARNING_LOOP",
    "plot_cycle",
    "plot_learning_loop",
    "plot_arrays",
]
