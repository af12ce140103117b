r"""Diagrams of the training process: the learning loop, and the arrays a step touches.

* :func:`plot_cycle`: labelled boxes around a cycle (a ring on a grid), one of them
  highlighted, with an optional arrow back from one box to an earlier one;
  :func:`plot_learning_loop` draws the eight steps of training (:data:`LEARNING_LOOP`).
* :func:`plot_arrays`: named arrays as small heat maps laid out in rows, the ones a step
  writes framed in one colour and the ones it reads in another; a scalar is written as a
  number, an array that does not exist yet as an empty dashed box.

Together they make the step player of chapter "The learning loop": the loop with one
step lit, beside the network's arrays with that step's writes lit.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import matplotlib
import matplotlib.colors as mcolors
import numpy as np
from matplotlib.axes import Axes
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Rectangle

from backprop_lab.viz._checks import _as_float_array, _check_cmap, _get_ax
from backprop_lab.viz.style import PALETTE

__all__ = ["LEARNING_LOOP", "plot_arrays", "plot_cycle", "plot_learning_loop"]

#: The eight steps of training, in order (chapter "The learning loop"), as
#: :func:`plot_learning_loop` labels its boxes (``\n`` breaks a label's lines).
LEARNING_LOOP: tuple[str, ...] = (
    "define the\narchitecture",
    "initialize\nthe weights",
    "forward\npass",
    "compute\nthe error",
    "backward\npass",
    "update\nthe weights",
    "repeat for\nepochs",
    "evaluate\nand tune",
)

_GREY = "0.45"
_BOX_W, _BOX_H = 1.12, 0.62  # a box, in grid units (the columns are 1.35 apart)
_DX, _DY = 1.35, 1.0


def _ring_positions(n: int, ncols: int) -> list[tuple[float, float]]:
    """Grid centres of ``n`` boxes going clockwise round a ring: the top row left to right,
    down the right column, the bottom row right to left, up the left column."""
    side = (n - 2 * ncols) // 2  # boxes in each of the two side columns
    pos = [(c * _DX, 0.0) for c in range(ncols)]
    pos += [((ncols - 1) * _DX, -(r + 1) * _DY) for r in range(side)]
    pos += [(c * _DX, -(side + 1) * _DY) for c in range(ncols - 1, -1, -1)]
    pos += [(0.0, -(r + 1) * _DY) for r in range(side - 1, -1, -1)]
    return pos


def _check_index(value, n: int, name: str, who: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise TypeError(
            f"{who} expected {name} to be a box's index 0..{n - 1} (an int), got {value!r}."
        )
    if not 0 <= value < n:
        raise ValueError(
            f"{who} expected {name} in 0..{n - 1} (the boxes are numbered from 0), got {value}."
        )
    return int(value)


def plot_cycle(
    labels: Sequence[str],
    *,
    ax=None,
    highlight: int | None = None,
    ncols: int = 3,
    numbered: bool = True,
    back: tuple[int, int] | None = None,
    back_label: str | None = None,
    close_label: str | None = None,
    fontsize: float = 9,
) -> Axes:
    """Draw ``labels`` as boxes going clockwise round a ring, one of them highlighted.

    Chapter "The learning loop". The boxes sit on a grid: ``ncols`` along the top row
    (left to right), then down the right column, back along the bottom row and up the left
    column; an arrow joins each box to the next, and the last box to the first (the cycle,
    labelled ``close_label``). ``back=(i, j)`` adds an arrow across the middle from box
    ``i`` back to box ``j`` (an inner loop, labelled ``back_label``).

    Parameters
    ----------
    labels : sequence of str
        One label per box (``\\n`` breaks lines), at least 4, with ``len(labels) - 2 *
        ncols`` even and >= 0 (8 labels and 3 columns: 3 on top, 1 on each side, 3 below).
    ax : matplotlib Axes, optional
    highlight : int, optional
        The index (from 0) of the box to light: filled orange, bold, thick border; the
        others are drawn pale. None: all drawn alike.
    ncols : int, default 3
    numbered : bool, default True
        Prefix each label with its number, from 1 (``"3. forward"``).
    back : (int, int), optional
        An arrow from box ``back[0]`` to box ``back[1]`` through the middle of the ring.
    back_label, close_label : str, optional
        Text on the ``back`` arrow and on the arrow from the last box to the first.
    fontsize : float, default 9

    Returns
    -------
    Axes
        With equal aspect, no axis lines or ticks, and limits that show the whole ring.
    """
    who = "plot_cycle"
    if isinstance(labels, str) or not isinstance(labels, Sequence):
        raise TypeError(f"{who} expected labels to be a list of str, got {type(labels).__name__}.")
    labels = list(labels)
    if not all(isinstance(s, str) for s in labels):
        raise TypeError(f"{who} expected every label to be a str, got {labels!r}.")
    n = len(labels)
    if isinstance(ncols, bool) or not isinstance(ncols, int) or ncols < 2:
        raise ValueError(f"{who} expected ncols to be an int >= 2, got {ncols!r}.")
    if n < 4 or n < 2 * ncols or (n - 2 * ncols) % 2:
        raise ValueError(
            f"{who} puts {ncols} boxes on the top and bottom rows and the rest evenly on the two "
            f"sides, so it needs len(labels) >= {2 * ncols} with len(labels) - {2 * ncols} even; "
            f"got {n} labels. Change ncols or the number of labels."
        )
    if highlight is not None:
        highlight = _check_index(highlight, n, "highlight", who)
    if back is not None:
        if not isinstance(back, tuple | list) or len(back) != 2:
            raise TypeError(f"{who} expected back=(from_index, to_index), got {back!r}.")
        back = tuple(_check_index(i, n, "back", who) for i in back)
        if back[0] == back[1]:
            raise ValueError(f"{who} expected back to join two different boxes, got {back}.")
    ax = _get_ax(ax)
    pos = _ring_positions(n, ncols)
    boxes = []
    for k, ((x, y), label) in enumerate(zip(pos, labels, strict=True)):
        lit = k == highlight
        faded = highlight is not None and not lit
        box = FancyBboxPatch(
            (x - _BOX_W / 2, y - _BOX_H / 2), _BOX_W, _BOX_H,
            boxstyle="round,pad=0,rounding_size=0.1",
            facecolor=PALETTE["orange"] if lit else "white",
            edgecolor=PALETTE["black"] if lit else _GREY,
            linewidth=2.6 if lit else 1.0,
            zorder=3,
        )
        ax.add_artist(box)
        boxes.append(box)
        text = f"{k + 1}. {label}" if numbered else label
        ax.text(x, y, text, ha="center", va="center", fontsize=fontsize, zorder=4,
                fontweight="bold" if lit else "normal",
                color="0.55" if faded else PALETTE["black"], linespacing=1.1)

    def edge(i, j):
        """Where the segment from box i's centre to box j's leaves box i (a small gap
        outside it): computed, not clipped at draw time, which is 20 times cheaper."""
        (xi, yi), (xj, yj) = pos[i], pos[j]
        dx, dy = xj - xi, yj - yi
        t = min(_BOX_W / 2 / abs(dx) if dx else math.inf,
                _BOX_H / 2 / abs(dy) if dy else math.inf)
        gap = 0.04 / math.hypot(dx, dy)
        return xi + (t + gap) * dx, yi + (t + gap) * dy

    def arrow(i, j, *, label=None, dashed=False, label_at=(0.0, 0.0)):
        patch = FancyArrowPatch(
            edge(i, j), edge(j, i), arrowstyle="-|>", mutation_scale=12, color=_GREY,
            linewidth=1.3, linestyle="--" if dashed else "-", shrinkA=0, shrinkB=0, zorder=2,
        )
        ax.add_artist(patch)
        if label:
            (xi, yi), (xj, yj) = pos[i], pos[j]
            ax.text((xi + xj) / 2 + label_at[0], (yi + yj) / 2 + label_at[1], label,
                    ha="center", va="center", fontsize=fontsize - 1, style="italic",
                    color="0.3", zorder=5,
                    bbox={"boxstyle": "round,pad=0.15", "facecolor": "white",
                          "edgecolor": "none"})

    for k in range(n - 1):
        arrow(k, k + 1)
    arrow(n - 1, 0, dashed=True, label=close_label, label_at=(-0.32, 0.0))
    if back is not None:
        arrow(*back, label=back_label)
    xs, ys = [p[0] for p in pos], [p[1] for p in pos]
    margin = 0.08
    ax.set_xlim(min(xs) - _BOX_W / 2 - margin - 0.25, max(xs) + _BOX_W / 2 + margin)
    ax.set_ylim(min(ys) - _BOX_H / 2 - margin, max(ys) + _BOX_H / 2 + margin)
    ax.set_aspect("equal")
    ax.set_axis_off()
    return ax


def plot_learning_loop(highlight: int | None = None, *, ax=None, fontsize: float = 9) -> Axes:
    """The eight steps of training round a cycle, step ``highlight`` (from 0) lit.

    Chapter "The learning loop". :func:`plot_cycle` with :data:`LEARNING_LOOP`: steps 3 to
    6 (forward, error, backward, update) run once per mini-batch, so an arrow labelled
    "next batch" goes from step 7 (repeat) back to step 3; the dashed arrow from step 8
    (evaluate and tune) back to step 1 is tuning: change a choice and train again.

    >>> from matplotlib.figure import Figure
    >>> ax = plot_learning_loop(2, ax=Figure().subplots())
    >>> [t.get_text() for t in ax.texts][2]
    '3. forward\\npass'
    """
    return plot_cycle(LEARNING_LOOP, ax=ax, highlight=highlight, back=(6, 2),
                      back_label="next batch", close_label="tune", fontsize=fontsize)


def _cell_layout(layout, arrays, who):
    if isinstance(layout, str) or not isinstance(layout, Sequence) or not layout:
        raise TypeError(
            f"{who} expected layout to be a list of rows, each a list of array names, e.g. "
            "[['W1', 'b1'], ['dW1', 'db1']], got {layout!r}."
        )
    rows = []
    for row in layout:
        if isinstance(row, str) or not isinstance(row, Sequence):
            raise TypeError(
                f"{who} expected each row of layout to be a list of names, got {row!r}.")
        for name in row:
            if name is not None and name not in arrays:
                raise ValueError(
                    f"{who}: layout names {name!r}, which is not a key of arrays "
                    f"({sorted(arrays)}). Use None for an empty place."
                )
        rows.append(list(row))
    return rows


def plot_arrays(
    arrays: Mapping[str, object],
    *,
    layout: Sequence[Sequence[str | None]],
    ax=None,
    written: Sequence[str] = (),
    read: Sequence[str] = (),
    vmax: float | Mapping[str, float] | None = None,
    cmap: str = "PuOr_r",
    fmt: str = "{:.3g}",
    fontsize: float = 8,
    shapes: bool = True,
    min_width: int = 3,
) -> Axes:
    """Draw named arrays as small heat maps in rows; frame those a step writes and reads.

    Chapter "The learning loop". Each array sits in a cell of the ``layout`` grid, under its
    name (and shape), with one unit square per entry (rows are rows: a batch ``X`` of shape
    ``(n_samples, 2)`` is a tall, narrow block), so blocks compare by size. A column of the
    grid is as wide as its widest block (at least ``min_width`` squares, room for the name),
    a row as tall as its tallest block. A 1-D array of length ``n`` is drawn as one row; a
    0-d array (a scalar such as the loss) is written as a number with ``fmt``; an array not
    computed yet (its shape as a tuple, or ``None``) is a dotted outline. Arrays named in
    ``written`` get a thick vermillion frame and a bold name, those in ``read`` a blue frame,
    the others are drawn pale.

    Parameters
    ----------
    arrays : mapping name -> array, scalar, shape tuple or None
        At most 2-D; finite values. A tuple is the shape of an array not computed yet (drawn
        as a dotted outline of that size, so that the layout stays the same in every frame
        of a player); None is an array of unknown shape not computed yet.
    layout : list of rows, each a list of names (or None for an empty place)
    ax : matplotlib Axes, optional
    written, read : sequences of names
    vmax : float or mapping name -> float, optional
        The colour scale runs from ``-vmax`` to ``vmax`` (keep it fixed across the frames
        of a player); default the largest absolute value shown. A mapping gives some
        arrays their own scale (gradients are often much smaller than the weights); the
        arrays it does not name share the default.
    cmap : str, default ``"PuOr_r"`` (a diverging map readable with colour-blindness)
    fmt : str
        Format of a scalar's value.
    fontsize : float
    shapes : bool, default True
        Write each array's shape after its name.
    min_width : int, default 3
        The least width of a column, in squares (a name needs room).

    Returns
    -------
    Axes
    """
    who = "plot_arrays"
    if not isinstance(arrays, Mapping):
        raise TypeError(
            f"{who} expected arrays to be a mapping name -> array, got {type(arrays).__name__}."
        )
    rows = _cell_layout(layout, arrays, who)
    for group, gname in ((written, "written"), (read, "read")):
        if isinstance(group, str):
            raise TypeError(f"{who} expected {gname} to be a list of names, got the str {group!r}.")
        unknown = [g for g in group if g not in arrays]
        if unknown:
            raise ValueError(f"{who}: {gname} names {unknown}, which are not keys of arrays.")
    _check_cmap(cmap, who)
    values = {}
    for name, value in arrays.items():
        if value is None or isinstance(value, tuple):  # not yet, of unknown or known shape
            if value is not None and (len(value) > 2 or not all(
                    isinstance(d, int) and d >= 1 for d in value)):
                raise ValueError(
                    f"{who} expected arrays[{name!r}] as a tuple to be the shape of an array "
                    f"not computed yet, at most 2 positive ints, got {value!r}.")
            values[name] = value
            continue
        arr = _as_float_array(value, f"arrays[{name!r}]", who)
        if arr.ndim > 2:
            raise ValueError(f"{who} expected arrays of at most 2 dimensions, got {name!r} "
                             f"of shape {arr.shape}.")
        if not np.isfinite(arr).all():
            raise ValueError(f"{who} expected finite values, got NaN or inf in {name!r}.")
        values[name] = arr
    blocks = [v for v in values.values() if isinstance(v, np.ndarray) and v.ndim > 0]
    if isinstance(min_width, bool) or not isinstance(min_width, int) or min_width < 1:
        raise ValueError(f"{who} expected min_width to be an int >= 1, got {min_width!r}.")
    scales = dict(vmax) if isinstance(vmax, Mapping) else {}
    if vmax is None or isinstance(vmax, Mapping):
        vmax = max((float(np.abs(b).max()) for b in blocks), default=1.0) or 1.0
    for key, value in [("vmax", vmax), *((f"vmax[{k!r}]", v) for k, v in scales.items())]:
        if isinstance(value, bool) or not (isinstance(value, int | float) and
                                           math.isfinite(value) and value > 0):
            raise ValueError(f"{who} expected {key} to be a finite number > 0, got {value!r}.")
    unknown = [k for k in scales if k not in arrays]
    if unknown:
        raise ValueError(f"{who}: vmax names {unknown}, which are not keys of arrays.")
    norms = {name: mcolors.Normalize(-scales.get(name, vmax), scales.get(name, vmax))
             for name in arrays}
    ax = _get_ax(ax)
    # one unit square per entry everywhere, so blocks compare by size; a grid whose columns
    # are as wide as their widest block (at least min_width) and rows as tall as their
    # tallest block, plus a line for the names
    def extent(name):
        arr = values[name] if name is not None else None
        if arr is None:
            return (2, 2) if name is not None else (0, 0)
        shape = arr if isinstance(arr, tuple) else arr.shape
        if len(shape) == 0:
            return (1, 2)
        return (1, shape[0]) if len(shape) == 1 else shape

    ncols = max(len(r) for r in rows)
    col_w = [max([min_width] + [extent(r[c])[1] for r in rows if c < len(r)])
             for c in range(ncols)]
    row_h = [max([1] + [extent(name)[0] for name in r]) for r in rows]
    gap, title_h = 1, 2  # whole squares: every block sits on the pixel grid of one image
    lefts = np.concatenate([[0], np.cumsum(np.array(col_w) + gap)]).astype(int)
    tops = np.concatenate([[0], np.cumsum(np.array(row_h) + title_h + gap)]).astype(int)
    # all blocks are painted into one RGBA image (transparent between them): one image
    # draws far faster than one per array
    canvas = np.zeros((int(tops[-1]) - gap, int(lefts[-1]) - gap, 4))
    colormap = matplotlib.colormaps[cmap] if isinstance(cmap, str) else cmap
    for r, row in enumerate(rows):
        for c, name in enumerate(row):
            if name is None:
                continue
            x0, top = int(lefts[c]), int(tops[r])
            arr = values[name]
            lit, seen = name in written, name in read
            edge = (PALETTE["vermillion"] if lit else PALETTE["blue"] if seen else "0.6")
            width = 2.6 if lit else 1.6 if seen else 0.8
            alpha = 1.0 if (lit or seen or not (written or read)) else 0.35
            known = arr if isinstance(arr, tuple) else None if arr is None else arr.shape
            shape = f" {tuple(known)}" if shapes and known else ""
            ax.text(x0, -top - 0.2, f"{name}{shape}", ha="left", va="top",
                    fontsize=fontsize, fontweight="bold" if lit else "normal",
                    color=PALETTE["black"] if alpha == 1 else "0.5")
            body_top = top + title_h  # rows of the canvas, downwards
            if arr is None or isinstance(arr, tuple):  # not computed yet: a dotted outline
                h, w = extent(name)
                ax.add_artist(Rectangle((x0, -body_top - h), w, h, fill=False, linestyle=":",
                                       edgecolor=edge, linewidth=width))
                continue
            if arr.ndim == 0:
                ax.text(x0, -body_top - 0.5, fmt.format(float(arr)),
                        ha="left", va="center", fontsize=fontsize + 1, alpha=alpha,
                        bbox={"boxstyle": "square,pad=0.25", "facecolor": "white",
                              "edgecolor": edge, "linewidth": width})
                continue
            block = arr.reshape(1, -1) if arr.ndim == 1 else arr
            h, w = block.shape
            rgba = colormap(norms[name](block))
            rgba[..., 3] = alpha
            canvas[body_top:body_top + h, x0:x0 + w] = rgba
            ax.add_artist(Rectangle((x0, -body_top - h), w, h, fill=False, edgecolor=edge,
                                   linewidth=width, zorder=3))
    ax.imshow(canvas, extent=(0, canvas.shape[1], -canvas.shape[0], 0), origin="upper",
              interpolation="nearest", aspect="auto", zorder=2)
    ax.set_xlim(-0.3, canvas.shape[1] + 0.3)
    ax.set_ylim(-canvas.shape[0] - 0.3, 0.3)
    ax.set_aspect("equal")
    ax.set_axis_off()
    return ax
