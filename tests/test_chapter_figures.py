"""Every chapter of ``_toc.yml`` in a real kernel, with its live figures moved.

nbval (``pytest --nbval``) checks that each chapter's printed outputs are reproduced; this
checks what nbval cannot: that the interactive figures really are interactive when a kernel is
there. For every notebook of ``_toc.yml`` (tests/chapters.py) it executes the notebook with
nbclient, then, in the same kernel, finds every ``InteractiveFigure`` and ``Animation`` the
chapter created BY TYPE (every live instance, whatever its name, or none), and moves each of
its controls in turn at the widget-object level (exactly what a reader's slider does). It
asserts that the live image changed, that it equals the kernel-free player's frame for the new
values (the two faces agree), that every player the chapter displays belongs to a figure that
was moved, and that the displayed output carried both faces. The committed players' frames are
compared with what the code draws today.

The time one live callback takes is printed for information (``pytest -s``), not asserted: the
machine's speed drifts too much for a timing assertion (``make bench`` reports it).

What a chapter must at least contain (so that a figure lost in an edit fails here) is in
``EXPECTED``, keyed by the chapter's docname in ``_toc.yml``.
"""

from __future__ import annotations

import base64
import io
import re

import chapters
import numpy as np
import pytest
from players import data_of

nbformat = pytest.importorskip("nbformat")

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
PLAYER_ID = re.compile(r'class="bpl-player"[^>]*data-bpl-id="([0-9a-f]+)"')

# At least this many displayed players, figures found by type, controls over all of them, and
# frames in the committed players. A chapter not listed must merely pass the generic checks.
EXPECTED = {
    "book/learning_rate": {"players": 3, "figures": 3, "controls": 4, "frames": 30},
    "book/learning_loop": {"players": 3, "figures": 3, "controls": 3, "frames": 23},
    "book/getting_started": {"players": 0, "figures": 0, "controls": 0, "frames": 0},
    "book/chain_rule": {"players": 3, "figures": 3, "controls": 4, "frames": 18},
    "book/backpropagation": {"players": 2, "figures": 2, "controls": 3, "frames": 24},
    "book/forward_pass": {"players": 3, "figures": 3, "controls": 3, "frames": 23},
    "book/loss_functions": {"players": 2, "figures": 2, "controls": 3, "frames": 27},
}

# Runs in the chapter's kernel after the chapter. For each figure found by type, for each of
# its controls in turn: digest of the live image, move the control to a value far from the
# current one, digest again, compare with the frame the kernel-free player shows for the
# values now set.
PROBE = r'''
def _bpl_probe():
    import hashlib, re, time

    sha = lambda b: hashlib.sha1(b).hexdigest()
    report = []
    for name, fig in _bpl_figures():
        pid = re.search(r'data-bpl-id="([0-9a-f]+)"', fig.to_html()).group(1)
        entry = {"name": name, "kind": type(fig).__name__, "id": pid,
                 "caption": fig.caption or "", "moves": []}
        for control in fig.controls:
            widget = fig.control_widgets[control.name]
            values = list(control.values)
            target = values[-1] if widget.value != values[-1] else values[0]
            before, n_redraws = fig.image.value, fig.n_redraws
            t0 = time.perf_counter()
            fig.set_value(control.name, target)
            seconds = time.perf_counter() - t0
            after = fig.image.value
            state = {c.name: fig.control_widgets[c.name].value for c in fig.controls}
            entry["moves"].append({
                "control": control.name, "target": repr(target), "seconds": seconds,
                "before": sha(before), "after": sha(after),
                "player_frame": sha(fig.render(**state)),
                "redraws": fig.n_redraws - n_redraws,
            })
        report.append(entry)
    return report

print("BPL-PROBE " + __import__("json").dumps(_bpl_probe()))
'''


@pytest.fixture(scope="module", params=chapters.NOTEBOOKS, ids=lambda p: p.name)
def chapter(request):
    page = request.param
    assert page.path is not None, f"{page.docname} is in _toc.yml but its file is missing"
    notebook, _, report = chapters.execute_with_probe(page.path, PROBE, "BPL-PROBE")
    return page, notebook, report


def _players(notebook) -> list[tuple[str, dict]]:
    """(player id, output data) of every kernel-free player the notebook displays."""
    found = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            html = data.get("text/html", "")
            html = "".join(html) if isinstance(html, list) else html
            found += [(pid, data) for pid in PLAYER_ID.findall(html)]
    return found


