# backprop-lab: the two commands a newcomer needs are `make book` and `make test`.
# Python 3.11 (3.11.2 or later) to 3.13 work; choose one with `make test PYTHON=python3.12`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

# Which Python the venv is made with; an interpreter's identity is "version real-path".
# PYTHON named (on the command line or in the environment) and not the venv's: the venv is made
# anew with it. PYTHON not named: an existing venv is kept, whichever Python made it.
ID_PROBE  := import os, platform, sys; print(platform.python_version(), os.path.realpath(sys.executable))
VENV_ID   := $(shell $(PY) -c '$(ID_PROBE)' 2>/dev/null)
NEW_VENV  :=
ifneq ($(filter command line environment,$(origin PYTHON)),)
ifneq ("$(if $(strip $(PYTHON)),$(shell $(PYTHON) -c '$(ID_PROBE)' 2>/dev/null))","$(VENV_ID)")
NEW_VENV  := FORCE
endif
endif
ifeq ($(wildcard $(STAMP)),)
NEW_VENV  := FORCE
endif
# The supported range (tools/check_pins.py resolves the pins for each; README says the same).
PY_RANGE  := (3, 11) <= sys.version_info[:2] <= (3, 13)

.PHONY: help venv instructor-venv assignments book solutions-book test lab work-copies bench lint \
        check-pins mathjax clean FORCE

# The instructor's venv: requirements-instructor.txt (the learner's pins plus nbgrader), made with
# .venv's Python. nbgrader runs from it only (its Jupyter extensions never reach .venv), with its
# bin/ first on PATH: nbgrader's first generate_assignment in a course calls `alembic` from PATH.
IVENV   := .venv-instructor
IPY     := $(IVENV)/bin/python
ISTAMP  := $(IVENV)/.installed
IPATH   := PATH="$(CURDIR)/$(IVENV)/bin:$$PATH"
# The solutions book (instructors only): its own toc and config, made from _toc.yml/_config.yml.
SOLUTIONS_DIR := _build/solutions

help:
	@echo "make book    build the HTML book into _build/html (warnings are errors)"
	@echo "make assignments  regenerate the learner versions (assignments/release) with nbgrader"
	@echo "make instructor-venv  .venv-instructor: the pinned set plus nbgrader (instructors only)"
	@echo "make solutions-book  (or make book SOLUTIONS=1) the instructors' book with the"
	@echo "             assignments' solutions, into _build/solutions/html"
	@echo "make test    run every test: unit, property, notebooks (nbval), browser"
	@echo "make lab     JupyterLab on the book's notebooks and your copies of the assignments"
	@echo "make bench   print the speed figures (engine vs PyTorch if installed, chapter timings)"
	@echo "make lint    ruff over the package and the tests"
	@echo "make check-pins  resolve requirements.txt and requirements-instructor.txt with each"
	@echo "             Python 3.11-3.13 found (needs PyPI)"
	@echo "make mathjax refresh the vendored MathJax 3 from npm (needs Node.js; not needed to build)"
	@echo
	@echo "Python 3.11 (3.11.2 or later) to 3.13; default python3.11. Choose: make test PYTHON=python3.12"

$(STAMP): requirements.txt pyproject.toml $(NEW_VENV)
ifneq ($(NEW_VENV),)
	@v=$$(exec 2>/dev/null; $(PYTHON) -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])') || { \
	  echo "make: no Python to make .venv with (PYTHON='$(PYTHON)' does not run)."; \
	  echo "      Install Python 3.11 (3.11.2 or later), 3.12 or 3.13 and name it:"; \
	  echo "      make test PYTHON=python3.12"; exit 1; }; \
	$(PYTHON) -c 'import sys; sys.exit(0 if $(PY_RANGE) else 1)' || { \
	  echo "make: $(PYTHON) is Python $$v; backprop-lab needs Python 3.11 (3.11.2 or"; \
	  echo "      later) to 3.13, the versions its pinned requirements are checked on."; \
	  echo "      Name another: make test PYTHON=python3.12"; exit 1; }; \
	$(PYTHON) -c 'import ensurepip, venv; ensurepip.version()' >/dev/null 2>&1 || { \
	  m=$${v%.*}; \
	  echo "make: $(PYTHON) (Python $$v) cannot make a virtual environment: its venv/ensurepip"; \
	  echo "      module is missing. On Debian or Ubuntu: sudo apt-get install python$$m-venv"; \
	  exit 1; }; \
	if [ -n "$(VENV_ID)" ]; then \
	  echo "make: .venv was made with Python $(VENV_ID); making it anew with $(PYTHON) ($$v)"; fi
	$(PYTHON) -m venv --clear $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
endif
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -c '$(ID_PROBE)' > $(STAMP)

FORCE:

venv: $(STAMP)

