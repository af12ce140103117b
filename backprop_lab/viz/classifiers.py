r"""Classifiers in the input plane: data points, decision regions, a unit's output.

* :func:`plot_points`: two-dimensional samples, one colour and marker per class.
* :func:`plot_decision_regions`: what a classifier predicts at every point of a rectangle
  of the plane, with its decision boundary (probability :math:`\tfrac12` for two classes).
* :func:`plot_field`: any scalar function of the plane (one hidden unit's activation, a
  pre-activation :math:`z = x w + b`), as a heat map with fixed colour limits.
* :func:`plot_field_tiles`: several such functions side by side in one axes, e.g. every
  hidden unit of a layer, each tile in its unit's colour; a fixed number of tile slots
  keeps the tiles' size when the number of units changes from frame to frame.

The model is passed as a function from an ``(m, 2)`` array of points (rows are samples, as
everywhere in the book) to its outputs, e.g. ``net.predict`` or
``lambda P: net.layers[0].forward(P)[:, 0]``; the plot evaluates it on a grid of ``n x n``
points and draws. Nothing here trains or differentiates.

First used in chapters "The learning loop" and "Neurons, layers and the forward pass".
"""

from __future__ import annotations

import numbers

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import PatchCollection
from matplotlib.colors import LinearSegmentedColormap, ListedColormap, to_rgb
from matplotlib.patches import Rectangle

from backprop_lab.viz._checks import _as_float_array, _check_cmap, _get_ax
from backprop_lab.viz.style import PALETTE, style

__all__ = ["plot_points", "plot_decision_regions", "plot_field", "plot_field_tiles"]


def _light(color: str, amount: float = 0.6) -> tuple[float, float, float]:
    """``color`` mixed with white (``amount`` of white): a background shade of it."""
    r, g, b = to_rgb(color)
    return (r + (1 - r) * amount, g + (1 - g) * amount, b + (1 - b) * amount)


#: class 0 (blue) ... white ... class 1 (orange): the probability of class 1 as a shade
_BINARY_CMAP = LinearSegmentedColormap.from_list(
    "bpl_binary", [_light(style(0)["color"], 0.45), (1, 1, 1), _light(style(1)["color"], 0.45)]
)
#: the same shades as a colormap of its own, for a probability drawn elsewhere (an array's cells)
PROBABILITY_CMAP = _BINARY_CMAP
#: a signed quantity (a pre-activation, a tanh unit): blue below 0, orange above
FIELD_CMAP = LinearSegmentedColormap.from_list(
    "bpl_signed", [style(0)["color"], (1, 1, 1), style(1)["color"]]
)


def _check_extent(extent, who: str) -> tuple[float, float, float, float]:
    hint = "Pass extent=(x_min, x_max, y_min, y_max), e.g. extent=(-1.5, 2.5, -1.0, 1.5)."
    arr = _as_float_array(extent, "extent", who)
    if arr.shape != (4,) or not np.isfinite(arr).all():
        raise ValueError(f"{who} expected extent to be 4 finite numbers, got {extent!r}. {hint}")
    x0, x1, y0, y1 = (float(v) for v in arr)
    if not (x0 < x1 and y0 < y1):
        raise ValueError(
            f"{who} expected x_min < x_max and y_min < y_max in extent, got {extent!r}. {hint}"
        )
    return x0, x1, y0, y1


def _check_n(n, who: str) -> int:
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or not 2 <= n <= 1000:
        raise ValueError(
            f"{who} expected n (grid points per side) to be an integer from 2 to 1000, "
            f"got {n!r}. The default n=61 is smooth enough for a small figure."
        )
    return int(n)


def _grid(extent, n: int):
    """The ``n x n`` grid over ``extent``: its coordinates and the points as rows."""
    x0, x1, y0, y1 = extent
    xx, yy = np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n))
    return xx, yy, np.column_stack([xx.ravel(), yy.ravel()])


