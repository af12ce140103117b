"""Tests of backprop_lab.viz.diagrams: the learning loop and the arrays board."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.colors as mcolors  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
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


def frames(ax, style="solid"):
    """The frames of the drawn blocks (solid) or the outlines of missing ones (dotted)."""
    want = ("-", "solid") if style == "solid" else (":", "dotted")
    return [p for p in ax.patches if isinstance(p, Rectangle) and not p.get_fill()
            and p.get_linestyle() in want]


def block(ax, frame):
    """The RGBA squares of the board's image inside ``frame``."""
    (image,) = ax.get_images()
    x, y, w, h = frame.get_x(), frame.get_y(), frame.get_width(), frame.get_height()
    rows = slice(int(-y - h), int(-y))
    return image.get_array()[rows, int(x):int(x + w)]


def test_arrays_are_painted_with_their_names_shapes_and_values(ax, state):
    viz.plot_arrays(state, layout=LAYOUT, ax=ax, vmax=3.0)
    assert len(ax.get_images()) == 1  # every block in one image
    drawn = frames(ax)
    assert [(f.get_height(), f.get_width()) for f in drawn] == [(4, 2), (2, 3), (1, 3)]
    norm = mcolors.Normalize(-3.0, 3.0)
    expected = matplotlib.colormaps["PuOr_r"](norm(state["X"]))
    np.testing.assert_allclose(block(ax, drawn[0]), expected)
    texts = [t.get_text() for t in ax.texts]
    assert {"X (4, 2)", "W1 (2, 3)", "b1 (3,)", "L", "dW1", "0.693"} <= set(texts)
    assert len(frames(ax, "dotted")) == 1  # dW1: not computed yet


def test_squares_are_the_pixels_of_one_image_so_all_the_same_size(ax, state):
    viz.plot_arrays(state, layout=LAYOUT, ax=ax)
    (image,) = ax.get_images()
    left, right, bottom, top = image.get_extent()
    rows, cols = image.get_array().shape[:2]
    assert (right - left, top - bottom) == (cols, rows)
    for f in frames(ax):  # every block on whole squares
        assert float(f.get_x()).is_integer() and float(f.get_y()).is_integer()


def test_written_and_read_arrays_are_framed_the_others_pale(ax, state):
    viz.plot_arrays(state, layout=LAYOUT, ax=ax, written=["W1"], read=["X"])
    drawn = frames(ax)
    assert [round(f.get_linewidth(), 1) for f in drawn] == [1.6, 2.6, 0.8]
    alphas = [float(block(ax, f)[..., 3].max()) for f in drawn]
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
    (image,) = ax.get_images()
    assert not image.get_array()[..., 3].any()  # nothing painted
    outlines = sorted((p.get_width(), p.get_height()) for p in frames(ax, "dotted"))
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
    cmap = matplotlib.colormaps["PuOr_r"]
    x_frame, w_frame, _ = frames(ax)
    np.testing.assert_allclose(block(ax, w_frame),
                               cmap(mcolors.Normalize(-0.5, 0.5)(state["W1"])))
    top = max(np.abs(state["X"]).max(), np.abs(state["W1"]).max())
    np.testing.assert_allclose(block(ax, x_frame),
                               cmap(mcolors.Normalize(-top, top)(state["X"])))
    with pytest.raises(ValueError, match="not keys"):
        viz.plot_arrays(state, layout=LAYOUT, ax=ax, vmax={"Q": 1.0})
    with pytest.raises(ValueError, match=r"vmax\['W1'\]"):
        viz.plot_arrays(state, layout=LAYOUT, ax=ax, vmax={"W1": -1.0})