def test_every_expected_chapter_is_in_the_toc():
    docnames = [p.docname for p in chapters.NOTEBOOKS]
    missing = [d for d in EXPECTED if d not in docnames]
    assert not missing, f"EXPECTED names {missing}, which _toc.yml does not list (renamed?)"


@pytest.mark.slow
def test_every_interactive_cell_shows_both_faces(chapter):
    page, notebook, _ = chapter
    players = _players(notebook)
    for pid, data in players:
        assert WIDGET_MIME in data, (
            f"{page}: the interactive figure {pid} was displayed without its live widget face"
        )
    least = EXPECTED.get(page.docname, {}).get("players", 0)
    assert len(players) >= least, (
        f"expected {least}+ interactive figures in {page}, found {len(players)}"
    )


@pytest.mark.slow
def test_every_displayed_player_belongs_to_a_figure_found_by_type(chapter):
    page, notebook, report = chapter
    probed = {fig["id"] for fig in report}
    orphans = [pid for pid, _ in _players(notebook) if pid not in probed]
    assert not orphans, (
        f"{page} displays players {orphans} whose figures the probe did not find alive in the "
        "kernel, so their live controls were never moved"
    )
    expected = EXPECTED.get(page.docname, {})
    n_controls = sum(len(fig["moves"]) for fig in report)
    assert len(report) >= expected.get("figures", 0), (
        f"{page}: found {len(report)} figures by type, expected {expected['figures']}+")
    assert n_controls >= expected.get("controls", 0), (
        f"{page}: the figures have {n_controls} controls, expected {expected['controls']}+")


@pytest.mark.slow
def test_moving_each_control_redraws_the_live_figure(chapter):
    page, _, report = chapter
    problems = []
    for fig in report:
        for r in fig["moves"]:
            what = f"{page}: {fig['name']} ({fig['kind']}), control {r['control']!r}"
            print(f"{what}: one live callback (compute + redraw) took {r['seconds'] * 1e3:.0f} ms")
            if r["redraws"] != 1:
                problems.append(f"{what}: moving the control redrew {r['redraws']} times")
            if r["after"] == r["before"]:
                problems.append(f"{what}: the image did not change for {r['target']}")
            if r["after"] != r["player_frame"]:
                problems.append(f"{what}: the live image for {r['target']} differs from the "
                                "kernel-free player's frame")
    assert not problems, "\n".join(problems)


def _player_frames(cell) -> list:
    """The frames of every kernel-free player in a cell's outputs, as RGB arrays."""
    from PIL import Image

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
def test_committed_frames_match_what_the_code_draws(chapter):
    """The players saved in the notebook show what the library draws today.

    nbval does not compare the frames' PNG bytes (tests/nbval_sanitize.cfg): from one CPU to
    another an antialiased pixel or two can move by one level. This compares the pixels
    instead: a stale notebook (a changed figure, colour, label or data) changes thousands of
    them, a different CPU a handful.
    """
    page, fresh_notebook, _ = chapter
    committed = nbformat.read(page.path, as_version=4)
    compared = 0
    for index, (old, new) in enumerate(zip(committed.cells, fresh_notebook.cells, strict=True)):
        old_frames, new_frames = _player_frames(old), _player_frames(new)
        assert len(old_frames) == len(new_frames), (
            f"{page}, cell {index}: the committed notebook has {len(old_frames)} frames, the "
            f"code draws {len(new_frames)}. Re-execute the notebook and commit it."
        )
        for k, (a, b) in enumerate(zip(old_frames, new_frames, strict=True)):
            assert a.shape == b.shape, (
                f"{page}, cell {index}, frame {k}: size {a.shape} vs {b.shape}")
            differing = int((abs(a - b).max(axis=2) > 0).sum())
            assert differing <= 0.001 * a.shape[0] * a.shape[1], (
                f"{page}, cell {index}, frame {k}: {differing} of {a.shape[0] * a.shape[1]} "
                "pixels differ from what the code draws now. Re-execute the notebook and "
                "commit it."
            )
            compared += 1
    least = EXPECTED.get(page.docname, {}).get("frames", 0)
    assert compared >= least, f"expected {page}'s players to hold {least}+ frames, found {compared}"
