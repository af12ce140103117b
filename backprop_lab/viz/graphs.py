r"""Computational graphs: a :class:`~backprop_lab.autodiff.Value`'s nodes and edges, drawn.

* :func:`graph_layout`: a layered left-to-right layout computed in Python from the graph
  itself (:meth:`Value.graph <backprop_lab.autodiff.Value.graph>`), no graphviz or other
  system program: inputs on the left, the output on the right, every operation one layer
  right of its deepest input, and within a layer an order that keeps edges short.
* :func:`plot_graph`: one box per node with its name (label and operation), its value
  and its gradient; one arrow per edge (two for ``a * a``); options to highlight nodes
  and edges, to write each edge's local derivative :math:`\partial z/\partial x` on it or
  a text of your own, and to mark gradients as wrong.

The plot reads the graph (values, gradients, local derivatives); it computes no
gradient. First used in chapter "The chain rule on a computational graph".
"""

from __future__ import annotations

import math

from matplotlib.axes import Axes
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from backprop_lab.autodiff import Value
from backprop_lab.viz._checks import _get_ax
from backprop_lab.viz.style import PALETTE

__all__ = ["graph_layout", "plot_graph"]

#: a node's box, in layout units (layers are 1 apart, rows 1 apart)
_BOX_W, _BOX_H = 0.66, 0.62


def _check_root(root, who: str) -> None:
    if not isinstance(root, Value):
        raise TypeError(
            f"{who} expected the output Value of an expression (its graph is drawn), got "
            f"{type(root).__name__}."
        )


def graph_layout(root: Value, *, n_sweeps: int = 4) -> dict:
    """Positions ``{node: (x, y)}`` for drawing the graph of ``root`` from left to right.

    The layer (``x``) of an operation is one more than the largest layer of its inputs;
    a leaf (input, weight, constant) sits one layer left of the first operation that uses
    it, so it is drawn next to it. Within a layer the nodes are ordered by the mean row of
    their neighbours (a few sweeps right and left, the barycentre heuristic), then centred
    on ``y = 0`` one unit apart; the output is at the largest ``x``.

    Parameters
    ----------
    root : Value
    n_sweeps : int, default 4
        Ordering sweeps (each one right then left).

    Returns
    -------
    dict of Value to (float, float)

    Examples
    --------
    >>> x, y, z = Value(-2.0), Value(5.0), Value(-4.0)
    >>> f = (x + y) * z
    >>> pos = graph_layout(f)
    >>> pos[x][0], pos[f][0], pos[z][0]
    (0.0, 2.0, 1.0)
    """
    _check_root(root, "graph_layout")
    nodes, edges = root.graph()
    layer: dict = {}
    for v in nodes:  # inputs first: a node's inputs have their layers
        layer[v] = 1 + max((layer[c] for c in v.children), default=-1)
    users: dict = {v: [] for v in nodes}
    for c, p in edges:
        users[c].append(p)
    for v in nodes:
        if not v.children and users[v]:
            layer[v] = min(layer[p] for p in users[v]) - 1
    shift = min(layer.values())
    layers: dict = {}
    for v in nodes:
        layers.setdefault(layer[v] - shift, []).append(v)
    row = {v: float(i) for members in layers.values() for i, v in enumerate(members)}
    neighbours: dict = {v: list(v.children) + users[v] for v in nodes}
    order = sorted(layers)
    for _ in range(n_sweeps):
        for k in order + order[::-1]:
            members = layers[k]
            def key(v, k=k):
                near = [row[u] for u in neighbours[v] if layer[u] - shift != k]
                return (sum(near) / len(near) if near else row[v], row[v])
            members.sort(key=key)
            for i, v in enumerate(members):
                row[v] = float(i)
    pos = {}
    for k, members in layers.items():
        mid = (len(members) - 1) / 2
        for i, v in enumerate(members):
            pos[v] = (float(k), float(mid - i))
    return pos


def _name(v: Value) -> str:
    if v.op == "**":
        op = f"**{v.exponent:g}"
    else:
        op = v.op
    if v.label and op:
        return f"{v.label} = {op}"
    return v.label or op or "const"


def plot_graph(
    root: Value,
    *,
    ax: Axes | None = None,
    layout: dict | None = None,
    show_grad: bool = True,
    grads: dict | None = None,
    grad_label: str = "grad",
    highlight=(),
    highlight_edges=(),
    edge_labels=None,
    wrong=(),
    fmt: str = "{:.4g}",
    fontsize: float = 9.0,
    title: str | None = None,
    xlim: tuple | None = None,
    ylim: tuple | None = None,
) -> Axes:
    r"""Draw the computational graph of ``root``: each node's name, value and gradient.

    Chapter "The chain rule on a computational graph". Each node is a box with its
    ``label`` and operation on the first line (``"q = +"``; a leaf shows its label or
    ``const``), ``data`` on the second and ``grad`` on the third; each edge an arrow from
    an input to the operation that uses it, in the direction the forward pass runs.

    Parameters
    ----------
    root : Value
        The output; its whole graph is drawn.
    ax : matplotlib Axes, optional
        A new figure is made when not given.
    layout : dict of Value to (x, y), optional
        Node positions, e.g. from :func:`graph_layout` computed once for all frames of an
        animation; by default :func:`graph_layout` ``(root)``.
    show_grad : bool, default True
        Write each node's ``grad`` (leave it out before a backward pass).
    grads : dict of Value to float, optional
        The numbers to write on the third line instead of ``node.grad``, e.g. the
        gradients known so far in the middle of a sweep, or forward-mode tangents; a
        node missing from the dict shows a dash.
    grad_label : str, default "grad"
        The name written before them (``"tangent"`` for forward mode).
    highlight : iterable of Value
        Nodes drawn with a thick orange border (the node being visited).
    highlight_edges : iterable of (Value, Value)
        ``(child, parent)`` edges drawn thick and vermillion.
    edge_labels : None, "local", or dict of (Value, Value) to str
        ``"local"`` writes each edge's local derivative :math:`\partial z/\partial x`
        (``parent.local_derivatives()``); a dict writes its own text on the edges it
        names (for an edge drawn twice, as in ``a * a``, on both).
    wrong : iterable of Value
        Nodes whose gradient is wrong: their grad line is marked with a cross and the box
        gets a dashed vermillion border.
    fmt : str, default "{:.4g}"
        Format of values, gradients and local derivatives.
    fontsize : float, default 9
    title : str, optional
    xlim, ylim : (float, float), optional
        The limits in layout units (layers are 1 apart, rows 1 apart); by default half a
        unit around the nodes. Give the same span to several graphs (the frames of one
        figure) so that their boxes and text have the same size.

    Returns
    -------
    Axes

    Raises
    ------
    TypeError
        If ``root`` is not a Value.
    ValueError
        If ``layout`` misses a node of the graph, or ``edge_labels`` is not one of the
        allowed forms.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> x, y, z = Value(-2.0, label="x"), Value(5.0, label="y"), Value(-4.0, label="z")
    >>> f = (x + y) * z
    >>> f.label = "f"
    >>> f.backward()
    >>> ax = plot_graph(f, ax=Figure().subplots(), edge_labels="local")
    >>> len(ax.patches)                 # 5 boxes and 4 arrows
    9
    """
    _check_root(root, "plot_graph")
    nodes, edges = root.graph()
    pos = graph_layout(root) if layout is None else layout
    missing = [v for v in nodes if v not in pos]
    if missing:
        raise ValueError(
            f"plot_graph: layout has no position for {len(missing)} node(s) of the graph "
            f"(e.g. {_name(missing[0])!r}). Compute it from this graph: graph_layout(root)."
        )
    if edge_labels is not None and edge_labels != "local" and not isinstance(edge_labels, dict):
        raise ValueError(
            "plot_graph expected edge_labels to be None, 'local' or a dict {(child, parent): "
            f"text}}, got {edge_labels!r}."
        )
    ax = _get_ax(ax)
    hot = set(highlight)
    hot_edges = set(highlight_edges)
    bad = set(wrong)
    black, orange, red = PALETTE["black"], PALETTE["orange"], PALETTE["vermillion"]

    # edges first (under the boxes); repeated edges (a * a) bend apart
    seen: dict = {}
    for c, p in edges:
        k = seen.get((c, p), 0)
        seen[(c, p)] = k + 1
        n_same = sum(1 for e in edges if e == (c, p))
        (x0, y0), (x1, y1) = pos[c], pos[p]
        if n_same > 1:
            rad = 0.25 if k == 0 else -0.25
        elif x1 - x0 > 1.5:  # an edge that skips a layer bows around its boxes
            rad = -0.25 if y0 >= y1 else 0.25
        else:
            rad = 0.0
        is_hot = (c, p) in hot_edges
        ax.add_artist(FancyArrowPatch(
            (x0 + _BOX_W / 2, y0), (x1 - _BOX_W / 2, y1),
            arrowstyle="-|>", mutation_scale=10, shrinkA=0, shrinkB=0,
            connectionstyle=f"arc3,rad={rad}", linewidth=2.6 if is_hot else 1.0,
            color=red if is_hot else "0.45", zorder=1,
        ))
        text = None
        if edge_labels == "local":
            i = [j for j, ch in enumerate(p.children) if ch is c][k]
            text = fmt.format(p.local_derivatives()[i])
        elif isinstance(edge_labels, dict):
            text = edge_labels.get((c, p))
        if text:
            # the middle of the arrow (of the arc: matplotlib's arc3 bends by rad), moved
            # a little to the left of the direction of travel, off the line
            dx, dy = x1 - x0, y1 - y0
            norm = math.hypot(dx, dy)
            xm = (x0 + x1) / 2 + rad * dy / 2 - 0.07 * dy / norm
            ym = (y0 + y1) / 2 - rad * dx / 2 + 0.07 * dx / norm
            ax.text(xm, ym, text, ha="center", va="center", fontsize=fontsize - 1,
                    color=red if is_hot else black, zorder=4)

    for v in nodes:
        x, y = pos[v]
        is_hot, is_bad = v in hot, v in bad
        ax.add_artist(FancyBboxPatch(
            (x - _BOX_W / 2, y - _BOX_H / 2), _BOX_W, _BOX_H,
            boxstyle="round,pad=0.0,rounding_size=0.06",
            facecolor="#FFF4DC" if is_hot else ("#EAF3FA" if v.children else "white"),
            edgecolor=orange if is_hot else (red if is_bad else black),
            linewidth=2.6 if is_hot else (1.8 if is_bad else 0.9),
            linestyle="--" if is_bad and not is_hot else "-", zorder=2,
        ))
        lines = [_name(v), "data " + fmt.format(v.data)]
        if show_grad:
            if grads is None:
                g = fmt.format(v.grad)
            else:
                g = fmt.format(grads[v]) if v in grads else "–"
            lines.append(f"{grad_label} {g}" + (" ✗" if is_bad else ""))
        ax.text(x, y, "\n".join(lines), ha="center", va="center", fontsize=fontsize,
                linespacing=1.25, zorder=3, color=red if is_bad else black)

    xs = [pos[v][0] for v in nodes]
    ys = [pos[v][1] for v in nodes]
    ax.set_xlim(xlim if xlim is not None else (min(xs) - 0.5, max(xs) + 0.5))
    ax.set_ylim(ylim if ylim is not None else (min(ys) - 0.5, max(ys) + 0.5))
    ax.set_axis_off()
    if title:
        ax.set_title(title, fontsize=fontsize + 1)
    return ax
