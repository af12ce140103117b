"""Shared fixtures: one headless Chromium for every browser test of the session.

Playwright's sync API runs an event loop while it is started, so two sync_playwright()
instances cannot be alive at once in one thread: every browser test uses this one.
"""

from __future__ import annotations

from pathlib import Path

import pytest

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
