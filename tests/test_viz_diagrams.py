"""Tests of backprop_lab.viz.diagrams: the learning loop and the arrays board."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.image import AxesImage  # noqa: E402
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Rectangle  # noqa: E402

from backprop_lab import viz  # noqa: E402
from backprop_lab.viz.diagrams import _ring_positions  # noqa: E402


@pytest.fixture
def ax():
    return Figure(figsize=(4.5, 3.4), dpi=90).subplots()


def boxes(ax):
    return [p for p in ax.patches if isinstance(p, FancyBboxPatch)]


def arrows(ax):
    return [p for p in ax.patches if isinstance(p, FancyArrowPatch)]


# ---------------------------------------------------------------- the cycle
def test_ring_goes_clockwise_round_the_grid_without_overlaps():
    pos = _ring_positions(8, 3)
    assert len(set(pos)) == 8
    xs, ys = zip(*pos, strict=True)
    assert pos[0] == (min(xs), max(ys))  # top left first
    assert pos[2] == (max(xs), max(ys))  # along the top row
    assert pos[4] == (max(xs), min(ys))  # down the right side
    assert pos[6] == (min(xs), min(ys))  # back along the bottom
    assert pos[7][0] == min(xs) and min(ys) < pos[7][1] < max(ys)  # up the left side


def test_learning_loop_draws_eight_numbered_boxes_and_nine_arrows(ax):
    out = viz.plot_learning_loop(ax=ax)
    assert out is ax
    assert len(boxes(ax)) == 8
    texts = [t.get_text() for t in ax.texts]
    for k, label in enumerate(viz.LEARNING_LOOP):
        assert f"{k + 1}. {label}" in texts
    # 7 to the next box, the last back to the first, and the inner loop 7 -> 3
    assert len(arrows(ax)) == 9
    assert "next batch" in texts and "tune" in texts
    assert not ax.axison


def test_highlight_lights_exactly_one_box(ax):
    viz.plot_learning_loop(4, ax=ax)
    widths = [b.get_linewidth() for b in boxes(ax)]
    assert widths.index(max(widths)) == 4
    assert sorted(widths)[-2] < max(widths)
    faces = [tuple(b.get_facecolor()) for b in boxes(ax)]
    assert len(set(faces)) == 2 and faces.count(faces[4]) == 1
    bold = [t for t in ax.texts if t.get_fontweight() == "bold"]
    assert [t.get_text() for t in bold] == ["5. backward\npass"]


def test_every_box_lies_inside_the_axes_limits(ax):
    viz.plot_learning_loop(0, ax=ax)
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    for b in boxes(ax):
        assert x0 <= b.get_x() and b.get_x() + b.get_width() <= x1
        assert y0 <= b.get_y() and b.get_y() + b.get_height() <= y1


def test_every_label_fits_its_box_at_phone_size():
    fig = Figure(figsize=(4.5, 3.4), dpi=90)
    ax = fig.subplots()
    viz.plot_learning_loop(3, ax=ax)
    renderer = FigureCanvasAgg(fig).get_renderer()
    for box, text in zip(boxes(ax), ax.texts, strict=False):
        inner = box.get_window_extent(renderer)
        outer = text.get_window_extent(renderer)
        assert outer.x0 >= inner.x0 - 1 and outer.x1 <= inner.x1 + 1, text.get_text()
        assert outer.y0 >= inner.y0 - 1 and outer.y1 <= inner.y1 + 1, text.get_text()


def test_plot_cycle_without_numbers_or_back_arrow(ax):
    viz.plot_cycle(["a", "b", "c", "d"], ncols=2, numbered=False, ax=ax)
    assert [t.get_text() for t in ax.texts] == ["a", "b", "c", "d"]
    assert len(arrows(ax)) == 4


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"labels": "abc"}, TypeError, "list of str"),
        ({"labels": ["a", 1, "c", "d"]}, TypeError, "every label"),
        ({"labels": list("abcdefg")}, ValueError, "even"),
        ({"labels": list("abcdefgh"), "highlight": 8}, ValueError, r"0\.\.7"),
        ({"labels": list("abcdefgh"), "highlight": 2.0}, TypeError, "an int"),
        ({"labels": list("abcdefgh"), "back": (3, 3)}, ValueError, "two different"),
        ({"labels": list("abcdefgh"), "back": 3}, TypeError, "from_index"),
        ({"labels": list("abcdefgh"), "ncols": 1}, ValueError, "ncols"),
    ],
)
def test_plot_cycle_refuses_bad_input_clearly(ax, kwargs, error, match):
    with pytest.raises(error, match=match):
        viz.plot_cycle(ax=ax, **kwargs)


# ---------------------------------------------------------------- the arrays board
@pytest.fixture
def state():
    rng = np.random.default_rng(0)
    return {"X": rng.standard_normal((4, 2)), "W1": rng.standard_normal((2, 3)),
            "b1": np.zeros(3), "L": np.float64(0.6931), "dW1": None}


LAYOUT = [["X", "W1", "b1"], ["L", "dW1", None]]


def test_arrays_are_drawn_with_their_names_shapes_and_values(ax, state):
    viz.plot_arrays(state, layout=LAYOUT, ax=ax, vmax=3.0)
    images = [im for im in ax.get_images() if isinstance(im, AxesImage)]
    assert len(images) == 3  # X, W1, b1; the scalar is text, dW1 does not exist yet
    np.testing.assert_array_equal(images[0].get_array(), state["X"])
    assert images[2].get_array().shape == (1, 3)  # a 1-D array is one row
    assert all(im.norm.vmin == -3.0 and im.norm.vmax == 3.0 for im in images)
    texts = [t.get_text() for t in ax.texts]
    assert {"X (4, 2)", "W1 (2, 3)", "b1 (3,)", "L", "dW1", "0.693"} <= set(texts)
    dashed = [p for p in ax.patches if isinstance(p, Rectangle) and p.get_linestyle() == ":"]
    assert len(dashed) == 1  # dW1: not yet


def test_squares_have_the_same_size_in_every_block(ax, state):
    viz.plot_arrays(state, layout=LAYOUT, ax=ax)
    sizes = set()
    for im in ax.get_images():
        left, right, bottom, top = im.get_extent()
        rows, cols = im.get_array().shape
        sizes.add(round((right - left) / cols, 9))
        sizes.add(round((top - bottom) / rows, 9))
    assert len(sizes) == 1


def test_written_and_read_arrays_are_framed_the_others_pale(ax, state):
    viz.plot_arrays(state, layout=LAYOUT, ax=ax, written=["W1"], read=["X"])
    frames = {round(p.get_linewidth(), 1): p for p in ax.patches if isinstance(p, Rectangle)
              and p.get_linestyle() in ("-", "solid") and not p.get_fill()}
    assert max(frames) == 2.6  # the written one
    alphas = [im.get_alpha() for im in ax.get_images()]
    assert alphas == [1.0, 1.0, 0.35]  # X read, W1 written, b1 neither
    bold = [t.get_text() for t in ax.texts if t.get_fontweight() == "bold"]
    assert bold == ["W1 (2, 3)"]


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"layout": [["Z"]]}, ValueError, "not a key"),
        ({"layout": "X"}, TypeError, "list of rows"),
        ({"layout": LAYOUT, "written": "W1"}, TypeError, "list of names"),
        ({"layout": LAYOUT, "read": ["Q"]}, ValueError, "not keys"),
        ({"layout": LAYOUT, "vmax": 0}, ValueError, "vmax"),
        ({"layout": LAYOUT, "cmap": "nope"}, ValueError, "unknown cmap"),
    ],
)
def test_plot_arrays_refuses_bad_input_clearly(ax, state, kwargs, error, match):
    with pytest.raises(error, match=match):
        viz.plot_arrays(state, ax=ax, **kwargs)


def test_plot_arrays_refuses_3d_and_non_finite_arrays(ax):
    with pytest.raises(ValueError, match="at most 2 dimensions"):
        viz.plot_arrays({"T": np.zeros((2, 2, 2))}, layout=[["T"]], ax=ax)
    with pytest.raises(ValueError, match="finite"):
        viz.plot_arrays({"T": np.array([1.0, np.nan])}, layout=[["T"]], ax=ax)


def test_a_shape_tuple_is_a_dotted_outline_of_that_size(ax):
    viz.plot_arrays({"W": (2, 3), "L": (), "b": (3,)}, layout=[["W", "L", "b"]], ax=ax)
    assert not ax.get_images()
    outlines = sorted((p.get_width(), p.get_height()) for p in ax.patches
                      if isinstance(p, Rectangle) and p.get_linestyle() == ":")
    assert outlines == [(2, 1), (3, 1), (3, 2)]
    texts = [t.get_text() for t in ax.texts]
    assert "W (2, 3)" in texts and "b (3,)" in texts and "L" in texts
    with pytest.raises(ValueError, match="shape of an array not computed yet"):
        viz.plot_arrays({"W": (2, 0)}, layout=[["W"]], ax=ax)


def test_the_layout_does_not_depend_on_which_arrays_are_computed(ax):
    full = {"W": np.ones((2, 3)), "L": np.float64(1.0)}
    viz.plot_arrays(full, layout=[["W", "L"]], ax=ax)
    limits = ax.get_xlim(), ax.get_ylim()
    other = Figure().subplots()
    viz.plot_arrays({"W": (2, 3), "L": ()}, layout=[["W", "L"]], ax=other)
    assert (other.get_xlim(), other.get_ylim()) == limits


def test_vmax_as_a_mapping_gives_some_arrays_their_own_scale(ax, state):
    viz.plot_arrays(state, layout=LAYOUT, ax=ax, vmax={"W1": 0.5})
    norms = {im.get_array().shape: im.norm for im in ax.get_images()}
    assert norms[(2, 3)].vmax == 0.5
    top = max(np.abs(state["X"]).max(), np.abs(state["W1"]).max())
    assert norms[(4, 2)].vmax == pytest.approx(top)
    with pytest.raises(ValueError, match="not keys"):
        viz.plot_arrays(state, layout=LAYOUT, ax=ax, vmax={"Q": 1.0})
    with pytest.raises(ValueError, match=r"vmax\['W1'\]"):
        viz.plot_arrays(state, layout=LAYOUT, ax=ax, vmax={"W1": -1.0})
