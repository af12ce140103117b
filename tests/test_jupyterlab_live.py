"""Each chapter's first live figure is live in a real JupyterLab with a kernel.

``test_chapter_figures.py`` moves every control at the widget-object level in a kernel; this
test does what a reader does, in the real front-end, for every notebook of ``_toc.yml``
(tests/chapters.py) that displays an interactive figure with a slider:

1. It copies the chapter notebooks into a temporary directory with every output and the saved
   widget state removed (so whatever widget appears was made by the kernel, and the committed
   notebooks are never touched), and serves that directory with ONE JupyterLab on 127.0.0.1
   (a free port, token auth, no browser, fresh temporary Jupyter config, data, runtime,
   settings and IPython directories; the venv's own ``share/jupyter``, with the ipywidgets lab
   extension, is still found; announcements and update checks are off).
2. Headless Chromium (the session's ``browser`` fixture, tests/conftest.py: Debian's
   ``/usr/bin/chromium`` through Python playwright; never ``playwright install``) opens the
   chapter, waits for the kernel, runs all cells through ``window.jupyterapp``
   (``--LabApp.expose_app_in_browser``), waits until they finished without error and fails,
   quoting the JavaScript error, if any widget view could not be created.
3. In the chapter's first live figure whose first control is a slider (or, in a chapter
   without one, its first animation's step slider; found in the committed
   notebook's outputs: the k-th displayed player is the k-th ``.bpl-live`` VBox, holding the
   ``SelectionSlider`` and an ``ipywidgets.Image``, i.e. an ``img.widget-image`` whose ``src``
   is a blob URL), it checks the slider's label and initial readout against the committed
   player, focuses the slider handle, presses ArrowRight and then End (ArrowLeft and Home for
   a slider that starts at its last value), and asserts each time that the readout shows the
   next (then the last) value of the committed player and that the
   image's ``src`` changed to a new, loaded image with different bytes (sha-256 of the blob):
   the kernel redrew the figure.

Screenshots: the moved figure goes to /tmp/bpl-jupyterlab-live-<chapter>.png; on failure, the
whole page goes to /tmp/bpl-jupyterlab-failure-<chapter>.png.
"""

from __future__ import annotations

import html as htmllib
import json
import re
import time
from dataclasses import dataclass
from pathlib import Path

import chapters
import pytest
from labserver import (
    JS_ERROR_OUTPUTS,
    JS_KERNEL_IDLE,
    JS_RUN_ALL,
    JS_RUN_ALL_FINISHED,
    KERNEL_TIMEOUT,
    REDRAW_TIMEOUT,
    RUN_ALL_TIMEOUT,
    serve_lab,
    stripped_copy,
)
from players import data_of

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
PLAYER = re.compile(r'<div class="bpl-player" data-bpl-kind="(\w+)"')


@dataclass(frozen=True)
class LiveSlider:
    """The first live figure of a chapter whose first control is a slider, as committed."""

    chapter: chapters.Page
    index: int  # among the chapter's displayed live figures (.bpl-live), in document order
    label: str  # the slider's label
    readouts: tuple[str, str, str]  # the readout at first, after keys[0], after keys[1]
    keys: tuple[str, str] = ("ArrowRight", "End")  # ("ArrowLeft", "Home") from the last value

    def shot(self, kind: str) -> Path:
        return Path(f"/tmp/bpl-jupyterlab-{kind}-{self.chapter.name}.png")


