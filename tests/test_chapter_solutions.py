"""The code in the exercises' solutions runs, and prints what the solutions say it prints.

nbval executes a notebook's code cells, not the ```python blocks inside its markdown (the
exercises' solutions, hidden in dropdowns). Here each notebook's code cells run first, in
order, in one namespace, as a reader's kernel would hold them; then every solution block
runs in that namespace.
"""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import matplotlib
import nbformat
import pytest

BOOK = Path(__file__).resolve().parents[1] / "book"
NOTEBOOKS = sorted(BOOK.glob("*.ipynb"))
PYTHON_BLOCK = re.compile(r"```python\n(.*?)```", re.S)


def run_solutions(path: Path) -> list[tuple[str, str]]:
    """(cell id, printed text) for every python block in the markdown of ``path``."""
    matplotlib.use("Agg")
    nb = nbformat.read(path, as_version=4)
    namespace: dict = {}
    with contextlib.redirect_stdout(io.StringIO()):
        for cell in nb.cells:
            if cell.cell_type == "code":
                exec(compile(cell.source, f"{path.name}:{cell.get('id')}", "exec"), namespace)
    printed = []
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for k, block in enumerate(PYTHON_BLOCK.findall(cell.source)):
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                exec(compile(block, f"{path.name}:{cell.get('id')}, block {k}", "exec"),
                     namespace)
            printed.append((cell.get("id"), out.getvalue()))
    return printed


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_every_solution_block_runs(path):
    for _cell_id, _text in run_solutions(path):
        pass  # an exception in any block fails the test, naming notebook, cell and block


def test_the_learning_rate_solutions_print_what_their_text_says():
    printed = [text for _, text in run_solutions(BOOK / "learning_rate.ipynb")]
    assert len(printed) == 3
    steps, ratio = printed[0].split()
    assert int(steps) == 87  # "# 87: the first step below 1e-3"
    assert 20 < float(ratio) < 30  # "# about 23: diverging"
    lines = printed[1].splitlines()
    assert "largest loss 5.67," in lines[2]  # the warm-up's largest loss is L0
    assert float(lines[1].split("largest loss ")[1].split(",")[0]) > 1e4  # cosine: ~1e5
    assert "2 / lambda_max = 0.39" in printed[2]  # "2/lambda_max ~ 0.39"
