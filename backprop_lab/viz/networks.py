r"""Networks drawn as layers of units joined by weighted edges.

* :func:`plot_network`: a fully connected network left to right, one column of nodes per
  layer; each edge's width and style show the size and sign of a number attached to it
  (the weight :math:`W_{ij}` from unit :math:`i` of one layer to unit :math:`j` of the
  next, or its gradient :math:`\partial L/\partial W_{ij}`), and each node can carry a
  number (an activation, a delta).

The arrays are the library's own: ``weights[k]`` has the shape ``(n_in, n_out)`` of the
``k``-th :class:`~backprop_lab.layers.Dense` layer's ``W`` (rows are inputs), so
``[layer.params["W"] for layer in net.layers if layer.params]`` or the matching ``grads``
can be passed as they are.

First used in chapters "Neurons, layers and the forward pass" and "Backpropagation, layer
by layer".
"""

from __future__ import annotations

import numbers

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.lines import Line2D

from backprop_lab.viz._checks import _as_float_array, _get_ax
from backprop_lab.viz.style import PALETTE

__all__ = ["plot_network"]

#: edge colours and styles by sign: told apart by style as well as colour
_POSITIVE = {"color": PALETTE["blue"], "linestyle": "-"}
_NEGATIVE = {"color": PALETTE["vermillion"], "linestyle": (0, (4, 2))}
_UNKNOWN = {"color": "#BBBBBB", "linestyle": "-"}
_MIN_WIDTH, _MAX_WIDTH = 0.4, 5.0


def _check_sizes(sizes, who: str) -> list[int]:
    ok = isinstance(sizes, list | tuple) and len(sizes) >= 2 and all(
        isinstance(s, numbers.Integral) and not isinstance(s, bool) and 1 <= s <= 32
        for s in sizes
    )
    if not ok:
        raise ValueError(
            f"{who} expected sizes to be a list of at least two layer widths from 1 to 32, "
            f"e.g. [2, 3, 1] (inputs, hidden units, outputs); got {sizes!r}."
        )
    return [int(s) for s in sizes]


def _check_per_layer(arrays, name: str, shapes: list[tuple], who: str) -> list:
    """``arrays`` as a list of float arrays (or None) with the given shapes."""
    if arrays is None:
        return [None] * len(shapes)
    if not isinstance(arrays, list | tuple) or len(arrays) != len(shapes):
        n = len(arrays) if isinstance(arrays, list | tuple) else type(arrays).__name__
        raise ValueError(
            f"{who} expected {name} to be a list of {len(shapes)} arrays (or None for one "
            f"not to show), shapes {shapes}; got {n}."
        )
    out = []
    for k, (a, shape) in enumerate(zip(arrays, shapes, strict=True)):
        if a is None:
            out.append(None)
            continue
        arr = _as_float_array(a, f"{name}[{k}]", who)
        if arr.shape != shape:
            hint = (" Rows are inputs: pass W as the Dense layer holds it, (n_in, n_out)."
                    if name == "weights" and arr.shape == shape[::-1] else "")
            raise ValueError(
                f"{who} expected {name}[{k}] of shape {shape}, got {arr.shape}.{hint}"
            )
        if not np.isfinite(arr).all():
            raise ValueError(f"{who}: {name}[{k}] holds NaN or infinity; it cannot be drawn.")
        out.append(arr)
    return out


def _positions(sizes: list[int]) -> list[np.ndarray]:
    """The (x, y) of every node: layer ``k`` at ``x = k``, its units centred on ``y = 0``."""
    return [np.column_stack([np.full(s, float(k)), (s - 1) / 2 - np.arange(s, dtype=float)])
            for k, s in enumerate(sizes)]


