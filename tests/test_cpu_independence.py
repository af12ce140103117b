"""Every notebook's compared outputs are the same whichever matrix kernels the CPU gets.

numpy's OpenBLAS picks its kernels from the CPU (SkylakeX with AVX-512, Haswell on most other
current x86-64 machines, older ones elsewhere), and they round differently in the last bits.
`make test` runs every notebook under nbval with the kernels this CPU picks; this test runs them
again with OpenBLAS forced to its Prescott kernels (SSE3: any x86-64 CPU can run them), so a
printed figure that depends on the kernels (a diverged loss, a chaotic run) fails here, on one
machine, instead of on a reader's. See docs/CHAPTER_GUIDE.md, "Verification cells".
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from pathlib import Path

import chapters
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = [page.path for page in chapters.notebooks()]  # every notebook of _toc.yml
# the assignments' sources store their outputs too (the learner versions store none): one run
ASSIGNMENT_SOURCES = ROOT / "assignments" / "source"
FORCED = "Prescott"
KERNEL_PROBE = (
    "import numpy\n"
    "from threadpoolctl import threadpool_info\n"
    "print(' '.join(i.get('architecture') or '?' for i in threadpool_info()"
    " if i.get('internal_api') == 'openblas'))\n"
)

pytestmark = pytest.mark.skipif(
    platform.machine() not in ("x86_64", "AMD64"),
    reason="OPENBLAS_CORETYPE names x86-64 kernels",
)


def _env(coretype: str | None) -> dict:
    forcing = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
    env = {k: v for k, v in os.environ.items() if k not in forcing}
    if coretype:
        env["OPENBLAS_CORETYPE"] = coretype
    return env


def _kernel(coretype: str | None) -> str:
    out = subprocess.run([sys.executable, "-c", KERNEL_PROBE], env=_env(coretype),
                         capture_output=True, text=True, check=True)
    return out.stdout.strip()


def test_the_forced_kernels_really_run():
    """The variable takes effect (OpenBLAS reports Prescott's kernels as Katmai's family)."""
    own, forced = _kernel(None), _kernel(FORCED)
    assert forced, "threadpoolctl found no OpenBLAS in numpy"
    assert forced != "Haswell" and forced != "SkylakeX", (own, forced)
    print(f"OpenBLAS kernels: this CPU's own {own}; forced {forced}")


@pytest.mark.slow
@pytest.mark.parametrize("path", [*NOTEBOOKS, ASSIGNMENT_SOURCES],
                         ids=[p.name for p in NOTEBOOKS] + ["assignment sources"])
def test_notebook_outputs_do_not_depend_on_the_blas_kernels(path):
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval", str(path.relative_to(ROOT)),
         "-p", "no:cacheprovider", "-q", "-o", "addopts=",
         "--nbval-sanitize-with", "tests/nbval_sanitize.cfg"],
        cwd=ROOT, env=_env(FORCED), capture_output=True, text=True, timeout=900,
    )
    tail = "\n".join((run.stdout + run.stderr).splitlines()[-40:])
    assert run.returncode == 0, (
        f"{path.name} printed something else with OpenBLAS's {FORCED} kernels than is stored "
        f"(computed with another CPU's kernels). Print only what no kernel difference can "
        f"change: assert the claim and print it (docs/CHAPTER_GUIDE.md).\n{tail}"
    )
