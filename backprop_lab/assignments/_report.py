"""What a check says: a :class:`Result` per task and a :class:`Progress` table per assignment.

Both are plain text (``str``) and, in a notebook, a small HTML box (``_repr_html_``). The text
and the box say the same thing; status is told by a word and a symbol, never by colour alone.
"""

from __future__ import annotations

import html

__all__ = ["Progress", "Report", "Result"]

# Okabe-Ito: blue for passed, vermilion for not yet right, grey for not attempted
_COLOURS = {"passed": "#0072B2", "failed": "#D55E00", "not attempted": "#777777"}
_SYMBOLS = {"passed": "✓", "failed": "✗", "not attempted": "○"}
_WORDS = {"passed": "passed", "failed": "not yet right", "not attempted": "not attempted yet"}

_BOX = (
    "border-left: 4px solid {colour}; padding: 0.4em 0.8em; margin: 0.3em 0; "
    "background: rgba(127, 127, 127, 0.08); font-size: 0.95em; line-height: 1.45;"
)


class Report:
    """What every check's report shares: a status, a headline, and the box it is shown in.

    A subclass sets ``label`` (the name in the headline) and ``status`` (``"passed"``,
    ``"failed"`` or ``"not attempted"``), and defines ``__str__``.
    """

    label = ""
    status = "failed"

    @property
    def passed(self) -> bool:
        return self.status == "passed"

    def __bool__(self) -> bool:
        return self.passed

    def headline(self) -> str:
        return f"{_SYMBOLS[self.status]} {self.label}: {_WORDS[self.status]}"

    def __repr__(self) -> str:
        return str(self)

    def _box(self, inner: str) -> str:
        """The HTML box: a coloured rule, the headline, then ``inner`` (HTML)."""
        colour = _COLOURS[self.status]
        return "\n".join([
            f'<div class="bpl-check" style="{_BOX.format(colour=colour)}">',
            f'<strong style="color: {colour}">{html.escape(self.headline())}</strong>',
            inner,
            "</div>",
        ])


class Result(Report):
    """The outcome of ``check(task, fn)``.

    Attributes: ``task`` (its name), ``status`` (``"passed"``, ``"failed"`` or
    ``"not attempted"``), ``passed`` (bool), ``cases_passed`` (names of the cases that agreed),
    and for a failure: ``case`` (the failing case's name), ``details`` (report lines), ``hint``,
    ``mistake`` (the id of the usual mistake recognised, or a kind such as ``"raised"``),
    ``inputs`` (the failing case's inputs by argument name, to try by hand), ``got`` and
    ``expected`` (the answers, when there were any).
    """

    def __init__(self, task, status: str, n_cases: int, cases_passed=(), case: str = "",
                 details=(), hint: str = "", mistake: str = "", inputs=None, got=None,
                 expected=None) -> None:
        self.task = self.label = task.name
        self._signature = task.signature
        self._chapter = task.chapter
        self.status = status
        self.n_cases = n_cases
        self.cases_passed = tuple(cases_passed)
        self.case = case
        self.details = tuple(details)
        self.hint = hint
        self.mistake = mistake
        self.inputs = dict(inputs or {})
        self.got = got
        self.expected = expected
        self._raised_by = ""

    # constructors used by the checker
    @classmethod
    def success(cls, task, cases) -> Result:
        return cls(task, "passed", len(cases), cases)

    @classmethod
    def not_attempted(cls, task, n_cases: int, raised_by: str = "") -> Result:
        result = cls(task, "not attempted", n_cases, mistake="not_attempted")
        # a function of the learner's that this one calls may be the stub that raised
        result._raised_by = raised_by
        return result

    @classmethod
    def failure(cls, task, n_cases, passed, case, details, hint, mistake, inputs, got,
                expected) -> Result:
        return cls(task, "failed", n_cases, passed, case, details, hint, mistake, inputs, got,
                   expected)

    def _body(self) -> list[str]:
        if self.status == "passed":
            return [f"All {self.n_cases} cases agree with the library: "
                    + "; ".join(self.cases_passed) + "."]
        if self.status == "not attempted":
            if self._raised_by:
                return [f"{self._signature} calls {self._raised_by}(), which still raises "
                        f"NotImplementedError. Write {self._raised_by} first (replace its "
                        "`raise NotImplementedError()` with your code and run its cell), then "
                        "run this check again."]
            return [f"{self._signature} still raises NotImplementedError. Replace "
                    "`raise NotImplementedError()` with your code, run that cell, then run "
                    "this check again."]
        lines = []
        if self.cases_passed:
            lines.append(f"Agreed on {len(self.cases_passed)} case"
                         f"{'s' if len(self.cases_passed) != 1 else ''}: "
                         + "; ".join(self.cases_passed) + ".")
        lines += list(self.details)
        return lines

    def _footer(self) -> list[str]:
        if self.status != "failed":
            return []
        out = []
        if self.hint:
            out.append(f"Hint: {self.hint}")
        if self.inputs:
            out.append("The failing case's inputs are in `.inputs` of this result, to try by "
                       "hand.")
        if self._chapter:
            out.append(f"See {self._chapter}.")
        return out

    def __str__(self) -> str:
        return "\n".join([self.headline()] + ["  " + line for line in self._body()]
                         + ["  " + line for line in self._footer()])

    def _repr_html_(self) -> str:
        body = self._body()
        if self.status == "failed":
            parts = ["<pre style=\"margin: 0.3em 0; white-space: pre-wrap;\">"
                     + html.escape("\n".join(body)) + "</pre>"]
        else:
            parts = [f"<div>{_inline_code(' '.join(body))}</div>"]
        for line in self._footer():
            text = _inline_code(line)
            if line.startswith("Hint: "):
                text = "<strong>Hint:</strong> " + text[len("Hint: "):]
            parts.append(f"<div>{text}</div>")
        return self._box("\n".join(parts))


