"""A learner's assignment in a real JupyterLab: it runs, and a check's report is displayed.

The learner versions (``assignments/release/*/*.ipynb``, what the book publishes and nbgrader
hands out) are served by one JupyterLab on 127.0.0.1 (tests/labserver.py) and opened in
headless Chromium (the session's ``browser`` fixture). For each: every cell runs without an
error, every check cell displays its report box, "not attempted yet", and the last cell the
progress summary, "0 of N checks pass". In the first assignment the learner then writes the
first task as a learner would, first with a usual mistake (the bias left out), then right,
running the answer cell and its check cell each time, and the report turns to the mistake's
hint and then to "passed"; the progress summary, run again, counts the task.

Screenshots: /tmp/bpl-assignment-<name>-hint.png (the report with a hint) and
/tmp/bpl-assignment-<name>.png (passed); on failure /tmp/bpl-assignment-failure-<name>.png.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from labserver import (
    JS_ERROR_OUTPUTS,
    JS_KERNEL_IDLE,
    JS_RUN_ALL,
    JS_RUN_ALL_FINISHED,
    KERNEL_TIMEOUT,
    RUN_ALL_TIMEOUT,
    serve_lab,
    stripped_copy,
)

from backprop_lab.assignments import ASSIGNMENTS

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[1]
RELEASE = sorted((ROOT / "assignments" / "release").glob("*/*.ipynb"))
# a graded cell is one call: check("task", function), or another check of the system's such as
# verify_network(two_layer_gradients, numerical_gradient) (its name stands for the task)
CHECK = re.compile(r'^check\("(\w+)", (\w+)\)$')
OTHER_CHECK = re.compile(r'^(\w+)\([\w, ]*\)$')
REPORT_TIMEOUT = 30_000  # ms, for one re-run cell's report to change

# the first task of assignment 1, as a learner writes it: with a usual mistake, then right
WRONG = "def dense_forward(X, W, b):\n    return X @ W\n"
RIGHT = "def dense_forward(X, W, b):\n    return X @ W + b\n"

JS_CELL_TEXTS = """(selector) => Array.from(
    window.jupyterapp.shell.currentWidget.content.widgets,
    (cell) => { const box = cell.node.querySelector(selector); return box ? box.innerText : null; })
"""

JS_RUN_CELLS = """async ([indices, source]) => {
    const app = window.jupyterapp;
    const nb = app.shell.currentWidget.content;
    if (source !== null) nb.widgets[indices[0]].model.sharedModel.setSource(source);
    for (const k of indices) {
        nb.activeCellIndex = k;
        await app.commands.execute('notebook:run-cell');
    }
}"""

JS_CELL_TEXT_HAS = """([k, selector, text]) => {
    const cell = window.jupyterapp.shell.currentWidget.content.widgets[k];
    const box = cell.node.querySelector(selector);
    return !!box && box.innerText.includes(text);
}"""


def graded_cells(path: Path) -> list[tuple[int, str, str]]:
    """(cell index, task, function) of each check cell, from the notebook's nbgrader metadata."""
    nb = json.loads(path.read_text(encoding="utf8"))
    found = []
    for k, cell in enumerate(nb["cells"]):
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade"):
            source = "".join(cell["source"]).strip()
            match = CHECK.match(source)
            if match:
                found.append((k, match.group(1), match.group(2)))
                continue
            other = OTHER_CHECK.match(source)
            assert other, f"{path.name}: a graded cell that is not one check call: {source!r}"
            found.append((k, other.group(1), ""))
    return found


def test_every_assignment_has_a_learner_version():
    names = {p.parent.name for p in RELEASE}
    sources = {p.name for p in (ROOT / "assignments" / "source").iterdir() if p.is_dir()}
    assert sources and names == sources


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    base = tmp_path_factory.mktemp("assignments-lab")
    root = base / "root"
    root.mkdir()
    for path in RELEASE:
        stripped_copy(path, root / path.name)
    with serve_lab(base, root) as served:
        yield served


