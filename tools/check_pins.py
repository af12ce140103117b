#!/usr/bin/env python3
"""Resolve the exact pins of requirements.txt (the learner's set-up) and requirements-instructor.txt
(the same plus nbgrader) with every supported Python found here: `make check-pins`.

For each interpreter it runs that interpreter's own pip:

    python -m pip install --dry-run --ignore-installed --only-binary=:all: --report FILE -r REQS

for each file (nothing is installed; the editable `-e .` line is left out, and a `-r FILE` line
is replaced by that file's lines) and fails when
  - a pin cannot be had for that Python (its Requires-Python excludes it, as soupsieve 4.x's
    `>=3.11.5` excludes Debian 12's 3.11.2, or it has no wheel for it: --only-binary, so a
    fresh clone never needs a compiler),
  - a pin is a yanked release (soupsieve 3.0 and 3.0.1 are: broken on Python < 3.11.5),
  - the resolution brings in a package that the file (with what it includes) does not pin.
It needs the network to PyPI (the package index pip is configured with). An interpreter that is
absent is skipped, saying so; finding none at all is a failure. Standard library only, so that
any of the interpreters can run it.

    python3 tools/check_pins.py                    # the interpreters listed in CANDIDATES
    python3 tools/check_pins.py --python python3.12 --python /usr/bin/python3.11
    python3 tools/check_pins.py --requirements requirements.txt   # one file only
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REQUIREMENTS = ROOT / "requirements.txt"
INSTRUCTOR = ROOT / "requirements-instructor.txt"  # `-r requirements.txt` plus nbgrader's pins
INCLUDE = re.compile(r"^-r\s+(?P<path>\S+)$")

# The Pythons the README promises (keep in step with the Makefile's range check and README).
SUPPORTED = ((3, 11), (3, 13))  # first and last minor version, both included

# Where to look, in this order. {pyenv} is $PYENV_ROOT, else `pyenv root`, else ~/.pyenv.
# The four that matter: Debian 12's system 3.11.2 (older than 3.11.5, the first Python that some
# pins need), a later 3.11, 3.12 and 3.13. Shims on PATH are tried too and deduplicated.
CANDIDATES = (
    "/usr/bin/python3.11",  # Debian 12's system Python: 3.11.2
    "{pyenv}/versions/3.11.*/bin/python3.11",
    "{pyenv}/versions/3.12.*/bin/python3.12",
    "{pyenv}/versions/3.13.*/bin/python3.13",
    "python3.11",
    "python3.12",
    "python3.13",
)
# The kinds of interpreter the summary says were (or were not) covered.
KINDS = (
    ("3.11 before 3.11.5 (Debian 12's 3.11.2)", lambda v: v[:2] == (3, 11) and v < (3, 11, 5)),
    ("3.11.5 or later 3.11", lambda v: v[:2] == (3, 11) and v >= (3, 11, 5)),
    ("3.12", lambda v: v[:2] == (3, 12)),
    ("3.13", lambda v: v[:2] == (3, 13)),
)

PIN = re.compile(
    r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[A-Za-z0-9.+!_-]+)"
    r"\s*(?:;\s*(?P<marker>.+))?$"
)
MARKER = re.compile(
    r"^python_(?:full_)?version\s*(?:<|<=|>|>=|==|!=)\s*\"[0-9.]+\""
    r"(?:\s+(?:and|or)\s+python_(?:full_)?version\s*(?:<|<=|>|>=|==|!=)\s*\"[0-9.]+\")*$"
)


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def static_problems(text: str, name: str = "requirements.txt") -> list[str]:
    """What in a requirements file is not an exact pin (offline; tests/test_pins.py runs it too).

    Every line is `name==version`, optionally with a marker on the Python version only; a name
    appears twice or more only with a marker on each line (one version per Python); `-e .`,
    `-r FILE` (another pinned file, checked on its own) and comments are allowed.
    """
    problems = []
    seen: dict[str, list[str | None]] = {}
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split(" #", 1)[0].strip()
        if not line or line.startswith("#") or line == "-e ." or INCLUDE.match(line):
            continue
        match = PIN.match(line)
        if not match:
            problems.append(
                f"{name} line {number}: {raw.strip()!r} is not an exact pin; "
                "write name==version (optionally '; python_full_version < \"3.11.5\"')"
            )
            continue
        marker = match["marker"]
        if marker is not None and not MARKER.match(marker.strip()):
            problems.append(
                f"{name} line {number}: marker {marker.strip()!r} is not on the "
                "Python version only; use python_full_version or python_version comparisons"
            )
        seen.setdefault(canonical(match["name"]), []).append(marker)
    for pin, markers in seen.items():
        if len(markers) > 1 and None in markers:
            problems.append(
                f"{name} pins {pin} {len(markers)} times and at least once without "
                "an environment marker; give every line of it a marker on the Python version"
            )
    return problems


def flatten(path: Path, seen: tuple[Path, ...] = ()) -> list[str]:
    """The lines pip reads from ``path``: each `-r FILE` replaced by that file's lines (relative
    to the including file, as pip reads it), without `-e .` (no build of the project)."""
    path = path.resolve()
    if path in seen:
        chain = " -> ".join(p.name for p in seen)
        raise ValueError(f"{path.name} includes itself (through {chain})")
    lines = []
    for raw in path.read_text().splitlines():
        line = raw.split(" #", 1)[0].strip()
        include = INCLUDE.match(line)
        if include:
            lines += flatten(path.parent / include["path"], seen + (path,))
        elif line and not line.startswith("#") and line != "-e .":
            lines.append(line)
    return lines


def pyenv_root() -> str:
    if os.environ.get("PYENV_ROOT"):
        return os.environ["PYENV_ROOT"]
    if shutil.which("pyenv"):
        out = subprocess.run(["pyenv", "root"], capture_output=True, text=True, check=False)
        if out.returncode == 0 and out.stdout.strip():
            return out.stdout.strip()
    return os.path.expanduser("~/.pyenv")


def expand(candidates: list[str]) -> list[str]:
    paths = []
    root = pyenv_root()
    for candidate in candidates:
        if "{pyenv}" in candidate:
            paths.extend(sorted(glob.glob(candidate.format(pyenv=root))))
        elif os.sep in candidate:
            paths.append(candidate)
        else:
            found = shutil.which(candidate)
            paths.append(found if found else candidate)
    return paths


def identify(python: str) -> tuple[tuple[int, ...], str] | str:
    """(version, real executable) of a Python, or why it cannot be used."""
    if os.sep in python and not os.path.exists(python):
        return "absent"
    if os.sep not in python and not shutil.which(python):
        return "not on PATH"
    probe = "import os, sys; print(*sys.version_info[:3], os.path.realpath(sys.executable))"
    try:
        out = subprocess.run([python, "-c", probe], capture_output=True, text=True, timeout=60)
    except OSError as error:
        return f"cannot run ({error})"
    if out.returncode != 0:  # e.g. a pyenv shim for a version pyenv does not have selected
        first = (out.stderr.strip().splitlines() or ["no output"])[0]
        return f"cannot run ({first})"
    *version, executable = out.stdout.split()
    return tuple(int(part) for part in version), executable


def pip_version(python: str) -> tuple[int, ...] | None:
    out = subprocess.run(
        [python, "-m", "pip", "--version"], capture_output=True, text=True, check=False
    )
    match = re.match(r"pip (\d+)\.(\d+)", out.stdout)
    return (int(match[1]), int(match[2])) if out.returncode == 0 and match else None


def resolve(python: str, version: tuple[int, ...], requirements: Path, name: str) -> dict:
    """Run pip's dry run with this Python over the flattened file ``requirements`` (``name`` as
    the user knows it); return its outcome as a dict."""
    label = f"{name} with {'.'.join(map(str, version))} {python}"
    pip = pip_version(python)
    if pip is None:
        return {"label": label, "skip": "it has no pip (Debian: apt-get install python3-pip)"}
    if pip < (22, 2):
        return {"label": label, "skip": f"its pip {pip[0]}.{pip[1]} has no --dry-run --report "
                "(pip 22.2 or newer needed: python -m pip install --upgrade pip)"}
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        command = [
            python, "-m", "pip", "install", "--dry-run", "--ignore-installed",
            "--only-binary=:all:", "--quiet", "--report", str(report), "-r", str(requirements),
        ]
        env = dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1",
                   PIP_REQUIRE_VIRTUALENV="0")
        start = time.monotonic()
        out = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
        seconds = time.monotonic() - start
        data = json.loads(report.read_text()) if report.exists() else None
    # This machine's pip configuration may name index folders that lack a package: noise.
    lines = [
        line for line in (out.stdout + out.stderr).splitlines()
        if not re.match(r"WARNING: Location '.*' is ignored", line)
    ]
    problems = []
    if out.returncode != 0 or data is None:
        errors = [line for line in lines if line.startswith("ERROR")] or lines[-15:]
        problems.append("pip could not resolve the pins:\n      " + "\n      ".join(errors))
    if any("yanked" in line for line in lines):
        problems.append("a pin is a yanked release:\n      " + "\n      ".join(
            line for line in lines if "yanked" in line.lower()))
    installed = {}
    unpinned = []
    if data is not None:
        for item in data.get("install", []):
            meta = item["metadata"]
            installed[canonical(meta["name"])] = meta["version"]
            if item.get("is_yanked"):
                problems.append(f"{meta['name']}=={meta['version']} is a yanked release")
            if not item.get("requested", True):
                unpinned.append(f"{meta['name']}=={meta['version']}")
    if unpinned:
        problems.append(
            f"{len(unpinned)} package(s) come in as dependencies of pinned ones but "
            f"{name} does not pin them: {', '.join(sorted(unpinned, key=str.lower))}; "
            "add their pins"
        )
    return {"label": label, "problems": problems, "installed": installed, "seconds": seconds}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--python", action="append", metavar="PYTHON",
                        help="check this interpreter (repeatable) instead of the listed ones")
    parser.add_argument("--requirements", type=Path, action="append",
                        help="a requirements file to check (repeatable; default: requirements.txt "
                        "and requirements-instructor.txt)")
    parser.add_argument("--jobs", type=int, default=2,
                        help="interpreters resolved at the same time (default 2)")
    args = parser.parse_args(argv)
    start = time.monotonic()

    files = args.requirements or [REQUIREMENTS, INSTRUCTOR]
    problems = []
    flat: dict[str, list[str]] = {}  # file name as shown -> the lines pip reads
    for path in files:
        shown = path.name
        file_problems = static_problems(path.read_text(), shown)
        try:
            flat[shown] = flatten(path)
        except (OSError, ValueError) as error:
            file_problems.append(f"{shown}: {error}")
        problems += file_problems
        for problem in file_problems:
            print(f"FAIL  {problem}")

    found: dict[str, tuple[tuple[int, ...], str]] = {}  # real executable -> (version, as named)
    unusable = []  # (name, why): said after the loop, unless another of that version was found
    for python in expand(args.python or list(CANDIDATES)):
        who = identify(python)
        if isinstance(who, str):
            unusable.append((python, who))
            continue
        version, executable = who
        shown = ".".join(map(str, version))
        if not SUPPORTED[0] <= version[:2] <= SUPPORTED[1]:
            print(f"skip  {python}: Python {shown} is outside the supported "
                  f"{SUPPORTED[0][0]}.{SUPPORTED[0][1]}-{SUPPORTED[1][0]}.{SUPPORTED[1][1]}")
            continue
        if executable in found:
            continue  # a shim or a second name of an interpreter already listed
        found[executable] = (version, python)
    for python, why in unusable:
        named = re.search(r"python(\d+)\.(\d+)$", python)
        minor = (int(named[1]), int(named[2])) if named else None
        if args.python or not any(v[:2] == minor for v, _ in found.values()):
            print(f"skip  {python}: {why}")
    if not found:
        print("FAIL  no supported Python found (looked for: "
              + ", ".join(args.python or CANDIDATES) + "); "
              "install one of Python 3.11-3.13 or name it with --python")
        return 1
    for kind, matches in KINDS:
        have = [v for v, _ in found.values() if matches(v)]
        if not have:
            print(f"skip  no Python {kind} here: that kind is not checked on this machine")

    with tempfile.TemporaryDirectory() as tmp:
        jobs = []  # (python, version, flattened file, file name), file by file
        for index, (shown, lines) in enumerate(flat.items()):
            requirements = Path(tmp) / f"{index}-{shown}"  # no `-e .`: no build of the project
            requirements.write_text("".join(line + "\n" for line in lines))
            jobs += [(python, version, requirements, shown)
                     for version, python in sorted(found.values())]
        with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            results = list(pool.map(lambda job: resolve(*job), jobs))
        for result, job in zip(results, jobs, strict=True):
            result["file"] = job[3]

    checked = 0
    for result in results:
        if "skip" in result:
            print(f"skip  {result['label']}: {result['skip']}")
            continue
        if result["problems"]:
            problems.extend(result["problems"])
            for problem in result["problems"]:
                print(f"FAIL  {result['label']}: {problem}")
            continue
        checked += 1
        # Which pins this Python gets that another one does not (the environment markers).
        own = result["installed"]
        resolved = [r for r in results if "installed" in r and r["file"] == result["file"]]
        differs = sorted(
            f"{name}=={own[name]}" for name in own
            if any(other["installed"].get(name, own[name]) != own[name] for other in resolved)
        )
        note = f"; differs by Python: {', '.join(differs)}" if differs else ""
        print(f"ok    {result['label']}: {len(own)} pinned packages resolve, all as wheels "
              f"({result['seconds']:.0f} s){note}")
    if checked == 0 and not problems:
        problems.append("no interpreter could be checked")
        print("FAIL  none of the interpreters found could run pip's dry run (see the skips)")
    print(f"check-pins: {checked} resolution(s) ({len(flat)} file(s) x interpreters), "
          f"{len(problems)} problem(s), "
          f"{time.monotonic() - start:.0f} s")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
