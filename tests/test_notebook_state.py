"""The committed notebooks open cleanly in JupyterLab before anything is run, and their code
fits the built book's code box.

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
# the widest code line the book shows without a sideways scroll bar (see the test below)
CODE_BOX_CHARS = 76


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


def long_code_lines(path):
    """Every code-cell line of the notebook at `path` longer than CODE_BOX_CHARS, described."""
    nb = nbformat.read(path, as_version=4)
    return [
        f"{path.name}, cell {cell.get('id', f'#{index}')}, line {n} "
        f"({len(line)} characters): {line.strip()}"
        for index, cell in enumerate(nb.cells) if cell.cell_type == "code"
        for n, line in enumerate(cell.source.split("\n"), 1) if len(line) > CODE_BOX_CHARS
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_code_cells_fit_the_book_code_box(path):
    """No code-cell line is longer than 76 characters.

    In the built HTML book a code box is 688 px wide on a desktop screen, measured: 77
    characters of its monospace font. A longer line scrolls sideways, so the reader does not
    see its end. The limit is 76, the same as for the library code a chapter prints
    (docs/CHAPTER_GUIDE.md, section 3). It holds for cells tagged hide-input too (the reader
    can expand them), and every later chapter copies the pilot chapter's code as its
    template. Wrap inside brackets, split long strings into adjacent literals, and put
    comments on lines of their own.
    """
    long = long_code_lines(path)
    assert not long, (
        f"{len(long)} code line(s) longer than {CODE_BOX_CHARS} characters, wider than the "
        "book's code box:\n" + "\n".join(long)
    )


def test_there_are_notebooks():
    assert any(p.name == "learning_rate.ipynb" for p in NOTEBOOKS)
