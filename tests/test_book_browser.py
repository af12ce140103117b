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
3. On every page of ``_toc.yml`` (tests/chapters.py), every interactive player responds (as
   many players as the committed notebook displays), and hidden exercise solutions open on
   click.
4. At phone width (390 px), every page: the body never overflows sideways, every display
   equation either fits or scrolls sideways inside its own box (book/_static/bpl-phone.css),
   and every player's frame opens on a tap, Enter or Space at a legible size
   (book/_static/bpl-zoom.js: natural size and at least twice its width in the page) and
   closes on Escape, giving the focus back.

Page weight: the bytes of every file a page loads, read from disk (``_build/html``). The
*own* weight leaves out what every page shares and the browser caches once (``_static/``:
theme, MathJax, fonts; and the search index); the budget for it is ``OWN_BUDGET``. The total,
shared files included, must stay under ``TOTAL_BUDGET``.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import shutil
import threading
from pathlib import Path
from urllib.parse import unquote, urlparse

import chapters
import pytest

ROOT = chapters.ROOT
HTML = ROOT / "_build" / "html"
SHOTS = Path(os.environ.get("BPL_SHOTS", "/tmp/bpl-shots"))
PLAYER_ID = re.compile(r'class="bpl-player"[^>]*data-bpl-id="([0-9a-f]+)"')

OWN_BUDGET = 3_000_000  # bytes a page adds on top of the shared assets (its html, images, frames)
TOTAL_BUDGET = 6_000_000  # everything a first visit downloads, shared theme and MathJax included
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
# ipykernel >= 7.3 logs this on the kernel's stderr whenever it runs over local TCP, which is how
# the build executes notebooks; it is not a warning about the book.
BENIGN = re.compile(r"\[IPKernelApp\] WARNING \| Kernel is running over TCP without encryption")
WARNING = re.compile(r"\bWARNING\b|\[Warning\]")


# Every html page of the site: the toc's pages and the ones Sphinx adds.
PAGES = ["index.html", "genindex.html", "search.html"] + [p.html for p in chapters.PAGES]
# the pages of _toc.yml, with the number of players each one's notebook displays
BOOK_PAGES = {p.html: p for p in chapters.PAGES}


def displayed_players(page: chapters.Page) -> int:
    """How many kernel-free players the committed notebook of ``page`` displays (0 for .md)."""
    if not page.is_notebook:
        return 0
    nb = json.loads(page.path.read_text(encoding="utf8"))
    n = 0
    for cell in nb["cells"]:
        for output in cell.get("outputs", []):
            html = output.get("data", {}).get("text/html", "")
            n += len(PLAYER_ID.findall("".join(html) if isinstance(html, list) else html))
    return n


# --------------------------------------------------------------------------- the build


# The build itself is the session fixture `book_build` of tests/conftest.py (one build per
# session, shared with tests/test_assignments_nbgrader.py, which checks it for leaks).


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
    visit = Visit(browser, site, chapters.NOTEBOOKS[0].html, viewport)
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


# ------------------------------------------------------------------ every chapter's players


@pytest.fixture
def chapter_page(browser, site, request):
    """The built page of one page of _toc.yml, at desktop width, and its toc entry."""
    page = BOOK_PAGES[request.param]
    assert page.path is not None, f"{page.docname} is in _toc.yml but its file is missing"
    visit = Visit(browser, site, page.html, "desktop")
    yield page, visit.page
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
@pytest.mark.parametrize("chapter_page", list(BOOK_PAGES), indirect=True)
def test_figure_players_respond(chapter_page):
    page, tab = chapter_page
    expected = displayed_players(page)
    n = tab.locator(".bpl-player").count()
    assert n == expected, f"{page.html} shows {n} players; its notebook displays {expected}"
    players = tab.locator(".bpl-player[data-bpl-kind=figure]")
    for i in range(players.count()):
        player = players.nth(i)
        controls = player.locator("input[type=range], select")
        assert controls.count() > 0, f"{page.html}: figure player {i} has no control"
        for j in range(controls.count()):
            src = player.locator("img.bpl-frame").first.get_attribute("src")
            value = " | ".join(player.locator(".bpl-value").all_inner_texts())
            _bump(controls.nth(j))
            assert player.locator("img.bpl-frame").first.get_attribute("src") != src, (
                f"{page.html}: figure player {i}: moving control {j} did not change the image"
            )
            assert " | ".join(player.locator(".bpl-value").all_inner_texts()) != value, (
                f"{page.html}: figure player {i}: moving control {j} did not change the "
                "displayed value"
            )


