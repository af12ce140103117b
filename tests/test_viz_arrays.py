"""Tests of viz.arrays (plot_array_equation) and viz.classifiers.plot_field_tiles: known
arrays in, what was drawn out, and the errors."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.collections import LineCollection  # noqa: E402
from matplotlib.colors import same_color, to_rgb  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

from backprop_lab import viz  # noqa: E402
from backprop_lab.viz.classifiers import FIELD_CMAP  # noqa: E402

GREEN, RED = viz.PALETTE["bluish_green"], viz.PALETTE["vermillion"]


@pytest.fixture
def ax():
    return Figure().subplots()


def texts(ax):
    return [t.get_text() for t in ax.texts]


def image_of(ax, k):
    """The RGBA cells of the ``k``-th array drawn (one image per array)."""
    return np.asarray(ax.images[k].get_array())


# ---------------------------------------------------------------- plot_array_equation
def test_each_array_is_an_image_of_its_cells_with_name_and_shape(ax):
    X, W = np.ones((4, 2)), np.arange(6.0).reshape(2, 3) - 2
    viz.plot_array_equation([("X", X), "@", ("W", W), "=", ("Z", X @ W)], ax=ax)
    assert [image_of(ax, k).shape for k in range(3)] == [(4, 2, 4), (2, 3, 4), (4, 3, 4)]
    assert texts(ax) == ["X", "(4, 2)", "@", "W", "(2, 3)", "=", "Z", "(4, 3)"]
    # the signed colours: W's -2 at full blue, 0 white, +3 at full orange (own scale)
    cells = image_of(ax, 1)
    np.testing.assert_allclose(cells[0, 2, :3], (1, 1, 1), atol=0.01)   # W[0, 2] == 0
    np.testing.assert_allclose(cells[1, 2], FIELD_CMAP(1.0))          # the largest |W|
    # one grid line per row and column edge of every array
    (grid,) = [c for c in ax.collections if isinstance(c, LineCollection)]
    assert len(grid.get_segments()) == (5 + 3) + (3 + 4) + (5 + 4)
    assert ax.get_aspect() == 1.0 and not ax.axison


def test_the_arrays_are_drawn_left_to_right_where_their_cells_are(ax):
    X, W = np.ones((4, 2)), np.ones((2, 3))
    viz.plot_array_equation([("X", X), "@", ("W", W)], ax=ax)
    x_left, x_right, y_low, y_high = ax.images[0].get_extent()
    assert (x_right - x_left, y_high - y_low) == (2, 4)              # a cell is 1 x 1
    w_left = ax.images[1].get_extent()[0]
    assert w_left > x_right                                           # the operator between
    assert ax.get_xlim()[1] >= ax.images[1].get_extent()[1]


def test_a_bias_is_one_row_and_its_broadcast_copies_are_faint(ax):
    b = np.array([1.0, -1.0, 0.5])
    viz.plot_array_equation([("b", b, {"broadcast": 4})], ax=ax)
    cells = image_of(ax, 0)
    assert cells.shape == (4, 3, 4)
    np.testing.assert_allclose(cells[0, :, 3], 1.0)
    np.testing.assert_allclose(cells[1:, :, 3], 0.3)
    np.testing.assert_allclose(cells[1:, :, :3], np.broadcast_to(cells[0, :, :3], (3, 3, 3)))
    assert "(3,)" in texts(ax)
    (frame,) = ax.patches                              # around the bias itself only
    assert (frame.get_height(), frame.get_y() + 1) == (1, ax.images[0].get_extent()[3])


def test_long_arrays_are_cut_with_an_ellipsis_and_keep_their_true_shape(ax):
    X = np.arange(1797 * 64, dtype=float).reshape(1797, 64)
    viz.plot_array_equation([("X", X, {"shape": "(n_samples, 64)"})], ax=ax, max_rows=6,
                            max_cols=10)
    assert image_of(ax, 0).shape[:2] == (6, 10)
    assert {"⋮", "⋯", "(n_samples, 64)"} <= set(texts(ax))


def test_tints_shade_a_column_by_size_in_its_colour_and_outline_it(ax):
    W = np.array([[2.0, -1.0], [0.0, 4.0]])
    viz.plot_array_equation([("W", W, {"tint": [GREEN, RED]})], ax=ax)
    cells = image_of(ax, 0)
    green, red = np.array(to_rgb(GREEN)), np.array(to_rgb(RED))
    np.testing.assert_allclose(cells[0, 0, :3], 1 - (1 - green) * 0.5)   # |2| / 4
    np.testing.assert_allclose(cells[1, 0, :3], (1, 1, 1))               # 0: white
    np.testing.assert_allclose(cells[0, 1, :3], 1 - (1 - red) * 0.25)    # |-1| / 4
    np.testing.assert_allclose(cells[1, 1, :3], red)                     # the largest
    frame, *outlines = [p for p in ax.patches if isinstance(p, Rectangle)]
    assert same_color(frame.get_edgecolor(), "black")                   # the array's frame
    assert (frame.get_x(), frame.get_width(), frame.get_height()) == (0, 2, 2)
    assert len(outlines) == 2
    assert all(same_color(p.get_edgecolor(), c)
               for p, c in zip(outlines, [GREEN, RED], strict=True))
    assert [(p.get_x(), p.get_width(), p.get_height()) for p in outlines] == [(0, 1, 2),
                                                                            (1, 1, 2)]


def test_row_tints_annotations_plain_cells_and_a_probability_range(ax):
    W2 = np.array([[-2.0], [-2.0]])
    P = np.array([[0.0], [0.5], [1.0]])
    viz.plot_array_equation(
        [("W2", W2, {"row_tint": [GREEN, None]}), "+",
         ("b", np.array([2.0]), {"plain": True, "annotate": True}), "→",
         ("P", P, {"cmap": "Greys", "vmin": 0, "vmax": 1})], ax=ax, fmt="{:g}")
    np.testing.assert_allclose(image_of(ax, 0)[0, 0, :3], to_rgb(GREEN))
    np.testing.assert_allclose(image_of(ax, 0)[1, 0], FIELD_CMAP(0.0))   # -2: untinted row
    np.testing.assert_allclose(image_of(ax, 1)[0, 0], (1, 1, 1, 1))
    assert "2" in texts(ax)
    from matplotlib import colormaps
    np.testing.assert_allclose(image_of(ax, 2)[:, 0], colormaps["Greys"]([0.0, 0.5, 1.0]))


def test_a_newline_term_starts_a_second_line_below(ax):
    Z = np.ones((3, 2))
    viz.plot_array_equation([("Z", Z), "\n", ("A", Z)], ax=ax)
    (z_top, a_top) = [im.get_extent()[3] for im in ax.images]
    assert a_top < z_top - 3                                          # below, not beside
    assert ax.images[0].get_extent()[0] == ax.images[1].get_extent()[0] == 0


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
    frames = [p for p in ax.patches if isinstance(p, Rectangle)]
    assert len(frames) == 2
    assert all(same_color(p.get_edgecolor(), c) for p, c in zip(frames, [GREEN, RED], strict=True))
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
    assert len(ax.collections) == 2                                   # a contour per tile


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
