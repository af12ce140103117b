r"""Arrays drawn as grids of cells, with their names and shapes: a matrix product on paper.

* :func:`plot_array_equation`: a row of arrays joined by operators, e.g. the forward pass of
  a dense layer :math:`Z = XW + b` drawn as ``X @ W + b = Z``: each array a grid of cells
  coloured by value (blue below 0, white at 0, orange above), its name above and its shape
  below, so the rule "the inner sizes match, the outer ones remain" can be seen.

Rows are samples, as everywhere in the book: ``X`` of shape ``(n_samples, n_in)`` is drawn
with one row per sample, ``W`` of shape ``(n_in, n_out)`` with one column per unit, and a
1-D bias ``b`` of shape ``(n_out,)`` as a single row (optionally with faint copies below
it, to show that it is broadcast over the rows). Long arrays are cut after ``max_rows``
rows or ``max_cols`` columns, with an ellipsis; the shape label keeps the true size.

First used in chapter "Neurons, layers and the forward pass".
"""

from __future__ import annotations

import numbers

import numpy as np
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.collections import PatchCollection, PolyCollection
from matplotlib.colors import Normalize, is_color_like, to_rgb
from matplotlib.patches import Rectangle

from backprop_lab.viz._checks import _as_float_array, _check_cmap, _check_lim, _get_ax
from backprop_lab.viz.classifiers import FIELD_CMAP

__all__ = ["plot_array_equation"]

#: the options a term ``(name, array, options)`` may carry
TERM_OPTIONS = ("shape", "tint", "row_tint", "plain", "cmap", "vmin", "vmax", "broadcast",
                "annotate")
_GAP = 0.45         # space between an array and an operator, in cells
_EDGE = "#9A9A9A"   # the thin lines between cells
_MORE = 1.3         # the room below cut rows, for the ellipsis


