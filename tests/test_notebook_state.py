"""The committed notebooks open cleanly in JupyterLab before anything is run.

JupyterLab renders a notebook's saved widget state when it is opened. An ipywidgets Image
saved with a tooltip cannot be rendered by jupyterlab_widgets 3.0.x (ipywidgets issue 3860):
the reader would see an error box where the figure should be.
"""

from pathlib import Path

import nbformat
import pytest

BOOK = Path(__file__).resolve().parents[1] / "book"
NOTEBOOKS = sorted(p for p in BOOK.glob("*.ipynb"))
STATE = "application/vnd.jupyter.widget-state+json"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_saved_widget_state_renders_in_jupyterlab(path):
    nb = nbformat.read(path, as_version=4)
    models = nb.metadata.get("widgets", {}).get(STATE, {}).get("state", {})
    bad = [mid for mid, m in models.items()
           if m.get("model_name") == "ImageModel" and m.get("state", {}).get("tooltip")]
    assert not bad, (
        f"{path.name}: {len(bad)} saved Image widget(s) have a tooltip, which JupyterLab cannot "
        "render. Re-execute the notebook with the current backprop_lab.widgets."
    )


def test_there_are_notebooks():
    assert any(p.name == "learning_rate.ipynb" for p in NOTEBOOKS)