@pytest.mark.parametrize("path", RELEASE, ids=lambda p: p.stem)
def test_learner_version_runs_and_reports_in_jupyterlab(browser, lab, path):
    url, token, log_path = lab
    context = browser.new_context(viewport={"width": 1200, "height": 1000})
    page = context.new_page()
    steps: list[str] = []
    t0 = time.monotonic()

    def step(text: str) -> None:
        steps.append(f"{time.monotonic() - t0:5.1f} s  {text}")

    failure = Path(f"/tmp/bpl-assignment-failure-{path.stem}.png")
    try:
        page.goto(f"{url}/lab/tree/{path.name}?reset&token={token}", timeout=30_000)
        page.wait_for_function(JS_KERNEL_IDLE, timeout=KERNEL_TIMEOUT, polling=250)
        page.evaluate(JS_RUN_ALL)
        page.wait_for_function(JS_RUN_ALL_FINISHED, timeout=RUN_ALL_TIMEOUT, polling=250)
        outcome = page.evaluate("() => window.__bplRunAll")
        step(f"run all cells: {outcome}")
        assert outcome == "done", (outcome, page.evaluate(JS_ERROR_OUTPUTS))

        graded = graded_cells(path)
        reports = page.evaluate(JS_CELL_TEXTS, ".bpl-check")
        for k, task, _ in graded:
            assert reports[k] is not None, f"no report displayed under the check of {task}"
            assert f"{task}: not attempted yet" in reports[k], reports[k]
        assert sum(r is not None for r in reports) == len(graded)
        summaries = [(k, t) for k, t in enumerate(page.evaluate(JS_CELL_TEXTS, ".bpl-progress"))
                     if t is not None]
        assert len(summaries) == 1 and summaries[0][0] == len(reports) - 1, summaries
        a = ASSIGNMENTS[path.stem]
        n_tasks = len(a.tasks) + len(a.extras)  # every row of the summary
        assert {task for _, task, fn in graded if fn} <= set(a.tasks)
        assert f"0 of {n_tasks} checks pass." in summaries[0][1]
        step(f"{len(graded)} reports 'not attempted yet' and the progress summary")

        if path.stem == "a1_forward_pass":
            k, task, _ = graded[0]
            assert task == "dense_forward"
            last = len(reports) - 1
            page.evaluate(JS_RUN_CELLS, [[k - 1, k], WRONG])
            page.wait_for_function(JS_CELL_TEXT_HAS, arg=[k, ".bpl-check", "The bias is missing"],
                                   timeout=REPORT_TIMEOUT, polling=250)
            text = page.evaluate(JS_CELL_TEXTS, ".bpl-check")[k]
            assert "dense_forward: not yet right" in text and "Hint:" in text, text
            step("a wrong answer: the report shows the hint for the missing bias")
            page.locator(".jp-Notebook .jp-Cell").nth(k).screenshot(
                path=f"/tmp/bpl-assignment-{path.stem}-hint.png")
            page.evaluate(JS_RUN_CELLS, [[k - 1, k, last], RIGHT])
            page.wait_for_function(JS_CELL_TEXT_HAS, arg=[k, ".bpl-check", "dense_forward: passed"],
                                   timeout=REPORT_TIMEOUT, polling=250)
            page.wait_for_function(JS_CELL_TEXT_HAS,
                                   arg=[last, ".bpl-progress", f"1 of {n_tasks} checks pass."],
                                   timeout=REPORT_TIMEOUT, polling=250)
            step("the right answer: passed, and the summary counts it")
            page.locator(".jp-Notebook .jp-Cell").nth(k).screenshot(
                path=f"/tmp/bpl-assignment-{path.stem}.png")
    except Exception as err:
        try:
            page.screenshot(path=str(failure), full_page=True)
        except Exception:  # noqa: BLE001 - best effort
            pass
        raise AssertionError(
            f"{path.name}: {type(err).__name__}: {err}\nsteps:\n  " + "\n  ".join(steps)
            + f"\nscreenshot: {failure}\nJupyterLab log (tail):\n"
            + log_path.read_text(errors="replace")[-2000:]
        ) from err
    finally:
        context.close()
    print("\n".join(steps))
