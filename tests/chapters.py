"""The book's chapters, read from ``_toc.yml``: the one list every chapter check iterates over.

Adding a chapter to ``_toc.yml`` is enough for it to be checked: nbval runs it (pytest's
``--nbval`` collects every notebook under ``book/``), ``test_chapter_solutions.py`` runs its
solutions, ``test_chapter_figures.py`` moves every interactive figure it creates,
``test_book_browser.py`` loads its built page, ``test_jupyterlab_live.py`` drives its first
live figure in JupyterLab and ``make bench`` times it. A page named in ``_toc.yml`` whose file
is missing, or a notebook under ``book/`` that ``_toc.yml`` does not name, fails
``tests/test_toc.py`` (never a skip).

Not a test module itself; ``benchmarks/run.py`` imports it too.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
SUFFIXES = (".ipynb", ".md")  # the page formats the book uses, in the order Sphinx tries them


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
    """The chapter notebooks: every page of ``_toc.yml`` that is an ``.ipynb`` file."""
    return [p for p in pages(root) if p.is_notebook]


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
