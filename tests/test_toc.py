"""``_toc.yml`` and ``book/`` agree: the chapter checks (tests/chapters.py) see every chapter.

A chapter renamed or deleted without updating ``_toc.yml``, or a notebook added to ``book/``
without an entry, fails here; no chapter check ever skips it silently.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import chapters
import pytest


def test_every_page_in_the_toc_exists():
    missing = chapters.missing_files()
    assert not missing, (
        f"_toc.yml names {missing}, but no such .ipynb or .md file exists. Rename the entry "
        "in _toc.yml along with the file, or restore the file."
    )


def test_every_notebook_under_book_is_in_the_toc():
    extra = chapters.notebooks_not_in_toc()
    assert not extra, (
        f"{extra} are under book/ but not in _toc.yml, so the book does not show them and the "
        "chapter checks do not run them. Add them to _toc.yml (or move them out of book/)."
    )


def test_the_toc_has_the_pilot_chapter():
    assert "book/learning_rate" in [p.docname for p in chapters.NOTEBOOKS]


def _fake_book(tmp_path, toc: str, files: list[str]):
    (tmp_path / "_toc.yml").write_text(textwrap.dedent(toc), encoding="utf8")
    for rel in files:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("{}", encoding="utf8")
    return tmp_path


TOC = """\
    format: jb-book
    root: book/intro
    parts:
      - caption: A
        chapters:
          - file: book/one
            sections:
              - file: book/two.ipynb
      - caption: B
        chapters:
          - file: book/three
    """


def test_chapters_reads_parts_sections_and_suffixes(tmp_path):
    root = _fake_book(tmp_path, TOC, ["book/intro.md", "book/one.ipynb", "book/two.ipynb",
                                      "book/three.md"])
    assert chapters.toc_docnames(root) == ["book/intro", "book/one", "book/two", "book/three"]
    assert [p.name for p in chapters.notebooks(root)] == ["one", "two"]
    assert chapters.missing_files(root) == []
    assert chapters.notebooks_not_in_toc(root) == []


def test_a_renamed_chapter_is_reported_missing(tmp_path):
    root = _fake_book(tmp_path, TOC, ["book/intro.md", "book/one_renamed.ipynb",
                                      "book/two.ipynb", "book/three.md"])
    assert chapters.missing_files(root) == ["book/one"]
    assert chapters.notebooks_not_in_toc(root) == ["book/one_renamed.ipynb"]
    assert [p.name for p in chapters.notebooks(root)] == ["two"]


def test_checkpoints_are_not_chapters(tmp_path):
    root = _fake_book(tmp_path, TOC, ["book/intro.md", "book/one.ipynb", "book/two.ipynb",
                                      "book/three.md", "book/.ipynb_checkpoints/one.ipynb"])
    assert chapters.notebooks_not_in_toc(root) == []


@pytest.mark.slow
def test_nbval_collects_every_chapter_notebook():
    """``pytest`` (``--nbval`` in pyproject.toml) collects the cells of every toc notebook."""
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
         "book"],
        capture_output=True, text=True, cwd=chapters.ROOT, timeout=300,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    collected = {line.split("::")[0] for line in done.stdout.splitlines() if "::" in line}
    expected = {p.path.relative_to(chapters.ROOT).as_posix() for p in chapters.NOTEBOOKS}
    assert expected <= collected, f"nbval does not collect {sorted(expected - collected)}"


def test_assignments_are_pages_not_chapters(tmp_path):
    """An assignment's learner version is a page of the book; the chapter checks leave it out."""
    toc = TOC + """\
      - caption: Assignments
        chapters:
          - file: assignments/release/a9_demo/a9_demo
          - file: book/instructors
    """
    root = _fake_book(tmp_path, toc, ["book/intro.md", "book/one.ipynb", "book/two.ipynb",
                                      "book/three.md", "book/instructors.md",
                                      "assignments/release/a9_demo/a9_demo.ipynb",
                                      "assignments/source/a9_demo/a9_demo.ipynb"])
    release = "assignments/release/a9_demo/a9_demo"
    assert [p.docname for p in chapters.assignments(root)] == [release]
    assert [p.name for p in chapters.notebooks(root)] == ["one", "two"]
    assert release in chapters.toc_docnames(root)
    assert chapters.assignment_names(root) == ["a9_demo"]


def test_the_book_shows_learner_versions_never_sources():
    named = [p.docname for p in chapters.PAGES if p.docname.startswith("assignments/")]
    sources = [d for d in named if not d.startswith("assignments/release/")]
    assert not sources, (
        f"_toc.yml names {sources}: the book shows only the learner versions, "
        "assignments/release/<name>/<name> (a source holds the solutions)")
    assert all(not p.is_assignment for p in chapters.NOTEBOOKS)
