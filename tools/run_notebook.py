"""Execute a notebook in place, its outputs stored, without timing metadata.

    .venv/bin/python tools/run_notebook.py assignments/source/a1_forward_pass/a1_forward_pass.ipynb

For the assignments' sources: nbconvert's ``--execute`` records each cell's execution times in
its metadata, which nbgrader copies into the learner versions (every run would change them).
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient


def run(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    NotebookClient(nb, timeout=120, kernel_name="python3", record_timing=False,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    nbformat.write(nb, path)
    print(f"executed {path}")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: python tools/run_notebook.py NOTEBOOK.ipynb [...]")
    for arg in sys.argv[1:]:
        run(Path(arg))
