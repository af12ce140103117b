"""The check system of the assignments: its public contract and every registered task.

For each task: the library's reference passes its own check, the stub reports "not attempted",
and each usual mistake that comes with a wrong implementation is rejected with its own hint.
The assignments' test files add hand-written mutants for every mistake (tests/test_assignment_*).
"""

from __future__ import annotations

import numpy as np
import pytest

from backprop_lab.assignments import ASSIGNMENTS, TASKS, Progress, Result, check, progress

TASK_NAMES = sorted(TASKS)


def stub(*args, **kwargs):
    # YOUR CODE HERE
    raise NotImplementedError()


def good_dense(X, W, b):
    return X @ W + b


# ---- the public contract ---------------------------------------------------------------------

def test_contract_passed_str_and_html():
    result = check("dense_forward", good_dense)
    assert isinstance(result, Result)
    assert result.passed is True and result.status == "passed"
    text = str(result)
    assert text.startswith("✓ dense_forward: passed")
    assert "All 5 cases agree" in text
    html = result._repr_html_()
    assert "dense_forward: passed" in html and "bpl-check" in html


def test_failure_names_case_expected_got_and_hint():
    result = check("dense_forward", lambda X, W, b: X @ W)
    assert result.passed is False and result.status == "failed"
    assert result.mistake == "missing_bias"
    text = str(result)
    assert "case 1 of 5" in text and "differ; the first:" in text and "expected" in text
    assert "Hint: The bias is missing" in text
    assert set(result.inputs) == {"X", "W", "b"}
    np.testing.assert_array_equal(result.expected, result.inputs["X"] @ result.inputs["W"]
                                  + result.inputs["b"])
    # the HTML shows the same report
    html = result._repr_html_()
    assert "The bias is missing" in html and "not yet right" in html


@pytest.mark.parametrize("name", TASK_NAMES)
def test_stub_is_not_attempted(name):
    result = check(name, stub)
    assert result.status == "not attempted" and not result.passed
    assert "not attempted yet" in str(result)
    assert "raise NotImplementedError()" in str(result)


@pytest.mark.parametrize("name", TASK_NAMES)
def test_the_reference_passes_its_own_check(name):
    task = TASKS[name]
    result = check(name, task.reference)
    assert result.passed, str(result)
    assert len(result.cases_passed) == len(task.cases()) >= 3


@pytest.mark.parametrize("name", TASK_NAMES)
def test_none_raise_and_not_a_function_are_reports(name):
    r = check(name, lambda *a, **k: None)
    assert r.mistake == "returned_none" and "returned None" in str(r)

    def broken(*args, **kwargs):
        return undefined_name  # noqa: F821 - the learner's typo

    r = check(name, broken)
    assert r.status == "failed" and r.mistake == "raised"
    assert "raised NameError: name 'undefined_name' is not defined" in str(r)
    assert "in broken(): return undefined_name" in str(r)
    r = check(name, 42)
    assert r.mistake == "not_a_function" and "got int 42" in str(r)


@pytest.mark.parametrize("name", TASK_NAMES)
def test_a_string_is_the_wrong_type(name):
    r = check(name, lambda *a, **k: "an answer")
    assert r.status == "failed"
    assert "str" in str(r)


MISTAKES = [(name, m) for name in TASK_NAMES for m in TASKS[name].mistakes if m.wrong]


@pytest.mark.parametrize(("name", "mistake"), MISTAKES,
                         ids=[f"{n}-{m.name}" for n, m in MISTAKES])
def test_each_wrong_implementation_gets_its_own_hint(name, mistake):
    result = check(name, mistake.wrong)
    assert result.status == "failed", f"{name}: {mistake.name} passed the check"
    assert result.mistake == mistake.name, str(result)
    assert mistake.hint in str(result)


def test_mistake_names_are_unique_per_task():
    for task in TASKS.values():
        names = [m.name for m in task.mistakes]
        assert len(names) == len(set(names)), task.name


def test_grading_mode_raises_with_the_report(monkeypatch):
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    with pytest.raises(AssertionError, match="not attempted yet"):
        check("dense_forward", stub)
    with pytest.raises(AssertionError, match="The bias is missing"):
        check("dense_forward", lambda X, W, b: X @ W)
    assert check("dense_forward", good_dense).passed  # a pass does not raise
    monkeypatch.setenv("NBGRADER_EXECUTION", "validate")
    with pytest.raises(AssertionError):
        check("dense_forward", stub)
    # progress never raises, even while grading
    assert isinstance(progress("a1_forward_pass", {"dense_forward": stub}), Progress)


def test_outside_grading_a_failure_never_raises(monkeypatch):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    assert check("dense_forward", stub).status == "not attempted"


def test_unknown_task_says_which_exist():
    with pytest.raises(ValueError, match=r"Did you mean 'dense_forward'.*The tasks are"):
        check("dense_froward", good_dense)


