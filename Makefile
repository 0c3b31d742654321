# The PLRO teaching book. `make book` and `make test` work on a fresh clone:
# each creates .venv from requirements.txt when it is missing or older.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NOTEBOOKS := $(sort $(wildcard notebooks/*.ipynb))
JB_FLAGS := --builder html -W -n --keep-going

.PHONY: help venv book test test-fast lint notebooks lab bench handout clean freeze verify-source

help:
	@echo "make book       build the site into _build/html (strict: warnings are errors)"
	@echo "make test       every check: lint, strict book build, data/library tests, nbval, browser"
	@echo "make notebooks  re-execute every notebook in place (refresh stored outputs)"
	@echo "make lab        open JupyterLab on the notebooks"
	@echo "make bench      build and execution timings and page weights against their budgets"
	@echo "make handout    the seminar printouts in _build: handout-{participants,stage-N,quiz,card-N,facilitator,cards-facilitator}.pdf"
	@echo "make data-hashes  record data files' bytes and sha256 after a reviewed edit"
	@echo "make verify-source PAPER=...  check quotes, printed numbers and table cells against the paper"
	@echo "make mutate     mutation testing of MUTATE_MODULES; prints the kill rate (not part of make test)"
	@echo "make slides     the seminar slides (reveal.js, offline) into _build/html/slides"
	@echo "make pdf        the whole book as one PDF (headless Chromium) into _build/html/downloads"
	@echo "make vendor     fetch the slides' reveal.js, require.js and jQuery again from npm"
	@echo "make clean      remove _build and caches"

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --no-deps -r requirements.txt
	touch $(STAMP)

venv: $(STAMP)

book: $(STAMP)
	$(BIN)/jupyter-book build . $(JB_FLAGS)
	$(BIN)/python -m tools.book_pdf --if-chromium --if-outdated

lint: $(STAMP)
	$(BIN)/ruff check src tests tools
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
	    --ExecutePreprocessor.timeout=120 --ExecutePreprocessor.kernel_name=python3 \
	    --ExecutePreprocessor.record_timing=False "$$nb" || exit 1; \
	done

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks

bench: $(STAMP)
	$(BIN)/python -m tests.bench

handout: book
	$(BIN)/python -m tools.handout _build/html _build --by-stage

# The seminar slides (reveal.js, every asset vendored) into _build/html/slides; every HTML
# build makes them too (book/_ext/plro_downloads.py). The whole book as one PDF, printed by
# headless Chromium, into _build/html/downloads (`make book` prints it when Chromium is there).
# `make vendor` fetches the slides' assets again from npm (tools/slides/README.md).
.PHONY: slides pdf vendor
slides: $(STAMP)
	$(BIN)/python -m tools.slides

pdf: $(STAMP)
	$(BIN)/python -m tools.book_pdf

vendor: $(STAMP)
	$(BIN)/python -m tools.slides --vendor

# After a reviewed edit of a data file: record its bytes and sha256 in data/datapackage.json.
.PHONY: data-hashes
data-hashes: $(STAMP)
	$(BIN)/python -m plro.data_hashes

freeze: $(STAMP)
	{ grep '^#' requirements.txt; $(BIN)/pip freeze --all --exclude-editable | grep -v "^pip=\|^setuptools=" | grep -v -i '^plro\|^rfc3987-syntax=\|^lark='; echo "-e ."; } > requirements.tmp
	mv requirements.tmp requirements.txt

# For a maintainer who has the paper's text: every quote, printed number and table cell is in it.
verify-source: $(STAMP)
	@test -n "$(PAPER)" || { echo "usage: make verify-source PAPER=path/to/paper.txt"; exit 2; }
	$(BIN)/python tools/verify_source.py "$(PAPER)"

# Mutation testing with mutmut, outside `make test`: each module src/plro/<m>.py below is mutated and
# tried against tests/test_<m>.py (adding a module is one edit here). mutmut works in $(MUTATE_DIR)
# (links to the work tree, and pyproject.toml plus a [tool.mutmut] table naming those files); it
# prints each module's kill rate and the mutants not killed, and fails under MUTATE_MIN_KILL_RATE %.
# Equivalent mutants are excluded in the code (`# pragma: no mutate`, with the reason beside it).
# Measured on 2026-12-01, one module per run (MUTATE_MODULES=<m>): stats and resampling 100 %;
# recompute 553 of 557 (99.3 %), audit 669 of 678 (98.7 %), pain 554 of 578 (95.8 %). The survivors
# the run lists are judged equivalent but share a line with mutants that are killed, so they stay
# counted: zip(strict=None/False) on equal-length inputs, float("NAN") for float("nan"), to_numpy()
# or astype() without a dtype that pandas infers anyway, ">" for ">=" against a 1e-12 tolerance,
# a wider GRIM candidate range, Decimal(2) for Decimal(1) as quantize's exponent, a claim id
# passed to rule() after check_claims has already refused unknown rules.
MUTATE_MODULES := stats resampling pain audit recompute
MUTATE_MIN_KILL_RATE := 90
MUTATE_DIR := _build/mutate
MUTMUT := $(CURDIR)/$(BIN)/mutmut
MUTATE_TREE = $(filter-out pyproject.toml,$(shell git ls-files -co --exclude-standard | cut -d/ -f1 | sort -u))

.PHONY: mutate
mutate: $(STAMP)
	rm -rf $(MUTATE_DIR) && mkdir -p $(MUTATE_DIR)/tmp
	for f in $(MUTATE_TREE); do ln -s $(CURDIR)/$$f $(MUTATE_DIR)/$$f; done
	{ cat pyproject.toml; echo; echo '[tool.mutmut]'; \
	  echo 'source_paths = [$(foreach m,$(MUTATE_MODULES),"src/plro/$(m).py",)]'; \
	  echo 'pytest_add_cli_args_test_selection = [$(foreach m,$(MUTATE_MODULES),"tests/test_$(m).py",)]'; \
	  echo 'also_copy = [$(foreach f,$(MUTATE_TREE),"$(f)",)]'; } > $(MUTATE_DIR)/pyproject.toml
	cd $(MUTATE_DIR) && TMPDIR=$$PWD/tmp $(MUTMUT) run > run.log 2>&1 || { tail -c 3000 run.log; exit 1; }
	@cd $(MUTATE_DIR) && echo "excluded as equivalent (the reason is in the comment above each):" \
	  && grep -n -B2 'pragma: no mutate' $(MUTATE_MODULES:%=src/plro/%.py) | sed 's/^/  /'; \
	  echo "not killed:"; for m in $$($(MUTMUT) results | sed 's/:.*//'); do \
	    $(MUTMUT) show $$m | grep '^# \|^[-+][^-+]' | sed 's/^/  /'; done; \
	  $(MUTMUT) results --all true | awk -F': ' -v min=$(MUTATE_MIN_KILL_RATE) ' \
	    { m = $$1; sub(/^ */, "", m); sub(/\.[^.]*$$/, "", m); all[m]++; n++ } \
	    $$2 == "killed" || $$2 == "timeout" { dead[m]++; k++ } \
	    END { for (m in all) printf "%-16s %4d of %4d mutants killed (%.1f %%)\n", m, dead[m], all[m], 100 * dead[m] / all[m]; \
	          printf "kill rate: %d of %d = %.1f %% (minimum %d %%)\n", k, n, 100 * k / n, min; exit (100 * k < min * n) }'

clean:
	rm -rf _build .pytest_cache .ruff_cache
	find . -name __pycache__ -not -path './.venv/*' -prune -exec rm -rf {} +
