"""`import backprop_lab` loads numpy only: no plotting, widgets, IPython, torch, sklearn or
numba (which Adam loads at its first large step); every module of the package imports only
its own floor and the ones below (core, then viz, then widgets); no module is too long."""

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest


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


# ---------------------------------------------------------------- one-way imports, sizes
PACKAGE = Path(__file__).resolve().parents[1] / "backprop_lab"
#: what each floor may not import (by top-level name, or a backprop_lab subpackage)
FORBIDDEN = {
    "core": {"backprop_lab.viz", "backprop_lab.widgets", "matplotlib", "ipywidgets", "IPython",
             "PIL", "torch"},
    "viz": {"backprop_lab.widgets", "ipywidgets", "IPython"},
    "widgets": set(),
}


def _floor(path: Path) -> str:
    parts = path.relative_to(PACKAGE).parts
    return parts[0] if parts[0] in ("viz", "widgets") else "core"


def _module_name(path: Path, root: Path) -> str:
    rel = path.relative_to(root).with_suffix("")
    parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
    return ".".join(parts)


def _imports(path: Path, root: Path = PACKAGE.parent) -> set[str]:
    """Every module ``path`` (under ``root``) imports, at the top or inside a function, as
    absolute names."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    name = _module_name(path, root)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolve against the module's package
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            out.add(base)
            out.update(f"{base}.{alias.name}" for alias in node.names)
    return out


MODULES = sorted(PACKAGE.rglob("*.py"))


def test_the_package_has_the_three_floors():
    floors = {_floor(p) for p in MODULES}
    assert floors == {"core", "viz", "widgets"}
    assert (PACKAGE / "viz" / "__init__.py").exists()
    assert (PACKAGE / "widgets" / "__init__.py").exists()


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_go_one_way_core_viz_widgets(path):
    """core -> viz -> widgets -> notebooks: no module imports a floor above its own."""
    floor = _floor(path)
    bad = sorted(
        name for name in _imports(path)
        for forbidden in FORBIDDEN[floor]
        if name == forbidden or name.startswith(forbidden + ".")
    )
    assert not bad, (f"{path.relative_to(PACKAGE)} ({floor}) imports {bad}: the {floor} may "
                     f"not import {sorted(FORBIDDEN[floor])}")


def test_the_import_parser_sees_every_kind_of_import(tmp_path):
    """The check above would pass vacuously if it missed imports: it finds them all."""
    pkg = tmp_path / "backprop_lab" / "widgets"
    pkg.mkdir(parents=True)
    code = ("import matplotlib.pyplot as plt\nfrom ipywidgets import Image\n"
            "from .. import viz\nfrom .core import x\n"
            "def f():\n    import IPython.display\n")
    (pkg / "live.py").write_text(code)
    found = _imports(pkg / "live.py", root=tmp_path)
    assert {"matplotlib.pyplot", "ipywidgets", "backprop_lab.viz", "backprop_lab.widgets.core",
            "IPython.display"} <= found


def test_only_the_live_face_imports_ipywidgets():
    users = sorted(str(p.relative_to(PACKAGE)) for p in MODULES
                   if any(n.split(".")[0] == "ipywidgets" for n in _imports(p)))
    assert users == ["widgets/live.py"]


def test_private_matplotlib_internals_are_used_in_one_file_only():
    """The axes reuse relies on private matplotlib attributes; they stay in one module."""
    internals = ("_major_tick_kw", "_minor_tick_kw", "_apply_params", "_left_title",
                 "_right_title", "ignore_existing_data_limits")
    users = sorted(
        str(p.relative_to(PACKAGE)) for p in MODULES
        if any(name in p.read_text(encoding="utf-8") for name in internals)
    )
    assert users == ["widgets/_axes_reuse.py"]


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_is_too_long(path):
    """A module a newcomer can read: at most 800 lines (viz modules about 600)."""
    limit = 620 if _floor(path) == "viz" else 800
    n = len(path.read_text(encoding="utf-8").splitlines())
    assert n <= limit, (f"{path.relative_to(PACKAGE)} has {n} lines, more than {limit}: split "
                        "it by the kind of thing its parts do")