def first_live_slider(page: chapters.Page) -> LiveSlider | None:
    """Read from the committed notebook's outputs (the players carry labels and values).

    The first InteractiveFigure whose first control is a slider; a slider that starts at its
    last value is moved left (ArrowLeft, then Home). A chapter without one is driven through
    its first Animation's step slider, so that every chapter with a live slider is tested.
    """
    nb = json.loads(page.path.read_text(encoding="utf8"))
    k = 0
    animation = None
    for cell in nb["cells"]:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            html = data.get("text/html", "")
            html = "".join(html) if isinstance(html, list) else html
            kind = PLAYER.search(html)
            if kind is None or WIDGET_MIME not in data:
                continue
            first = re.search(r'<span class="bpl-label">([^<]*)</span><(input|select)([^>]*)>',
                              html)
            if first and first.group(2) == "input":
                labels = data_of(html)["controls"][0]["labels"]
                i = int(re.search(r'\bvalue="(\d+)"', first.group(3)).group(1))
                label = htmllib.unescape(first.group(1))
                if i + 1 < len(labels):
                    found = LiveSlider(page, k, label, (labels[i], labels[i + 1], labels[-1]))
                elif i > 0:
                    found = LiveSlider(page, k, label, (labels[i], labels[i - 1], labels[0]),
                                       ("ArrowLeft", "Home"))
                else:
                    found = None
                if found and kind.group(1) == "figure":
                    return found
                if found and animation is None:
                    animation = found
            k += 1
    return animation


LIVE = [s for s in map(first_live_slider, chapters.NOTEBOOKS) if s is not None]

@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab serving stripped copies of the chapters; yields (base url, token, log path)."""
    base = tmp_path_factory.mktemp("jupyterlab-live")
    root = base / "root"
    root.mkdir()
    for live in LIVE:
        stripped_copy(live.chapter.path, root / live.chapter.path.name)
    with serve_lab(base, root) as served:
        yield served


# ------------------------------------------------------------------------ the browser part
JS_IMAGE_LOADED = "(img) => img.complete && img.naturalWidth > 0"

JS_IMAGE_REPLACED = """([img, old]) =>
    img.getAttribute('src') !== old && img.complete && img.naturalWidth > 0"""

# sha-256 of the bytes the <img> shows (its blob or data URL), as hex
JS_IMAGE_DIGEST = """async (img) => {
    const bytes = await (await fetch(img.src)).arrayBuffer();
    const hash = await crypto.subtle.digest('SHA-256', bytes);
    return Array.from(new Uint8Array(hash), (b) => b.toString(16).padStart(2, '0')).join('');
}"""

def _drive(browser, url: str, token: str, seen: dict, live: LiveSlider) -> None:
    """Open, run and move the figure, noting each step in ``seen`` (raises AssertionError)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        page.set_default_timeout(REDRAW_TIMEOUT)
        page.on(
            "console",
            lambda m: seen["console_errors"].append(m.text) if m.type == "error" else None,
        )
        try:
            _drive_page(page, url, token, seen, live)
        except BaseException:
            try:
                page.screenshot(path=str(live.shot("failure")))
                seen["steps"].append(f"failure screenshot: {live.shot('failure')}")
            except Exception as err:  # noqa: BLE001 - best effort only
                seen["steps"].append(f"no failure screenshot: {err}")
            raise
    finally:
        context.close()


