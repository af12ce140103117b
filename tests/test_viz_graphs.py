"""Tests of backprop_lab.viz.graphs: the layout of a Value's graph and what is drawn."""

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch  # noqa: E402

from backprop_lab import viz  # noqa: E402
from backprop_lab.autodiff import Value  # noqa: E402


@pytest.fixture
def ax():
    return Figure().subplots()


def cs231n():
    x, y, z = Value(-2.0, label="x"), Value(5.0, label="y"), Value(-4.0, label="z")
    q = x + y
    q.label = "q"
    f = q * z
    f.label = "f"
    return f, (x, y, z, q)


def texts(ax):
    return [t.get_text() for t in ax.texts]


def test_layout_is_layered_left_to_right():
    f, (x, y, z, q) = cs231n()
    pos = viz.graph_layout(f)
    assert set(pos) == set(f.graph()[0])
    assert pos[x][0] == pos[y][0] == 0.0 and pos[q][0] == 1.0 and pos[f][0] == 2.0
    assert pos[z][0] == 1.0  # a leaf sits next to the operation that uses it
    for c, p in f.graph()[1]:
        assert pos[c][0] < pos[p][0]  # every edge points right
    # no two nodes at the same place
    assert len(set(pos.values())) == len(pos)


def test_layout_of_a_deep_graph_keeps_edges_pointing_right():
    x = Value(0.3)
    h = x
    for _ in range(5):
        h = (h * x + 1.0).tanh()
    pos = viz.graph_layout(h)
    assert all(pos[c][0] < pos[p][0] for c, p in h.graph()[1])
    assert max(p[0] for p in pos.values()) == pos[h][0]


def test_plot_graph_draws_a_box_per_node_and_an_arrow_per_edge(ax):
    f, (x, *_rest) = cs231n()
    f.backward()
    viz.plot_graph(f, ax=ax)
    boxes = [p for p in ax.get_children() if isinstance(p, FancyBboxPatch)]
    arrows = [p for p in ax.get_children() if isinstance(p, FancyArrowPatch)]
    assert len(boxes) == 5 and len(arrows) == 4
    assert "x\ndata -2\ngrad -4" in texts(ax)
    assert "f = *\ndata -12\ngrad 1" in texts(ax)
    assert not ax.axison


def test_a_node_used_twice_gets_two_arrows(ax):
    a = Value(3.0, label="a")
    viz.plot_graph(a * a, ax=ax, show_grad=False)
    arrows = [p for p in ax.get_children() if isinstance(p, FancyArrowPatch)]
    assert len(arrows) == 2
    assert "a\ndata 3" in texts(ax)


def test_edge_labels_local_and_custom(ax):
    f, (x, y, z, q) = cs231n()
    viz.plot_graph(f, ax=ax, edge_labels="local", show_grad=False)
    # d f / d q = z = -4, d f / d z = q = 3, d q / d x = d q / d y = 1
    assert sorted(t for t in texts(ax) if "\n" not in t) == ["-4", "1", "1", "3"]
    ax2 = Figure().subplots()
    viz.plot_graph(f, ax=ax2, edge_labels={(q, f): "-4 × 1"}, highlight=[f],
                   highlight_edges=[(q, f)], wrong=[x])
    assert "-4 × 1" in texts(ax2)
    assert any(t.endswith("✗") for t in texts(ax2))
    hot = [p for p in ax2.get_children()
           if isinstance(p, FancyArrowPatch) and p.get_linewidth() > 2]
    assert len(hot) == 1


def test_limits_default_to_half_a_unit_around_the_nodes(ax):
    f, _ = cs231n()
    viz.plot_graph(f, ax=ax)
    assert ax.get_xlim() == (-0.5, 2.5) and ax.get_ylim() == (-1.0, 1.0)
    ax2 = Figure().subplots()
    viz.plot_graph(f, ax=ax2, xlim=(-1, 4), ylim=(-2, 2))
    assert ax2.get_xlim() == (-1, 4) and ax2.get_ylim() == (-2, 2)


def test_errors(ax):
    f, _ = cs231n()
    with pytest.raises(TypeError, match="output Value"):
        viz.plot_graph(3.0, ax=ax)
    with pytest.raises(ValueError, match="no position"):
        viz.plot_graph(f, ax=ax, layout={})
    with pytest.raises(ValueError, match="edge_labels"):
        viz.plot_graph(f, ax=ax, edge_labels="all")
