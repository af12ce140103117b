"""Tests of viz.classifiers and viz.networks: known models and arrays in, what was drawn out."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.collections import LineCollection, PathCollection  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from backprop_lab import viz  # noqa: E402
from backprop_lab.viz.classifiers import FIELD_CMAP  # noqa: E402

EXTENT = (-1.0, 1.0, -2.0, 2.0)


@pytest.fixture
def ax():
    return Figure().subplots()


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


# ---------------------------------------------------------------- classifiers
def test_points_one_scatter_per_class_in_the_class_style(ax):
    X = np.array([[0.0, 0.0], [1.0, 1.0], [0.0, 1.0], [2.0, 2.0]])
    viz.plot_points(X, np.array([0, 2, 2, 1]), ax=ax)
    scatters = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert [len(s.get_offsets()) for s in scatters] == [1, 1, 2]
    for c, s in enumerate(scatters):
        assert matplotlib.colors.same_color(s.get_facecolor()[0], viz.style(c)["color"])
    np.testing.assert_array_equal(scatters[2].get_offsets(), X[[1, 2]])


def test_binary_regions_evaluate_the_model_on_the_grid_and_draw_the_boundary(ax):
    seen = []

    def predict(P):
        seen.append(P.copy())
        return sigmoid(4 * P[:, 0])          # boundary: the line x = 0

    viz.plot_decision_regions(predict, EXTENT, ax=ax, n=21)
    (P,) = seen
    assert P.shape == (21 * 21, 2)           # rows are points
    assert P[:, 0].min() == -1 and P[:, 0].max() == 1 and P[:, 1].max() == 2
    image = ax.images[0].get_array()
    np.testing.assert_allclose(image, sigmoid(4 * P[:, 0]).reshape(21, 21))
    # left half is class 0 (p < 1/2), right half class 1, in image coordinates too
    assert image[:, 0].max() < 0.5 < image[:, -1].min()
    (boundary,) = [c for c in ax.collections if not isinstance(c, PathCollection)]
    xs = np.concatenate([p.vertices[:, 0] for p in boundary.get_paths()])
    np.testing.assert_allclose(xs, 0, atol=1e-12)
    assert ax.get_xlim() == (-1.0, 1.0) and ax.get_ylim() == (-2.0, 2.0)


def test_no_boundary_line_when_the_model_predicts_one_class_everywhere(ax):
    viz.plot_decision_regions(lambda P: np.full(len(P), 0.9), EXTENT, ax=ax, n=5)
    assert len(ax.images) == 1 and not ax.collections


def test_multiclass_regions_are_the_most_probable_class(ax):
    def predict(P):                                   # class = the nearest of 3 centres
        logits = -50 * (P[:, :1] - np.array([[-2 / 3, 0, 2 / 3]])) ** 2
        E = np.exp(logits - logits.max(axis=1, keepdims=True))
        return E / E.sum(axis=1, keepdims=True)

    X = np.array([[-0.9, 0.0], [0.0, 0.0], [0.9, 0.0]])
    viz.plot_decision_regions(predict, EXTENT, ax=ax, n=31, X=X, y=[0, 1, 2])
    image = ax.images[0].get_array()
    assert set(np.unique(image)) == {0, 1, 2}
    assert image[0, 0] == 0 and image[0, 15] == 1 and image[0, -1] == 2
    assert len([c for c in ax.collections if isinstance(c, PathCollection)]) == 3


def test_field_colour_limits_are_symmetric_or_fixed(ax):
    viz.plot_field(lambda P: 3 * P[:, 1], EXTENT, ax=ax, n=11, level=0.0)
    assert ax.images[0].get_clim() == (-6.0, 6.0)
    assert ax.images[0].get_cmap() is FIELD_CMAP
    assert len(ax.collections) == 1                   # the contour f = 0
    ax2 = Figure().subplots()
    viz.plot_field(lambda P: P[:, :1], EXTENT, ax=ax2, n=11, vmin=0, vmax=5, cmap="cividis")
    assert ax2.images[0].get_clim() == (0, 5)


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda ax: viz.plot_decision_regions("net", EXTENT, ax=ax), TypeError,
         r"expected predict to be a function of an \(m, 2\) array.*net.predict"),
        (lambda ax: viz.plot_decision_regions(lambda P: P[:5, 0], EXTENT, ax=ax), ValueError,
         r"one row per point, shape \(3721,\).*got shape \(5,\)"),
        (lambda ax: viz.plot_decision_regions(lambda P: 3 * P[:, 0], EXTENT, ax=ax), ValueError,
         r"probabilities of class 1 in \[0, 1\].*from -3 to 3.*logits"),
        (lambda ax: viz.plot_decision_regions(lambda P: np.ones((len(P), 3)), EXTENT, ax=ax),
         ValueError, r"rows of 3 non-negative numbers summing to 1; got row sums from 3"),
        (lambda ax: viz.plot_decision_regions(lambda P: P[:, 0] * np.nan, EXTENT, ax=ax),
         ValueError, r"returned NaN or infinity at 3721 of the grid's points"),
        (lambda ax: viz.plot_decision_regions(sigmoid, (1, -1, 0, 1), ax=ax), ValueError,
         r"x_min < x_max.*extent=\(x_min, x_max, y_min, y_max\)"),
        (lambda ax: viz.plot_decision_regions(sigmoid, (0, 1), ax=ax), ValueError,
         r"extent to be 4 finite numbers"),
        (lambda ax: viz.plot_decision_regions(sigmoid, EXTENT, ax=ax, n=1), ValueError,
         r"n \(grid points per side\) to be an integer from 2 to 1000, got 1"),
        (lambda ax: viz.plot_decision_regions(lambda P: sigmoid(P[:, 0]), EXTENT, ax=ax,
                                              X=np.zeros((2, 2))), ValueError,
         r"both X and y"),
        (lambda ax: viz.plot_points(np.zeros((4, 3)), [0, 1, 0, 1], ax=ax), ValueError,
         r"X of shape \(n_samples, 2\).*got shape \(4, 3\)"),
        (lambda ax: viz.plot_points(np.zeros((4, 2)), [0, 1], ax=ax), ValueError,
         r"one class label per row of X \(4\), got shape \(2,\)"),
        (lambda ax: viz.plot_points(np.zeros((2, 2)), [0.2, 0.9], ax=ax), ValueError,
         r"class labels 0, 1, 2.*\(P > 0.5\).astype\(int\)"),
        (lambda ax: viz.plot_field(lambda P: P, EXTENT, ax=ax), ValueError,
         r"one number per point.*got shape \(3721, 2\).*net.forward\(P\)\[:, 0\]"),
        (lambda ax: viz.plot_field(lambda P: P[:, 0], EXTENT, ax=ax, vmin=1, vmax=0),
         ValueError, r"finite vmin < vmax, got vmin=1, vmax=0"),
        (lambda ax: viz.plot_field(lambda P: P[:, 0], EXTENT, ax=ax, cmap="virids"),
         ValueError, r"unknown cmap 'virids'. Did you mean 'viridis'"),
    ],
)
def test_classifier_plots_refuse_bad_input_clearly(ax, call, error, match):
    with pytest.raises(error, match=match):
        call(ax)


# ---------------------------------------------------------------- networks
def edges(ax):
    """(colour, number of segments, widths) of each edge collection."""
    return [c for c in ax.collections if isinstance(c, LineCollection)]


def test_network_nodes_at_their_layers_and_edges_by_sign():
    ax = Figure().subplots()
    W1 = np.array([[1.0, -2.0, 0.5], [0.0, 4.0, -1.0]])
    W2 = np.array([[2.0], [-3.0], [1.0]])
    viz.plot_network([2, 3, 1], weights=[W1, W2], ax=ax, layer_labels=["X", "A1", "Y"])
    nodes = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert [len(c.get_offsets()) for c in nodes] == [2, 3, 1]
    np.testing.assert_array_equal(nodes[1].get_offsets(), [[1, 1], [1, 0], [1, -1]])
    unknown, pos, neg = edges(ax)
    assert len(unknown.get_segments()) == 0
    assert len(pos.get_segments()) == 6 and len(neg.get_segments()) == 3   # 0 counts as +
    assert matplotlib.colors.same_color(pos.get_color()[0], viz.PALETTE["blue"])
    assert matplotlib.colors.same_color(neg.get_color()[0], viz.PALETTE["vermillion"])
    # width grows with |w|; the largest, |4|, gets the full width
    widths = dict(zip([tuple(map(tuple, s)) for s in pos.get_segments()],
                      pos.get_linewidths(), strict=True))
    assert widths[((0, -0.5), (1, 0))] == pytest.approx(5.0)           # W1[1, 1] = 4
    assert widths[((0, -0.5), (1, 1))] == pytest.approx(0.4)        # W1[1, 0] = 0
    assert {t.get_text() for t in ax.texts} == {"X", "A1", "Y"}
    assert not ax.axison


def test_network_fixed_scale_values_and_highlight():
    ax = Figure().subplots()
    viz.plot_network([2, 1], weights=[np.array([[1.0], [-1.0]])], max_abs=4.0, ax=ax,
                     node_values=[np.array([0.25, -1.5]), None], highlight=1, legend=True)
    _, pos, neg = edges(ax)
    assert pos.get_linewidths()[0] == pytest.approx(0.4 + 4.6 * 0.25)
    assert sorted(t.get_text() for t in ax.texts) == ["-1.5", "0.25"]
    nodes = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert matplotlib.colors.same_color(nodes[1].get_facecolor()[0], viz.PALETTE["yellow"])
    assert matplotlib.colors.same_color(nodes[0].get_facecolor()[0], "white")
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["positive", "negative"]


def test_network_without_weights_draws_grey_edges():
    ax = Figure().subplots()
    viz.plot_network([3, 2, 2], weights=[None, np.ones((2, 2))], ax=ax)
    unknown, pos, neg = edges(ax)
    assert len(unknown.get_segments()) == 6 and len(pos.get_segments()) == 4


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"sizes": [3]}, r"at least two layer widths.*\[2, 3, 1\]"),
        ({"sizes": [2, 0, 1]}, r"from 1 to 32"),
        ({"sizes": [2, 3], "weights": [np.ones((3, 2))]},
         r"weights\[0\] of shape \(2, 3\), got \(3, 2\). Rows are inputs"),
        ({"sizes": [2, 3], "weights": [np.ones((2, 3))] * 2}, r"a list of 1 arrays"),
        ({"sizes": [2, 3], "node_values": [None, np.ones(2)]},
         r"node_values\[1\] of shape \(3,\), got \(2,\)"),
        ({"sizes": [2, 3], "weights": [np.full((2, 3), np.nan)]}, r"NaN or infinity"),
        ({"sizes": [2, 3], "highlight": 2}, r"layer index from 0 to 1"),
        ({"sizes": [2, 3], "layer_labels": ["X"]}, r"list of 2 strings"),
        ({"sizes": [2, 3], "max_abs": 0}, r"max_abs to be a positive number, got 0"),
        ({"sizes": [2, 3], "fmt": "value"}, r"format string such as '\{:.2g\}'"),
    ],
)
def test_network_refuses_bad_input_clearly(kwargs, match):
    with pytest.raises(ValueError, match=match):
        viz.plot_network(ax=Figure().subplots(), **kwargs)
