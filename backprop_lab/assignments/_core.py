"""The check system: tasks, their cases and usual mistakes, and how an answer is judged.

A :class:`Task` names a function a learner writes (``dense_backward``), its arguments and
outputs, the library's **reference** implementation, a list of **cases** to try (edge cases
included) and the **usual mistakes**, each a deliberately wrong implementation with the hint
that explains it. :func:`check` calls the learner's function on every case, compares each answer
with the reference's, and stops at the first case that differs. When the learner's answer equals
what one of the usual mistakes gives, the report shows that mistake's hint.

Nothing is compared with stored answers: every expected value is computed on the spot by the
library, on the very inputs the learner's function received.
"""

from __future__ import annotations

import contextlib
import copy
import difflib
import io
import linecache
import os
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from ._compare import describe, difference, matches
from ._report import Progress, Result

__all__ = [
    "ASSIGNMENTS",
    "TASKS",
    "Assignment",
    "Case",
    "Extra",
    "Mistake",
    "Outcome",
    "Task",
    "check",
    "grading",
    "progress",
    "register",
]

_HERE = os.path.dirname(os.path.abspath(__file__))


@dataclass(frozen=True)
class Case:
    """One set of inputs to try: ``fn(*args)``; ``name`` says what is special about it."""

    name: str
    args: tuple
    kwargs: dict = field(default_factory=dict)  # keyword arguments, if any


@dataclass
class Outcome:
    """What a function did on one case: returned ``value`` or raised ``error``."""

    value: object = None
    error: BaseException | None = None
    where: str = ""  # the line of the learner's code that raised
    changed: tuple[str, ...] = ()  # the inputs it modified in place
    printed: str = ""  # what it printed (hidden during the check)


@dataclass(frozen=True)
class Mistake:
    """A usual mistake: how to recognise it and the hint that explains it.

    Give ``wrong``, a deliberately wrong implementation with the task's signature: an answer
    equal to what ``wrong`` returns on the failing case is this mistake. Or give ``when``, a
    test of the :class:`Outcome` (an exception raised, an input changed) and the :class:`Case`.
    ``name`` is a short id the tests use.
    """

    name: str
    hint: str
    wrong: Callable | None = None
    when: Callable[[Outcome, Case], bool] | None = None


@dataclass
class Task:
    """A function a learner writes, and how to check it."""

    name: str
    assignment: str
    params: tuple[str, ...]
    returns: tuple[str, ...]
    summary: str
    reference: Callable
    cases: Callable[[], list[Case]]
    mistakes: tuple[Mistake, ...] = ()
    hint: str = ""
    chapter: str = ""
    rtol: float = 1e-9
    atol: float = 1e-12
    function: str = ""  # the function's name in the notebook (default: the task's name)
    defaults: dict = field(default_factory=dict)  # shown in the signature: {"eps": "1e-6"}

    def __post_init__(self) -> None:
        self.function = self.function or self.name

    @property
    def signature(self) -> str:
        shown = [f"{p}={self.defaults[p]}" if p in self.defaults else p for p in self.params]
        return f"{self.function}({', '.join(shown)})"


@dataclass(frozen=True)
class Extra:
    """A graded check of an assignment that is not one task: ``run(namespace)`` checks the
    learner's functions together (``None`` while one is not defined) and returns a report with
    a ``status`` like :class:`Result`'s (assignment 4's ``verify_network``)."""

    name: str
    signature: str
    run: Callable[[dict], object]


@dataclass(frozen=True)
class Assignment:
    """An assignment of the book: its folder name, title, tasks in order, and extra checks."""

    name: str
    title: str
    chapters: tuple[str, ...]
    tasks: tuple[str, ...]
    extras: tuple[Extra, ...] = ()


TASKS: dict[str, Task] = {}
ASSIGNMENTS: dict[str, Assignment] = {}


def register(task: Task) -> Task:
    """Add ``task`` to :data:`TASKS` (each name once)."""
    if task.name in TASKS:
        raise ValueError(f"register() got a second task named {task.name!r}.")
    TASKS[task.name] = task
    return task


def grading() -> bool:
    """Whether nbgrader is autograding or validating this notebook.

    nbgrader sets ``NBGRADER_EXECUTION`` to ``autograde`` or ``validate`` in the environment of
    the kernel it runs (nbgrader's FAQ, "Can I modify the notebook behavior during autograding or
    validation?").
    """
    return os.environ.get("NBGRADER_EXECUTION", "").lower() in ("autograde", "validate")


# ----------------------------------------------------------------------------------------------
# calling a learner's function


def _copy(value):
    if isinstance(value, np.ndarray):
        return value.copy()
    if callable(value):
        return value
    return copy.deepcopy(value)


def _same(a, b) -> bool:
    if isinstance(a, np.ndarray):
        return (
            isinstance(b, np.ndarray)
            and a.shape == b.shape
            and a.dtype == b.dtype
            and np.array_equal(a, b, equal_nan=True)
        )
    if callable(a):
        return True
    try:
        return bool(a == b)
    except Exception:  # noqa: BLE001 - an odd object: call it unchanged
        return True


