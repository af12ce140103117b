"""The pilot chapter's interactive figure is live in a real JupyterLab with a kernel.

``test_learning_rate_chapter.py`` moves the controls at the widget-object level in a kernel;
this test does what a reader does, in the real front-end:

1. It copies ``book/learning_rate.ipynb`` into a temporary directory with every output and
   the saved widget state removed (so whatever widget appears was made by the kernel, and the
   committed notebook is never touched), and serves that directory with JupyterLab on
   127.0.0.1 (a free port, token auth, no browser, fresh temporary Jupyter config, data,
   runtime, settings and IPython directories; the venv's own ``share/jupyter``, with the
   ipywidgets lab extension, is still found; announcements and update checks are off).
2. Headless Chromium (the session's ``browser`` fixture, tests/conftest.py: Debian's
   ``/usr/bin/chromium`` through Python playwright; never ``playwright install``) opens the
   notebook, waits for the kernel, runs all cells through ``window.jupyterapp``
   (``--LabApp.expose_app_in_browser``), waits until they finished without error and fails,
   quoting the JavaScript error, if any widget view could not be created.
3. In the first live figure (``lr_figure``: a VBox with class ``bpl-live`` holding the
   ``SelectionSlider`` "learning rate η" and an ``ipywidgets.Image``, i.e. an
   ``img.widget-image`` whose ``src`` is a blob URL), it focuses the slider handle, presses
   ArrowRight and then End, and asserts each time that the readout shows the new value and
   that the image's ``src`` changed to a new, loaded image with different bytes (sha-256 of
   the blob): the kernel redrew the figure.

Screenshots: the moved figure goes to /tmp/bpl-jupyterlab-live.png; on failure, the whole page
goes to /tmp/bpl-jupyterlab-failure.png.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[1]
CHAPTER = ROOT / "book" / "learning_rate.ipynb"
SUCCESS_SHOT = Path("/tmp/bpl-jupyterlab-live.png")
FAILURE_SHOT = Path("/tmp/bpl-jupyterlab-failure.png")

# The slider's values in the chapter (lr_values, initial 0.06), as its readout shows them.
LR_INITIAL, LR_NEXT, LR_LAST = "0.06", "0.08", "0.22"

SERVER_START_TIMEOUT = 30  # s, until /api/status answers
KERNEL_TIMEOUT = 30_000  # ms, until the notebook's kernel is idle
RUN_ALL_TIMEOUT = 60_000  # ms, for every cell of the chapter (about 10 s)
REDRAW_TIMEOUT = 15_000  # ms, for one live redraw to reach the browser

# JupyterLab user settings: render every cell (no virtual scrolling, so the figure's DOM
# exists wherever it is in the notebook) and fetch no news.
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stripped_copy(src: Path, dest: Path) -> None:
    """The notebook without outputs, execution counts or saved widget state."""
    nb = json.loads(src.read_text(encoding="utf8"))
    nb["metadata"].pop("widgets", None)
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    dest.write_text(json.dumps(nb, indent=1, ensure_ascii=False), encoding="utf8")


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab serving a stripped copy of the chapter; yields (base url, token, log path)."""
    base = tmp_path_factory.mktemp("jupyterlab-live")
    root = base / "root"
    root.mkdir()
    _stripped_copy(CHAPTER, root / CHAPTER.name)
    settings_dir = base / "lab-settings"
    for rel, value in LAB_SETTINGS.items():
        file = settings_dir / rel
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(json.dumps(value), encoding="utf8")

    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    for name, sub in [
        ("JUPYTER_CONFIG_DIR", "config"),
        ("JUPYTER_DATA_DIR", "data"),
        ("JUPYTER_RUNTIME_DIR", "runtime"),
        ("JUPYTERLAB_WORKSPACES_DIR", "workspaces"),
        ("IPYTHONDIR", "ipython"),
    ]:
        (base / sub).mkdir()
        env[name] = str(base / sub)
    env["JUPYTERLAB_SETTINGS_DIR"] = str(settings_dir)
    env.pop("JUPYTER_PATH", None)
    env.pop("JUPYTER_PREFER_ENV_PATH", None)
    env["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"

    port, token = _free_port(), secrets.token_hex(16)
    log_path = base / "jupyterlab.log"
    cmd = [
        sys.executable,
        "-m",
        "jupyter",
        "lab",
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--port-retries=0",
        f"--IdentityProvider.token={token}",
        "--ServerApp.open_browser=False",
        f"--ServerApp.root_dir={root}",
        "--LabApp.expose_app_in_browser=True",
        "--ServerApp.disable_check_xsrf=True",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.handlers.announcements.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")  # containers and CI often run as root
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            cmd, env=env, cwd=root, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while True:
            if proc.poll() is not None:
                pytest.fail(
                    f"JupyterLab exited with code {proc.returncode} before answering:\n"
                    + log_path.read_text(errors="replace")[-3000:]
                )
            try:
                with urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2) as r:
                    if r.status == 200:
                        break
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(
                    f"JupyterLab did not answer on {url} within {SERVER_START_TIMEOUT} s:\n"
                    + log_path.read_text(errors="replace")[-3000:]
                )
            time.sleep(0.2)
        yield url, token, log_path
    finally:
        _stop(proc, url, token)


def _stop(proc: subprocess.Popen, url: str, token: str) -> None:
    """Shut the server down (it stops its kernels); kill its process group if it lingers."""
    if proc.poll() is None:
        try:
            req = urllib.request.Request(
                f"{url}/api/shutdown?token={token}", method="POST", data=b""
            )
            urllib.request.urlopen(req, timeout=5).close()
        except (urllib.error.URLError, OSError):
            pass
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.terminate()
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)
    # the server's own session: anything it started and left behind (a stuck kernel)
    try:
        os.killpg(proc.pid, 9)
    except (ProcessLookupError, PermissionError):
        pass


# ------------------------------------------------------------------------ the browser part
JS_KERNEL_IDLE = """() => {
    const app = window.jupyterapp;
    const w = app && app.shell && app.shell.currentWidget;
    const ctx = w && w.context;
    const kernel = ctx && ctx.sessionContext && ctx.sessionContext.session
        && ctx.sessionContext.session.kernel;
    return !!(kernel && kernel.status === 'idle' && w.content && w.content.widgets
        && w.content.widgets.length > 0);
}"""

JS_RUN_ALL = """() => {
    window.__bplRunAll = 'running';
    window.jupyterapp.commands.execute('notebook:run-all-cells').then(
        (ok) => { window.__bplRunAll = ok === false ? 'failed' : 'done'; },
        (err) => { window.__bplRunAll = 'error: ' + err; });
}"""

JS_RUN_ALL_FINISHED = """() => {
    if (window.__bplRunAll === 'running') return false;
    const w = window.jupyterapp.shell.currentWidget;
    const kernel = w.context.sessionContext.session.kernel;
    return kernel.status === 'idle';
}"""

JS_IMAGE_LOADED = "(img) => img.complete && img.naturalWidth > 0"

JS_IMAGE_REPLACED = """([img, old]) =>
    img.getAttribute('src') !== old && img.complete && img.naturalWidth > 0"""

# sha-256 of the bytes the <img> shows (its blob or data URL), as hex
JS_IMAGE_DIGEST = """async (img) => {
    const bytes = await (await fetch(img.src)).arrayBuffer();
    const hash = await crypto.subtle.digest('SHA-256', bytes);
    return Array.from(new Uint8Array(hash), (b) => b.toString(16).padStart(2, '0')).join('');
}"""

JS_ERROR_OUTPUTS = """() => Array.from(document.querySelectorAll(
        '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'))
    .map((e) => e.innerText.slice(0, 500))"""


def _drive(browser, url: str, token: str, seen: dict) -> None:
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
            _drive_page(page, url, token, seen)
        except BaseException:
            try:
                page.screenshot(path=str(FAILURE_SHOT))
                seen["steps"].append(f"failure screenshot: {FAILURE_SHOT}")
            except Exception as err:  # noqa: BLE001 - best effort only
                seen["steps"].append(f"no failure screenshot: {err}")
            raise
    finally:
        context.close()


def _drive_page(page, url: str, token: str, seen: dict) -> None:
    steps = seen["steps"]
    t0 = time.monotonic()

    def step(text: str) -> None:
        steps.append(f"{time.monotonic() - t0:5.1f} s  {text}")

    page.goto(f"{url}/lab/tree/{CHAPTER.name}?reset&token={token}", timeout=30_000)
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

    figure = page.locator(".bpl-live").first
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
    assert "learning rate η" in label.inner_text(), label.inner_text()
    handle = figure.locator(".widget-slider .noUi-handle").first
    readout = figure.locator(".widget-slider .widget-readout").first
    image = figure.locator("img.widget-image").first
    image.wait_for(state="visible")
    assert readout.inner_text().strip() == LR_INITIAL, readout.inner_text()
    page.wait_for_function(JS_IMAGE_LOADED, arg=image.element_handle())
    before = image.get_attribute("src") or ""
    assert before.startswith(("blob:", "data:image")), before[:80]
    digest = page.evaluate(JS_IMAGE_DIGEST, image.element_handle())
    step(f"initial image src {before[:40]}... (sha256 {digest[:12]}), readout {LR_INITIAL}")

    for key, expected in [("ArrowRight", LR_NEXT), ("End", LR_LAST)]:
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

    figure.screenshot(path=str(SUCCESS_SHOT))
    step(f"screenshot of the moved figure: {SUCCESS_SHOT}")


def test_learning_rate_slider_redraws_the_live_figure_in_jupyterlab(browser, lab):
    # `browser`: the session's one Chromium (tests/conftest.py), which skips, saying how to
    # install it, when /usr/bin/chromium or playwright is missing
    url, token, log_path = lab
    FAILURE_SHOT.unlink(missing_ok=True)
    seen: dict = {"steps": [], "console_errors": []}
    try:
        _drive(browser, url, token, seen)
    except Exception as err:
        raise AssertionError(
            f"{type(err).__name__}: {err}\nsteps:\n  "
            + "\n  ".join(seen["steps"])
            + "\nbrowser console errors:\n  "
            + "\n  ".join(seen["console_errors"][-10:])
            + f"\nscreenshot: {FAILURE_SHOT}\nJupyterLab log (tail):\n"
            + log_path.read_text(errors="replace")[-2000:]
        ) from err
    print("\n".join(seen["steps"]))
