# Set-up and everyday commands. `make site` and `make test` are all a new machine needs (see README.md).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: site test validate serve charts lint golden clean

# The virtual environment, with pinned dependencies, made on first use and when the pins change.
$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	@$(PYTHON) -c 'import venv, ensurepip' 2>/dev/null || { \
	  echo "error: $(PYTHON) cannot make a virtual environment."; \
	  echo "  On Debian or Ubuntu: sudo apt-get install python3-venv"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt -r requirements-dev.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $@

site: $(STAMP)        ## Validate, render charts and pages, and build the site into site/
	$(BIN)/compendium build

validate: $(STAMP)    ## Check every data file; every problem with file:line
	$(BIN)/compendium validate

charts: $(STAMP)      ## Render charts (and pages) only
	$(BIN)/python build_charts.py

serve: $(STAMP)       ## Preview on http://127.0.0.1:8000, rebuilding when a data file changes
	$(BIN)/compendium serve

test: $(STAMP)        ## Run the tests
	$(BIN)/python -m pytest

lint: $(STAMP)        ## ruff and mypy, as in pre-commit and CI
	$(BIN)/ruff check src tests build_charts.py
	$(BIN)/mypy

golden: $(STAMP)      ## Regenerate the golden files of the rendered test pages
	$(BIN)/python -m pytest tests/test_render.py --update-golden

clean:
	rm -rf site site.previous .cache docs/claims docs/evidence docs/topics docs/references.md docs/timeline.md \
	  docs/assets/compendium docs/.generated