def _where(error: BaseException) -> str:
    """The learner's line that raised: the last frame outside numpy and this package."""
    frames = traceback.extract_tb(error.__traceback__)
    keep = [
        f
        for f in frames
        if not f.filename.startswith(_HERE)
        and os.sep + "numpy" + os.sep not in f.filename
        and not f.filename.startswith("<frozen")
    ]
    if not keep:
        return ""
    f = keep[-1]
    line = (f.line or linecache.getline(f.filename, f.lineno) or "").strip()
    return f"in {f.name}(): {line}" if line else f"in {f.name}()"


def _raiser(error: BaseException, fn) -> str:
    """The name of the function that raised, if not ``fn`` itself (a stub ``fn`` calls)."""
    tb = error.__traceback__
    if tb is None:
        return ""
    while tb.tb_next is not None:
        tb = tb.tb_next
    code = tb.tb_frame.f_code
    if code is getattr(fn, "__code__", None):
        return ""
    return code.co_name


def call(fn: Callable, case: Case, params: tuple[str, ...]) -> Outcome:
    """Call ``fn`` on copies of the case's inputs; never raises.

    numpy's floating-point errors (an overflow, an invalid operation such as inf - inf, a
    division by zero) are raised as errors during the call, so an exponential that overflows is
    caught even when its inf would later vanish in ``1 / (1 + inf)``.
    """
    args = tuple(_copy(a) for a in case.args)
    kwargs = {k: _copy(v) for k, v in case.kwargs.items()}
    out = Outcome()
    buffer = io.StringIO()
    try:
        with (
            np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"),
            contextlib.redirect_stdout(buffer),
        ):
            out.value = fn(*args, **kwargs)
    except Exception as error:  # noqa: BLE001 - every error becomes a report
        out.error = error
        out.where = _where(error)
    out.printed = buffer.getvalue()
    names = params + tuple(kwargs)
    values = args + tuple(kwargs.values())
    originals = case.args + tuple(case.kwargs.values())
    out.changed = tuple(
        n for n, new, old in zip(names, values, originals, strict=False) if not _same(new, old)
    )
    return out


def _quiet(fn: Callable, case: Case):
    """What a reference or a mistaken implementation returns on the case (``None`` if it fails)."""
    try:
        with np.errstate(all="ignore"), contextlib.redirect_stdout(io.StringIO()):
            return fn(*(_copy(a) for a in case.args), **{k: _copy(v) for k, v in
                                                        case.kwargs.items()})
    except Exception:  # noqa: BLE001 - a mistake that cannot run on this case is not it
        return None


# ----------------------------------------------------------------------------------------------
# judging


def _inputs(task: Task, case: Case) -> dict:
    names = task.params + tuple(case.kwargs)
    return dict(zip(names, case.args + tuple(case.kwargs.values()), strict=False))


def _input_lines(task: Task, case: Case) -> list[str]:
    return ["inputs: " + ", ".join(f"{n} = {_short(v)}" for n, v in _inputs(task, case).items())]


def _short(v) -> str:
    if isinstance(v, np.ndarray):
        if v.size <= 4:
            return np.array2string(v, precision=4, separator=", ").replace("\n", "")
        return f"array {v.shape}"
    if callable(v):
        return getattr(v, "__name__", "a function")
    return repr(v) if not isinstance(v, float) else f"{v:g}"


def _hint_for(task: Task, case: Case, outcome: Outcome, index,
              answers: bool = True) -> tuple[str, str]:
    """(name, hint) of the first usual mistake the outcome shows, else the task's own hint.

    ``answers=False`` consults only the tests of the outcome (``when``), not the mistaken
    implementations' answers: for a right answer that changed its inputs.
    """
    for m in task.mistakes:
        if m.when is not None:
            try:
                if m.when(outcome, case):
                    return m.name, m.hint
            except Exception:  # noqa: BLE001, S112 - a test that cannot judge does not match
                continue
        if answers and m.wrong is not None and outcome.error is None:
            other = _quiet(m.wrong, case)
            if matches(outcome.value, other, index, len(task.returns), task.rtol, task.atol):
                return m.name, m.hint
    return "", task.hint


