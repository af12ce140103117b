"""Tests of viz.arrays (plot_array_equation) and viz.classifiers.plot_field_tiles: known
arrays in, what was drawn out, and the errors."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.collections import PatchCollection, PolyCollection  # noqa: E402
from matplotlib.colors import same_color, to_rgb  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from backprop_lab import viz  # noqa: E402
from backprop_lab.viz.classifiers import FIELD_CMAP  # noqa: E402

GREEN, RED = viz.PALETTE["bluish_green"], viz.PALETTE["vermillion"]


@pytest.fixture
def ax():
    return Figure().subplots()


def texts(ax):
    return [t.get_text() for t in ax.texts]


def outlines(ax):
    (collection,) = [c for c in ax.collections if isinstance(c, PatchCollection)]
    return collection


def outline_boxes(ax):
    """(x, y, width, height) of every outline, in data coordinates."""
    return [tuple(float(v) for v in np.round(path.get_extents().bounds, 9))
            for path in outlines(ax).get_paths()]


def outline_colors(ax, expected=("black", GREEN, RED)):
    return [same_color(c, e) for c, e in zip(outlines(ax).get_edgecolor(), expected,
                                                 strict=True)]


def drawn(ax, shapes):
    """The arrays drawn, split by their drawn shapes ``[(rows, cols), ...]``: for each, its
    cells' RGBA ``(rows, cols, 4)`` and extent ``(x_left, x_right, y_bottom, y_top)``.
    Every cell of every array is a square of one PolyCollection, array by array, row by
    row."""
    (cells,) = [c for c in ax.collections if isinstance(c, PolyCollection)
                and not isinstance(c, PatchCollection)]
    faces, paths = cells.get_facecolor(), cells.get_paths()
    assert len(paths) == sum(r * c for r, c in shapes)
    out, k = [], 0
    for rows, cols in shapes:
        boxes = np.array([p.get_extents().bounds for p in paths[k:k + rows * cols]])
        assert np.allclose(boxes[:, 2:], 1)                           # a cell is 1 x 1
        out.append({"rgba": faces[k:k + rows * cols].reshape(rows, cols, 4),
                    "extent": (boxes[:, 0].min(), boxes[:, 0].max() + 1,
                               boxes[:, 1].min(), boxes[:, 1].max() + 1)})
        k += rows * cols
    return out


def image_of(ax, k, shapes):
    """The RGBA cells of the ``k``-th array drawn."""
    return drawn(ax, shapes)[k]["rgba"]


# ---------------------------------------------------------------- plot_array_equation
def test_each_array_is_an_image_of_its_cells_with_name_and_shape(ax):
    X, W = np.ones((4, 2)), np.arange(6.0).reshape(2, 3) - 2
    viz.plot_array_equation([("X", X), "@", ("W", W), "=", ("Z", X @ W)], ax=ax)
    shapes = [(4, 2), (2, 3), (4, 3)]
    assert [image_of(ax, k, shapes).shape for k in range(3)] == [(4, 2, 4), (2, 3, 4),
                                                                  (4, 3, 4)]
    assert texts(ax) == ["X", "(4, 2)", "@", "W", "(2, 3)", "=", "Z", "(4, 3)"]
    # the signed colours: W's -2 at full blue, 0 white, +3 at full orange (own scale)
    cells = image_of(ax, 1, shapes)
    np.testing.assert_allclose(cells[0, 2, :3], (1, 1, 1), atol=0.01)   # W[0, 2] == 0
    np.testing.assert_allclose(cells[1, 2], FIELD_CMAP(1.0))          # the largest |W|
    assert ax.get_aspect() == 1.0 and not ax.axison


def test_the_arrays_are_drawn_left_to_right_where_their_cells_are(ax):
    X, W = np.ones((4, 2)), np.ones((2, 3))
    viz.plot_array_equation([("X", X), "@", ("W", W)], ax=ax)
    x_drawn, w_drawn = drawn(ax, [(4, 2), (2, 3)])
    x_left, x_right, y_low, y_high = x_drawn["extent"]
    assert (x_right - x_left, y_high - y_low) == (2, 4)
    assert w_drawn["extent"][0] > x_right                             # the operator between
    assert ax.get_xlim()[1] >= w_drawn["extent"][1]


def test_a_bias_is_one_row_and_its_broadcast_copies_are_faint(ax):
    b = np.array([1.0, -1.0, 0.5])
    viz.plot_array_equation([("b", b, {"broadcast": 4})], ax=ax)
    cells = image_of(ax, 0, [(4, 3)])
    assert cells.shape == (4, 3, 4)
    np.testing.assert_allclose(cells[0, :, 3], 1.0)
    np.testing.assert_allclose(cells[1:, :, 3], 0.3)
    np.testing.assert_allclose(cells[1:, :, :3], np.broadcast_to(cells[0, :, :3], (3, 3, 3)))
    assert "(3,)" in texts(ax)
    ((x, y, width, height),) = outline_boxes(ax)      # a frame around the bias itself only
    assert (width, height, y + 1) == (3, 1, drawn(ax, [(4, 3)])[0]["extent"][3])


def test_long_arrays_are_cut_with_an_ellipsis_and_keep_their_true_shape(ax):
    X = np.arange(1797 * 64, dtype=float).reshape(1797, 64)
    viz.plot_array_equation([("X", X, {"shape": "(n_samples, 64)"})], ax=ax, max_rows=6,
                            max_cols=10)
    assert image_of(ax, 0, [(6, 10)]).shape[:2] == (6, 10)
    assert {"⋮", "⋯", "(n_samples, 64)"} <= set(texts(ax))


def test_tints_shade_a_column_by_size_in_its_colour_and_outline_it(ax):
    W = np.array([[2.0, -1.0], [0.0, 4.0]])
    viz.plot_array_equation([("W", W, {"tint": [GREEN, RED]})], ax=ax)
    cells = image_of(ax, 0, [(2, 2)])
    green, red = np.array(to_rgb(GREEN)), np.array(to_rgb(RED))
    np.testing.assert_allclose(cells[0, 0, :3], 1 - (1 - green) * 0.5)   # |2| / 4
    np.testing.assert_allclose(cells[1, 0, :3], (1, 1, 1))               # 0: white
    np.testing.assert_allclose(cells[0, 1, :3], 1 - (1 - red) * 0.25)    # |-1| / 4
    np.testing.assert_allclose(cells[1, 1, :3], red)                     # the largest
    # the array's frame (black), then the outline of each tinted column, in one collection
    low = drawn(ax, [(2, 2)])[0]["extent"][2]                          # the cells' bottom
    assert outline_boxes(ax) == [(0, low, 2, 2), (0, low, 1, 2), (1, low, 1, 2)]
    assert outline_colors(ax) == [True, True, True]


def test_row_tints_annotations_plain_cells_and_a_probability_range(ax):
    W2 = np.array([[-2.0], [-2.0]])
    P = np.array([[0.0], [0.5], [1.0]])
    viz.plot_array_equation(
        [("W2", W2, {"row_tint": [GREEN, None]}), "+",
         ("b", np.array([2.0]), {"plain": True, "annotate": True}), "→",
         ("P", P, {"cmap": "Greys", "vmin": 0, "vmax": 1})], ax=ax, fmt="{:g}")
    shapes = [(2, 1), (1, 1), (3, 1)]
    np.testing.assert_allclose(image_of(ax, 0, shapes)[0, 0, :3], to_rgb(GREEN))
    np.testing.assert_allclose(image_of(ax, 0, shapes)[1, 0], FIELD_CMAP(0.0))   # untinted
    np.testing.assert_allclose(image_of(ax, 1, shapes)[0, 0], (1, 1, 1, 1))
    assert "2" in texts(ax)
    from matplotlib import colormaps
    np.testing.assert_allclose(image_of(ax, 2, shapes)[:, 0],
                               colormaps["Greys"]([0.0, 0.5, 1.0]))


def test_a_newline_term_starts_a_second_line_below(ax):
    Z = np.ones((3, 2))
    viz.plot_array_equation([("Z", Z), "\n", ("A", Z)], ax=ax)
    z_drawn, a_drawn = drawn(ax, [(3, 2), (3, 2)])
    assert a_drawn["extent"][3] < z_drawn["extent"][3] - 3            # below, not beside
    assert z_drawn["extent"][0] == a_drawn["extent"][0] == 0


def test_names_below_share_one_label_with_the_shape(ax):
    X, W = np.ones((4, 2)), np.ones((2, 3))
    viz.plot_array_equation([("X", X), "@", ("W", W)], ax=ax, names="below")
    assert texts(ax) == ["X\n(4, 2)", "@", "W\n(2, 3)"]
    label_y = ax.texts[0].get_position()[1]
    assert label_y < drawn(ax, [(4, 2), (2, 3)])[0]["extent"][2]
    assert ax.get_ylim()[0] < label_y - 1.5                           # room for two lines


def test_fixed_limits_keep_the_scale_of_a_players_frames(ax):
    viz.plot_array_equation([("W", np.ones((2, 2)))], ax=ax, xlim=(-1, 30), ylim=(-10, 0))
    assert ax.get_xlim() == (-1, 30) and ax.get_ylim() == (-10, 0)


@pytest.mark.parametrize(
    "terms, kwargs, error, match",
    [
        ([], {}, TypeError, "non-empty list"),
        ("X @ W", {}, TypeError, "non-empty list"),
        ([("X",)], {}, TypeError, r"tuple \(name, array"),
        ([np.ones(3)], {}, TypeError, "term 0"),
        ([("X", np.ones((2, 2, 2)))], {}, ValueError, "1-D or 2-D"),
        ([("X", np.zeros((0, 2)))], {}, ValueError, "not empty"),
        ([("X", np.array([[np.nan]]))], {}, ValueError, "NaN"),
        ([("X", np.ones((2, 2)), {"colour": "red"})], {}, ValueError, "not options"),
        ([("X", np.ones((2, 2)), {"tint": ["red"]})], {}, ValueError, "list of 2 colours"),
        ([("X", np.ones((2, 2)), {"tint": ["red", "nocolour"]})], {}, ValueError,
         "not a colour"),
        ([("X", np.ones((2, 2)), {"tint": ["red"] * 2, "row_tint": ["red"] * 2})], {},
         ValueError, "both tint"),
        ([("X", np.ones((2, 2)), {"broadcast": 3})], {}, ValueError, "1-D array"),
        ([("b", np.ones(2), {"broadcast": 0})], {}, ValueError, "integer >= 1"),
        ([("X", np.ones((2, 2)), {"vmin": 0})], {}, ValueError, "vmin but no vmax"),
        ([("X", np.ones((2, 2)), {"vmin": 1, "vmax": 0})], {}, ValueError, "vmax >"),
        ([("X", np.ones((2, 2)), {"shape": (2, 2)})], {}, TypeError, "shape label"),
        ([("X", np.ones((2, 2)))], {"max_rows": 0}, ValueError, "max_rows"),
        ([("X", np.ones((2, 2)))], {"vmax": -1}, ValueError, "positive"),
        ([("X", np.ones((2, 2)))], {"fmt": "x"}, ValueError, "format string"),
        ([("X", np.ones((2, 2)))], {"cmap": "viridiss"}, ValueError, "unknown cmap"),
        ([("X", np.ones((2, 2)))], {"xlim": (3, 1)}, ValueError, "low < high"),
        ([("X", np.ones((2, 2)))], {"names": "left"}, ValueError, "names='above'"),
    ],
)
def test_errors_say_what_was_expected(ax, terms, kwargs, error, match):
    with pytest.raises(error, match=match):
        viz.plot_array_equation(terms, ax=ax, **kwargs)


# ---------------------------------------------------------------- plot_field_tiles
def test_tiles_evaluate_every_function_on_the_same_grid_and_share_colour_limits(ax):
    units = [lambda P: np.maximum(P[:, 0], 0), lambda P: 2 * np.maximum(P[:, 1], 0)]
    viz.plot_field_tiles(units, (-1, 1, -1, 1), ax=ax, n=11, colors=[GREEN, RED],
                         titles=["a1", "a2"])
    assert len(ax.images) == 2
    assert [im.get_clim() for im in ax.images] == [(0.0, 2.0), (0.0, 2.0)]
    first, second = (np.asarray(im.get_array()) for im in ax.images)
    np.testing.assert_allclose(first[:, -1], 1.0)                     # x = 1 on the right
    np.testing.assert_allclose(second[-1, :], 2.0)                    # y = 1 at the top
    # tile k is shaded from white to colour k and framed in it
    assert same_color(ax.images[1].get_cmap()(1.0), RED)
    assert outline_colors(ax, expected=[GREEN, RED]) == [True, True]
    assert [box[2:] for box in outline_boxes(ax)] == [(2.0, 2.0), (2.0, 2.0)]
    assert texts(ax) == ["a1", "a2"]


def test_tiles_fill_rows_and_keep_their_place_for_a_fixed_number_of_slots(ax):
    f = [lambda P: P[:, 0]] * 4
    viz.plot_field_tiles(f, (0, 2, 0, 1), ax=ax, ncols=3, slots=6, n=5)
    extents = [im.get_extent() for im in ax.images]
    assert extents[1][0] > extents[0][1]                              # right of tile 0
    assert extents[3][0] == extents[0][0] and extents[3][3] < extents[0][2]   # next row
    assert [e[1] - e[0] for e in extents] == [2, 2, 2, 2]            # the extent's size
    other = Figure().subplots()
    viz.plot_field_tiles(f[:1], (0, 2, 0, 1), ax=other, ncols=3, slots=6, n=5)
    assert other.get_xlim() == ax.get_xlim() and other.get_ylim() == ax.get_ylim()


def test_tiles_without_colours_use_the_signed_map_and_draw_the_level(ax):
    f = [lambda P: P[:, 0] - 0.5, lambda P: -P[:, 1]]
    viz.plot_field_tiles(f, (-1, 1, -1, 1), ax=ax, n=11, level=0.0)
    assert [im.get_clim() for im in ax.images] == [(-1.5, 1.5), (-1.5, 1.5)]
    assert ax.images[0].get_cmap() is FIELD_CMAP
    contours = [c for c in ax.collections if not isinstance(c, PatchCollection)]
    assert len(contours) == 2                                         # a contour per tile


@pytest.mark.parametrize(
    "fs, kwargs, error, match",
    [
        (lambda P: P[:, 0], {}, TypeError, "list of functions"),
        ([], {}, TypeError, "non-empty list"),
        ([lambda P: P[:, 0]] * 3, {"slots": 2}, ValueError, "room for all 3"),
        ([lambda P: P[:, 0]], {"ncols": 0}, ValueError, "ncols"),
        ([lambda P: P[:, 0]], {"colors": ["red", "blue"]}, ValueError, "list of 1"),
        ([lambda P: P], {}, ValueError, "one number per point"),
        ([lambda P: P[:, 0]], {"vmin": 1, "vmax": 0}, ValueError, "vmin < vmax"),
        ([lambda P: P[:, 0]], {"n": 1}, ValueError, "grid points"),
    ],
)
def test_tile_errors_say_what_was_expected(ax, fs, kwargs, error, match):
    with pytest.raises(error, match=match):
        viz.plot_field_tiles(fs, (-1, 1, -1, 1), ax=ax, **kwargs)
