# The PLRO teaching book. `make book` and `make test` work on a fresh clone:
# each creates .venv from requirements.txt when it is missing or older.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NOTEBOOKS := $(sort $(wildcard notebooks/*.ipynb))
JB_FLAGS := --builder html -W -n --keep-going

.PHONY: help venv book test test-fast lint notebooks lab bench handout clean freeze

help:
	@echo "make book       build the site into _build/html (strict: warnings are errors)"
	@echo "make test       every check: lint, strict book build, data/library tests, nbval, browser"
	@echo "make notebooks  re-execute every notebook in place (refresh stored outputs)"
	@echo "make lab        open JupyterLab on the notebooks"
	@echo "make bench      build and execution timings and page weights against their budgets"
	@echo "make handout    print the seminar handout to _build/handout.pdf"
	@echo "make clean      remove _build and caches"

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --no-deps -r requirements.txt
	touch $(STAMP)

venv: $(STAMP)

book: $(STAMP)
	$(BIN)/jupyter-book build . $(JB_FLAGS)

lint: $(STAMP)
	$(BIN)/ruff check src tests
	$(BIN)/nbqa ruff notebooks

test: $(STAMP)
	$(MAKE) lint
	$(MAKE) book
	$(BIN)/python -m pytest tests notebooks --nbval --nbval-sanitize-with tests/nbval_sanitize.cfg

test-fast: $(STAMP)
	$(BIN)/python -m pytest tests -m "not browser"

notebooks: $(STAMP)
	@for nb in $(NOTEBOOKS); do \
	  echo "executing $$nb"; \
	  $(BIN)/jupyter nbconvert --to notebook --execute --inplace \
	    --ExecutePreprocessor.timeout=120 --ExecutePreprocessor.kernel_name=python3 "$$nb" || exit 1; \
	done

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks

bench: $(STAMP)
	$(BIN)/python tests/bench.py

handout: book
	$(BIN)/python -m plro.handout _build/html _build/handout.pdf

freeze: $(STAMP)
	{ grep '^#' requirements.txt; $(BIN)/pip freeze --all --exclude-editable | grep -v "^pip=\|^setuptools=" | grep -v -i '^plro\|^rfc3987-syntax=\|^lark='; echo "-e ."; } > requirements.tmp
	mv requirements.tmp requirements.txt

clean:
	rm -rf _build .pytest_cache .ruff_cache
	find . -name __pycache__ -not -path './.venv/*' -prune -exec rm -rf {} +