def _inline_code(text: str) -> str:
    """Escape ``text`` and show `backquoted` parts as code."""
    pieces = html.escape(text).split("`")
    return "".join(f"<code>{p}</code>" if i % 2 else p for i, p in enumerate(pieces))


class Progress:
    """Every task of an assignment and where it stands: ``progress(assignment, globals())``."""

    def __init__(self, assignment, rows) -> None:
        self.assignment = assignment.name
        self.title = assignment.title
        # (task name, signature, status) with status one of Result's or "not defined"
        self.rows = []
        self.results = {}
        for name, signature, result in rows:
            status = "not defined" if result is None else result.status
            self.rows.append((name, signature, status))
            if result is not None:
                self.results[name] = result

    @property
    def n_passed(self) -> int:
        return sum(status == "passed" for _, _, status in self.rows)

    @property
    def complete(self) -> bool:
        return self.n_passed == len(self.rows)

    def _line(self) -> str:
        n, total = self.n_passed, len(self.rows)
        if n == total:
            return f"All {total} checks pass. Well done: the assignment is complete."
        return f"{n} of {total} checks pass."

    @staticmethod
    def _word(status: str) -> str:
        if status == "not defined":
            return "○ not defined yet (run the cell that defines it)"
        return f"{_SYMBOLS[status]} {_WORDS[status]}"

    def __str__(self) -> str:
        width = max(len(sig) for _, sig, _ in self.rows)
        lines = [f"Progress: {self.title}"]
        lines += [f"  {sig:<{width}}  {self._word(status)}" for _, sig, status in self.rows]
        lines.append("  " + self._line())
        return "\n".join(lines)

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        colour = _COLOURS["passed" if self.complete else "failed"]
        # one row per check: the signature in a column of its own where the page is wide
        # enough, the status below it where it is not (a phone)
        rows = "".join(
            '<div style="display: flex; flex-wrap: wrap; column-gap: 1.5em; margin-bottom: 0.15em">'
            f'<code style="flex: 0 0 28em; max-width: 100%">{html.escape(sig)}</code>'
            f"<span style=\"color: {_COLOURS.get(status, '#777777')}\">"
            f"{html.escape(self._word(status))}</span></div>"
            for _, sig, status in self.rows
        )
        return (
            f'<div class="bpl-progress" style="{_BOX.format(colour=colour)}">'
            f"<strong>Progress: {html.escape(self.title)}</strong>"
            f'<div style="margin: 0.3em 0">{rows}</div>'
            f"<div>{html.escape(self._line())}</div></div>"
        )
