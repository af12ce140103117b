"""The nbgrader side of the assignments: sources, learner versions, grading, and no leak.

Every assignment is ``assignments/source/<name>/<name>.ipynb`` (with its solutions, in nbgrader's
markup); ``make assignments`` has nbgrader generate its learner version,
``assignments/release/<name>/<name>.ipynb``, committed and shown by the book. Here, with the
instructor's nbgrader (``.venv-instructor``, which ``make test`` makes) in a temporary copy of the
course, one process per step for all assignments at once:

- ``nbgrader generate_assignment "*"`` makes exactly the committed learner versions (a stale one
  fails, naming ``make assignments``);
- ``nbgrader autograde "*"`` gives each source, handed in as student "solution", full marks and
  each learner version, handed in as student "learner", zero (``nbgrader export``'s CSV);
- nbgrader's validator (what ``nbgrader validate`` runs) passes each source and fails every
  test cell of each learner version with the check's "not attempted" report as the error.

Nothing leaks: no line of any solution region (and no solution marker) is in a learner version
or on any page of the built book (``_build/html``: pages, search index, notebook downloads).
Running every notebook top to bottom is nbval's part (``assignments`` is in pyproject's
testpaths: the sources against their stored outputs, the learner versions, stored without
outputs, for errors). The solutions book (``make solutions-book``) builds with ``-W``.
"""

from __future__ import annotations

import csv
import html
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import chapters
import nbformat
import pytest
import yaml

ROOT = chapters.ROOT
COURSE = ROOT / "assignments"
IVENV = ROOT / ".venv-instructor"
NBGRADER = IVENV / "bin" / "nbgrader"
IPYTHON = IVENV / "bin" / "python"
HTML = ROOT / "_build" / "html"
SOLUTIONS = ROOT / "_build" / "solutions"
NAMES = chapters.assignment_names()
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
MARKERS = ("BEGIN SOLUTION", "END SOLUTION")
STUDENTS = {"solution": "source", "learner": "release"}  # student id: the version handed in
# student "partial" hands in assignment 1's learner version with its first task written right,
# its second (the sigmoid) written the naive way that overflows, and the rest left as stubs
PARTIAL = "a1_forward_pass"
PARTIAL_ANSWERS = {
    "dense_forward": "def dense_forward(X, W, b):\n    return X @ W + b\n",
    "sigmoid": "def sigmoid(Z):\n    return 1 / (1 + np.exp(-Z))\n",
}
NOT_ATTEMPTED = "not attempted"
MIN_CHARS = 8  # a solution line shorter than this (`else:`, `return Y`) says nothing alone

pytestmark = pytest.mark.skipif(
    not NAMES, reason="no assignment: assignments/source/<name>/<name>.ipynb not found")


def source(name: str, root: Path = COURSE) -> Path:
    return root / "source" / name / f"{name}.ipynb"


def release(name: str, root: Path = COURSE) -> Path:
    return root / "release" / name / f"{name}.ipynb"


# --------------------------------------------------------------------------- solution lines


def _norm(text: str) -> str:
    return " ".join(text.split())


def solution_regions(nb) -> list[str]:
    """The text of every solution region of a source notebook, in order."""
    regions = []
    for cell in nb.cells:
        inside, lines = False, []
        for line in cell.source.splitlines():
            if line.strip() == BEGIN:
                inside, lines = True, []
            elif line.strip() == END:
                inside = False
                regions.append("\n".join(lines))
            elif inside:
                lines.append(line)
    return regions


def public_text() -> str:
    """What a reader sees anyway, whitespace collapsed: the package's code and the chapters'
    cells (a solution line found in them, such as a library function's body, is no leak). The
    book's Markdown pages are not in it: they are checked like every other page."""
    parts = [path.read_text(encoding="utf8") for path in (ROOT / "backprop_lab").rglob("*.py")]
    for page in chapters.NOTEBOOKS:
        parts += [cell.source for cell in nbformat.read(page.path, as_version=4).cells]
    return "\n".join(_norm(part) for part in parts)


