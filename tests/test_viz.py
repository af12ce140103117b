"""Tests of backprop_lab.viz: known arrays in, check what was drawn on the axes."""

import subprocess
import sys

import matplotlib

matplotlib.use("Agg")  # before pyplot is imported anywhere (ax=None uses pyplot)

import matplotlib.colors as mcolors  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.contour import ContourSet  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from backprop_lab import viz  # noqa: E402


@pytest.fixture
def ax():
    return Figure().subplots()


@pytest.fixture
def bowl():
    W1, W2 = np.meshgrid(np.linspace(-2, 2, 41), np.linspace(-1, 1, 21))
    return W1, W2, 0.5 * (W1**2 + 10 * W2**2)


def data_lines(ax):
    """Lines drawn with data (the ones with more than one point)."""
    return [ln for ln in ax.get_lines() if len(ln.get_xdata()) > 1]


# ---------------------------------------------------------------- palette and style
def test_palette_is_okabe_ito_hex_colours():
    assert len(viz.PALETTE) == 8
    assert all(mcolors.is_color_like(c) for c in viz.PALETTE.values())
    assert viz.PALETTE["blue"] == "#0072B2"


def test_successive_styles_differ_in_colour_linestyle_and_marker():
    styles = [viz.style(i) for i in range(len(viz.COLORS))]
    for key in ("color", "marker"):
        assert len({str(s[key]) for s in styles}) == len(styles)
    assert len({str(s["linestyle"]) for s in styles}) == len(styles)


def test_style_rejects_negative_index():
    with pytest.raises(ValueError, match="non-negative integer"):
        viz.style(-1)


