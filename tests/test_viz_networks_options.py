"""Options of viz.plot_network added for the chapter "Backpropagation, layer by layer"."""

import numpy as np
import pytest
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure

from backprop_lab import viz


def _node_areas(ax):
    return [float(c.get_sizes()[0]) for c in ax.collections if isinstance(c, PathCollection)]


def test_default_node_size_and_font_are_unchanged():
    ax = viz.plot_network([2, 1], ax=Figure().subplots(),
                          node_values=[np.array([0.5, -1.0]), None])
    assert 620.0 in _node_areas(ax)
    assert {t.get_fontsize() for t in ax.texts} == {7.5}


def test_node_size_and_value_fontsize_are_used():
    ax = viz.plot_network([2, 1], ax=Figure().subplots(), node_size=900, value_fontsize=9,
                          node_values=[np.array([0.5, -1.0]), np.array([2.0])])
    assert 900.0 in _node_areas(ax) and 620.0 not in _node_areas(ax)
    assert {t.get_fontsize() for t in ax.texts} == {9.0}
    assert [t.get_text() for t in ax.texts] == ["0.5", "-1", "2"]


@pytest.mark.parametrize("option", ["node_size", "value_fontsize"])
@pytest.mark.parametrize("value", [0, -3, float("nan"), True, "big"])
def test_bad_node_size_or_fontsize_is_refused(option, value):
    with pytest.raises(ValueError, match=rf"expected {option} to be a positive number"):
        viz.plot_network([2, 1], ax=Figure().subplots(), **{option: value})