@pytest.mark.browser
@pytest.mark.parametrize("chapter_page", list(BOOK_PAGES), indirect=True)
def test_animation_players_advance(chapter_page):
    page, tab = chapter_page
    players = tab.locator("[data-bpl-kind=animation]")

    def frame(player):
        value = player.get_attribute("data-bpl-frame")
        if value is None:
            value = player.locator("[data-bpl-frame]").first.get_attribute("data-bpl-frame")
        return value

    for i in range(players.count()):
        player = players.nth(i)
        before = frame(player)
        player.locator("button.bpl-next").first.click()
        assert frame(player) != before, (
            f"{page.html}: animation player {i}: next did not advance the frame")


def test_the_book_has_players_to_check():
    """The player checks above pass trivially on a page without players: some page has them."""
    assert sum(displayed_players(p) for p in chapters.PAGES) >= 3


# --------------------------------------------------------------------------- at phone width

# Every display equation: its box, whether its content is wider than the box, whether the box
# scrolls sideways, and whether scrolling reaches the end of the content.
JS_DISPLAY_MATH = """() => {
    const vw = document.documentElement.clientWidth;
    return Array.from(document.querySelectorAll('mjx-container[display="true"]')).map((el) => {
        const box = el.getBoundingClientRect();
        const math = el.querySelector('mjx-math');
        const inner = math ? math.getBoundingClientRect() : box;
        const style = getComputedStyle(el);
        const before = el.scrollLeft;
        el.scrollLeft = el.scrollWidth;
        const reached = el.scrollLeft + el.clientWidth >= el.scrollWidth - 1;
        const scrolled = el.scrollLeft;
        el.scrollLeft = before;
        return {
            tex: (el.closest('.math') || el).textContent.slice(0, 60),
            left: box.left, right: box.right, vw: vw,
            innerWidth: inner.width, clientWidth: el.clientWidth, scrollWidth: el.scrollWidth,
            overflowX: style.overflowX, reached: reached, scrolled: scrolled,
            cue: style.backgroundImage,
        };
    });
}"""


@pytest.mark.browser
@pytest.mark.parametrize("rel", PAGES)
def test_phone_page_has_no_sideways_overflow_and_its_math_is_reachable(browser, site, rel):
    visit = Visit(browser, site, rel, "phone")
    try:
        page = visit.page
        widths = page.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth,"
            " document.body.scrollWidth]")
        assert max(widths[0], widths[2]) <= widths[1] + 1, (
            f"{rel} at 390 px: the page is {max(widths[0], widths[2])} px wide in a "
            f"{widths[1]} px viewport; part of it is out of reach")
        for m in page.evaluate(JS_DISPLAY_MATH):
            where = f"{rel} at 390 px, equation {m['tex']!r}"
            assert m["left"] >= -1 and m["right"] <= m["vw"] + 1, (
                f"{where}: its box spans {m['left']:.0f}-{m['right']:.0f} px, outside the "
                f"{m['vw']} px viewport")
            if m["scrollWidth"] > m["clientWidth"] + 1:  # wider than its box: must scroll
                assert m["overflowX"] in ("auto", "scroll"), (
                    f"{where}: {m['scrollWidth']} px of maths in a {m['clientWidth']} px box "
                    f"with overflow-x {m['overflowX']}: the rest is cut off")
                assert m["scrolled"] > 0 and m["reached"], (
                    f"{where}: scrolling the box sideways does not reach the equation's end")
                # a phone shows no scroll bar until one scrolls: the edge shadows of
                # book/_static/bpl-phone.css say that the equation goes on
                assert m["cue"].count("gradient") >= 4, (
                    f"{where}: the equation scrolls but nothing shows that it goes on "
                    f"(background-image {m['cue'][:80]!r}; is bpl-phone.css loaded?)")
            else:
                assert m["innerWidth"] <= m["clientWidth"] + 1, (
                    f"{where}: {m['innerWidth']:.0f} px of maths in a {m['clientWidth']} px "
                    "box that does not scroll")
    finally:
        visit.close()