def test_viz_imports_neither_pyplot_nor_ipywidgets():
    code = (
        "import sys, backprop_lab.viz; "
        "print('matplotlib.pyplot' in sys.modules, 'ipywidgets' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.split() == ["False", "False"]


# ---------------------------------------------------------------- loss surface
def test_loss_surface_draws_contours_with_labels_and_grid_limits(ax, bowl):
    W1, W2, L = bowl
    out = viz.plot_loss_surface(W1, W2, L, ax=ax, xlabel="w1", ylabel="w2")
    assert out is ax
    contours = [c for c in ax.collections if isinstance(c, ContourSet)]
    assert len(contours) == 2  # filled + lines
    assert ax.get_xlabel() == "w1" and ax.get_ylabel() == "w2"
    assert ax.get_xlim() == pytest.approx((-2, 2))
    assert ax.get_ylim() == pytest.approx((-1, 1))


def test_loss_surface_log_levels_use_a_log_norm_and_geometric_levels(ax, bowl):
    viz.plot_loss_surface(*bowl, ax=ax, levels=12)
    cs = next(c for c in ax.collections if isinstance(c, ContourSet))
    assert isinstance(cs.norm, mcolors.LogNorm)
    ratios = np.diff(np.log(cs.levels))
    assert np.allclose(ratios, ratios[0])


def test_loss_surface_linear_levels_and_lines_only(ax, bowl):
    viz.plot_loss_surface(*bowl, ax=ax, levels=[1.0, 2.0, 4.0], log_levels=False, filled=False)
    contours = [c for c in ax.collections if isinstance(c, ContourSet)]
    assert len(contours) == 1
    assert list(contours[0].levels) == [1.0, 2.0, 4.0]
    assert not contours[0].filled


def test_loss_surface_marks_the_minimum(ax, bowl):
    viz.plot_loss_surface(*bowl, ax=ax, minimum=(0.0, 0.0))
    (star,) = [ln for ln in ax.get_lines() if ln.get_marker() == "*"]
    assert list(star.get_xdata()) == [0.0] and list(star.get_ydata()) == [0.0]


def _pixel(ax, x, y):
    """The RGB colour drawn at data point (x, y) of ``ax`` (its figure rendered by Agg)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(ax.figure)
    canvas.draw()
    rgba = np.asarray(canvas.buffer_rgba())
    px, py = ax.transData.transform((x, y))
    return rgba[int(round(rgba.shape[0] - py)), int(round(px)), :3]


def test_loss_surface_with_nan_points_leaves_them_blank(ax, bowl):
    """NaN points are left out: the corner of each grid cell at a NaN point stays blank
    (the axes' white), the levels come from the finite values, and the rest is filled."""
    W1, W2, L = bowl
    L = L.copy()
    L[0, 0] = np.nan  # the grid's corner (w1, w2) = (-2, -1)
    L[10, 20] = np.nan  # the minimum (0, 0), inside the grid
    viz.plot_loss_surface(W1, W2, L, ax=ax)
    contours = [c for c in ax.collections if isinstance(c, ContourSet)]
    assert [c.filled for c in contours] == [True, False]
    levels = contours[0].levels
    assert np.isfinite(levels).all()
    # log-spaced from the smallest positive finite value to the largest finite one
    assert levels[0] == np.min(L[L > 0]) and levels[-1] == np.nanmax(L)
    white = np.array([255, 255, 255])
    # the grid spacing is 0.1: the triangles |dw1| + |dw2| < 0.1 at the NaN points are blank
    for x, y in [(-1.97, -0.97), (0.02, 0.03), (-0.03, -0.02), (0.03, -0.03)]:
        assert (_pixel(ax, x, y) == white).all(), (x, y)
    for x, y in [(-1.9, -0.9), (-1.95, 0.95), (1.95, -0.95), (0.1, 0.05), (-0.05, -0.1)]:
        assert not (_pixel(ax, x, y) == white).all(), (x, y)  # filled


@pytest.mark.parametrize(
    ("args", "match"),
    [
        ((np.zeros(5), np.zeros(5), np.zeros(5)), "2-D grid"),
        ((np.zeros((3, 4)), np.zeros((3, 4)), np.zeros((4, 3))), "same shape"),
        ((np.zeros((1, 4)), np.zeros((1, 4)), np.zeros((1, 4))), "at least 2 x 2"),
        ((np.zeros((3, 3)), np.zeros((3, 3)), np.full((3, 3), np.nan)), "finite values"),
    ],
)
def test_loss_surface_invalid_inputs(ax, args, match):
    with pytest.raises(ValueError, match=match):
        viz.plot_loss_surface(*args, ax=ax)


def test_loss_surface_invalid_levels(ax, bowl):
    with pytest.raises(ValueError, match="levels >= 2"):
        viz.plot_loss_surface(*bowl, ax=ax, levels=1)
    with pytest.raises(ValueError, match="increasing 1-D array"):
        viz.plot_loss_surface(*bowl, ax=ax, levels=[3.0, 1.0])


def test_loss_surface_rejects_non_axes():
    with pytest.raises(TypeError, match="matplotlib Axes"):
        viz.plot_loss_surface(np.zeros((2, 2)), np.zeros((2, 2)), np.zeros((2, 2)), ax="ax")


@pytest.mark.parametrize(
    ("levels", "err", "match"),
    [
        ("abc", TypeError, "levels to be an integer count or a sequence of numbers, got 'abc'"),
        (None, TypeError, "levels to be an integer count .* got None"),
        (np.nan, TypeError, "levels to be an integer count .* got nan"),
        (2.5, TypeError, "levels to be an integer count .* got 2.5"),
        ([1.0, np.nan], ValueError, "increasing 1-D array of at least 2 finite values"),
        ([1.0, np.inf], ValueError, "increasing 1-D array of at least 2 finite values"),
    ],
)
def test_loss_surface_levels_must_be_a_count_or_finite_increasing_levels(
    ax, bowl, levels, err, match
):
    with pytest.raises(err, match=match):
        viz.plot_loss_surface(*bowl, ax=ax, levels=levels)


@pytest.mark.parametrize(("name", "bad"), [("W1", np.nan), ("W2", np.inf)])
def test_loss_surface_rejects_non_finite_grid_coordinates(ax, bowl, name, bad):
    W1, W2, L = (a.copy() for a in bowl)
    (W1 if name == "W1" else W2)[2, 3] = bad
    with pytest.raises(ValueError, match=rf"finite coordinates in {name}, found {bad} at index"):
        viz.plot_loss_surface(W1, W2, L, ax=ax)


def test_loss_surface_values_too_large_for_levels(ax, bowl):
    W1, W2, _ = bowl
    with pytest.raises(ValueError, match="could not space 20 contour levels.*Rescale L"):
        viz.plot_loss_surface(W1, W2, np.full(W1.shape, 1e308), ax=ax)


def test_loss_surface_unknown_cmap_lists_valid_names(ax, bowl):
    with pytest.raises(ValueError, match=r"unknown cmap 'viridiss'.*'viridis'.*'cividis'"):
        viz.plot_loss_surface(*bowl, ax=ax, cmap="viridiss")
    with pytest.raises(TypeError, match="cmap to be a colormap name such as 'cividis'"):
        viz.plot_loss_surface(*bowl, ax=ax, cmap=5)
    assert not ax.collections  # refused before drawing


def test_loss_surface_accepts_a_colormap_object(ax, bowl):
    viz.plot_loss_surface(*bowl, ax=ax, cmap=matplotlib.colormaps["viridis"])
    assert next(c for c in ax.collections if isinstance(c, ContourSet)).cmap.name == "viridis"


# ---------------------------------------------------------------- trajectory
def test_trajectory_line_equals_path_and_marks_start_and_end(ax):
    path = np.array([[1.0, 1.0], [0.5, -0.5], [0.2, 0.1], [0.0, 0.0]])
    viz.plot_trajectory(path, ax=ax, label="gd")
    (line,) = data_lines(ax)
    assert np.array_equal(line.get_xdata(), path[:, 0])
    assert np.array_equal(line.get_ydata(), path[:, 1])
    assert line.get_label() == "gd"
    singles = [ln for ln in ax.get_lines() if len(ln.get_xdata()) == 1]
    assert [(ln.get_xdata()[0], ln.get_ydata()[0]) for ln in singles] == [(1.0, 1.0), (0.0, 0.0)]
    assert {ln.get_marker() for ln in singles} == {"o", "s"}


def test_trajectory_keeps_the_surface_limits_when_it_diverges(ax, bowl):
    viz.plot_loss_surface(*bowl, ax=ax)
    path = np.array([[1.0, 0.5], [-1.5, -2.0], [3.0, 8.0], [-9.0, -50.0]])
    viz.plot_trajectory(path, ax=ax)
    assert ax.get_xlim() == pytest.approx((-2, 2))
    assert ax.get_ylim() == pytest.approx((-1, 1))
    assert any(t.get_text() == "diverged" for t in ax.texts)


def test_trajectory_inside_the_view_has_no_divergence_note(ax, bowl):
    viz.plot_loss_surface(*bowl, ax=ax)
    viz.plot_trajectory(np.array([[1.0, 0.5], [0.5, -0.2], [0.1, 0.05]]), ax=ax)
    assert not ax.texts


def test_trajectory_drops_rows_after_the_first_nan(ax, bowl):
    viz.plot_loss_surface(*bowl, ax=ax)
    path = np.array([[1.0, 0.5], [1.9, -0.9], [np.inf, 1.0], [np.nan, np.nan]])
    viz.plot_trajectory(path, ax=ax)
    (line,) = data_lines(ax)
    assert len(line.get_xdata()) == 2
    assert any(t.get_text() == "diverged" for t in ax.texts)


def test_trajectory_on_empty_axes_autoscales_to_the_path(ax):
    viz.plot_trajectory(np.array([[0.0, 0.0], [10.0, 20.0]]), ax=ax)
    x0, x1 = ax.get_xlim()
    assert x0 <= 0 and x1 >= 10


def test_trajectories_take_successive_styles(ax):
    for i in range(2):
        viz.plot_trajectory(np.array([[0.0, i], [1.0, i]]), ax=ax, index=i)
    a, b = data_lines(ax)
    assert a.get_color() != b.get_color() and a.get_linestyle() != b.get_linestyle()


@pytest.mark.parametrize("shape", [(5,), (4, 3), (0, 2), (2, 2, 2)])
def test_trajectory_invalid_shape(ax, shape):
    with pytest.raises(ValueError, match=r"path of shape \(n_steps \+ 1, 2\)"):
        viz.plot_trajectory(np.zeros(shape), ax=ax)


@pytest.mark.parametrize(
    ("kw", "err", "match"),
    [
        ({"color": "notacolor"}, ValueError, "color to be a matplotlib colour"),
        ({"color": 5}, ValueError, "color to be a matplotlib colour"),
        ({"marker": "Q"}, ValueError, "marker to be a matplotlib marker such as 'o'"),
        ({"linestyle": "~"}, ValueError, "linestyle to be a matplotlib linestyle such as '-'"),
        ({"linestyle": (0, (5, -1))}, ValueError, r"dash lengths in linestyle=\(0, \(5, -1\)\)"),
        ({"linestyle": (0, (0, 0))}, ValueError, "to be >= 0 with at least one > 0"),
        ({"markersize": "a"}, TypeError, "markersize to be a number"),
        ({"markersize": -1.0}, ValueError, "markersize >= 0"),
        ({"markersize": np.nan}, ValueError, "markersize >= 0"),
    ],
)
def test_trajectory_rejects_bad_line_style(ax, kw, err, match):
    with pytest.raises(err, match=match):
        viz.plot_trajectory(np.array([[1.0, 1.0], [0.0, 0.0]]), ax=ax, **kw)
    assert not ax.get_lines()  # refused before drawing


def test_trajectory_accepts_any_matplotlib_style(ax):
    path = np.array([[1.0, 1.0], [0.0, 0.0]])
    viz.plot_trajectory(path, ax=ax, color=(1, 0, 0), linestyle=(0, (1, 2)), marker=4)
    (line,) = data_lines(ax)
    assert line.get_marker() == 4 and mcolors.same_color(line.get_color(), "red")


# ---------------------------------------------------------------- loss curves
def test_loss_curves_one_line_per_curve_with_the_given_data(ax):
    curves = {"train": np.array([3.0, 2.0, 1.0]), "test": np.array([4.0, 3.0, 2.5, 2.4])}
    out = viz.plot_loss_curves(curves, ax=ax, xlabel="epoch")
    assert out is ax
    lines = data_lines(ax)
    assert [ln.get_label() for ln in lines] == ["train", "test"]
    assert np.array_equal(lines[0].get_ydata(), curves["train"])
    assert np.array_equal(lines[1].get_xdata(), [0, 1, 2, 3])
    assert ax.get_xlabel() == "epoch" and ax.get_ylabel() == "loss"
    assert ax.get_yscale() == "linear"
    assert ax.get_legend() is not None


def test_loss_curves_single_array_and_log_scale(ax):
    viz.plot_loss_curves(np.array([1.0, 0.1, 0.01]), ax=ax, log_y=True)
    assert ax.get_yscale() == "log"
    assert len(data_lines(ax)) == 1
    assert ax.get_legend() is None


def test_loss_curves_stop_at_inf_and_mark_divergence(ax):
    viz.plot_loss_curves({"lr=1": np.array([1.0, 5.0, 50.0, np.inf, np.nan])}, ax=ax)
    (line,) = data_lines(ax)
    assert np.array_equal(line.get_ydata(), [1.0, 5.0, 50.0])
    assert line.get_label() == "lr=1 (diverged at step 3)"
    (cross,) = [ln for ln in ax.get_lines() if ln.get_marker() == "X"]
    assert cross.get_xdata()[0] == 2 and cross.get_ydata()[0] == 50.0


def test_loss_curves_huge_growth_counts_as_divergence(ax):
    viz.plot_loss_curves({"a": np.array([1.0, 0.5]), "b": np.array([1.0, 10.0, 1e300])}, ax=ax)
    assert data_lines(ax)[1].get_label() == "b (diverged at step 2)"
    ax2 = Figure().subplots()
    viz.plot_loss_curves({"b": np.array([1.0, 10.0, 1e300])}, ax=ax2, diverge_factor=None)
    assert data_lines(ax2)[0].get_label() == "b"


def test_loss_curves_custom_x(ax):
    viz.plot_loss_curves(np.array([1.0, 0.5]), ax=ax, x=np.array([10.0, 20.0, 30.0]))
    assert list(data_lines(ax)[0].get_xdata()) == [10.0, 20.0]


@pytest.mark.parametrize(
    ("curves", "match"),
    [
        ({}, "at least one curve"),
        (np.zeros((3, 2)), "to be 1-D"),
        ({"a": np.zeros((2, 2))}, "curve 'a' to be 1-D"),
        (np.array([]), "at least one value"),
    ],
)
def test_loss_curves_invalid(ax, curves, match):
    with pytest.raises(ValueError, match=match):
        viz.plot_loss_curves(curves, ax=ax)


def test_loss_curves_x_too_short(ax):
    with pytest.raises(ValueError, match="at least 3 values"):
        viz.plot_loss_curves(np.ones(3), ax=ax, x=np.arange(2.0))


def test_loss_curves_non_numeric(ax):
    with pytest.raises(TypeError, match="array of numbers"):
        viz.plot_loss_curves({"a": ["x", "y"]}, ax=ax)


@pytest.mark.parametrize("factor", [0, -1, 1, 0.5, np.nan, np.inf])
def test_loss_curves_diverge_factor_must_exceed_one(ax, factor):
    # a factor <= 1 used to mark every curve as diverged at step 0
    with pytest.raises(ValueError, match="diverge_factor to be a finite number > 1 or None"):
        viz.plot_loss_curves(np.array([1.0, 0.5]), ax=ax, diverge_factor=factor)


def test_loss_curves_diverge_factor_must_be_a_number(ax):
    with pytest.raises(TypeError, match="diverge_factor to be a finite number > 1 .* got 'a'"):
        viz.plot_loss_curves(np.array([1.0, 0.5]), ax=ax, diverge_factor="a")


def test_ax_none_makes_a_new_figure():
    import matplotlib.pyplot as plt

    before = len(plt.get_fignums())
    out = viz.plot_loss_curves(np.ones(3))
    assert len(plt.get_fignums()) == before + 1
    plt.close(out.figure)


# ---------------------------------------------------------------- lr sweep
def test_lr_sweep_log_x_sorted_data_and_mark(ax):
    lrs = np.array([0.1, 0.01, 1.0])
    vals = np.array([0.2, 0.5, 0.9])
    viz.plot_lr_sweep(lrs, vals, ax=ax, mark=0.3, mark_label="critical")
    assert ax.get_xscale() == "log"
    line = data_lines(ax)[0]
    assert np.array_equal(line.get_xdata(), [0.01, 0.1, 1.0])
    assert np.array_equal(line.get_ydata(), [0.5, 0.2, 0.9])
    vline = next(ln for ln in ax.get_lines() if ln.get_label() == "critical")
    assert list(vline.get_xdata()) == [0.3, 0.3]


def test_lr_sweep_marks_diverged_runs(ax):
    lrs = np.array([0.01, 0.1, 1.0, 2.0])
    viz.plot_lr_sweep(lrs, np.array([0.5, 0.1, np.inf, 1e200]), ax=ax, diverged_above=10.0)
    line = data_lines(ax)[0]
    assert np.array_equal(line.get_xdata(), [0.01, 0.1])
    crosses = next(ln for ln in ax.get_lines() if ln.get_label() == "diverged")
    assert np.array_equal(crosses.get_xdata(), [1.0, 2.0])


def test_lr_sweep_several_series_and_log_y(ax):
    lrs = np.array([0.01, 0.1])
    viz.plot_lr_sweep(lrs, {"sgd": [1.0, 0.1], "adam": [0.5, 0.05]}, ax=ax, log_y=True)
    assert [ln.get_label() for ln in data_lines(ax)] == ["sgd", "adam"]
    assert ax.get_yscale() == "log"


@pytest.mark.parametrize(
    ("lrs", "values", "match"),
    [
        ([0.1, 0.0], [1.0, 1.0], "positive finite learning rates"),
        ([[0.1, 0.2]], [1.0, 1.0], "non-empty 1-D array"),
        ([0.1, 0.2], [1.0, 1.0, 1.0], r"values of shape \(2,\)"),
    ],
)
def test_lr_sweep_invalid(ax, lrs, values, match):
    with pytest.raises(ValueError, match=match):
        viz.plot_lr_sweep(lrs, values, ax=ax)


def test_lr_sweep_invalid_mark(ax):
    with pytest.raises(ValueError, match="mark to be a positive learning rate"):
        viz.plot_lr_sweep([0.1, 0.2], [1.0, 2.0], ax=ax, mark=-1.0)


@pytest.mark.parametrize(
    ("mark", "err"), [("a", TypeError), ([0.1], TypeError), (np.nan, ValueError), (0, ValueError)]
)
def test_lr_sweep_mark_is_checked_before_anything_is_drawn(ax, mark, err):
    with pytest.raises(err, match="mark to be a positive learning rate"):
        viz.plot_lr_sweep([0.1, 0.2], [1.0, 2.0], ax=ax, mark=mark)
    assert not ax.get_lines()


@pytest.mark.parametrize(
    ("limit", "err"),
    [
        (np.nan, ValueError),
        (-1.0, ValueError),
        (0, ValueError),
        (np.inf, ValueError),
        ("a", TypeError),
    ],
)
def test_lr_sweep_diverged_above_must_be_a_finite_positive_number(ax, limit, err):
    # nan used to mark every run as diverged; "a" leaked numpy's ufunc error
    with pytest.raises(err, match="diverged_above to be a finite number > 0"):
        viz.plot_lr_sweep([0.1, 0.2], [1.0, 2.0], ax=ax, diverged_above=limit)
    assert not ax.get_lines()


def test_invalid_input_with_ax_none_opens_no_figure():
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    with pytest.raises(TypeError, match="mark to be a positive learning rate"):
        viz.plot_lr_sweep([0.1, 0.2], [1.0, 2.0], mark="a")
    assert plt.get_fignums() == before


# ---------------------------------------------------------------- schedules, badge
def test_schedules_one_staircase_per_schedule(ax):
    t = np.arange(10.0)
    sched = {"constant": np.full(10, 0.1), "step": 0.1 * 0.5 ** (t // 4)}
    viz.plot_schedules(t, sched, ax=ax, log_y=True)
    lines = data_lines(ax)
    assert [ln.get_label() for ln in lines] == ["constant", "step"]
    assert np.array_equal(lines[1].get_ydata(), sched["step"])
    assert lines[1].get_drawstyle() == "steps-post"
    assert ax.get_yscale() == "log"


def test_schedules_shape_mismatch(ax):
    with pytest.raises(ValueError, match=r"schedule 'step' of shape \(10,\)"):
        viz.plot_schedules(np.arange(10.0), {"step": np.ones(9)}, ax=ax)


def test_value_badge(ax):
    viz.value_badge(ax, "lr = 0.1", loc="lower right")
    assert ax.texts[0].get_text() == "lr = 0.1"
    with pytest.raises(ValueError, match="loc in"):
        viz.value_badge(ax, "x", loc="middle")


# ---------------------------------------------------------------- audit E
def test_loss_surface_log_levels_refuse_negative_losses(ax, bowl):
    W1, W2, L = bowl
    for bad in (-L, L - 5):
        with pytest.raises(ValueError, match=r"log_levels=True expected L >= 0.*log_levels=False"):
            viz.plot_loss_surface(W1, W2, bad, ax=ax)
    viz.plot_loss_surface(W1, W2, L - 5, ax=ax, log_levels=False)  # linear levels are fine


@pytest.mark.parametrize("value", [0.0, 3.0])
def test_loss_surface_refuses_a_constant_loss(ax, bowl, value):
    W1, W2, _ = bowl
    with pytest.raises(ValueError, match="constant L"):
        viz.plot_loss_surface(W1, W2, np.full(W1.shape, value), ax=ax)


@pytest.mark.parametrize("scale", [1e307, 1e300, 1e-320])
def test_loss_surface_extreme_values_ask_to_rescale(bowl, scale):
    W1, W2, L = bowl
    ax = Figure().subplots()
    with pytest.raises(ValueError, match="Rescale L"), np.errstate(all="ignore"):
        viz.plot_loss_surface(W1, W2, L * scale, ax=ax)
        ax.figure.savefig(__import__("io").BytesIO(), format="png")


@pytest.mark.parametrize(
    "call",
    [
        lambda ax, m: viz.plot_loss_curves(m, ax=ax),
        lambda ax, m: viz.plot_lr_sweep([0.1, 0.2, 0.3], m, ax=ax),
        lambda ax, m: viz.plot_schedules([0, 1, 2], m, ax=ax),
        lambda ax, m: viz.plot_trajectory(np.ma.masked_array([[1.0, 1], [2, 2]],
                                                             [[0, 0], [1, 1]]), ax=ax),
        lambda ax, m: viz.plot_loss_surface(*np.meshgrid([0.0, 1], [0.0, 1]),
                                            np.ma.masked_array([[1.0, 2], [3, 4]],
                                                               [[0, 1], [0, 0]]), ax=ax),
    ],
)
def test_masked_arrays_are_refused_not_unmasked(ax, call):
    with pytest.raises(TypeError, match="masked array"):
        call(ax, np.ma.masked_array([1.0, 2, 3], [0, 1, 0]))


# ---------------------------------------------------------------- audit E: 7, 9, 10, 15
def zero_marks(ax):
    return [ln for ln in ax.get_lines() if ln.get_marker() == "v"]


def test_loss_curves_on_a_log_axis_mark_a_loss_of_exactly_zero(ax):
    viz.plot_loss_curves({"a": [1.0, 0.1, 0.0, 0.0], "b": [1.0, 0.5, 0.2, 0.1]}, ax=ax,
                         log_y=True)
    line = data_lines(ax)[0]
    assert np.array_equal(line.get_ydata(), [1.0, 0.1, np.nan, np.nan], equal_nan=True)
    (marks,) = zero_marks(ax)
    assert list(marks.get_xdata()) == [2.0, 3.0]
    assert marks.get_label() == viz.ZERO_LABEL
    assert ax.get_legend().get_texts()[-1].get_text() == viz.ZERO_LABEL
    plain = Figure().subplots()  # a linear axis shows 0 as it is
    viz.plot_loss_curves({"a": [1.0, 0.1, 0.0, 0.0]}, ax=plain)
    assert not zero_marks(plain) and list(data_lines(plain)[0].get_ydata()) == [1, 0.1, 0, 0]


def test_lr_sweep_and_schedules_on_a_log_axis_mark_zeros(ax):
    viz.plot_lr_sweep([0.1, 0.2, 0.3], [1.0, 0.0, 0.5], ax=ax, log_y=True)
    assert list(data_lines(ax)[0].get_xdata()) == [0.1, 0.3]
    (marks,) = zero_marks(ax)
    assert list(marks.get_xdata()) == [0.2] and marks.get_label() == viz.ZERO_LABEL
    ax2 = Figure().subplots()
    t = np.arange(5.0)
    viz.plot_schedules(t, {"cosine": [0.1, 0.08, 0.05, 0.02, 0.0]}, ax=ax2, log_y=True)
    (marks,) = zero_marks(ax2)
    assert list(marks.get_xdata()) == [4.0]
    assert viz.ZERO_LABEL in [t.get_text() for t in ax2.get_legend().get_texts()]


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda ax: viz.plot_loss_curves({"a": [1.0, -0.1]}, ax=ax, log_y=True),
         r"log_y=True expected curve 'a' >= 0, got -0.1 at step 1.*log_y=False"),
        (lambda ax: viz.plot_lr_sweep([0.1, 0.2], [1.0, -1.0], ax=ax, log_y=True),
         r"log_y=True expected values >= 0, got -1 at learning rate 0.2"),
        (lambda ax: viz.plot_schedules([0, 1], {"c": [0.1, -0.1]}, ax=ax, log_y=True),
         r"log_y=True expected schedule 'c' >= 0, got -0.1 at step 1"),
    ],
)
def test_negative_values_on_a_log_axis_are_refused_before_drawing(ax, call, match):
    with pytest.raises(ValueError, match=match):
        call(ax)
    assert not ax.get_lines()


def test_a_negative_value_after_divergence_is_not_drawn_so_not_refused(ax):
    viz.plot_loss_curves({"a": [1.0, np.inf, -5.0]}, ax=ax, log_y=True)
    assert data_lines(ax) == [] and ax.get_lines()  # the start and the cross


@pytest.mark.parametrize(
    ("curves", "err", "match"),
    [
        ({None: [1.0, 2.0]}, TypeError, r"got None. To draw one curve without a legend"),
        ({"": [1.0, 2.0]}, ValueError, "non-empty str"),
        ({"  ": [1.0, 2.0]}, ValueError, "non-empty str"),
        ({"_train": [1.0, 2.0]}, ValueError, r"not to start with '_'.*'train'"),
        ({(1, 2): [1.0, 2.0]}, TypeError, r"to be a str .*got tuple \(1, 2\)"),
        ({0.1: [1.0, 2.0]}, TypeError, r"got float 0.1.*f'lr = \{lr:g\}'"),
    ],
)
def test_series_labels_must_be_legend_entries(ax, curves, err, match):
    for call in (
        lambda: viz.plot_loss_curves(curves, ax=ax),
        lambda: viz.plot_lr_sweep([0.1, 0.2], curves, ax=ax),
        lambda: viz.plot_schedules([0, 1], curves, ax=ax),
    ):
        with pytest.raises(err, match=match):
            call()
    assert not ax.get_lines()


def test_trajectory_label_and_mark_label_must_be_legend_entries(ax):
    path = np.array([[1.0, 1.0], [0.0, 0.0]])
    with pytest.raises(TypeError, match=r"plot_trajectory expected label to be a str"):
        viz.plot_trajectory(path, ax=ax, label=(1, 2))
    with pytest.raises(ValueError, match="not to start with '_'"):
        viz.plot_trajectory(path, ax=ax, label="_hidden")
    with pytest.raises(ValueError, match="mark_label to be a non-empty str"):
        viz.plot_lr_sweep([0.1, 0.2], [1.0, 2.0], ax=ax, mark=0.1, mark_label="")
    assert not ax.get_lines()
    viz.plot_trajectory(path, ax=ax)  # None: documented as "no legend entry"
    assert ax.get_legend_handles_labels() == ([], [])


def test_styles_stay_distinct_beyond_seven_lines():
    def key(i):
        s = viz.style(i)
        return (s["color"], str(s["linestyle"]), s["marker"], s.get("markerfacecolor"))

    assert len({key(i) for i in range(49)}) == 49
    for i in range(7):
        a, b = viz.style(i), viz.style(i + 7)
        assert a["color"] == b["color"]
        assert a["linestyle"] != b["linestyle"] and a["marker"] != b["marker"]
        assert b["markerfacecolor"] == "white" and "markerfacecolor" not in a


def test_the_eighth_curve_does_not_look_like_the_first(ax):
    viz.plot_loss_curves({f"lr = {k}": np.linspace(2, 1, 5) + k for k in range(8)}, ax=ax)
    first, eighth = data_lines(ax)[0], data_lines(ax)[7]
    assert first.get_color() == eighth.get_color()
    assert (first.get_linestyle(), first.get_marker()) != (eighth.get_linestyle(),
                                                           eighth.get_marker())
    assert mcolors.same_color(eighth.get_markerfacecolor(), "white")


@pytest.mark.parametrize("start", [[np.nan, 1.0], [np.inf, np.inf]])
def test_trajectory_refuses_a_non_finite_start(ax, bowl, start):
    with pytest.raises(ValueError, match=r"plot_trajectory expected a finite start \(row 0"):
        viz.plot_trajectory(np.array([start, [1.0, 1.0]]), ax=ax)
    viz.plot_loss_surface(*bowl, ax=ax)
    with pytest.raises(ValueError, match="finite start"):
        viz.plot_trajectory(np.array([start, [1.0, 1.0]]), ax=ax)
    assert not ax.texts  # no zero-length "diverged" arrow in the centre


@pytest.mark.parametrize("path", [[[1.0, 1.0], [np.nan, np.nan]],
                                  [[1.0, 1.0], [2.0, 3.0], [np.inf, 0.0]]])
def test_a_path_cut_at_a_nan_row_is_marked_on_empty_axes_too(ax, path):
    viz.plot_trajectory(np.array(path), ax=ax)
    (note,) = ax.texts
    assert note.get_text() == "diverged"
    assert tuple(note.xy) == tuple(path[-2])  # it points at the last finite point


def test_trajectory_index_errors_name_plot_trajectory(ax):
    path = np.array([[1.0, 1.0], [0.0, 0.0]])
    with pytest.raises(ValueError, match=r"^plot_trajectory expected index >= 0"):
        viz.plot_trajectory(path, ax=ax, index=-1)
    with pytest.raises(TypeError, match=r"^plot_trajectory expected index to be an integer"):
        viz.plot_trajectory(path, ax=ax, index=1.5)


def test_lr_sweep_2d_values_get_a_hint_about_learning_rates_not_steps(ax):
    with pytest.raises(ValueError, match=r"values to be 1-D \(one value per learning rate\)"
                                         r".*values.mean\(axis=1\)") as info:
        viz.plot_lr_sweep([0.1, 0.2], np.ones((2, 3)), ax=ax)
    assert "step" not in str(info.value)


def test_schedules_with_ax_none_validate_before_making_a_figure():
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    with pytest.raises(ValueError, match="one learning rate per step"):
        viz.plot_schedules([0, 1], {"a": [0.1, 0.2, 0.3]})
    with pytest.raises(TypeError, match="str"):
        viz.plot_schedules([0, 1], {1: [0.1, 0.2]})
    assert plt.get_fignums() == before


def test_zero_label_is_public():
    assert "ZERO_LABEL" in viz.__all__ and viz.ZERO_LABEL == "0 (below the log axis)"


# ---------------------------------------------------------------- options a chapter needs
# A chapter passes options instead of patching the returned axes (no ax.lines[0].set_marker,
# no ax.set_xscale after the call).
def test_lr_sweep_without_markers_on_a_linear_axis(ax):
    lrs = np.linspace(0.01, 0.2, 20)
    viz.plot_lr_sweep(lrs, {"predicted": 1 - lrs}, ax=ax, marker="", log_x=False,
                      xlim=(0, 0.23))
    (line,) = data_lines(ax)
    assert line.get_marker() in ("", "None")
    assert ax.get_xscale() == "linear"
    assert [float(v) for v in ax.get_xlim()] == [0.0, 0.23]
    default = Figure().subplots()
    viz.plot_lr_sweep(lrs, {"predicted": 1 - lrs}, ax=default)
    assert default.get_xscale() == "log" and data_lines(default)[0].get_marker() == "o"


def test_lr_sweep_linear_axis_still_refuses_non_positive_rates(ax):
    with pytest.raises(ValueError, match=r"positive finite learning rates \(a learning rate "
                                         r"is > 0\), got \[0.0, 0.1\]"):
        viz.plot_lr_sweep([0.0, 0.1], [1.0, 2.0], ax=ax, log_x=False)


@pytest.mark.parametrize("plot", ["curves", "schedules", "sweep"])
def test_one_marker_for_every_line_replaces_the_cycle(ax, plot):
    y = {"a": np.linspace(1, 2, 12), "b": np.linspace(2, 3, 12)}
    x = np.geomspace(0.01, 1, 12)
    if plot == "curves":
        viz.plot_loss_curves(y, ax=ax, marker="")
    elif plot == "schedules":
        viz.plot_schedules(np.arange(12), y, ax=ax, marker="")
    else:
        viz.plot_lr_sweep(x, y, ax=ax, marker="")
    lines = data_lines(ax)
    assert len(lines) == 2 and {ln.get_marker() for ln in lines} <= {"", "None"}
    assert lines[0].get_linestyle() != lines[1].get_linestyle()  # still told apart


def test_loss_curves_fixed_log_axis(ax):
    L = 10.0 ** -np.arange(31) * 3
    viz.plot_loss_curves({"SGD": L}, ax=ax, log_y=True, ylim=(1e-6, 1e5),
                         yticks=[1e-6, 1e-3, 1, 1e3], xticks=[0, 10, 20, 30])
    assert ax.get_yscale() == "log"
    assert [float(v) for v in ax.get_ylim()] == [1e-6, 1e5]
    assert list(ax.get_yticks()) == [1e-6, 1e-3, 1, 1e3]
    assert list(ax.get_xticks()) == [0, 10, 20, 30]
    assert len(ax.yaxis.get_minor_locator()()) == 0  # no minor ticks on the fixed log axis
    assert [ax.yaxis.get_major_formatter()(v) for v in (1e-3, 1, 1e3)] == ["0.001", "1", "1000"]


def test_schedules_and_surface_fixed_ticks(ax, bowl):
    viz.plot_schedules(np.arange(60), {"c": np.full(60, 0.1)}, ax=ax, ylim=(0, 0.27),
                       yticks=[0, 0.1, 0.2], xticks=[0, 20, 40, 60])
    assert [float(v) for v in ax.get_ylim()] == [0.0, 0.27]
    assert list(ax.get_yticks()) == [0, 0.1, 0.2] and list(ax.get_xticks()) == [0, 20, 40, 60]
    surface = Figure().subplots()
    viz.plot_loss_surface(*bowl, ax=surface, xticks=[-2, 0, 2], yticks=[-1, 0, 1])
    assert list(surface.get_xticks()) == [-2, 0, 2] and list(surface.get_yticks()) == [-1, 0, 1]
    assert [float(v) for v in surface.get_xlim()] == [-2.0, 2.0]  # the grid's extent kept


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"yticks": [1, 0.5]}, ValueError, r"^plot_loss_curves expected yticks to be at least "
         r"one finite tick position, in increasing order, got \[1, 0.5\]"),
        ({"yticks": "1, 2"}, TypeError, r"expected yticks to be a list of numbers"),
        ({"log_y": True, "yticks": [0, 1]}, ValueError, r"yticks > 0 on a log axis.*1e-6"),
        ({"ylim": (1, 0)}, ValueError, r"expected ylim=\(low, high\) with finite low < high, "
         r"got \(1, 0\)\. Write ylim=\(low, high\), e.g\. ylim=\(0, 1\)\."),
        ({"ylim": 5}, TypeError, r"expected ylim to be a pair \(low, high\), got 5"),
        ({"ylim": ("0", 1)}, TypeError, r"expected ylim to be a pair of numbers"),
        ({"log_y": True, "ylim": (0, 10)}, ValueError, r"ylim > 0 on a log axis"),
        ({"marker": "not a marker"}, ValueError, r"expected marker to be a matplotlib marker"),
    ],
)
def test_axes_options_are_checked_before_drawing(ax, kwargs, error, match):
    with pytest.raises(error, match=match):
        viz.plot_loss_curves({"a": [3.0, 2.0, 1.0]}, ax=ax, **kwargs)
    assert not ax.has_data()  # nothing drawn before the error