def _check_int(value, name: str, who: str, *, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < low:
        raise ValueError(f"{who} expected {name} to be an integer >= {low}, got {value!r}.")
    return int(value)


def _check_colors(colors, n: int, name: str, term: str, who: str) -> list | None:
    if colors is None:
        return None
    if isinstance(colors, str) or not isinstance(colors, list | tuple) or len(colors) != n:
        raise ValueError(
            f"{who}: {name} of {term} expected a list of {n} colours (or None for a line "
            f"left in the default colours), one per {'row' if name == 'row_tint' else 'column'} "
            f"of the array; got {colors!r}."
        )
    for c in colors:
        if c is not None and not is_color_like(c):
            raise ValueError(f"{who}: {name} of {term} holds {c!r}, which is not a colour.")
    return list(colors)


def _check_term(term, k: int, who: str):
    """A term as ``("op", text)`` or ``("array", name, 2-D values, shown shape, options)``."""
    if isinstance(term, str):
        return ("op", term)
    example = ("Write each array as (name, array) or (name, array, {'shape': '(n, 2)'}), "
               "and each operator as a string such as '@', '+' or '='.")
    if not isinstance(term, tuple) or len(term) not in (2, 3) or not isinstance(term[0], str):
        raise TypeError(f"{who} expected term {k} to be a string or a tuple (name, array[, "
                        f"options]), got {term!r}. {example}")
    name, values = term[0], _as_float_array(term[1], f"the array of {term[0]!r}", who)
    options = dict(term[2]) if len(term) == 3 else {}
    unknown = sorted(set(options) - set(TERM_OPTIONS))
    if unknown:
        raise ValueError(f"{who}: the options of {name!r} hold {unknown}, which are not "
                         f"options; the options are {list(TERM_OPTIONS)}.")
    if values.ndim not in (1, 2) or values.size == 0:
        raise ValueError(f"{who} expected the array of {name!r} to be 1-D or 2-D and not empty, "
                         f"got shape {values.shape}. Draw one sample's vector as a 1-D array "
                         "and a batch as a 2-D array, rows are samples.")
    if not np.isfinite(values).all():
        raise ValueError(f"{who}: the array of {name!r} holds NaN or infinity.")
    shape = values.shape
    label = options.get("shape")
    if label is None:
        label = f"({shape[0]},)" if len(shape) == 1 else f"({shape[0]}, {shape[1]})"
    elif not isinstance(label, str):
        raise TypeError(f"{who}: the shape label of {name!r} must be a string such as "
                        f"'(n_samples, 2)', got {label!r}.")
    grid = values.reshape(1, -1) if values.ndim == 1 else values
    options["row_tint"] = _check_colors(options.get("row_tint"), grid.shape[0],
                                        "row_tint", repr(name), who)
    options["tint"] = _check_colors(options.get("tint"), grid.shape[1], "tint", repr(name), who)
    if options["tint"] and options["row_tint"]:
        raise ValueError(f"{who}: {name!r} has both tint (per column) and row_tint (per row); "
                         "give one of them.")
    broadcast = options.get("broadcast")
    if broadcast is not None:
        if values.ndim != 1:
            raise ValueError(f"{who}: broadcast is for a 1-D array such as a bias (n_out,), "
                             f"but {name!r} has shape {shape}.")
        options["broadcast"] = _check_int(broadcast, f"broadcast of {name!r}", who, low=1)
    vmin, vmax = options.get("vmin"), options.get("vmax")
    for key, value in (("vmin", vmin), ("vmax", vmax)):
        if value is not None and not (isinstance(value, numbers.Real) and np.isfinite(value)):
            raise ValueError(f"{who}: {key} of {name!r} must be a finite number, got {value!r}.")
    if vmax is not None and vmax <= (0 if vmin is None else vmin):
        raise ValueError(f"{who}: the colour range of {name!r} needs vmax > "
                         f"{'0' if vmin is None else 'vmin'}, got vmin={vmin!r}, vmax={vmax!r}.")
    if vmin is not None and vmax is None:
        raise ValueError(f"{who}: {name!r} has vmin but no vmax; give both (e.g. 0 and 1 for "
                         "probabilities) or neither (a range symmetric about 0).")
    if "cmap" in options:
        _check_cmap(options["cmap"], who)
    return ("array", name, grid, label, options)


def plot_array_equation(
    terms,
    *,
    ax=None,
    max_rows: int = 5,
    max_cols: int = 12,
    annotate: bool = False,
    fmt: str = "{:.2g}",
    vmax: float | None = None,
    cmap=FIELD_CMAP,
    fontsize: float = 9,
    names: str = "above",
    xlim=None,
    ylim=None,
) -> Axes:
    r"""Draw arrays as grids of cells joined by operators, each with its name and shape.

    Parameters
    ----------
    terms : list
        From left to right: a string is an operator or a word drawn between the arrays
        (``"@"``, ``"+"``, ``"="``, ``"→ ReLU →"``); a tuple ``(name, array)`` or
        ``(name, array, options)`` is an array, 1-D (drawn as one row: a bias of shape
        ``(n_out,)``) or 2-D (rows are samples). ``options`` is a dict with any of:

        - ``"shape"``: the label under the array (default its shape, e.g. ``"(4, 3)"``);
          write ``"(n_samples, 2)"`` to speak of any batch;
        - ``"tint"`` / ``"row_tint"``: a colour per column / row (or ``None``): its cells
          are shaded from white (0) to that colour (the largest ``|value|``) and it is
          outlined in it, e.g. hidden unit ``j``'s colour in column ``j`` of ``W``, ``b`` and
          ``Z``, and in row ``j`` of the next layer's ``W`` (the shade shows ``|value|``;
          ``annotate`` shows the sign);
        - ``"plain"``: white cells (the shape is the point, or the values are written);
        - ``"broadcast"``: for a 1-D array, draw this many rows in all, the copies faint,
          to show the vector added to every row of a batch;
        - ``"cmap"``, ``"vmax"`` and ``"annotate"``: override the arguments for this array;
          ``"vmin"`` (with ``"vmax"``) gives it a range that is not symmetric about 0, e.g.
          probabilities from 0 to 1;
        - the string ``"\\n"`` as a term starts a new line below (a layer's product on one
          line, its activation on the next).
    max_rows, max_cols : int
        Draw at most this many rows and columns of an array; the rest is an ellipsis.
    annotate : bool
        Write each cell's value in it with ``fmt`` (for small arrays).
    vmax : float, optional
        The value drawn at full colour; by default each array's own largest ``|value|``
        (arrays differ in scale: a colour compares cells of one array only).
    cmap : colormap for the cells, signed (default: blue, white at 0, orange).
    fontsize : of the names, shapes and operators (cell values: 0.8 of it).
    names : ``"above"`` (each name in bold above its array, the shape below) or ``"below"``
        (name and shape in one label below: half the text objects, which are most of the
        drawing time of a player's frame).
    xlim, ylim : fix the drawing's limits in cell units (an array's cell is 1 x 1; the
        arrays are centred on ``y = 0``), so that the frames of a player keep their scale.

    Returns
    -------
    Axes, with equal aspect and the axis frame off.

    >>> from matplotlib.figure import Figure
    >>> X, W = np.ones((4, 2)), np.arange(6.0).reshape(2, 3)
    >>> ax = plot_array_equation([("X", X), "@", ("W", W), "=", ("Z", X @ W)],
    ...                          ax=Figure().subplots())
    >>> [t.get_text() for t in ax.texts if t.get_text().startswith("(")]
    ['(4, 2)', '(2, 3)', '(4, 3)']
    """
    who = "plot_array_equation()"
    ax = _get_ax(ax)
    if isinstance(terms, str) or not isinstance(terms, list | tuple) or not terms:
        raise TypeError(f"{who} expected terms to be a non-empty list of arrays and operators, "
                        f"e.g. [('X', X), '@', ('W', W)]; got {terms!r}.")
    parsed = [_check_term(t, k, who) for k, t in enumerate(terms)]
    max_rows = _check_int(max_rows, "max_rows", who, low=1)
    max_cols = _check_int(max_cols, "max_cols", who, low=1)
    if vmax is not None and not (isinstance(vmax, numbers.Real) and vmax > 0):
        raise ValueError(f"{who} expected vmax to be a positive number or None, got {vmax!r}.")
    if not isinstance(fmt, str) or fmt.format(-1.5) == fmt:
        raise ValueError(f"{who} expected fmt to be a format string such as '{{:.2g}}', "
                         f"got {fmt!r}.")
    _check_cmap(cmap, who)
    if names not in ("above", "below"):
        raise ValueError(f"{who} expected names='above' or names='below', got {names!r}.")
    cmap = colormaps[cmap] if isinstance(cmap, str) else cmap
    xlim = None if xlim is None else _check_lim(xlim, "xlim", who, log=False)
    ylim = None if ylim is None else _check_lim(ylim, "ylim", who, log=False)

    lines = [[]]  # the terms of each line of the drawing
    for term in parsed:
        if term == ("op", "\n"):
            lines.append([])
        else:
            lines[-1].append(term)
    ax.set_aspect("equal")
    cells, outlines, right, y_top, y = [], [], 0.0, 0.0, 0.0
    for k, line in enumerate(lines):
        heights = [_shown(t, max_rows)[0] + (_MORE if _shown(t, max_rows)[2] else 0)
                   for t in line if t[0] == "array"] or [1.0]
        half = max(heights) / 2
        above, below = (1.2, 1.4) if names == "above" else (0.3, 2.5)
        y = y_top - half - above  # this line's centre: room for the names above
        x = 0.0
        for term in line:
            if term[0] == "op":
                x = _draw_op(ax, term[1], x, y, fontsize)
            else:
                x = _draw_array(ax, term[1:], x, y, cells, outlines, max_rows=max_rows,
                                max_cols=max_cols, annotate=annotate, fmt=fmt, vmax=vmax,
                                cmap=cmap, fontsize=fontsize, names=names)
        right = max(right, x)
        y_top = y - half - below - (0.3 if k < len(lines) - 1 else 0)
    # every cell of every array, in order (array by array, row by row), as one collection
    ax.add_collection(PolyCollection([verts for verts, _ in cells],
                                     facecolors=[rgba for _, rgba in cells], edgecolors=_EDGE,
                                     linewidths=0.5, zorder=1))
    # one collection for every outline: adding patches one by one costs a limits update each
    ax.add_collection(PatchCollection([rect for rect, _, _ in outlines], facecolors="none",
                                      edgecolors=[color for _, color, _ in outlines],
                                      linewidths=[width for _, _, width in outlines], zorder=3))
    ax.set_xlim(*(xlim if xlim is not None else (-0.3, right + 0.3)))
    ax.set_ylim(*(ylim if ylim is not None else (y_top, 0.0)))
    ax.set_axis_off()
    return ax


def _shown(term, max_rows: int) -> tuple[int, int, bool]:
    """Rows drawn (with broadcast copies), rows of the array, and whether rows are cut."""
    grid, opt = term[2], term[4]
    n_rows = grid.shape[0] * (opt.get("broadcast") or 1)
    return min(n_rows, max_rows), grid.shape[0], n_rows > max_rows


def _draw_op(ax: Axes, text: str, x: float, y: float, fontsize: float) -> float:
    """An operator centred at height ``y`` after ``x``; returns where the next term starts."""
    width = 0.6 + 0.42 * len(text)
    ax.text(x + _GAP + width / 2, y, text, ha="center", va="center",
            fontsize=fontsize * (1.25 if len(text) == 1 else 1))
    return x + width + 2 * _GAP


def _draw_array(ax: Axes, term, x: float, y: float, cells: list, outlines: list, *,
                max_rows: int, max_cols: int, annotate: bool, fmt: str, vmax, cmap,
                fontsize: float, names: str) -> float:
    """One array as a grid of cells left-aligned at ``x`` and centred on ``y``, with its
    outlines (both added to ``cells`` and ``outlines``, which the caller draws as one
    collection each: one artist per cell would cost a draw call each), name and shape;
    returns its right edge."""
    name, grid, label, opt = term
    rows, n_rows, more_rows = _shown(("array", name, grid, label, opt), max_rows)
    n_cols = grid.shape[1]
    cols, more_cols = min(n_cols, max_cols), n_cols > max_cols
    top = y + (rows + (_MORE if more_rows else 0)) / 2
    shown = grid[np.arange(rows) % n_rows][:, :cols]  # broadcast copies repeat the rows
    limit = opt.get("vmax") or vmax or float(np.abs(grid).max()) or 1.0
    low = opt.get("vmin")
    if opt.get("plain"):
        rgba = np.ones((rows, cols, 4))
    else:
        term_cmap = opt.get("cmap", cmap)
        term_cmap = colormaps[term_cmap] if isinstance(term_cmap, str) else term_cmap
        norm = Normalize(-limit if low is None else low, limit)
        rgba = np.array(term_cmap(norm(shown)), dtype=float)
        tints = opt["tint"] or [None] * n_cols
        row_tints = opt["row_tint"] or [None] * n_rows
        for i in range(rows):
            for j in range(cols):
                tint = tints[j] or row_tints[i % n_rows]
                if tint is not None:  # white (0) to the tint (the largest |value|)
                    amount = min(abs(shown[i, j]) / limit, 1.0)
                    rgba[i, j, :3] = [1 - (1 - c) * amount for c in to_rgb(tint)]
    rgba[n_rows:, :, 3] = 0.3  # the broadcast copies are faint
    for i in range(rows):  # row i spans top - i - 1 .. top - i
        for j in range(cols):
            x0, y0 = x + j, top - i - 1
            cells.append(([(x0, y0), (x0 + 1, y0), (x0 + 1, y0 + 1), (x0, y0 + 1)],
                          rgba[i, j]))
    if opt.get("annotate", annotate):
        for i in range(min(rows, n_rows)):
            for j in range(cols):
                ax.text(x + j + 0.5, top - i - 0.5, fmt.format(shown[i, j]), ha="center",
                        va="center", fontsize=fontsize * 0.8, zorder=3)
    drawn = min(rows, n_rows)
    # the array's own cells framed (not the broadcast copies), then the tinted lines
    outlines.append((Rectangle((x, top - drawn), cols, drawn), "black", 0.9))
    for j, color in enumerate((opt["tint"] or [])[:cols]):
        if color is not None:
            outlines.append((Rectangle((x + j, top - drawn), 1, drawn), color, 2.2))
    for i, color in enumerate((opt["row_tint"] or [])[:rows]):
        if color is not None:
            outlines.append((Rectangle((x, top - i - 1), cols, 1), color, 2.2))
    if more_rows:
        ax.text(x + cols / 2, top - rows - _MORE / 2, "⋮", ha="center", va="center",
                fontsize=fontsize)
    if more_cols:
        ax.text(x + cols + 0.45, top - drawn / 2, "⋯", ha="center", va="center",
                fontsize=fontsize)
    bottom = y - (top - y)
    if names == "above":
        ax.text(x + cols / 2, top + 0.25, name, ha="center", va="bottom", fontsize=fontsize,
                fontweight="bold")
    else:
        label = f"{name}\n{label}"
    ax.text(x + cols / 2, bottom - 0.25, label, ha="center", va="top", fontsize=fontsize)
    return x + cols + (0.9 if more_cols else 0)
