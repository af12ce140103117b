# backprop-lab: the two commands a newcomer needs are `make book` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: help venv book test lab bench lint mathjax clean

help:
	@echo "make book    build the HTML book into _build/html (warnings are errors)"
	@echo "make test    run every test: unit, property, notebooks (nbval), browser"
	@echo "make lab     open the book's notebooks in JupyterLab"
	@echo "make bench   print the speed figures (engine vs PyTorch if installed, chapter timings)"
	@echo "make lint    ruff over the package and the tests"
	@echo "make mathjax refresh the vendored MathJax 3 from npm (needs Node.js; not needed to build)"

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $(STAMP)

venv: $(STAMP)

book: $(STAMP)
	$(VENV)/bin/jupyter-book build . --builder html -W -n --keep-going
	@echo "Open _build/html/index.html"

test: $(STAMP)
	$(PY) -m pytest

lab: $(STAMP)
	$(VENV)/bin/jupyter lab book/

bench: $(STAMP)
	$(PY) benchmarks/run.py

lint: $(STAMP)
	$(VENV)/bin/ruff check backprop_lab tests benchmarks

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