def test_fixed_ticks_and_log_axis(ax):
    assert viz.fixed_ticks(ax, x=[0, 1, 2]) is ax and list(ax.get_xticks()) == [0, 1, 2]
    viz.log_axis(ax, (1e-6, 1e8), ticks=[1e-6, 1, 1e6])
    assert ax.get_yscale() == "log" and list(ax.get_yticks()) == [1e-6, 1, 1e6]
    assert [float(v) for v in ax.get_ylim()] == [1e-6, 1e8]
    viz.log_axis(ax, (1e-3, 1e1), axis="x")
    assert ax.get_xscale() == "log" and [float(v) for v in ax.get_xlim()] == [1e-3, 10.0]
    with pytest.raises(ValueError, match=r"^log_axis expected lim > 0 on a log axis"):
        viz.log_axis(ax, (0, 1))
    with pytest.raises(ValueError, match=r"^log_axis expected axis='x' or axis='y', got 'z'"):
        viz.log_axis(ax, (1, 10), axis="z")
    with pytest.raises(TypeError, match=r"^fixed_ticks expected a matplotlib Axes"):
        viz.fixed_ticks(None, x=[0, 1])


def test_every_public_name_of_the_old_module_is_still_there():
    names = ["PALETTE", "COLORS", "LINESTYLES", "MARKERS", "SURFACE_CMAP", "style",
             "plot_loss_surface", "plot_trajectory", "plot_loss_curves", "plot_lr_sweep",
             "plot_schedules", "value_badge", "ZERO_LABEL"]
    assert all(hasattr(viz, n) for n in names)
    assert set(viz.__all__) >= set(names) - {"SURFACE_CMAP"}
    assert all(hasattr(viz, n) for n in viz.__all__)
