"""Forget the book's executed notebooks when the package has changed since they were executed.

jupyter-book's notebook cache (``execute_notebooks: cache``) re-runs a notebook only when its
code cells change, and Sphinx re-reads a page only when its file changes; neither knows that
the pages' outputs come from ``backprop_lab``. A chapter or an assignment built after a change
to the package would show what the old package printed. So ``make book``, the solutions book
and the tests' book build call this first: it keeps a hash of every file of the package in
``_build/.package-hash`` and, when it differs, removes the cache, the doctrees and the executed
copies (the next build executes every notebook again, about a minute).

    python tools/book_cache.py          # prints what it did
"""

from __future__ import annotations

import hashlib
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STALE = (
    "_build/.jupyter_cache",
    "_build/.doctrees",
    "_build/jupyter_execute",
    "_build/solutions/_build/.doctrees",  # the solutions book (make solutions-book)
    "_build/solutions/_build/jupyter_execute",
)


def package_hash(root: Path = ROOT) -> str:
    digest = hashlib.sha256()
    for path in sorted((root / "backprop_lab").rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def forget_if_package_changed(root: Path = ROOT) -> bool:
    """Remove the executed notebooks if the package changed since; True if it did."""
    stamp = root / "_build" / ".package-hash"
    now = package_hash(root)
    if stamp.exists() and stamp.read_text(encoding="utf8").strip() == now:
        return False
    changed = stamp.exists()
    for rel in STALE:
        shutil.rmtree(root / rel, ignore_errors=True)
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(now + "\n", encoding="utf8")
    return changed


if __name__ == "__main__":
    if forget_if_package_changed():
        print("backprop_lab changed since the last build: every notebook is executed again")
    sys.exit(0)
