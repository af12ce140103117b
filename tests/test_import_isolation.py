"""`import backprop_lab` loads numpy only: no plotting, widgets, IPython, torch, sklearn or
numba (which Adam loads at its first large step)."""

import json
import subprocess
import sys


def test_core_import_loads_numpy_only():
    code = (
        "import sys, json, backprop_lab; "
        "print(json.dumps(sorted(m.split('.')[0] for m in sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = set(json.loads(out.stdout))
    assert "numpy" in loaded and "backprop_lab" in loaded
    forbidden = {"matplotlib", "ipywidgets", "IPython", "torch", "sklearn", "tqdm", "scipy",
                 "pandas", "numba", "llvmlite"}
    assert not loaded & forbidden, f"import backprop_lab loaded {sorted(loaded & forbidden)}"