def _evaluate(f, points: np.ndarray, name: str, who: str) -> np.ndarray:
    """``f(points)`` as a float array with one row per point, or a clear error."""
    if not callable(f):
        raise TypeError(
            f"{who} expected {name} to be a function of an (m, 2) array of points, got "
            f"{type(f).__name__}. Pass e.g. net.predict, or lambda P: net.forward(P)[:, 0]."
        )
    out = _as_float_array(f(points), f"the output of {name}", who)
    m = len(points)
    if out.ndim == 0 or out.shape[0] != m or out.ndim > 2:
        raise ValueError(
            f"{who} expected {name} to return one row per point, shape ({m},) or ({m}, k), "
            f"for {m} points; got shape {out.shape}. Rows are samples: the function gets "
            f"an ({m}, 2) array."
        )
    if not np.isfinite(out).all():
        raise ValueError(
            f"{who}: {name} returned NaN or infinity at {int((~np.isfinite(out)).sum())} of "
            f"the grid's points. Check the model's parameters (e.g. net.check_parameters_finite())."
        )
    return out


def plot_points(X, y, *, ax=None, size: float = 16, legend: bool = True) -> Axes:
    """Scatter two-dimensional samples ``X`` coloured and marked by their class ``y``.

    Parameters
    ----------
    X : array of shape (n_samples, 2)
    y : array of shape (n_samples,) or (n_samples, 1)
        Integer class labels 0, 1, ... (0/1 floats for two classes also work).
    size : marker area in points squared.
    legend : add a legend entry "class c" per class.

    >>> from matplotlib.figure import Figure
    >>> X = np.array([[0.0, 0.0], [1.0, 1.0], [0.0, 1.0]])
    >>> ax = plot_points(X, np.array([0, 1, 1]), ax=Figure().subplots())
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['class 0', 'class 1']
    """
    who = "plot_points()"
    ax = _get_ax(ax)
    X = _as_float_array(X, "X", who)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(
            f"{who} expected X of shape (n_samples, 2): points of the plane, rows are samples; "
            f"got shape {X.shape}."
        )
    labels = _as_float_array(y, "y", who).reshape(-1) if np.ndim(y) else None
    if labels is None or len(labels) != len(X):
        got = np.shape(y)
        raise ValueError(
            f"{who} expected y to hold one class label per row of X ({len(X)}), got shape {got}."
        )
    if not np.array_equal(labels, np.round(labels)) or (labels < 0).any():
        raise ValueError(
            f"{who} expected y to be class labels 0, 1, 2, ..., got values such as "
            f"{labels[(labels != np.round(labels)) | (labels < 0)][:3]}. For probabilities, "
            f"threshold them first: (P > 0.5).astype(int)."
        )
    for c in np.unique(labels).astype(int):
        st = style(int(c))
        rows = labels == c
        ax.scatter(X[rows, 0], X[rows, 1], s=size, color=st["color"], marker=st["marker"],
                   edgecolors="white", linewidths=0.4, zorder=3,
                   label=f"class {c}" if legend else None)
    if legend:
        ax.legend(loc="upper right", fontsize="small", framealpha=0.85)
    return ax


def plot_decision_regions(
    predict,
    extent,
    *,
    ax=None,
    n: int = 61,
    X=None,
    y=None,
    size: float = 16,
    legend: bool = True,
) -> Axes:
    r"""Shade what ``predict`` says at every point of ``extent``; draw the boundary.

    Two classes (``predict`` returns ``(m,)`` or ``(m, 1)`` probabilities of class 1): the
    probability as a shade from blue (class 0, :math:`p = 0`) through white to orange
    (class 1, :math:`p = 1`), and the decision boundary :math:`p = \tfrac12` as a black
    line. More classes (``(m, C)`` probabilities, rows summing to 1): each point coloured
    by its most probable class, the class colours of :func:`plot_points`.

    Parameters
    ----------
    predict : function from an ``(m, 2)`` array of points to probabilities, e.g.
        ``net.predict`` of a network ending in a sigmoid or softmax.
    extent : ``(x_min, x_max, y_min, y_max)``, the rectangle shown; also the axes' limits.
    n : grid points per side (``n * n`` evaluations).
    X, y : optional samples drawn on top with :func:`plot_points`.

    >>> from matplotlib.figure import Figure
    >>> p = lambda P: 1 / (1 + np.exp(-(P[:, 0] - P[:, 1])))   # boundary: the diagonal
    >>> ax = plot_decision_regions(p, (-1, 1, -1, 1), ax=Figure().subplots(), n=21)
    >>> len(ax.images), [float(v) for v in ax.get_xlim()]
    (1, [-1.0, 1.0])
    """
    who = "plot_decision_regions()"
    ax = _get_ax(ax)
    extent = _check_extent(extent, who)
    n = _check_n(n, who)
    xx, yy, points = _grid(extent, n)
    P = _evaluate(predict, points, "predict", who)
    if P.ndim == 2 and P.shape[1] == 1:
        P = P[:, 0]
    if P.ndim == 1 or P.shape[1] == 1:
        if P.min() < -1e-9 or P.max() > 1 + 1e-9:
            raise ValueError(
                f"{who} expected probabilities of class 1 in [0, 1] from predict, got values "
                f"from {P.min():.3g} to {P.max():.3g}. End the network with a sigmoid, or pass "
                f"lambda P: 1 / (1 + np.exp(-net.predict(P))) for a network that outputs logits."
            )
        grid = P.reshape(n, n)
        ax.imshow(grid, extent=extent, origin="lower", cmap=_BINARY_CMAP, vmin=0, vmax=1,
                  aspect="auto", interpolation="bilinear", zorder=0)
        if grid.min() < 0.5 < grid.max():
            ax.contour(xx, yy, grid, levels=[0.5], colors=PALETTE["black"], linewidths=1.5,
                       zorder=2)
    else:
        C = P.shape[1]
        if P.min() < -1e-9 or np.abs(P.sum(axis=1) - 1).max() > 1e-6:
            raise ValueError(
                f"{who} expected predict to return class probabilities, rows of {C} "
                f"non-negative numbers summing to 1; got row sums from "
                f"{P.sum(axis=1).min():.3g} to {P.sum(axis=1).max():.3g}. End the network "
                f"with a softmax (e.g. net.predict of a SoftmaxCrossEntropy classifier)."
            )
        cmap = ListedColormap([_light(style(c)["color"]) for c in range(C)])
        ax.imshow(P.argmax(axis=1).reshape(n, n), extent=extent, origin="lower", cmap=cmap,
                  vmin=-0.5, vmax=C - 0.5, aspect="auto", interpolation="nearest", zorder=0)
    if X is not None or y is not None:
        if X is None or y is None:
            raise ValueError(f"{who} expected both X and y (the samples to draw), or neither.")
        plot_points(X, y, ax=ax, size=size, legend=legend)
    ax.set_xlim(extent[0], extent[1])
    ax.set_ylim(extent[2], extent[3])
    return ax


def plot_field(
    f,
    extent,
    *,
    ax=None,
    n: int = 61,
    vmin: float | None = None,
    vmax: float | None = None,
    level: float | None = None,
    cmap=FIELD_CMAP,
) -> Axes:
    r"""Draw a scalar function of the plane, ``f(points)``, as a heat map over ``extent``.

    Meant for what one unit computes: its pre-activation :math:`z = x_1 w_1 + x_2 w_2 + b`
    or its activation :math:`a = \sigma(z)`. The default colours are signed (blue below 0,
    white at 0, orange above); fix ``vmin``/``vmax`` so that frames of a player compare
    (by default they are symmetric about 0 and cover the values). ``level`` adds the
    contour ``f = level`` as a black line (e.g. ``level=0``: the line where a ReLU unit
    switches on).

    >>> from matplotlib.figure import Figure
    >>> ax = plot_field(lambda P: P[:, 0] + P[:, 1], (-1, 1, -1, 1), ax=Figure().subplots(),
    ...                 n=11, level=0.0)
    >>> ax.images[0].get_clim()
    (-2.0, 2.0)
    """
    who = "plot_field()"
    ax = _get_ax(ax)
    extent = _check_extent(extent, who)
    n = _check_n(n, who)
    _check_cmap(cmap, who)
    xx, yy, points = _grid(extent, n)
    F = _evaluate(f, points, "f", who)
    if F.ndim == 2:
        if F.shape[1] != 1:
            raise ValueError(
                f"{who} expected f to return one number per point, shape ({len(points)},), got "
                f"shape {F.shape}. Pick one unit's column, e.g. lambda P: net.forward(P)[:, 0]."
            )
        F = F[:, 0]
    grid = F.reshape(n, n)
    if vmin is None or vmax is None:
        top = float(np.abs(grid).max()) or 1.0
        vmin = -top if vmin is None else vmin
        vmax = top if vmax is None else vmax
    if not (np.isfinite(vmin) and np.isfinite(vmax) and vmin < vmax):
        raise ValueError(f"{who} expected finite vmin < vmax, got vmin={vmin!r}, vmax={vmax!r}.")
    ax.imshow(grid, extent=extent, origin="lower", cmap=cmap, vmin=vmin, vmax=vmax,
              aspect="auto", interpolation="bilinear", zorder=0)
    if level is not None and grid.min() < level < grid.max():
        ax.contour(xx, yy, grid, levels=[level], colors=PALETTE["black"], linewidths=1.2,
                   zorder=2)
    ax.set_xlim(extent[0], extent[1])
    ax.set_ylim(extent[2], extent[3])
    return ax


def plot_field_tiles(
    fs,
    extent,
    *,
    ax=None,
    ncols: int = 3,
    slots: int | None = None,
    n: int = 41,
    vmin: float | None = None,
    vmax: float | None = None,
    level: float | None = None,
    colors=None,
    titles=None,
    cmap=FIELD_CMAP,
) -> Axes:
    r"""Draw several scalar functions of the plane as heat-map tiles in one axes.

    Tile ``k`` shows ``fs[k]`` over ``extent`` as :func:`plot_field` would, e.g. the
    activation :math:`a_k = \max(0, z_k)` of hidden unit ``k`` of a layer. The tiles fill a
    grid of ``ncols`` columns row by row, with room for ``slots`` tiles (default
    ``len(fs)``): give a player's frames the same ``slots`` and the tiles keep their size
    and place while the number of units changes. Every tile shares the colour limits.

    Parameters
    ----------
    fs : list of functions from an ``(m, 2)`` array of points to ``(m,)`` values.
    extent : ``(x_min, x_max, y_min, y_max)``, the rectangle every tile shows.
    ncols : tiles per row.
    slots : the number of tile places (at least ``len(fs)``); empty ones stay blank.
    n : grid points per side of a tile.
    vmin, vmax : colour limits shared by the tiles. Default: with ``colors``, ``0`` to the
        largest value; otherwise symmetric about 0, covering every tile's values.
    level : draw the contour ``f = level`` in every tile (``0``: where a unit switches on).
    colors : optional colour per tile: the tile is shaded from white (``vmin``) to that
        colour (``vmax``), for non-negative outputs such as ReLU units, and framed in it.
        Without ``colors`` every tile uses the signed ``cmap``.
    titles : optional text above each tile (in its colour, if any), e.g. ``"a1"``.

    >>> from matplotlib.figure import Figure
    >>> units = [lambda P: np.maximum(P[:, 0], 0), lambda P: np.maximum(P[:, 1], 0)]
    >>> ax = plot_field_tiles(units, (-1, 1, -1, 1), ax=Figure().subplots(), slots=4,
    ...                       ncols=2, n=11, colors=["#009E73", "#D55E00"])
    >>> len(ax.images), [im.get_clim() for im in ax.images]
    (2, [(0.0, 1.0), (0.0, 1.0)])
    """
    who = "plot_field_tiles()"
    ax = _get_ax(ax)
    if callable(fs) or not isinstance(fs, list | tuple) or not fs:
        raise TypeError(
            f"{who} expected fs to be a non-empty list of functions of an (m, 2) array of "
            f"points, one per tile; got {fs!r}. For one function use plot_field()."
        )
    extent = _check_extent(extent, who)
    n = _check_n(n, who)
    _check_cmap(cmap, who)
    k_tiles = len(fs)
    for name, value, low in (("ncols", ncols, 1), ("slots", slots, k_tiles)):
        if value is None and name == "slots":
            continue
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < low:
            raise ValueError(
                f"{who} expected {name} to be an integer >= {low} (slots: room for all "
                f"{k_tiles} functions), got {value!r}."
            )
    slots = k_tiles if slots is None else int(slots)
    for name, items in (("colors", colors), ("titles", titles)):
        if items is not None and (isinstance(items, str) or not isinstance(items, list | tuple)
                                  or len(items) != k_tiles):
            raise ValueError(f"{who} expected {name} to be a list of {k_tiles} entries, one per "
                             f"function, got {items!r}.")
    xx, yy, points = _grid(extent, n)
    grids = []
    for k, f in enumerate(fs):
        F = _evaluate(f, points, f"fs[{k}]", who)
        if F.ndim == 2 and F.shape[1] == 1:
            F = F[:, 0]
        if F.ndim != 1:
            raise ValueError(f"{who} expected fs[{k}] to return one number per point, got shape "
                             f"{F.shape}. Pick one unit's column, e.g. lambda P: A(P)[:, {k}].")
        grids.append(F.reshape(n, n))
    low = min(float(g.min()) for g in grids)
    high = max(float(np.abs(g).max()) for g in grids) or 1.0
    if vmin is None:
        vmin = 0.0 if colors is not None and low >= 0 else -high
    if vmax is None:
        vmax = high
    if not (np.isfinite(vmin) and np.isfinite(vmax) and vmin < vmax):
        raise ValueError(f"{who} expected finite vmin < vmax, got vmin={vmin!r}, vmax={vmax!r}.")
    x0, x1, y0, y1 = extent
    w, h = x1 - x0, y1 - y0
    gap = 0.12 * max(w, h)
    nrows = -(-slots // ncols)
    frames = []  # drawn as one collection: a patch added alone costs a limits update
    for k, grid in enumerate(grids):
        r, c = divmod(k, ncols)
        dx, dy = c * (w + gap) - x0, -r * (h + 1.6 * gap) - y0   # the tile's shift
        tile = (x0 + dx, x1 + dx, y0 + dy, y1 + dy)
        color = None if colors is None else colors[k]
        tile_cmap = cmap if color is None else LinearSegmentedColormap.from_list(
            "bpl_tile", [(1, 1, 1), to_rgb(color)])
        ax.imshow(grid, extent=tile, origin="lower", cmap=tile_cmap, vmin=vmin, vmax=vmax,
                  aspect="auto", interpolation="bilinear", zorder=0)
        if level is not None and grid.min() < level < grid.max():
            ax.contour(xx + dx, yy + dy, grid, levels=[level], colors=PALETTE["black"],
                       linewidths=1.0, zorder=2)
        frames.append((Rectangle((tile[0], tile[2]), w, h), color or PALETTE["black"],
                       2.0 if color else 0.6))
        if titles is not None:
            ax.text((tile[0] + tile[1]) / 2, tile[3] + 0.1 * gap, str(titles[k]), ha="center",
                    va="bottom", fontsize=9, color=color or PALETTE["black"])
    ax.add_collection(PatchCollection([rect for rect, _, _ in frames], facecolors="none",
                                      edgecolors=[color for _, color, _ in frames],
                                      linewidths=[width for _, _, width in frames], zorder=3))
    ax.set_xlim(-0.05 * w, ncols * (w + gap) - gap + 0.05 * w)
    ax.set_ylim(-(nrows - 1) * (h + 1.6 * gap) - 0.05 * h, h + 0.9 * gap)
    ax.set_aspect("equal")
    ax.set_axis_off()
    return ax
