"""The built book, as a reader's browser sees it.

1. ``test_book_builds_without_warnings`` builds the whole book exactly like ``make book`` (plus
   ``--all``, so that every page is re-read and every warning is printed again) and fails on a
   non-zero exit code or on any warning in the output. It needs no browser.
2. The ``browser`` tests serve ``_build/html`` on 127.0.0.1 and drive headless Chromium
   (Debian's ``/usr/bin/chromium`` through Python playwright; never ``playwright install``).
   For every page of the book, at desktop (1280 px) and phone (390 px) width:
   no console error, no uncaught page error, no failed request, no request to any host other
   than 127.0.0.1, math typeset by the vendored MathJax, and a page weight under budget.
   Screenshots go to /tmp/bpl-shots/ (``BPL_SHOTS`` overrides) for a human to look at.
3. The pilot chapter's interactive players respond (skipped until book/learning_rate.ipynb
   exists), and hidden exercise solutions open on click.

Page weight: the bytes of every file a page loads, read from disk (``_build/html``). The
*own* weight leaves out what every page shares and the browser caches once (``_static/``:
theme, MathJax, fonts; and the search index); the budget for it is ``OWN_BUDGET``. The total,
shared files included, must stay under ``TOTAL_BUDGET``.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"
SHOTS = Path(os.environ.get("BPL_SHOTS", "/tmp/bpl-shots"))
PILOT = "book/learning_rate"

OWN_BUDGET = 3_000_000  # bytes a page adds on top of the shared assets (its html, images, frames)
TOTAL_BUDGET = 6_000_000  # everything a first visit downloads, shared theme and MathJax included
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
# ipykernel >= 7.3 logs this on the kernel's stderr whenever it runs over local TCP, which is how
# the build executes notebooks; it is not a warning about the book.
BENIGN = re.compile(r"\[IPKernelApp\] WARNING \| Kernel is running over TCP without encryption")
WARNING = re.compile(r"\bWARNING\b|\[Warning\]")


def _toc_docnames() -> list[str]:
    """Every page in _toc.yml, in reading order."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf8"))
    names = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                names.append(entry["file"])
            walk(entry.get("sections"))

    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    walk(toc.get("chapters"))
    return [re.sub(r"\.(md|ipynb)$", "", name) for name in names]


# Every html page of the site: the toc's pages and the ones Sphinx adds.
PAGES = ["index.html", "genindex.html", "search.html"] + [f"{d}.html" for d in _toc_docnames()]


# --------------------------------------------------------------------------- the build


@pytest.fixture(scope="session")
def book_build() -> subprocess.CompletedProcess:
    # Stale pages of an earlier build would escape the checks; the notebook cache and the
    # doctrees stay, so an unchanged book rebuilds in seconds.
    shutil.rmtree(HTML, ignore_errors=True)
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


@pytest.mark.slow
def test_book_builds_without_warnings(book_build):
    out = book_build.stdout
    assert book_build.returncode == 0, f"jupyter-book build failed:\n{out[-6000:]}"
    warnings = [
        line for line in out.splitlines() if WARNING.search(line) and not BENIGN.search(line)
    ]
    assert not warnings, "the book build printed warnings:\n" + "\n".join(warnings)
    built = {
        p.relative_to(HTML).as_posix()
        for p in HTML.rglob("*.html")
        if not p.relative_to(HTML).parts[0].startswith("_")
    }
    assert built == set(PAGES), (
        f"pages built but not checked: {sorted(built - set(PAGES))}; "
        f"pages checked but not built: {sorted(set(PAGES) - built)}"
    )