def solution_lines(path: Path, public: str) -> list[str]:
    """The distinctive lines of the solutions of the source at ``path``: each non-blank line of a
    solution region, whitespace collapsed, of MIN_CHARS or more characters, not a comment, and
    found (as a part of any line) neither outside the solution regions of the notebook nor in
    :func:`public_text`. A page containing one of them shows a piece of a solution."""
    nb = nbformat.read(path, as_version=4)
    regions = solution_regions(nb)
    outside = []
    for cell in nb.cells:
        text = cell.source
        for region in regions:
            text = text.replace(region, "")
        outside.append(_norm(text))
    outside_text = "\n".join(outside)
    found = []
    for region in regions:
        for raw in region.splitlines():
            line = _norm(raw)
            if (len(line) >= MIN_CHARS and not line.startswith("#") and line not in outside_text
                    and line not in public and line not in found):
                found.append(line)
    return found


def leaks(text: str, lines: list[str]) -> list[str]:
    """The solution lines and markers that ``text`` (whitespace collapsed) contains."""
    text = _norm(text)
    return [m for m in MARKERS if m in text] + [line for line in lines if line in text]


def page_text(path: Path) -> str:
    """What a reader can read in a file of the built book: an HTML page without its tags and
    entities (code is highlighted token by token), a notebook's cells and outputs, or text."""
    raw = path.read_text(encoding="utf8", errors="replace")
    if path.suffix == ".html":
        return html.unescape(re.sub(r"<[^>]+>", "", raw))
    if path.suffix == ".ipynb":
        nb = nbformat.reads(raw, as_version=4)
        return "\n".join([c.source for c in nb.cells] + [
            json.dumps(o, ensure_ascii=False) for c in nb.cells for o in c.get("outputs", [])])
    return raw


@pytest.fixture(scope="module")
def secrets() -> dict[str, list[str]]:
    public = public_text()
    found = {name: solution_lines(source(name), public) for name in NAMES}
    empty = [name for name, lines in found.items() if not lines]
    assert not empty, (
        f"{empty}: no solution line is distinctive enough to look for (each is shorter than "
        f"{MIN_CHARS} characters, a comment, or also outside the solution regions or in the "
        "library or the chapters), so a leak of their solutions could not be seen"
    )
    return found


def test_the_leak_finder_finds_a_planted_leak(secrets):
    """The check below can fail: a solution line pasted into a page, tags and all, is found."""
    name = NAMES[0]
    line = secrets[name][0]
    highlighted = "".join(f'<span class="n">{html.escape(w)}</span> ' for w in line.split())
    assert leaks(html.unescape(re.sub(r"<[^>]+>", "", highlighted)), secrets[name]) == [line]
    assert leaks(f"x\n    {BEGIN}\n", []) == ["BEGIN SOLUTION"]
    assert leaks("def f(x):\n    raise NotImplementedError()", secrets[name]) == []


@pytest.mark.parametrize("name", NAMES)
def test_no_solution_in_the_learner_version(name, secrets):
    nb = nbformat.read(release(name), as_version=4)
    found = []
    for cell in nb.cells:
        text = cell.source + "".join(json.dumps(o) for o in cell.get("outputs", []))
        found += leaks(text, secrets[name])
    assert not found, (
        f"{release(name).relative_to(ROOT)} contains solution text {found[:5]}; regenerate it "
        "from its source with `make assignments` (nbgrader replaces every solution region)"
    )


@pytest.mark.slow
def test_no_solution_in_the_built_book(book_build, secrets):
    """Every file a reader can reach in ``_build/html`` (its pages, search index and notebook
    downloads), not only the assignments' pages."""
    assert book_build.returncode == 0, "the book did not build (test_book_browser.py says why)"
    every = sorted({line for lines in secrets.values() for line in lines})
    found = {}
    files = [p for p in HTML.rglob("*") if p.is_file() and p.suffix in
             (".html", ".ipynb", ".js", ".txt", ".md", ".py", ".json")
             and "_static" not in p.relative_to(HTML).parts]
    assert len(files) > 10
    for path in files:
        hits = leaks(page_text(path), every)
        if hits:
            found[path.relative_to(HTML).as_posix()] = hits[:3]
    assert not found, f"solution text in the built book: {found}"
    for name in NAMES:
        page = HTML / "assignments" / "release" / name / f"{name}.html"
        assert page.is_file(), f"the book has no page for the learner version of {name}"
        assert not (HTML / "assignments" / "source").exists(), "a source was built into the book"