def plot_network(
    sizes,
    *,
    ax=None,
    weights=None,
    node_values=None,
    layer_labels=None,
    highlight=None,
    max_abs: float | None = None,
    fmt: str = "{:.2g}",
    legend: bool = False,
) -> Axes:
    r"""Draw a fully connected network with ``sizes[k]`` units in layer ``k``.

    Parameters
    ----------
    sizes : list of int
        Units per layer, inputs first: ``[2, 3, 1]`` is two inputs, three hidden units, one
        output.
    weights : list of arrays, optional
        ``weights[k]`` of shape ``(sizes[k], sizes[k + 1])``: the number on the edge from unit
        ``i`` of layer ``k`` to unit ``j`` of layer ``k + 1`` (a weight, or its gradient).
        Width grows with ``|w| / max_abs``; positive edges are solid blue, negative ones
        dashed vermillion. ``None`` (for the list or one entry) draws thin grey edges.
    node_values : list of 1-D arrays, optional
        ``node_values[k]`` of shape ``(sizes[k],)``, written in the nodes with ``fmt``.
    layer_labels : list of str, optional
        A caption under each column, e.g. ``["X (2)", "hidden (3)", "ŷ (1)"]``.
    highlight : int or list of int, optional
        Layers drawn emphasized (filled yellow, thick outline): the step a frame is at.
    max_abs : float, optional
        The ``|w|`` drawn at full width. Fix it across the frames of a player so widths
        compare; by default the largest ``|w|`` shown.
    legend : add a legend saying what solid and dashed edges mean.

    >>> from matplotlib.figure import Figure
    >>> W1, W2 = np.array([[1.0, -2.0], [0.5, 0.0]]), np.array([[3.0], [-1.0]])
    >>> ax = plot_network([2, 2, 1], weights=[W1, W2], ax=Figure().subplots(),
    ...                   node_values=[None, np.array([0.5, -1.0]), None])
    >>> from matplotlib.collections import LineCollection
    >>> sum(len(c.get_segments()) for c in ax.collections if isinstance(c, LineCollection))
    6
    """
    who = "plot_network()"
    ax = _get_ax(ax)
    sizes = _check_sizes(sizes, who)
    L = len(sizes)
    weights = _check_per_layer(weights, "weights",
                               [(sizes[k], sizes[k + 1]) for k in range(L - 1)], who)
    node_values = _check_per_layer(node_values, "node_values", [(s,) for s in sizes], who)
    if layer_labels is not None and (
        not isinstance(layer_labels, list | tuple) or len(layer_labels) != L
        or not all(isinstance(t, str) for t in layer_labels)
    ):
        raise ValueError(
            f"{who} expected layer_labels to be a list of {L} strings, one per layer; "
            f"got {layer_labels!r}."
        )
    lit = [] if highlight is None else [highlight] if np.ndim(highlight) == 0 else highlight
    for k in lit:
        if isinstance(k, bool) or not isinstance(k, numbers.Integral) or not 0 <= k < L:
            raise ValueError(
                f"{who} expected highlight to be a layer index from 0 to {L - 1} (or a list "
                f"of them), got {highlight!r}."
            )
    shown = [np.abs(w).max() for w in weights if w is not None and w.size]
    if max_abs is None:
        max_abs = max(shown) if shown and max(shown) > 0 else 1.0
    elif not (isinstance(max_abs, numbers.Real) and np.isfinite(max_abs) and max_abs > 0):
        raise ValueError(f"{who} expected max_abs to be a positive number, got {max_abs!r}.")

    if not isinstance(fmt, str) or fmt.format(-1.5) == fmt:
        raise ValueError(f"{who} expected fmt to be a format string such as '{{:.2g}}', "
                         f"got {fmt!r}.")

    pos = _positions(sizes)
    for look, keep in ((_UNKNOWN, None), (_POSITIVE, True), (_NEGATIVE, False)):
        segments, widths = [], []
        for k, W in enumerate(weights):
            for i in range(sizes[k]):
                for j in range(sizes[k + 1]):
                    if (W is None) != (keep is None) or (
                        W is not None and (W[i, j] >= 0) != keep
                    ):
                        continue
                    segments.append([pos[k][i], pos[k + 1][j]])
                    size = 0.0 if W is None else min(abs(W[i, j]) / max_abs, 1.0)
                    widths.append(_MIN_WIDTH + (_MAX_WIDTH - _MIN_WIDTH) * size)
        ax.add_collection(LineCollection(segments, linewidths=widths, colors=look["color"],
                                         linestyles=[look["linestyle"]], zorder=1))
    for k, P in enumerate(pos):
        lit_k = k in lit
        ax.scatter(P[:, 0], P[:, 1], s=620, zorder=3,
                   color=PALETTE["yellow"] if lit_k else "white",
                   edgecolors=PALETTE["black"], linewidths=2.2 if lit_k else 1.0)
        if node_values[k] is not None:
            for (x, y), v in zip(P, node_values[k], strict=True):
                ax.text(x, y, fmt.format(v), ha="center", va="center", fontsize=7.5, zorder=4)
    top = (max(sizes) - 1) / 2
    if layer_labels is not None:
        for k, text in enumerate(layer_labels):
            ax.text(k, -top - 0.75, text, ha="center", va="top", fontsize=9)
    if legend:
        ax.legend(handles=[Line2D([], [], lw=2, label="positive", **_POSITIVE),
                           Line2D([], [], lw=2, label="negative", **_NEGATIVE)],
                  loc="upper center", ncols=2, fontsize="small", frameon=False,
                  bbox_to_anchor=(0.5, 1.08))
    ax.set_xlim(-0.5, L - 0.5)
    ax.set_ylim(-top - (1.5 if layer_labels is not None else 0.6), top + 0.6)
    ax.set_axis_off()
    return ax