def test_a_stub_called_by_the_function_is_named():
    def helper(Z):
        raise NotImplementedError()

    def two_layer_forward(X, W1, b1, W2, b2):
        return helper(X @ W1 + b1) @ W2 + b2

    r = check("two_layer_forward", two_layer_forward)
    assert r.status == "not attempted"
    assert "calls helper(), which still raises NotImplementedError" in str(r)
    assert "still raises" in str(check("two_layer_forward", stub))
    assert "calls" not in str(check("two_layer_forward", stub))

    def my_dense(X, W, b):  # the learner's own name for the function
        raise NotImplementedError()

    r = check("dense_forward", my_dense)
    assert r.status == "not attempted" and "calls" not in str(r), str(r)
    assert "<code>raise NotImplementedError()</code>" in r._repr_html_()


def test_printing_is_hidden_during_the_check(capsys):
    def chatty(X, W, b):
        print("debugging", X.shape)
        return X @ W + b

    assert check("dense_forward", chatty).passed
    assert capsys.readouterr().out == ""

    def chatty_wrong(X, W, b):
        print("debugging", X.shape)
        return X @ W

    r = check("dense_forward", chatty_wrong)
    assert capsys.readouterr().out == ""
    assert "your function printed something; the check hides it" in str(r)


def test_the_learners_arrays_are_copies():
    # a function that keeps its inputs cannot alter the next case or the reference
    kept = []

    def keeps(X, W, b):
        kept.append(X)
        return X @ W + b

    assert check("dense_forward", keeps).passed
    assert len({id(x) for x in kept}) == len(kept)


# ---- progress --------------------------------------------------------------------------------

def test_progress_lists_every_task_of_the_assignment():
    a = ASSIGNMENTS["a1_forward_pass"]
    p = progress("a1_forward_pass", {"dense_forward": good_dense, "sigmoid": stub})
    assert [row[0] for row in p.rows] == list(a.tasks)
    status = {row[0]: row[2] for row in p.rows}
    assert status["dense_forward"] == "passed"
    assert status["sigmoid"] == "not attempted"
    assert status["relu"] == "not defined"
    text = str(p)
    assert text.startswith("Progress: Assignment 1: the forward pass")
    assert f"1 of {len(a.tasks)} checks pass." in text
    assert "not defined yet" in p._repr_html_()


def test_progress_complete_with_every_reference():
    for name, a in ASSIGNMENTS.items():
        if not a.tasks:
            continue
        namespace = {TASKS[t].function: TASKS[t].reference for t in a.tasks}
        p = progress(name, namespace)
        assert len(p.rows) == len(a.tasks) + len(a.extras)
        assert p.complete, str(p)
        assert "the assignment is complete" in str(p)


def test_progress_bad_input():
    with pytest.raises(ValueError, match="expected an assignment's name, got 'a9'"):
        progress("a9", {})
    with pytest.raises(TypeError, match=r"globals\(\)"):
        progress("a1_forward_pass", None)


def test_assignments_list_known_tasks_in_order():
    assert list(ASSIGNMENTS) == sorted(ASSIGNMENTS)
    for a in ASSIGNMENTS.values():
        for t in a.tasks:
            assert TASKS[t].assignment == a.name


def _book_headings() -> set[str]:
    import json
    from pathlib import Path

    found = set()
    for path in (Path(__file__).resolve().parents[1] / "book").glob("*.ipynb"):
        for cell in json.loads(path.read_text(encoding="utf8"))["cells"]:
            if cell["cell_type"] == "markdown":
                for line in "".join(cell["source"]).splitlines():
                    if line.startswith("#"):
                        found.add(line.lstrip("#").strip().replace("`", ""))
    return found


def test_every_cited_chapter_and_section_is_a_heading_of_the_book():
    import re

    headings = _book_headings()
    for task in TASKS.values():
        cited = re.findall(r'"([^"]+)"', task.chapter)
        assert cited, f"{task.name} cites no chapter"
        for title in cited:
            assert title.replace("`", "") in headings, f"{task.name}: no heading {title!r}"


def test_the_readme_lists_every_task_as_registered():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf8")
    for a in ASSIGNMENTS.values():
        for t in a.tasks:
            task = TASKS[t]
            ret = ", ".join(task.returns)
            ret = f"`({ret})`" if len(task.returns) > 1 else f"`{ret}`"
            row = f"| `{a.name}` | `{task.signature}` | {ret}: {task.summary} |"
            assert row in readme, f"README.md's task table lacks (or differs from): {row}"


def test_progress_shows_an_assignments_extra_checks():
    a = ASSIGNMENTS["a4_backprop"]
    assert [e.name for e in a.extras] == ["verify_network"]
    refs = {TASKS[t].function: TASKS[t].reference for t in a.tasks}
    status = {row[0]: row[2] for row in progress("a4_backprop", refs).rows}
    assert status["verify_network"] == "passed"
    status = {row[0]: row[2] for row in progress("a4_backprop", dict(refs,
                                                 numerical_gradient=stub)).rows}
    assert status["verify_network"] == "not attempted"
    status = {row[0]: row[2] for row in progress("a4_backprop", {}).rows}
    assert status["verify_network"] == "not defined"