def _judge(task: Task, case: Case, outcome: Outcome) -> dict | None:
    """``None`` if the outcome is right, else the parts of a failure report."""
    if outcome.error is not None:
        err = outcome.error
        msg = str(err).strip().splitlines()[0] if str(err).strip() else ""
        lines = [f"your function raised {type(err).__name__}" + (f": {msg}" if msg else "")]
        if outcome.where:
            lines.append(outcome.where)
        name, hint = _hint_for(task, case, outcome, None)
        if not name and isinstance(err, FloatingPointError):
            name, hint = "floating_point", (
                "numpy reported an overflow or an invalid operation (such as inf/inf) inside "
                "your function. Even when the final answer looks right, an inf on the way is a "
                "bug waiting for a larger input: rearrange the formula so that no intermediate "
                "value overflows."
            )
        return {"lines": lines, "hint": hint, "mistake": name or "raised"}
    value = outcome.value
    if value is None:
        return {
            "lines": ["your function returned None."],
            "hint": "Did you forget the `return` statement at the end of the function?",
            "mistake": "returned_none",
        }
    expected = _quiet(task.reference, case)
    if expected is None:  # pragma: no cover - a broken case is a bug of the task, not the learner
        raise RuntimeError(f"the reference of {task.name!r} fails on case {case.name!r}")
    found = difference(value, expected, task.returns, task.rtol, task.atol)
    if found is not None:
        index, lines = found
        name, hint = _hint_for(task, case, outcome, index)
        return {"lines": lines, "hint": hint, "mistake": name or "wrong_value",
                "expected": expected}
    if outcome.changed:
        names = ", ".join(f"`{n}`" for n in outcome.changed)
        name, hint = _hint_for(task, case, outcome, None, answers=False)
        if not name:
            name, hint = "modified_input", (
                "Your answer is right, but computing it changed the caller's array: "
                "an operation such as `Z[Z < 0] = 0`, `Z *= ...`, `Z -= ...` or `out=Z` writes "
                "into the array you were given. Work on a new array (`np.maximum(Z, 0)`, "
                "`Z * mask`) or on a copy (`Z = Z.copy()`)."
            )
        return {"lines": [f"your function modified its input {names} in place."],
                "hint": hint, "mistake": name}
    return None


def _run(task: Task, fn) -> Result:
    if not callable(fn):
        return Result.failure(
            task, 0, [], "", [f"expected your function {task.signature}; got {describe(fn)}."],
            f"Pass the function itself: check({task.name!r}, {task.function}), without "
            "parentheses after its name.", "not_a_function", {}, None, None,
        )
    passed: list[str] = []
    cases = task.cases()
    for i, case in enumerate(cases):
        outcome = call(fn, case, task.params)
        if isinstance(outcome.error, NotImplementedError) and not passed:
            return Result.not_attempted(task, len(cases), _raiser(outcome.error, fn))
        failure = _judge(task, case, outcome)
        if failure is not None:
            lines = [f"case {i + 1} of {len(cases)}: {case.name}"]
            lines += _input_lines(task, case) + failure["lines"]
            if outcome.printed:
                lines.append("(your function printed something; the check hides it: call it on "
                             "`.inputs` of this result to see it)")
            return Result.failure(
                task, len(cases), passed, case.name, lines, failure["hint"], failure["mistake"],
                _inputs(task, case), outcome.value, failure.get("expected"),
            )
        passed.append(case.name)
    return Result.success(task, passed)


def _task(name) -> Task:
    if isinstance(name, Task):
        return name
    if name not in TASKS:
        close = difflib.get_close_matches(str(name), TASKS, n=3)
        also = f" Did you mean {', '.join(map(repr, close))}?" if close else ""
        raise ValueError(
            f"check() expected the name of a task, got {name!r}.{also} "
            f"The tasks are: {', '.join(sorted(TASKS))}."
        )
    return TASKS[name]


def check(task: str, fn: Callable) -> Result:
    """Check the learner's ``fn`` for ``task``; return a :class:`Result` with a report.

    ``result.passed`` says whether every case agreed with the library; ``str(result)`` is the
    report, which a notebook displays when the result is a cell's last value. The check never
    raises on account of ``fn`` (an error inside it, ``None``, a wrong shape or type are all
    reports), except under nbgrader's autograding or validation (:func:`grading`), where a task
    that is not passed raises ``AssertionError`` with the report, so its test cell scores zero.
    """
    result = _run(_task(task), fn)
    if grading() and not result.passed:
        raise AssertionError("\n" + str(result))
    return result


def progress(assignment: str, namespace: dict) -> Progress:
    """Every task of ``assignment`` checked again, as a summary table (never raises).

    ``namespace`` is where the learner's functions live: pass ``globals()`` from a notebook.
    """
    if assignment not in ASSIGNMENTS:
        raise ValueError(
            f"progress() expected an assignment's name, got {assignment!r}; "
            f"the assignments are {', '.join(sorted(ASSIGNMENTS))}."
        )
    if not isinstance(namespace, dict):
        raise TypeError(
            f"progress() expected the notebook's namespace, globals(); got {describe(namespace)}."
        )
    a = ASSIGNMENTS[assignment]
    rows = []
    for name in a.tasks:
        task = TASKS[name]
        fn = namespace.get(task.function)
        rows.append((task.name, task.signature, None if fn is None else _run(task, fn)))
    for extra in a.extras:
        rows.append((extra.name, extra.signature, extra.run(namespace)))
    return Progress(a, rows)
