"""The book's chapters, read from ``_toc.yml``: the one list every chapter check iterates over.

Adding a chapter to ``_toc.yml`` is enough for it to be checked: nbval runs it (pytest's
``--nbval`` collects every notebook under ``book/``), ``test_chapter_solutions.py`` runs its
solutions, ``test_chapter_figures.py`` moves every interactive figure it creates,
``test_book_browser.py`` loads its built page, ``test_jupyterlab_live.py`` drives its first
live figure in JupyterLab and ``make bench`` times it. A page named in ``_toc.yml`` whose file
is missing, or a notebook under ``book/`` that ``_toc.yml`` does not name, fails
``tests/test_toc.py`` (never a skip).

The assignments (the learner versions nbgrader generates, ``assignments/release/<name>/<name>``,
listed in ``_toc.yml``'s "Assignments" part) are pages but not chapters: the chapter checks
(template, figures, exercises, stored outputs) do not apply to them, so :data:`NOTEBOOKS` leaves
them out and :data:`ASSIGNMENTS` lists them; ``tests/test_assignments_nbgrader.py`` checks them.
The browser tests load every page, assignments included (:data:`PAGES`).

Not a test module itself; ``benchmarks/run.py`` imports it too.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
SUFFIXES = (".ipynb", ".md")  # the page formats the book uses, in the order Sphinx tries them
ASSIGNMENT_PREFIX = "assignments/"  # nbgrader's course directory; the book shows its release/


@dataclass(frozen=True)
class Page:
    """One page named in ``_toc.yml``."""

    docname: str  # as written in _toc.yml, without a suffix: "book/learning_rate"
    path: Path | None  # the file it names, or None when no such file exists

    @property
    def name(self) -> str:
        """A short id for test names: "learning_rate"."""
        return self.docname.rsplit("/", 1)[-1]

    @property
    def html(self) -> str:
        """The built page, relative to ``_build/html``."""
        return f"{self.docname}.html"

    @property
    def is_notebook(self) -> bool:
        return self.path is not None and self.path.suffix == ".ipynb"

    @property
    def is_assignment(self) -> bool:
        """A learner version of an assignment (``assignments/release/...``), not a chapter."""
        return self.docname.startswith(ASSIGNMENT_PREFIX)

    def __str__(self) -> str:
        return self.docname


def toc_docnames(root: Path = ROOT) -> list[str]:
    """Every page in ``root/_toc.yml`` (jb-book format), in reading order, without suffixes."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf8"))
    names = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                names.append(entry["file"])
            walk(entry.get("sections"))

    for part in toc.get("parts", []) or []:
        walk(part.get("chapters"))
    walk(toc.get("chapters"))
    return [_strip_suffix(n) for n in names]


def _strip_suffix(name: str) -> str:
    for suffix in SUFFIXES:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def _find(root: Path, docname: str) -> Path | None:
    for suffix in SUFFIXES:
        path = root / f"{docname}{suffix}"
        if path.is_file():
            return path
    return None


def pages(root: Path = ROOT) -> list[Page]:
    """Every page of ``_toc.yml`` with the file it names (``path`` is None if it is missing)."""
    return [Page(d, _find(root, d)) for d in toc_docnames(root)]


def notebooks(root: Path = ROOT) -> list[Page]:
    """The chapter notebooks: every page of ``_toc.yml`` that is an ``.ipynb`` file, except the
    assignments."""
    return [p for p in pages(root) if p.is_notebook and not p.is_assignment]


def assignments(root: Path = ROOT) -> list[Page]:
    """The assignments' learner versions that ``_toc.yml`` names, in reading order."""
    return [p for p in pages(root) if p.is_assignment]


def assignment_names(root: Path = ROOT) -> list[str]:
    """Every assignment with a source, ``assignments/source/<name>/<name>.ipynb``, sorted."""
    return sorted(
        p.parent.name
        for p in (root / "assignments" / "source").glob("*/*.ipynb")
        if p.stem == p.parent.name
    )


def missing_files(root: Path = ROOT) -> list[str]:
    """Pages named in ``_toc.yml`` with no file (a renamed or deleted chapter)."""
    return [p.docname for p in pages(root) if p.path is None]


def notebooks_not_in_toc(root: Path = ROOT) -> list[str]:
    """Notebooks under ``book/`` that ``_toc.yml`` does not name (a chapter nobody checks)."""
    named = {p.path.resolve() for p in pages(root) if p.path is not None}
    found = (root / "book").rglob("*.ipynb")
    return sorted(
        p.relative_to(root).as_posix()
        for p in found
        if p.resolve() not in named
        and not any(part.startswith((".", "_")) for part in p.relative_to(root).parts)
    )


PAGES: list[Page] = pages()
NOTEBOOKS: list[Page] = notebooks()
ASSIGNMENTS: list[Page] = assignments()


# -- running a chapter in a kernel, then code that looks at what it created --------------------

#: Defines ``_bpl_figures()`` in the chapter's kernel: every ``InteractiveFigure`` and
#: ``Animation`` the chapter created, found by type (also those displayed but bound to no name),
#: as ``(name, figure)`` pairs sorted by name; an unnamed one is "unnamed <type> <k>".
FIND_FIGURES = r'''
def _bpl_figures():
    import gc
    from backprop_lab.widgets import Animation, InteractiveFigure

    names = {}
    for key, value in list(globals().items()):
        if isinstance(value, (InteractiveFigure, Animation)) and not key.startswith("_"):
            names.setdefault(id(value), key)
    found = {}
    for obj in gc.get_objects():  # also the figures displayed but bound to no name
        if isinstance(obj, (InteractiveFigure, Animation)):
            found[id(obj)] = obj
    figures = sorted(found.values(), key=lambda f: names.get(id(f), "~"))
    return [(names.get(id(f), f"unnamed {type(f).__name__} {k}"), f)
            for k, f in enumerate(figures)]
'''


def execute_with_probe(path: Path, probe: str, tag: str, timeout: int = 180):
    """Execute the notebook at ``path`` in a new kernel, then ``probe`` (code run after the
    chapter, with :data:`FIND_FIGURES` defined, that prints one line ``<tag> <json>``).

    Returns ``(executed notebook without the probe, seconds to run the chapter including the
    kernel's start, the decoded json)``. Used by ``test_chapter_figures.py`` and
    ``benchmarks/run.py``.
    """
    import concurrent.futures
    import json
    import time

    import nbclient
    import nbformat

    notebook = nbformat.read(path, as_version=4)
    n_cells = len(notebook.cells)
    probe_cell = nbformat.v4.new_code_cell(FIND_FIGURES + probe)
    notebook.cells.append(probe_cell)  # nbclient stores each result back into notebook.cells
    client = nbclient.NotebookClient(notebook, timeout=timeout, kernel_name="python3",
                                     resources={"metadata": {"path": str(path.parent)}})

    def execute() -> float:
        t = time.perf_counter()
        with client.setup_kernel():
            for index, cell in enumerate(notebook.cells[:n_cells]):
                client.execute_cell(cell, index)
            elapsed = time.perf_counter() - t
            client.execute_cell(probe_cell, n_cells)
        return elapsed

    # In a thread of its own: nbclient drives its own asyncio loop, and the session's browser
    # tests keep Playwright's sync-API loop in the main thread; the two must not share one.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        elapsed = pool.submit(execute).result()
    notebook.cells.pop()
    text = "".join(o.get("text", "") for o in probe_cell.outputs if o.get("name") == "stdout")
    line = next(x for x in text.splitlines() if x.startswith(tag + " "))
    return notebook, elapsed, json.loads(line.removeprefix(tag + " "))
