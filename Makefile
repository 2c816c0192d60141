# Two commands on a fresh machine: `make demo` and `make test`; both create .venv first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck unit bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/oauthkit demo

lint: $(STAMP)
	$(BIN)/ruff check oauthkit adapters tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy --strict oauthkit

unit: $(STAMP)
	$(BIN)/pytest

test: lint typecheck unit

# The performance suite (a few minutes): prints the table, writes benchmarks/results.json, and
# fails when a target is missed. `python -m benchmarks --help` for subsets and sizes.
bench: $(STAMP)
	$(BIN)/python -m benchmarks --out benchmarks/results.json

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache
