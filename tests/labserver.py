"""One JupyterLab on 127.0.0.1 for a test: ``serve_lab(base, root)`` (not a test module).

Used by ``test_jupyterlab_live.py`` (the chapters' live figures) and
``test_assignments_jupyterlab.py`` (a learner's assignment): a free port, token auth, no
browser, fresh temporary Jupyter config, data, runtime, settings and IPython directories (the
venv's own ``share/jupyter``, with the ipywidgets lab extension, is still found), announcements
and update checks off, every cell rendered (no virtual scrolling).
"""

from __future__ import annotations

import contextlib
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

SERVER_START_TIMEOUT = 30  # s, until /api/status answers
KERNEL_TIMEOUT = 30_000  # ms, until the notebook's kernel is idle
RUN_ALL_TIMEOUT = 120_000  # ms, for every cell of a chapter (the pilot: about 10 s)
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


def stripped_copy(src: Path, dest: Path) -> None:
    """The notebook without outputs, execution counts or saved widget state."""
    nb = json.loads(src.read_text(encoding="utf8"))
    nb["metadata"].pop("widgets", None)
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    dest.write_text(json.dumps(nb, indent=1, ensure_ascii=False), encoding="utf8")


@contextlib.contextmanager
def serve_lab(base: Path, root: Path):
    """JupyterLab serving ``root`` (state kept under ``base``); yields (url, token, log path)."""
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


# ------------------------------------------------------------------------ in the browser
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

JS_ERROR_OUTPUTS = """() => Array.from(document.querySelectorAll(
        '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'))
    .map((e) => e.innerText.slice(0, 500))"""
