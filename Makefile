# Two entry points, both self-contained on a fresh clone (Python 3.11+ and make):
#   make demo   set up, build a demo office with synthetic data, start the app on it
#   make test   set up, then run the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEMO   := .demo

.PHONY: demo test lint setup clean-demo

setup: $(STAMP)

# Reinstall whenever the declared dependencies or the pinned versions change.
$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $(STAMP)

demo: $(STAMP)
	@test -f $(DEMO)/keyring.json || $(BIN)/rehabdesk demo --data-dir $(DEMO)
	$(BIN)/rehabdesk --data-dir $(DEMO) start

test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean-demo:
	rm -rf $(DEMO)