# --------------------------------------------------------------------------- the book's set-up


def test_every_assignment_has_its_learner_version_in_the_book():
    """One source, one committed learner version, one entry of _toc.yml, for every assignment."""
    released = sorted(p.parent.name for p in (COURSE / "release").glob("*/*.ipynb")
                      if p.stem == p.parent.name)
    assert released == NAMES, (
        f"sources {NAMES}, learner versions {released}: run `make assignments` (and commit "
        "assignments/release/)")
    in_toc = [p.docname for p in chapters.ASSIGNMENTS]
    expected = [f"assignments/release/{n}/{n}" for n in NAMES]
    assert sorted(in_toc) == expected, (
        f"_toc.yml's assignments {in_toc}; expected the learner versions {expected} (never a "
        "source: it holds the solutions)")


def test_the_sources_can_never_be_built_into_the_book():
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf8"))
    excluded = config["exclude_patterns"]
    assert "assignments/source" in excluded
    # a venv holds notebooks of its own (nbgrader's tests); Sphinx walks hidden folders
    assert ".venv" in excluded and ".venv-instructor" in excluded


@pytest.mark.slow
def test_assignment_pages_have_launch_buttons(book_build):
    assert book_build.returncode == 0, "the book did not build (test_book_browser.py says why)"
    for name in NAMES:
        text = (HTML / "assignments" / "release" / name / f"{name}.html").read_text("utf8")
        path = f"assignments/release/{name}/{name}.ipynb"
        assert re.search(r"https://mybinder\.org/v2/gh/[^\"']*" + re.escape(path), text), (
            f"no Binder launch button for {path}")
        assert re.search(r"https://colab\.research\.google\.com/github/[^\"']*"
                         + re.escape(path), text), f"no Colab launch button for {path}"


# --------------------------------------------------------------------------- nbgrader itself


def instructor_env() -> dict:
    """The environment nbgrader runs in: the instructor's venv first on PATH (nbgrader's first
    generate_assignment calls `alembic` from PATH), no nbgrader mode inherited."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NBGRADER_")}
    env["PATH"] = f"{IVENV / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env.pop("VIRTUAL_ENV", None)
    return env


def nbgrader(args: list[str], cwd: Path, timings: dict, program: Path = NBGRADER):
    start = time.perf_counter()
    done = subprocess.run([str(program), *args], cwd=cwd, env=instructor_env(),
                          capture_output=True, text=True, timeout=900)
    timings[" ".join(args[:1]) if program == NBGRADER else "validate"] = (
        time.perf_counter() - start)
    tail = "\n".join((done.stdout + done.stderr).splitlines()[-40:])
    command = f"{program.name} {' '.join(args)}"
    assert done.returncode == 0, f"{command} failed ({done.returncode}):\n{tail}"
    return done


VALIDATE = r"""
import json, sys
from nbgrader.validator import Validator

