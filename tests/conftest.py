"""Shared fixtures: one headless Chromium for every browser test of the session, and one build of
the book (``book_build``) for the tests that read it (test_book_browser.py,
test_assignments_nbgrader.py).

Playwright's sync API runs an event loop while it is started, so two sync_playwright()
instances cannot be alive at once in one thread: every browser test uses this one.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
INSTALL_HINT = (
    "Install Chromium (Debian/Ubuntu: `sudo apt-get install chromium`) and the Python package "
    "playwright (in requirements.txt); do not run `playwright install`."
)


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright; the tests skip, saying how to install, without it."""
    if not CHROMIUM.exists():
        pytest.skip(f"browser test skipped: {CHROMIUM} not found. {INSTALL_HINT}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip(f"browser test skipped: playwright is not installed. {INSTALL_HINT}")
    pw = sync_playwright().start()
    chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()
    pw.stop()


@pytest.fixture(scope="session")
def book_build() -> subprocess.CompletedProcess:
    """The book built exactly like ``make book``, plus ``--all`` (every page re-read, every
    warning printed again), into ``_build/html``; the finished process, output in ``stdout``."""
    # Stale pages of an earlier build would escape the checks; the notebook cache and the
    # doctrees stay, so an unchanged book rebuilds in seconds, unless the package changed since
    # they were made (tools/book_cache.py, as make book does).
    shutil.rmtree(HTML, ignore_errors=True)
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import book_cache
    finally:
        sys.path.pop(0)
    book_cache.forget_if_package_changed(ROOT)
    bindir = Path(sys.executable).parent
    env = dict(os.environ, PATH=f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}")
    cmd = [
        str(bindir / "jupyter-book"),
        "build",
        ".",
        "--builder",
        "html",
        "-W",
        "-n",
        "--keep-going",
        "--all",
    ]
    return subprocess.run(
        cmd,
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=1800,
    )
