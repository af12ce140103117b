"""pytest set-up for every test path: tests/, the package's doctests, the book's notebooks."""

from __future__ import annotations

from pathlib import Path

# nbgrader's configuration calls get_config(), which only nbgrader defines: not a module to import
# for doctests.
collect_ignore = ["assignments/nbgrader_config.py"]


def pytest_configure(config):
    # pyproject.toml names the nbval sanitize file relative to the repository root; nbval opens
    # it relative to the working directory, so make it absolute for a pytest run from elsewhere.
    path = getattr(config.option, "nbval_sanitize_with", None)
    if path and not Path(path).is_absolute():
        config.option.nbval_sanitize_with = str(config.rootpath / path)