# Made anew (--clear) when it was not made with .venv's Python; otherwise only brought up to date.
$(ISTAMP): requirements-instructor.txt requirements.txt pyproject.toml $(STAMP)
	@if [ "$$($(IPY) -c '$(ID_PROBE)' 2>/dev/null)" != "$$(cat $(STAMP))" ]; then \
	  echo "make: making $(IVENV) (nbgrader, for instructors) with .venv's Python"; \
	  $(PY) -m venv --clear $(IVENV) && $(IPY) -m pip install --quiet --upgrade pip; fi
	$(IPY) -m pip install --quiet -r requirements-instructor.txt
	$(IPY) -c '$(ID_PROBE)' > $(ISTAMP)

instructor-venv: $(ISTAMP)

# The learner versions, assignments/release/<name>/<name>.ipynb (committed), from the sources
# with their solutions, assignments/source/<name>/<name>.ipynb; nbgrader's gradebook.db
# (git-ignored) records the assignments for autograding.
assignments: $(ISTAMP)
	cd assignments && $(IPATH) nbgrader generate_assignment --force "*"
	@git status --short assignments/release 2>/dev/null || true

ifeq ($(SOLUTIONS),1)
book: solutions-book
else
book: $(STAMP)
	$(PY) tools/book_cache.py  # a changed package invalidates the executed notebooks
	$(VENV)/bin/jupyter-book build . --builder html -W -n --keep-going
	@echo "Open _build/html/index.html"
endif

# A separate book for instructors: the Assignments part shows the SOURCE notebooks (with their
# solutions) and a banner saying it is for instructors. tools/solutions_book.py writes its
# toc and config, made from _toc.yml and _config.yml, under _build/solutions.
solutions-book: $(STAMP)
	$(PY) tools/book_cache.py
	$(PY) tools/solutions_book.py --out $(SOLUTIONS_DIR)
	$(VENV)/bin/jupyter-book build . --builder html -W -n --keep-going \
	  --toc $(SOLUTIONS_DIR)/_toc.yml --config $(SOLUTIONS_DIR)/_config.yml \
	  --path-output $(SOLUTIONS_DIR)
	ln -sfn _build/html $(SOLUTIONS_DIR)/html  # jupyter-book writes to <path-output>/_build/html
	@echo "Open $(SOLUTIONS_DIR)/html/index.html (instructors only: it shows the solutions)"

# The instructor's venv first: the nbgrader tests (tests/test_assignments_nbgrader.py) run it.
test: $(STAMP) $(ISTAMP)
	$(PY) -m pytest

# JupyterLab on the repository: the chapters in book/, and the assignments to work on in
# assignments/work/, the learner's own copies of assignments/release/ (git-ignored; a copy that
# exists is never overwritten, so work survives `make assignments` and `git pull`).
lab: $(STAMP) work-copies
	$(VENV)/bin/jupyter lab  # the file browser starts at the repository: book/, assignments/work/

work-copies:
	@for f in assignments/release/*/*.ipynb; do \
	  d=assignments/work/$$(basename $$(dirname $$f)); \
	  if [ ! -e $$d/$$(basename $$f) ]; then mkdir -p $$d && cp $$f $$d/ && \
	    echo "make lab: your copy of $$(basename $$f) to work in: $$d/"; fi; done

bench: $(STAMP)
	$(PY) benchmarks/run.py

lint: $(STAMP)
	$(VENV)/bin/ruff check backprop_lab tests benchmarks tools

# Resolve the pinned requirements (requirements.txt, and requirements-instructor.txt: the same
# plus nbgrader) with every supported Python on this machine (pip's dry run,
# nothing installed; needs PyPI). Standard library only: any Python 3 runs it.
check-pins:
	$(or $(PYTHON),python3) tools/check_pins.py

# Refresh the vendored MathJax 3 (a trimmed copy is committed; building the book needs no Node.js).
MATHJAX_VERSION := 3.2.2
MATHJAX_DIR     := book/_vendor/mathjax
mathjax:
	@command -v npm >/dev/null || { echo "make mathjax needs npm (Node.js)"; exit 1; }
	set -e; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	(cd "$$tmp" && npm pack --silent mathjax@$(MATHJAX_VERSION) >/dev/null && tar xzf mathjax-$(MATHJAX_VERSION).tgz); \
	src="$$tmp/package"; rm -rf $(MATHJAX_DIR); \
	mkdir -p $(MATHJAX_DIR)/es5/output/chtml/fonts $(MATHJAX_DIR)/es5/input/tex; \
	cp "$$src/LICENSE" "$$src/package.json" $(MATHJAX_DIR)/; \
	cp "$$src/es5/tex-mml-chtml.js" $(MATHJAX_DIR)/es5/; \
	cp -r "$$src/es5/output/chtml/fonts/woff-v2" $(MATHJAX_DIR)/es5/output/chtml/fonts/; \
	cp -r "$$src/es5/input/tex/extensions" $(MATHJAX_DIR)/es5/input/tex/
	@du -sh $(MATHJAX_DIR)

clean:
	rm -rf _build .pytest_cache .hypothesis