validator = Validator()
print("BPL-VALIDATE " + json.dumps({path: validator.validate(path) for path in sys.argv[1:]}))
"""


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A copy of the course (config and sources) after nbgrader's generate_assignment, autograde
    of both versions of every assignment, export, and validation."""
    if not NBGRADER.exists():
        pytest.skip(f"nbgrader tests skipped: {NBGRADER.relative_to(ROOT)} not found; "
                    "`make instructor-venv` makes it (`make test` does so first)")
    root = tmp_path_factory.mktemp("course")
    shutil.copy(COURSE / "nbgrader_config.py", root)
    shutil.copytree(COURSE / "source", root / "source",
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    timings: dict[str, float] = {}
    nbgrader(["generate_assignment", "*", "--log-level=WARN"], root, timings)
    for student, version in STUDENTS.items():
        for name in NAMES:
            folder = root / "submitted" / student / name
            folder.mkdir(parents=True)
            shutil.copy(root / version / name / f"{name}.ipynb", folder)
    if PARTIAL in NAMES:
        folder = root / "submitted" / "partial" / PARTIAL
        folder.mkdir(parents=True)
        nb = nbformat.read(root / "release" / PARTIAL / f"{PARTIAL}.ipynb", as_version=4)
        for cell in nb.cells:
            for task, answer in PARTIAL_ANSWERS.items():
                if cell.cell_type == "code" and cell.source.startswith(f"def {task}("):
                    cell.source = answer
        nbformat.write(nb, folder / f"{PARTIAL}.ipynb")
    nbgrader(["autograde", "*", "--log-level=WARN"], root, timings)
    nbgrader(["export", "--to", "grades.csv", "--log-level=WARN"], root, timings)
    with open(root / "grades.csv", newline="", encoding="utf8") as handle:
        grades = {(row["student_id"], row["assignment"]): row for row in csv.DictReader(handle)}
    paths = [str(p(name, root)) for name in NAMES for p in (source, release)]
    done = nbgrader(["-c", VALIDATE, *paths], root, timings, program=IPYTHON)
    line = next(x for x in done.stdout.splitlines() if x.startswith("BPL-VALIDATE "))
    validation = json.loads(line.removeprefix("BPL-VALIDATE "))
    print("nbgrader timings (s): " + ", ".join(f"{k} {v:.1f}" for k, v in timings.items()))
    return SimpleNamespace(root=root, grades=grades, validation=validation, timings=timings)


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_the_committed_learner_version_is_what_nbgrader_makes_now(course, name):
    current = release(name, course.root).read_bytes() == release(name).read_bytes()
    assert current, (
        f"{release(name).relative_to(ROOT)} is out of date with its source "
        f"{source(name).relative_to(ROOT)}: run `make assignments` and commit the result"
    )


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_autograde_gives_the_solutions_full_marks_and_the_learner_version_zero(course, name):
    solution, learner = course.grades[("solution", name)], course.grades[("learner", name)]
    max_score = float(solution["max_score"])
    assert max_score > 0, f"{name} has no points: its test cells need nbgrader points"
    assert float(solution["score"]) == max_score, (
        f"the source of {name}, handed in, scored {solution['score']} of {max_score}")
    assert float(learner["score"]) == 0, (
        f"the learner version of {name}, handed in unchanged, scored {learner['score']}: "
        "a check passed on the stub, or a test cell does not fail under nbgrader")


@pytest.mark.slow
@pytest.mark.skipif(PARTIAL not in NAMES, reason=f"no assignment {PARTIAL}")
def test_autograde_scores_each_task_and_explains_the_failures(course):
    """A task written right scores its points; one written wrong scores zero, and the
    autograded notebook (what the instructor and the learner's feedback show) has its report."""
    nb = nbformat.read(source(PARTIAL), as_version=4)
    points = {}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        match = re.match(r'check\("(\w+)"', cell.source.strip())
        if meta.get("grade") and match:
            points[match.group(1)] = float(meta["points"])
    row = course.grades[("partial", PARTIAL)]
    assert float(row["score"]) == points["dense_forward"] > 0, (row["score"], points)
    graded = nbformat.read(course.root / "autograded" / "partial" / PARTIAL / f"{PARTIAL}.ipynb",
                           as_version=4)
    errors = {}
    for cell in graded.cells:
        match = re.match(r'check\("(\w+)"', cell.source.strip())
        if match and cell.cell_type == "code":
            errors[match.group(1)] = "\n".join(
                "\n".join(o.get("traceback", [])) for o in cell.get("outputs", [])
                if o.get("output_type") == "error")
    assert errors["dense_forward"] == ""
    assert "sigmoid: not yet right" in errors["sigmoid"]
    assert "An exponential overflowed" in errors["sigmoid"]
    assert "relu: not attempted yet" in errors["relu"]


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_validate_passes_the_source_and_fails_the_learner_version(course, name):
    of_source = course.validation[str(source(name, course.root))]
    assert of_source == {}, f"nbgrader validate fails the source of {name}: {of_source}"
    of_release = course.validation[str(release(name, course.root))]
    failed = of_release.get("failed", [])
    nb = nbformat.read(release(name), as_version=4)
    graded = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]
    assert len(failed) == len(graded) > 0, (
        f"nbgrader validate of {name}'s learner version: {len(failed)} failed cells of "
        f"{len(graded)} test cells; {sorted(of_release)}")
    for cell in failed:
        assert "AssertionError" in cell["raw_error"] and NOT_ATTEMPTED in cell["raw_error"], (
            f"{name}: a test cell of the learner version fails under nbgrader without the "
            f"check's 'not attempted' report:\n{cell['source']}\n{cell['raw_error'][-800:]}")


