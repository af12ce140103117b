"""The pilot chapter "The learning rate" in a real kernel, with its live widgets.

nbval (``pytest --nbval book/learning_rate.ipynb``) checks that the chapter's printed outputs
are reproduced; this test checks what nbval cannot: that the interactive figures really are
interactive when a kernel is there. It executes the notebook with nbclient, then, in the same
kernel, moves each figure's control at the widget-object level (exactly what a reader's slider
does) and asserts that the live image changed, that it equals the kernel-free player's frame
for the new value (the two faces agree), and that the displayed output carried both faces.
The time one live callback takes is printed for information (``pytest -s``), not asserted:
the machine's speed drifts too much for a timing assertion (benchmarks/run.py reports it).
"""

from __future__ import annotations

import concurrent.futures
import json
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

ROOT = Path(__file__).resolve().parents[1]
CHAPTER = ROOT / "book" / "learning_rate.ipynb"
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"

# Runs in the chapter's kernel after the chapter. For each figure: digest of the live image,
# move the control to a value far from the current one, digest again, compare with the frame
# the kernel-free player shows for that value.
PROBE = r'''
import hashlib as _hashlib
import json as _json
import time as _time

def _probe(fig, name):
    control = next(c for c in fig.controls if c.name == name)
    widget = fig.control_widgets[name]
    values = list(control.values)
    current = widget.value
    target = values[-1] if current != values[-1] else values[0]
    before = fig.image.value
    n_redraws = fig.n_redraws
    t0 = _time.perf_counter()
    fig.set_value(name, target)
    seconds = _time.perf_counter() - t0
    after = fig.image.value
    # the kernel-free player's frame for the same control values
    state = {c.name: fig.control_widgets[c.name].value for c in fig.controls}
    frame = fig.render(**state)
    return {
        "before": _hashlib.sha1(before).hexdigest(),
        "after": _hashlib.sha1(after).hexdigest(),
        "player_frame": _hashlib.sha1(frame).hexdigest(),
        "redraws": fig.n_redraws - n_redraws,
        "seconds": seconds,
        "target": repr(target),
    }

_report = {
    "lr_figure": _probe(lr_figure, lr_figure.controls[0].name),
    "schedule_figure:schedule": _probe(schedule_figure, "schedule"),
    "schedule_figure:base_lr": _probe(schedule_figure, "base_lr"),
    "lr_animation": _probe(lr_animation, lr_animation.controls[0].name),
}
print(_json.dumps(_report))
'''


@pytest.fixture(scope="module")
def chapter_kernel_report():
    if not CHAPTER.exists():
        pytest.skip(f"{CHAPTER.relative_to(ROOT)} does not exist yet")
    notebook = nbformat.read(CHAPTER, as_version=4)
    client = nbclient.NotebookClient(
        notebook, timeout=180, kernel_name="python3",
        resources={"metadata": {"path": str(CHAPTER.parent)}},
    )
    probe = nbformat.v4.new_code_cell(PROBE)
    notebook.cells.append(probe)  # nbclient stores each result back into notebook.cells

    def execute():
        with client.setup_kernel():
            for index, cell in enumerate(notebook.cells):
                client.execute_cell(cell, index)

    # In a thread of its own: nbclient drives its own asyncio loop, and the session's browser
    # tests keep Playwright's sync-API loop in the main thread; the two must not share one.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(execute).result()
    notebook.cells.pop()
    text = "".join(o.get("text", "") for o in probe.outputs if o.get("name") == "stdout")
    return notebook, json.loads(text)


@pytest.mark.slow
def test_every_interactive_cell_shows_both_faces(chapter_kernel_report):
    notebook, _ = chapter_kernel_report
    players = 0
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            html = data.get("text/html", "")
            if "bpl-player" in html:
                players += 1
                assert WIDGET_MIME in data, (
                    "an interactive figure was displayed without its live widget face"
                )
    assert players >= 3, f"expected 3 interactive figures in the chapter, found {players}"


@pytest.mark.slow
@pytest.mark.parametrize(
    "figure",
    ["lr_figure", "schedule_figure:schedule", "schedule_figure:base_lr", "lr_animation"],
)
def test_moving_a_control_redraws_the_live_figure(chapter_kernel_report, figure):
    _, report = chapter_kernel_report
    r = report[figure]
    print(f"{figure}: one live callback (compute + redraw) took {r['seconds'] * 1e3:.0f} ms")
    assert r["redraws"] == 1, f"{figure}: moving the control redrew {r['redraws']} times"
    assert r["after"] != r["before"], f"{figure}: the image did not change for {r['target']}"
    assert r["after"] == r["player_frame"], (
        f"{figure}: the live image for {r['target']} differs from the kernel-free player's frame"
    )


def _player_frames(cell) -> list:
    """The frames of every kernel-free player in a cell's outputs, as RGB arrays."""
    import base64
    import io

    import numpy as np
    from PIL import Image
    from players import data_of

    frames = []
    for output in cell.get("outputs", []):
        html = output.get("data", {}).get("text/html", "")
        html = "".join(html) if isinstance(html, list) else html
        if "bpl-data" in html:
            for png in data_of(html)["images"]:
                image = Image.open(io.BytesIO(base64.b64decode(png))).convert("RGB")
                frames.append(np.asarray(image, dtype=np.int16))
    return frames


@pytest.mark.slow
def test_committed_frames_match_what_the_code_draws(chapter_kernel_report):
    """The players saved in the notebook show what the library draws today.

    nbval does not compare the frames' PNG bytes (tests/nbval_sanitize.cfg): from one CPU to
    another an antialiased pixel or two can move by one level. This compares the pixels
    instead: a stale notebook (a changed figure, colour, label or data) changes thousands of
    them, a different CPU a handful.
    """
    fresh_notebook, _ = chapter_kernel_report
    committed = nbformat.read(CHAPTER, as_version=4)
    compared = 0
    for index, (old, new) in enumerate(zip(committed.cells, fresh_notebook.cells, strict=True)):
        old_frames, new_frames = _player_frames(old), _player_frames(new)
        assert len(old_frames) == len(new_frames), (
            f"cell {index}: the committed notebook has {len(old_frames)} frames, the code draws "
            f"{len(new_frames)}. Re-execute the notebook and commit it."
        )
        for k, (a, b) in enumerate(zip(old_frames, new_frames, strict=True)):
            assert a.shape == b.shape, f"cell {index}, frame {k}: size {a.shape} vs {b.shape}"
            differing = int((abs(a - b).max(axis=2) > 0).sum())
            assert differing <= 0.001 * a.shape[0] * a.shape[1], (
                f"cell {index}, frame {k}: {differing} of {a.shape[0] * a.shape[1]} pixels differ "
                "from what the code draws now. Re-execute the notebook and commit it."
            )
            compared += 1
    assert compared >= 30, f"expected the chapter's players to hold 30+ frames, found {compared}"
