"""requirements.txt stays exact pins; the files that name the supported Pythons agree.

The resolution itself (pip's dry run with each Python 3.11-3.13 found) needs PyPI, so it is
`make check-pins` (tools/check_pins.py), which CI runs before `make test`; these checks are offline.
"""

import importlib.util
import re
import tomllib
from pathlib import Path

import pytest
from packaging.specifiers import SpecifierSet

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("check_pins", ROOT / "tools" / "check_pins.py")
check_pins = importlib.util.module_from_spec(spec)
spec.loader.exec_module(check_pins)


def test_requirements_are_exact_pins():
    assert check_pins.static_problems((ROOT / "requirements.txt").read_text()) == []


def test_instructor_requirements_are_the_learners_plus_exact_pins():
    """requirements-instructor.txt: `-r requirements.txt`, then exact pins (nbgrader's)."""
    path = ROOT / "requirements-instructor.txt"
    text = path.read_text()
    assert check_pins.static_problems(text, path.name) == []
    assert "-r requirements.txt" in text.splitlines()
    flat = check_pins.flatten(path)
    own = [line for line in flat if line not in check_pins.flatten(ROOT / "requirements.txt")]
    assert any(line.startswith("nbgrader==") for line in own), own
    assert "-e ." not in flat and not any(line.startswith("-r") for line in flat)
    names = [check_pins.canonical(check_pins.PIN.match(line)["name"]) for line in flat]
    assert "nbgrader" not in [check_pins.canonical(line.split("==")[0]) for line in
                              check_pins.flatten(ROOT / "requirements.txt")], (
        "nbgrader is an instructor's dependency only: keep it out of requirements.txt")
    assert len(names) == len(flat)


def test_an_include_cycle_is_reported(tmp_path):
    (tmp_path / "a.txt").write_text("-r b.txt\nnumpy==2.4.6\n")
    (tmp_path / "b.txt").write_text("-r a.txt\n")
    with pytest.raises(ValueError, match="includes itself"):
        check_pins.flatten(tmp_path / "a.txt")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("numpy>=2\n", "is not an exact pin"),
        ("numpy\n", "is not an exact pin"),
        ('numpy==2.4.6; sys_platform == "linux"\n', "is not on the Python version only"),
        ('soupsieve==2.10; python_full_version < "3.11.5"\nsoupsieve==4.1.3\n', "without an"),
    ],
)
def test_loose_requirements_are_caught(text, expected):
    problems = check_pins.static_problems(text)
    assert len(problems) == 1 and expected in problems[0], problems


def test_markers_and_comments_are_allowed():
    text = (
        "# a comment\n"
        'soupsieve==2.10; python_full_version < "3.11.5"\n'
        'soupsieve==4.1.3; python_full_version >= "3.11.5"  # inline comment\n'
        "-e .\n"
    )
    assert check_pins.static_problems(text) == []


def test_supported_pythons_agree():
    low, high = check_pins.SUPPORTED
    makefile = (ROOT / "Makefile").read_text()
    pattern = r"^PY_RANGE\s*:=\s*\((\d+), (\d+)\) <= .* <= \((\d+), (\d+)\)$"
    match = re.search(pattern, makefile, re.M)
    assert match, "the Makefile's PY_RANGE line has changed form"
    assert (int(match[1]), int(match[2])) == low and (int(match[3]), int(match[4])) == high
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    assert "3.11.2" in SpecifierSet(requires)  # Debian 12's Python
    assert f"{high[0]}.{high[1]}.0" in SpecifierSet(requires)
    readme = (ROOT / "README.md").read_text()
    assert f"{low[0]}.{low[1]}.2" in readme and f"{high[0]}.{high[1]}" in readme
