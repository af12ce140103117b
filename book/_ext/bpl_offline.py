"""Sphinx extension that keeps the book offline: it ships the vendored MathJax 3.

The committed, trimmed MathJax 3.2.2 copy lives in ``book/_vendor/mathjax`` (refreshed with
``make mathjax``). It is deliberately *not* in ``html_static_path``: jupyter-book adds every
``*.js`` found there as a ``<script>`` on every page. Instead this extension copies the folder to
``<outdir>/_static/mathjax`` once the HTML is written, and ``mathjax_path`` in ``_config.yml``
(``mathjax/es5/tex-mml-chtml.js``) is resolved by Sphinx relative to ``_static/`` from every page
depth. MathJax then loads its fonts and TeX extensions relative to its own script, so no page
ever asks another host for anything.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.errors import ConfigError

VENDORED = Path(__file__).resolve().parent.parent / "_vendor" / "mathjax"
ENTRY = "es5/tex-mml-chtml.js"
TARGET = "mathjax"  # below <outdir>/_static


def _check_config(app: Sphinx, config) -> None:
    expected = f"{TARGET}/{ENTRY}"
    if config.mathjax_path != expected:
        raise ConfigError(
            f"bpl_offline expected mathjax_path: {expected!r} in _config.yml (sphinx: config:), "
            f"got {config.mathjax_path!r}; anything else loads MathJax from a CDN or from nowhere."
        )
    if not (VENDORED / ENTRY).is_file():
        raise ConfigError(
            f"bpl_offline: the vendored MathJax is missing ({VENDORED / ENTRY}). "
            "Restore book/_vendor/mathjax from git, or run `make mathjax` (needs npm)."
        )


def _copy_mathjax(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    shutil.copytree(VENDORED, Path(app.outdir) / "_static" / TARGET, dirs_exist_ok=True)


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", _check_config)
    app.connect("build-finished", _copy_mathjax)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
