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


def chain_rule(printed: list[str]) -> None:
    assert len(printed) == 5
    assert printed[0].split() == ["-8.0", "6.0", "-4.0", "-2.0", "4.0"]  # f, a, b, c, d grads
    assert printed[1].split() == ["18.0", "3.0"]  # three backward() calls; assigning
    count, line = printed[2].splitlines()
    assert int(count) == 6  # six edges in the composite sigmoid
    composite, rule = line.split()
    assert composite == rule
    assert printed[3].splitlines() == ["0.0 -8.0", "12.0 -14.0"]  # wrong order, right order
    assert printed[4].strip() == "forward: 1 sweep, reverse: 8 sweeps"


def backpropagation(printed: list[str]) -> None:
    assert len(printed) == 5
    # ex-bp-one-sample: dW, db, dx as worked out by hand
    assert printed[0].split() == ["[[1.0,", "-1.0,", "2.0],", "[2.0,", "-2.0,", "4.0]]",
                                  "[1.0,", "-1.0,", "2.0]", "[[-1.0,", "1.0]]"]
    assert "gradient check passes: True" in printed[1]  # ex-bp-second-sample
    # ex-bp-find-the-bug: only b fails, with the relative error 0.6 of a mean for a sum
    lines = {line.split()[0]: line for line in printed[2].splitlines()[1:]}
    assert "6.00e-01  FAILED" in lines["b"]
    assert lines["X"].endswith("ok") and lines["W"].endswith("ok")
    # ex-bp-flops: the counts and the ratio 1.25 stated in the solution
    assert printed[3].split() == ["8601600", "17203200", "10780672", "1.253"]
    # ex-bp-best-step: 8.7e-06 and 3.8e-11 in float64, 7.1e-03 and 2.5e-05 in float32
    assert printed[4].split() == ["float64", "8.7e-06", "3.8e-11", "float32", "7.1e-03",
                                  "2.5e-05"]


def learning_loop(printed: list[str]) -> None:
    assert len(printed) == 4
    changed = dict(line.split(" ", 1) for line in printed[0].splitlines())
    assert "cache" in changed["forward"] and "params" not in changed["forward"]
    assert changed["backward"].count("grads") == 4 and "params" not in changed["backward"]
    assert changed["update"].count("params") == 4  # "apart from the initialization"
    assert printed[1].split() == ["5", "40"]  # 5 updates, the last on 40 points
    zeros = printed[2].splitlines()
    assert zeros[:4] == ["0.W all zero", "0.b all zero", "2.W all zero", "2.b changed"]
    assert "p = 0.482 for every point: True" in zeros[4]
    assert "validation accuracy 0.525" in zeros[5]  # 42/80, always class 0
    assert printed[3].splitlines()[-1] == "lowest validation loss at lr = 0.5"


def forward_pass(printed: list[str]) -> None:
    assert len(printed) == 3
    shapes, xor, no_bias = printed
    assert "-> (32, 10)" in shapes and "total parameters: 101770" in shapes  # 784-128-10
    assert xor.strip() == "accuracy 1.00"  # the hand-built XOR network
    assert "kinks: 1" in no_bias  # no biases: one kink, at 0


def loss_functions(printed: list[str]) -> None:
    assert len(printed) == 3
    assert printed[0].splitlines() == ["J is symmetric: True", "rows of J sum to 0: True"]
    assert printed[1].startswith("2.3020, log 10 = 2.3026")  # "# 2.3020: the entropy ..."
    epochs = [int(line.split(":")[1].split()[0]) for line in printed[2].splitlines()]
    assert epochs == [117, 59, 30, 16, 9]  # "117, 59, 30, 16 and 9"


# per chapter (its docname in _toc.yml): a check of the texts its solution blocks print
PRINTED = {
    "book/learning_rate": learning_rate,
    "book/chain_rule": chain_rule,
    "book/backpropagation": backpropagation,
    "book/learning_loop": learning_loop,
    "book/forward_pass": forward_pass,
    "book/loss_functions": loss_functions,
}


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
