"""The committed notebooks open cleanly in JupyterLab before anything is run, and their code
fits the built book's code box.

JupyterLab renders a notebook's saved widget state when it is opened. An ipywidgets Image
saved with a tooltip cannot be rendered by jupyterlab_widgets 3.0.x (ipywidgets issue 3860):
the reader would see an error box where the figure should be.
"""

import re

import chapters
import nbformat
import pytest

# every notebook of _toc.yml (tests/chapters.py; tests/test_toc.py fails on one missing from it)
NOTEBOOKS = [p.path for p in chapters.NOTEBOOKS]
STATE = "application/vnd.jupyter.widget-state+json"
# the widest code line the book shows without a sideways scroll bar, and the widest output
# line (see the tests below)
CODE_BOX_CHARS = 75
OUTPUT_BOX_CHARS = 77
PYTHON_BLOCK = re.compile(r"```python\n(.*?)```", re.S)


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


def code_blocks(cell):
    """The code a cell shows: a code cell's source, or the python blocks of a markdown cell
    (exercise solutions)."""
    if cell.cell_type == "code":
        return [cell.source]
    return PYTHON_BLOCK.findall(cell.source) if cell.cell_type == "markdown" else []


def long_code_lines(path):
    """Every line of code shown by the notebook at `path` that is longer than
    CODE_BOX_CHARS, described."""
    nb = nbformat.read(path, as_version=4)
    return [
        f"{path.name}, cell {cell.get('id', f'#{index}')}, line {n} "
        f"({len(line)} characters): {line.strip()}"
        for index, cell in enumerate(nb.cells) for block in code_blocks(cell)
        for n, line in enumerate(block.split("\n"), 1) if len(line) > CODE_BOX_CHARS
    ]


def long_output_lines(path):
    """Every printed (stream or plain-text) output line longer than OUTPUT_BOX_CHARS."""
    nb = nbformat.read(path, as_version=4)
    found = []
    for index, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.output_type == "stream":
                text = out.text
            elif "text/plain" in out.get("data", {}) and "text/html" not in out.data:
                text = out.data["text/plain"]
            else:
                continue
            found += [f"{path.name}, cell {cell.get('id', f'#{index}')} ({len(line)} "
                      f"characters): {line.strip()}"
                      for line in text.split("\n") if len(line) > OUTPUT_BOX_CHARS]
    return found


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_code_cells_fit_the_book_code_box(path):
    """No line of code the book shows is longer than 75 characters.

    In the built HTML book, measured on a desktop screen, a code cell's box is 688 px wide
    (77 characters of its monospace font), an expanded hide-input cell's 666 px and a code
    block in an exercise's solution 664 px (75 characters). A longer line scrolls sideways,
    so the reader does not see its end. The limit is 75 for all of them, the same as for
    the library code a chapter prints (docs/CHAPTER_GUIDE.md, section 3), and every later
    chapter copies the pilot chapter's code as its template. Wrap inside brackets, split
    long strings into adjacent literals, and put comments on lines of their own.
    """
    long = long_code_lines(path)
    assert not long, (
        f"{len(long)} code line(s) longer than {CODE_BOX_CHARS} characters, wider than the "
        "book's code box:\n" + "\n".join(long)
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_printed_output_fits_the_book_output_box(path):
    """No printed line is longer than 77 characters, the width of an output box (688 px):
    print long messages (an error's) through textwrap.fill(str(err), width=76)."""
    long = long_output_lines(path)
    assert not long, (
        f"{len(long)} printed line(s) longer than {OUTPUT_BOX_CHARS} characters, wider than "
        "the book's output box:\n" + "\n".join(long)
    )


def test_there_are_notebooks():
    assert any(p.name == "learning_rate.ipynb" for p in NOTEBOOKS)
    assert len(NOTEBOOKS) == len(chapters.NOTEBOOKS) >= 2
