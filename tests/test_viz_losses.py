"""Tests of backprop_lab.viz.losses: loss functions and gradients over one input."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from backprop_lab import viz  # noqa: E402
from backprop_lab.viz.losses import mark_inputs, plot_loss_functions  # noqa: E402


@pytest.fixture
def ax():
    return Figure().subplots()


@pytest.fixture
def grid():
    p = np.linspace(0.01, 0.99, 99)
    return p, {"MSE": (p - 1) ** 2, "BCE": -np.log(p)}


def test_reexported_by_viz():
    assert viz.plot_loss_functions is plot_loss_functions
    assert viz.mark_inputs is mark_inputs
    assert {"plot_loss_functions", "mark_inputs"} <= set(viz.__all__)


def test_draws_one_line_per_curve_with_legend(ax, grid):
    p, curves = grid
    plot_loss_functions(p, curves, ax=ax, xlabel="p", ylabel="L", zero_line=False)
    lines = [ln for ln in ax.get_lines() if len(ln.get_xdata()) > 1]
    assert len(lines) == 2
    np.testing.assert_allclose(lines[1].get_ydata(), -np.log(p))
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["MSE", "BCE"]
    assert ax.get_xlabel() == "p" and ax.get_ylabel() == "L"
    assert lines[0].get_color() != lines[1].get_color()
    assert lines[0].get_linestyle() != lines[1].get_linestyle()


def test_marks_put_a_dot_on_every_curve_at_its_value(ax, grid):
    p, curves = grid
    plot_loss_functions(p, curves, ax=ax, marks={"p = 0.3": 0.3, "p = 0.905": 0.905})
    dots = [ln for ln in ax.get_lines() if len(ln.get_xdata()) == 1]
    assert len(dots) == 4
    got = sorted((float(d.get_xdata()[0]), float(d.get_ydata()[0])) for d in dots)
    # 0.905 is between grid points: linear interpolation
    want = sorted([(0.3, 0.49), (0.3, -np.log(0.3)),
                   (0.905, 0.5 * (0.1**2 + 0.09**2)),
                   (0.905, 0.5 * (-np.log(0.90) - np.log(0.91)))])
    np.testing.assert_allclose(got, want, rtol=1e-9)
    texts = [t.get_text() for t in ax.texts]
    assert texts == ["p = 0.3", "p = 0.905"]
    # each label on the side of its line with more room
    assert [t.get_horizontalalignment() for t in ax.texts] == ["left", "right"]
    # the second label a line lower than the first
    offsets = [t.xyann[1] for t in ax.texts]
    assert offsets[1] < offsets[0]


def test_zero_line_and_fixed_axes(ax, grid):
    p, curves = grid
    plot_loss_functions(p, curves, ax=ax, ylim=(-1, 3), yticks=[-1, 0, 1, 2, 3],
                        xlim=(0, 1), xticks=[0, 0.5, 1])
    horizontal = [ln for ln in ax.get_lines()
                  if len(ln.get_ydata()) == 2 and ln.get_ydata()[0] == ln.get_ydata()[1] == 0]
    assert horizontal, "expected a line at 0"
    assert tuple(ax.get_ylim()) == (-1, 3)
    assert list(ax.get_yticks()) == [-1, 0, 1, 2, 3]
    assert list(ax.get_xticks()) == [0, 0.5, 1]


def test_legend_false_leaves_the_legend_to_the_caller(ax, grid):
    p, curves = grid
    plot_loss_functions(p, curves, ax=ax, legend=False)
    assert ax.get_legend() is None
    assert ax.get_legend_handles_labels()[1] == ["MSE", "BCE"]


def test_one_array_alone_has_no_legend(ax, grid):
    p, curves = grid
    plot_loss_functions(p, curves["MSE"], ax=ax)
    assert ax.get_legend() is None


@pytest.mark.parametrize(
    ("x", "curves", "marks", "error", "match"),
    [
        (np.array([0.0, 1.0, 0.5]), np.zeros(3), None, ValueError, "increasing"),
        (np.array([[0.0, 1.0]]), np.zeros(2), None, ValueError, "1-D"),
        (np.linspace(0, 1, 5), np.zeros(4), None, ValueError, "one value per entry"),
        (np.linspace(0, 1, 5), np.array([np.inf, 1.0, 0.5, 0.2, 0.0]), None, ValueError,
         "finite, got NaN or infinity at x = 0"),
        (np.linspace(0, 1, 5), np.zeros(5), {"far": 2.0}, ValueError, "within x"),
        (np.linspace(0, 1, 5), np.zeros(5), [0.5], TypeError, "mapping"),
        (np.linspace(0, 1, 5), np.zeros(5), {"": 0.5}, ValueError, "non-empty"),
        (np.linspace(0, 1, 5), {"": np.zeros(5)}, None, ValueError, "non-empty"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(ax, x, curves, marks, error, match):
    with pytest.raises(error, match=match):
        plot_loss_functions(x, curves, ax=ax, marks=marks)


def test_zero_line_must_be_a_bool(ax, grid):
    p, curves = grid
    with pytest.raises(TypeError, match="zero_line"):
        plot_loss_functions(p, curves, ax=ax, zero_line="yes")
    with pytest.raises(TypeError, match="legend"):
        plot_loss_functions(p, curves, ax=ax, legend=1)


def test_mark_inputs_alone_draws_what_plot_loss_functions_draws_with_marks(grid):
    p, curves = grid
    marks = {"p = 0.3": 0.3, "p = 0.905": 0.905}
    both = plot_loss_functions(p, curves, ax=Figure().subplots(), marks=marks, xlim=(0, 1))
    later = plot_loss_functions(p, curves, ax=Figure().subplots(), xlim=(0, 1))
    mark_inputs(later, p, curves, marks, xlim=(0, 1))
    def drawn(ax):
        return sorted((tuple(np.round(ln.get_xdata(), 9)), tuple(np.round(ln.get_ydata(), 9)),
                       ln.get_color()) for ln in ax.get_lines())
    assert drawn(both) == drawn(later)
    assert ([(t.get_text(), t.xyann) for t in both.texts]
            == [(t.get_text(), t.xyann) for t in later.texts])


def test_mark_inputs_checks_its_arguments(ax, grid):
    p, curves = grid
    with pytest.raises(TypeError, match="matplotlib Axes"):
        mark_inputs(None, p, curves, {"a": 0.5})
    with pytest.raises(ValueError, match="within x"):
        mark_inputs(ax, p, curves, {"far": 3.0})
    with pytest.raises(ValueError, match="one value per entry"):
        mark_inputs(ax, p, {"MSE": p[:-1]}, {"a": 0.5})