def _drive_page(page, url: str, token: str, seen: dict, live: LiveSlider) -> None:
    steps = seen["steps"]
    t0 = time.monotonic()

    def step(text: str) -> None:
        steps.append(f"{time.monotonic() - t0:5.1f} s  {text}")

    page.goto(f"{url}/lab/tree/{live.chapter.path.name}?reset&token={token}", timeout=30_000)
    page.wait_for_function(JS_KERNEL_IDLE, timeout=KERNEL_TIMEOUT, polling=250)
    step("notebook open, kernel idle")

    page.evaluate(JS_RUN_ALL)
    page.wait_for_function(JS_RUN_ALL_FINISHED, timeout=RUN_ALL_TIMEOUT, polling=250)
    outcome = page.evaluate("() => window.__bplRunAll")
    step(f"run all cells: {outcome}")
    assert outcome == "done", (
        f"running all cells did not succeed ({outcome}); error outputs: "
        f"{page.evaluate(JS_ERROR_OUTPUTS)}"
    )

    figure = page.locator(".bpl-live").nth(live.index)
    figure.wait_for(state="visible", timeout=REDRAW_TIMEOUT)
    figure.scroll_into_view_if_needed()
    # the image view, or the error box ipywidgets puts in its place when a view fails
    figure.locator("img.widget-image, .jupyter-widgets-error-widget").first.wait_for(
        state="attached", timeout=REDRAW_TIMEOUT
    )
    n_live = page.locator(".bpl-live").count()
    step(f"{n_live} live widget(s) rendered")
    broken = page.locator(".jupyter-widgets-error-widget")
    if broken.count():
        broken.first.click()  # ipywidgets shows the error's message and stack on click
        message = (broken.first.text_content() or "").strip()
        raise AssertionError(
            f"{broken.count()} widget view(s) failed to render in JupyterLab (the figure's "
            f"live face is broken there); the first error:\n{message[:1500]}"
        )
    label = figure.locator(".widget-slider .widget-label").first
    assert live.label in label.inner_text(), (label.inner_text(), live.label)
    handle = figure.locator(".widget-slider .noUi-handle").first
    readout = figure.locator(".widget-slider .widget-readout").first
    image = figure.locator("img.widget-image").first
    image.wait_for(state="visible")
    initial, after_right, last = live.readouts  # after_right: after keys[0]
    assert readout.inner_text().strip() == initial, (readout.inner_text(), initial)
    page.wait_for_function(JS_IMAGE_LOADED, arg=image.element_handle())
    before = image.get_attribute("src") or ""
    assert before.startswith(("blob:", "data:image")), before[:80]
    digest = page.evaluate(JS_IMAGE_DIGEST, image.element_handle())
    step(f"initial image src {before[:40]}... (sha256 {digest[:12]}), readout {initial}")

    for key, expected in zip(live.keys, [after_right, last], strict=True):
        handle.focus()
        handle.press(key)
        try:
            page.wait_for_function(
                JS_IMAGE_REPLACED,
                arg=[image.element_handle(), before],
                timeout=REDRAW_TIMEOUT,
                polling=100,
            )
        except Exception as err:
            raise AssertionError(
                f"after pressing {key} on the slider handle (readout now "
                f"{readout.inner_text()!r}), the image src did not change within "
                f"{REDRAW_TIMEOUT / 1000:g} s: still {before[:60]}"
            ) from err
        after = image.get_attribute("src") or ""
        new_digest = page.evaluate(JS_IMAGE_DIGEST, image.element_handle())
        shown = readout.inner_text().strip()
        step(f"{key}: readout {shown}, image src {after[:40]}... (sha256 {new_digest[:12]})")
        assert shown == expected, f"after {key} the readout shows {shown!r}, not {expected!r}"
        assert new_digest != digest, f"after {key} the image has a new src but the same bytes"
        before, digest = after, new_digest

    figure.screenshot(path=str(live.shot("live")))
    step(f"screenshot of the moved figure: {live.shot('live')}")


def test_the_pilot_has_a_live_slider():
    """The test below passes trivially without chapters to drive: the pilot is one."""
    assert "book/learning_rate" in [live.chapter.docname for live in LIVE]
    pilot = next(live for live in LIVE if live.chapter.docname == "book/learning_rate")
    # lr_figure's slider (lr_values, initial 0.06), as its readout shows them
    assert pilot.label == "learning rate η" and pilot.readouts == ("0.06", "0.08", "0.22")


@pytest.mark.parametrize("live", LIVE, ids=lambda live: live.chapter.name)
def test_first_slider_redraws_the_live_figure_in_jupyterlab(browser, lab, live):
    # `browser`: the session's one Chromium (tests/conftest.py), which skips, saying how to
    # install it, when /usr/bin/chromium or playwright is missing
    url, token, log_path = lab
    live.shot("failure").unlink(missing_ok=True)
    seen: dict = {"steps": [], "console_errors": []}
    try:
        _drive(browser, url, token, seen, live)
    except Exception as err:
        raise AssertionError(
            f"{live.chapter}: {type(err).__name__}: {err}\nsteps:\n  "
            + "\n  ".join(seen["steps"])
            + "\nbrowser console errors:\n  "
            + "\n  ".join(seen["console_errors"][-10:])
            + f"\nscreenshot: {live.shot('failure')}\nJupyterLab log (tail):\n"
            + log_path.read_text(errors="replace")[-2000:]
        ) from err
    print("\n".join(seen["steps"]))