# --------------------------------------------------------------------------- the solutions book


@pytest.mark.slow
def test_the_solutions_book_builds_and_shows_the_solutions(book_build, secrets):
    """``make solutions-book``'s two steps, run after the default book (the notebook cache is
    shared, so only the sources execute)."""
    assert book_build.returncode == 0, "the book did not build (test_book_browser.py says why)"
    bindir = Path(sys.executable).parent
    env = dict(os.environ, PATH=f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}")
    out = SOLUTIONS / "_build" / "html"
    shutil.rmtree(out, ignore_errors=True)
    subprocess.run([sys.executable, "tools/solutions_book.py", "--out", str(SOLUTIONS)],
                   cwd=ROOT, check=True, capture_output=True)
    done = subprocess.run(
        [str(bindir / "jupyter-book"), "build", ".", "--builder", "html", "-W", "-n",
         "--keep-going", "--toc", str(SOLUTIONS / "_toc.yml"),
         "--config", str(SOLUTIONS / "_config.yml"), "--path-output", str(SOLUTIONS)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        timeout=1800)
    assert done.returncode == 0, f"the solutions book failed to build:\n{done.stdout[-6000:]}"
    for name in NAMES:
        page = out / "assignments" / "source" / name / f"{name}.html"
        assert page.is_file(), f"the solutions book has no page for the source of {name}"
        text = page_text(page)
        assert "for instructors" in text.lower() or "Instructors' edition" in text
        assert secrets[name][0] in _norm(text), f"the solutions of {name} are not on its page"
        assert not (out / "assignments" / "release" / name).exists()


def test_make_lab_gives_the_learner_copies_it_never_overwrites(tmp_path):
    """`make work-copies` (run by `make lab`) copies each learner version into assignments/work/
    once; a copy the learner has changed survives the next run."""
    shutil.copy(ROOT / "Makefile", tmp_path)
    shutil.copytree(COURSE / "release", tmp_path / "assignments" / "release")

    def run():
        done = subprocess.run(["make", "--no-print-directory", "work-copies"], cwd=tmp_path,
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    first = run()
    for name in NAMES:
        copy = tmp_path / "assignments" / "work" / name / f"{name}.ipynb"
        assert copy.read_bytes() == release(name).read_bytes()
        assert f"assignments/work/{name}/" in first
    mine = tmp_path / "assignments" / "work" / NAMES[0] / f"{NAMES[0]}.ipynb"
    mine.write_text("my work", encoding="utf8")
    assert run() == ""
    assert mine.read_text(encoding="utf8") == "my work"


@pytest.mark.parametrize("name", NAMES)
def test_sources_carry_no_execution_timings(name):
    """nbconvert's timings in a source's cell metadata would be copied into the learner version
    and change with every run: execute sources with tools/run_notebook.py."""
    nb = nbformat.read(source(name), as_version=4)
    timed = [c.get("id") for c in nb.cells if "execution" in c.metadata]
    assert not timed, f"{name}: cells with timing metadata {timed}: run tools/run_notebook.py"
