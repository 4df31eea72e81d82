# Set-up and everyday commands. `make site` and `make test` are all a new machine needs (see README.md).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PAPER  ?= a4

# The oldest Python the pins must install on: Debian 12's python3 (`make lock` resolves for it).
LOCK_PYTHON := 3.11.2

.PHONY: site offline pdf test validate serve charts lint golden clean check-links bench lock help

# The virtual environment, with pinned dependencies, made on first use and when the pins change.
$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	@$(PYTHON) -c 'import venv, ensurepip' 2>/dev/null || { \
	  echo "error: $(PYTHON) cannot make a virtual environment."; \
	  echo "  On Debian or Ubuntu: sudo apt-get install python3-venv"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt -r requirements-dev.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $@

site: $(STAMP)        ## Validate, render charts and pages, and build the site into site/ (with the PDF)
	$(BIN)/compendium build --paper $(PAPER)

offline: $(STAMP)     ## The edition for reading from disk (file://), search included, as dist/compendium-offline.zip
	$(BIN)/python -m compendium.offline --output dist/compendium-offline.zip --paper $(PAPER)

pdf: $(STAMP)         ## The PDF edition alone, into site/compendium.pdf (make pdf PAPER=letter for US Letter)
	$(BIN)/compendium pdf --paper $(PAPER)

validate: $(STAMP)    ## Check every data file; every problem with file:line
	$(BIN)/compendium validate

charts: $(STAMP)      ## Render charts (and pages) only
	$(BIN)/python build_charts.py

serve: $(STAMP)       ## Preview on http://127.0.0.1:8000, rebuilding when a data file changes
	$(BIN)/compendium serve

check-links: site    ## Build the site, then check its internal links and anchors (LinkChecker)
	$(BIN)/compendium check-links

test: $(STAMP)        ## Run the tests (and name the slowest)
	PYTHONDONTWRITEBYTECODE=1 $(BIN)/python -m pytest --durations=15

lint: $(STAMP)        ## ruff and mypy, as in pre-commit and CI
	$(BIN)/ruff check src tests bench build_charts.py
	$(BIN)/mypy

bench: $(STAMP)       ## Time the build and the PDF (real record, synthetic N=100 and 1,000) into BENCHMARKS.md (~20 min)
	$(BIN)/python -m bench

golden: $(STAMP)      ## Regenerate the golden files of the rendered test pages
	$(BIN)/python -m pytest tests/test_render.py tests/test_bad_inputs.py --update-golden

clean: $(STAMP)       ## Remove everything the build generated (the list is in src/compendium/paths.py)
	$(BIN)/compendium clean

lock: $(STAMP)        ## Pin the dependencies of requirements.in and requirements-dev.in into the .txt files (uv)
	$(BIN)/uv pip compile --quiet --python-version $(LOCK_PYTHON) requirements.in -o requirements.txt
	$(BIN)/uv pip compile --quiet --python-version $(LOCK_PYTHON) requirements-dev.in -o requirements-dev.txt

help:                 ## List these targets
	@sed -n 's/^\([a-z-]*\):.*## \(.*\)/\1\t\2/p' $(MAKEFILE_LIST) | expand -t 14