# --------------------------------------------------------------------------- server + browser


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 (the base class's name)
        pass


@pytest.fixture(scope="session")
def site(book_build) -> str:
    if book_build.returncode != 0:
        pytest.fail("the book did not build; see test_book_builds_without_warnings")
    handler = functools.partial(_QuietHandler, directory=str(HTML))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


class Visit:
    """One page loaded in a fresh context, with everything that went wrong recorded."""

    def __init__(self, browser, site: str, rel: str, viewport: str):
        self.site, self.rel = site, rel
        self.errors: list[str] = []
        self.failed: list[str] = []
        self.foreign: list[str] = []
        self.local_paths: set[str] = set()
        self.context = browser.new_context(viewport=VIEWPORTS[viewport], service_workers="block")
        self.context.route("**/*", self._route)
        self.page = page = self.context.new_page()
        page.on(
            "console",
            lambda m: self.errors.append(f"console: {m.text}") if m.type == "error" else None,
        )
        page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        page.on("requestfailed", lambda r: self.failed.append(f"{r.url} ({r.failure})"))
        page.on(
            "response",
            lambda r: self.failed.append(f"{r.url} (HTTP {r.status})") if r.status >= 400 else None,
        )
        page.goto(site + rel, wait_until="networkidle")
        self._wait_for_math()

    def _route(self, route):
        url = urlparse(route.request.url)
        if url.scheme in ("data", "blob"):
            route.continue_()
        elif url.hostname != "127.0.0.1":
            self.foreign.append(route.request.url)
            route.abort()
        else:
            self.local_paths.add(unquote(url.path))
            route.continue_()

    def _wait_for_math(self):
        if self.page.locator(".math").count():
            self.page.wait_for_function(
                "() => window.MathJax && MathJax.startup && MathJax.startup.promise", timeout=20000
            )
            self.page.evaluate("() => MathJax.startup.promise")

    def weights(self) -> tuple[int, int]:
        """(own bytes, total bytes) of the files this page loaded, sizes read from disk."""
        own = total = 0
        for path in self.local_paths:
            file = HTML / path.lstrip("/")
            if file.is_dir():
                file = file / "index.html"
            size = file.stat().st_size if file.is_file() else 0
            total += size
            if not (path.startswith("/_static/") or path == "/searchindex.js"):
                own += size
        return own, total

    def close(self):
        self.context.close()


def _shot_name(rel: str, viewport: str) -> Path:
    return SHOTS / f"{rel.removesuffix('.html').replace('/', '__')}-{viewport}.png"


@pytest.fixture(scope="session")
def shots_dir() -> Path:
    shutil.rmtree(SHOTS, ignore_errors=True)
    SHOTS.mkdir(parents=True)
    return SHOTS


@pytest.mark.browser
@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("rel", PAGES)
def test_page_is_clean_offline_and_light(browser, site, shots_dir, rel, viewport):
    visit = Visit(browser, site, rel, viewport)
    try:
        page = visit.page
        page.screenshot(path=str(_shot_name(rel, viewport)), full_page=True)
        assert not visit.foreign, f"{rel} asked other hosts for: {visit.foreign}"
        assert not visit.failed, f"{rel}: failed requests: {visit.failed}"
        assert not visit.errors, f"{rel}: browser errors: {visit.errors}"

        n_math = page.locator(".math").count()
        if n_math:
            assert any("/_static/mathjax/" in p for p in visit.local_paths)
            assert page.locator("mjx-container").count() >= n_math, "math left untypeset"
            assert page.locator("mjx-merror").count() == 0, "MathJax reported a TeX error"

        own, total = visit.weights()
        print(f"{rel} [{viewport}]: own {own / 1e3:.0f} kB, total {total / 1e3:.0f} kB")
        assert own < OWN_BUDGET, f"{rel} weighs {own} bytes of its own (budget {OWN_BUDGET})"
        assert total < TOTAL_BUDGET, f"{rel} loads {total} bytes in all (budget {TOTAL_BUDGET})"
    finally:
        visit.close()


@pytest.mark.browser
def test_mathjax_is_the_vendored_copy(browser, site):
    visit = Visit(browser, site, "book/intro.html", "desktop")
    try:
        assert visit.page.evaluate("() => MathJax.version") == "3.2.2"
        assert visit.page.locator("mjx-container").count() > 0
    finally:
        visit.close()


@pytest.mark.browser
@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_one_search_control_and_it_opens_the_search(browser, site, viewport):
    """pydata-sphinx-theme >= 0.17 adds a header search field beside the book theme's own."""
    visit = Visit(browser, site, f"{PILOT}.html", viewport)
    try:
        page = visit.page
        controls = page.locator(".search-button-field:visible, .search-button:visible")
        assert controls.count() == 1, f"{controls.count()} visible search controls at {viewport}"
        controls.first.click()
        page.wait_for_function("() => document.querySelector('#pst-search-dialog').open")
    finally:
        visit.close()


@pytest.mark.browser
def test_hidden_solutions_open_on_click(browser, site):
    opened = 0
    for rel in (p for p in PAGES if p.startswith("book/")):
        visit = Visit(browser, site, rel, "desktop")
        try:
            solutions = visit.page.locator(".solution.dropdown, .admonition.toggle")
            for i in range(solutions.count()):
                box = solutions.nth(i)
                body = box.locator(":scope > :not(.admonition-title)").first
                assert not body.is_visible(), f"solution {i} on {rel} is not hidden"
                box.locator(":scope > .admonition-title").click()
                body.wait_for(state="visible", timeout=3000)
                opened += 1
        finally:
            visit.close()
    assert opened > 0, "no page of the book has a hidden solution to check"


# --------------------------------------------------------------------------- the pilot chapter


@pytest.fixture
def pilot(browser, site):
    if not (ROOT / f"{PILOT}.ipynb").exists():
        pytest.skip(f"{PILOT}.ipynb does not exist yet")
    if f"{PILOT}.html" not in PAGES:
        pytest.fail(f"{PILOT}.ipynb exists but is not in _toc.yml")
    visit = Visit(browser, site, f"{PILOT}.html", "desktop")
    yield visit.page
    visit.close()


def _bump(control) -> None:
    """Move a range input or select one step with the keyboard (back, if it is at the end)."""
    tag = control.evaluate("el => el.tagName.toLowerCase()")
    at_end = control.evaluate(
        "el => el.tagName === 'SELECT' ? el.selectedIndex === el.options.length - 1"
        "      : Number(el.value) >= Number(el.max || 100)"
    )
    control.focus()
    if tag == "select":
        control.press("ArrowUp" if at_end else "ArrowDown")
    else:
        control.press("ArrowLeft" if at_end else "ArrowRight")


@pytest.mark.browser
def test_pilot_figure_players_respond(pilot):
    players = pilot.locator(".bpl-player[data-bpl-kind=figure]")
    assert players.count() > 0, "the pilot chapter has no figure player"
    for i in range(players.count()):
        player = players.nth(i)
        controls = player.locator("input[type=range], select")
        assert controls.count() > 0, f"figure player {i} has no control"
        for j in range(controls.count()):
            src = player.locator("img.bpl-frame").first.get_attribute("src")
            value = " | ".join(player.locator(".bpl-value").all_inner_texts())
            _bump(controls.nth(j))
            assert player.locator("img.bpl-frame").first.get_attribute("src") != src, (
                f"figure player {i}: moving control {j} did not change the image"
            )
            assert " | ".join(player.locator(".bpl-value").all_inner_texts()) != value, (
                f"figure player {i}: moving control {j} did not change the displayed value"
            )


@pytest.mark.browser
def test_pilot_animation_players_advance(pilot):
    players = pilot.locator("[data-bpl-kind=animation]")
    if not players.count():
        pytest.skip("the pilot chapter has no animation player")

    def frame(player):
        value = player.get_attribute("data-bpl-frame")
        if value is None:
            value = player.locator("[data-bpl-frame]").first.get_attribute("data-bpl-frame")
        return value

    for i in range(players.count()):
        player = players.nth(i)
        before = frame(player)
        player.locator("button.bpl-next").first.click()
        assert frame(player) != before, f"animation player {i}: next did not advance the frame"