JS_OVERLAY = """() => {
    const o = document.querySelector('.bpl-zoom');
    if (!o || o.hidden) return null;
    const img = o.querySelector('img.bpl-zoom-img');
    const sc = o.querySelector('.bpl-zoom-scroll');
    return {width: img.getBoundingClientRect().width, natural: img.naturalWidth,
            src: img.getAttribute('src'), scrollWidth: sc.scrollWidth,
            clientWidth: sc.clientWidth, focus: document.activeElement.className};
}"""


def _overlay_open(tab) -> None:
    tab.wait_for_function(
        "() => { const o = document.querySelector('.bpl-zoom'); return o && !o.hidden && "
        "o.querySelector('img.bpl-zoom-img').complete; }", timeout=5000)


def _overlay_closed(tab) -> None:
    tab.wait_for_function(
        "() => { const o = document.querySelector('.bpl-zoom'); return !o || o.hidden; }",
        timeout=5000)


@pytest.mark.browser
@pytest.mark.parametrize("rel", list(BOOK_PAGES))
def test_phone_player_frames_open_at_a_legible_size(browser, site, shots_dir, rel):
    page = BOOK_PAGES[rel]
    visit = Visit(browser, site, rel, "phone")
    try:
        tab = visit.page
        frames = tab.locator(".bpl-player img.bpl-frame")
        assert frames.count() == displayed_players(page), (
            f"{rel}: {frames.count()} player frames, the notebook displays "
            f"{displayed_players(page)} players")
        for i in range(frames.count()):
            img = frames.nth(i)
            img.scroll_into_view_if_needed()
            inline = img.evaluate("el => [el.getBoundingClientRect().width, el.naturalWidth]")
            where = f"{rel} at 390 px, player {i}"
            img.click()  # a tap
            _overlay_open(tab)
            shown = tab.evaluate(JS_OVERLAY)
            if i == 0:
                tab.screenshot(path=str(shots_dir / f"{_shot_name(rel, 'phone').stem}-zoom.png"))
            assert shown["src"] == img.get_attribute("src"), f"{where}: another image opened"
            assert shown["width"] >= inline[1] - 1, (
                f"{where}: opened {shown['width']:.0f} px wide, less than its natural "
                f"{inline[1]} px")
            assert shown["width"] >= 2 * inline[0] - 1, (
                f"{where}: opened {shown['width']:.0f} px wide, not twice its "
                f"{inline[0]:.0f} px in the page")
            if shown["width"] > shown["clientWidth"]:
                assert shown["scrollWidth"] > shown["clientWidth"], (
                    f"{where}: the full-size figure is wider than the screen and does not pan")
            assert "bpl-zoom-close" in shown["focus"], f"{where}: the focus is not in the dialog"
            tab.keyboard.press("Escape")
            _overlay_closed(tab)
            assert tab.evaluate("el => document.activeElement === el", img.element_handle()), (
                f"{where}: closing did not give the focus back to the frame")
            # the keyboard way in, and a tap on the image to close
            tab.keyboard.press("Enter")
            _overlay_open(tab)
            tab.locator(".bpl-zoom img.bpl-zoom-img").click()
            _overlay_closed(tab)
        assert not visit.errors, f"{rel}: browser errors: {visit.errors}"
    finally:
        visit.close()
