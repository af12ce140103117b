"""Self-paced assignments whose checks explain mistakes (the book's part "Assignments").

The public contract::

    from backprop_lab.assignments import check, progress
    result = check("dense_backward", dense_backward)  # in a notebook it displays a report
    result.passed                                      # True or False
    str(result)                                        # the same report as text
    progress("a4_backprop", globals())                 # every task of an assignment, summed up

``check`` calls the learner's function on several cases (edge cases included) and compares
each answer with the library's own implementation, computed on the same inputs. A failure says
which case, what was expected and what came back, and gives the hint of the usual mistake the
answer shows. It never raises because of the learner's function, except under nbgrader's
autograding or validation, where a task not passed raises ``AssertionError`` (its test cell
then scores zero, with the report as its message).

Tasks and assignments are listed in :data:`TASKS` and :data:`ASSIGNMENTS`; one module per
assignment defines its tasks.
"""

# one module per assignment registers its tasks (assignments 4, 3, 1, 2)
from . import backprop, chain_rule, forward_pass, loss_gradients  # noqa: F401
from ._core import (
    ASSIGNMENTS,
    TASKS,
    Assignment,
    Case,
    Extra,
    Mistake,
    Outcome,
    Task,
    check,
    grading,
    progress,
)
from ._report import Progress, Result

# listed in the book's order, whatever the order of the imports above
_ordered = sorted(ASSIGNMENTS.items())
ASSIGNMENTS.clear()
ASSIGNMENTS.update(_ordered)

__all__ = [
    "ASSIGNMENTS",
    "TASKS",
    "Assignment",
    "Case",
    "Extra",
    "Mistake",
    "Outcome",
    "Progress",
    "Result",
    "Task",
    "check",
    "grading",
    "progress",
]
