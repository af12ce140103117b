"""The code in the exercises' solutions runs, and prints what the solutions say it prints.

nbval executes a notebook's code cells, not the ```python blocks inside its markdown (the
exercises' solutions, hidden in dropdowns). Here each notebook of ``_toc.yml``
(tests/chapters.py) has its code cells run first, in order, in one namespace, as a reader's
kernel would hold them; then every solution block runs in that namespace. What the solutions
of a chapter print is checked by that chapter's function in ``PRINTED`` (optional).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import chapters
import pytest

# runs in a fresh interpreter, so that the chapter's pyplot figures, warnings filters and
# other global state cannot leak into the other tests
RUNNER = r"""
import contextlib, io, json, re, sys
import matplotlib
matplotlib.use("Agg")
import nbformat

nb = nbformat.read(sys.argv[1], as_version=4)
name = sys.argv[1].rsplit("/", 1)[-1]
namespace = {}
with contextlib.redirect_stdout(io.StringIO()):
    for cell in nb.cells:
        if cell.cell_type == "code":
            exec(compile(cell.source, f"{name}:{cell.get('id')}", "exec"), namespace)
printed = []
for cell in nb.cells:
    if cell.cell_type != "markdown":
        continue
    for k, block in enumerate(re.findall(r"```python\n(.*?)```", cell.source, re.S)):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(block, f"{name}:{cell.get('id')}, block {k}", "exec"), namespace)
        printed.append([cell.get("id"), out.getvalue()])
print(json.dumps(printed))
"""


def run_solutions(path: Path) -> list[tuple[str, str]]:
    """(cell id, printed text) for every python block in the markdown of ``path``; an error
    in any block fails with its traceback, naming notebook, cell and block."""
    done = subprocess.run([sys.executable, "-c", RUNNER, str(path.resolve())], capture_output=True,
                          text=True, cwd=path.parent)
    assert done.returncode == 0, done.stderr[-3000:]
    return [tuple(item) for item in json.loads(done.stdout.splitlines()[-1])]


def learning_rate(printed: list[str]) -> None:
    assert len(printed) == 3
    steps, ratio = printed[0].split()
    assert int(steps) == 87  # "# 87: the first step below 1e-3"
    assert 20 < float(ratio) < 30  # "# about 23: diverging"
    lines = printed[1].splitlines()
    assert "largest loss 5.67," in lines[2]  # the warm-up's largest loss is L0
    assert float(lines[1].split("largest loss ")[1].split(",")[0]) > 1e4  # cosine: ~1e5
    assert "2 / lambda_max = 0.39" in printed[2]  # "2/lambda_max ~ 0.39"


def loss_functions(printed: list[str]) -> None:
    assert len(printed) == 3
    assert printed[0].splitlines() == ["J is symmetric: True", "rows of J sum to 0: True"]
    assert printed[1].startswith("2.3020, log 10 = 2.3026")  # "# 2.3020: the entropy ..."
    epochs = [int(line.split(":")[1].split()[0]) for line in printed[2].splitlines()]
    assert epochs == [117, 59, 30, 16, 9]  # "117, 59, 30, 16 and 9"


# per chapter (its docname in _toc.yml): a check of the texts its solution blocks print
PRINTED = {"book/learning_rate": learning_rate, "book/loss_functions": loss_functions}


def test_every_chapter_with_printed_checks_is_in_the_toc():
    docnames = [p.docname for p in chapters.NOTEBOOKS]
    missing = [d for d in PRINTED if d not in docnames]
    assert not missing, f"PRINTED names {missing}, which _toc.yml does not list (renamed?)"


@pytest.mark.parametrize("page", chapters.NOTEBOOKS, ids=lambda p: p.name)
def test_every_solution_block_runs_and_prints_what_its_text_says(page):
    assert page.path is not None, f"{page.docname} is in _toc.yml but its file is missing"
    # an exception in any block fails here, naming notebook, cell and block
    printed = [text for _, text in run_solutions(page.path)]
    if page.docname in PRINTED:
        PRINTED[page.docname](printed)
