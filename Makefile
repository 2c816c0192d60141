# Two commands on a fresh machine: `make demo` and `make test`; both create .venv first.
# `make demo` installs the runtime only (no extras, no test toolchain), `make test` the dev set on
# top; each has its own stamp, and the dev install stamps the runtime too, so `make demo` after
# `make test` installs nothing, and `make test` after `make demo` adds only the dev set.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
RUNTIME_STAMP := $(VENV)/.installed-runtime
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck unit test-oldest test-newest test-authlib-oldest bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(RUNTIME_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $(RUNTIME_STAMP)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP) $(RUNTIME_STAMP)

demo: $(RUNTIME_STAMP)
	$(BIN)/oauthkit demo

lint: $(STAMP)
	$(BIN)/ruff check oauthkit adapters tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy --strict oauthkit

unit: $(STAMP)
	$(BIN)/pytest

test: lint typecheck unit

# The core suite (all but the browser, the notebooks, the wheel builds and the slow real-server
# tests) on the other ends of the supported range (pyproject: requires-python >=3.10,
# authlib>=1.6,<2), each in a venv of its own; `make test` is the middle: Python 3.11, newest
# Authlib. clients.py overrides private Authlib methods (_http_post, _refresh_token), so a
# downgrade must not break them unnoticed, and typing or stdlib differences show on 3.10 and 3.13.
#   test-oldest: Python 3.10 + Authlib 1.6.0    test-newest: Python 3.13 + the newest Authlib
PYTHON_OLDEST ?= /root/.pyenv/versions/3.10.13/bin/python3
PYTHON_NEWEST ?= /root/.pyenv/versions/3.13.0/bin/python3
AUTHLIB_OLDEST ?= 1.6.0
OLDEST_VENV ?= .venv-oldest
NEWEST_VENV ?= .venv-newest
CORE_IGNORE := --ignore-glob='tests/test_browser*.py' --ignore=tests/test_notebooks.py --ignore=tests/test_wheel.py

OLDEST_STAMP := $(OLDEST_VENV)/.installed-authlib-$(AUTHLIB_OLDEST)
NEWEST_STAMP := $(NEWEST_VENV)/.installed

$(OLDEST_STAMP): pyproject.toml
	$(PYTHON_OLDEST) -m venv $(OLDEST_VENV)
	$(OLDEST_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(OLDEST_VENV)/bin/python -m pip install --quiet -e ".[dev]" "authlib==$(AUTHLIB_OLDEST)"
	touch $(OLDEST_STAMP)

$(NEWEST_STAMP): pyproject.toml
	$(PYTHON_NEWEST) -m venv $(NEWEST_VENV)
	$(NEWEST_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(NEWEST_VENV)/bin/python -m pip install --quiet --upgrade -e ".[dev]" authlib
	touch $(NEWEST_STAMP)

# $(call core_suite,VENV,PYTHON MAJOR.MINOR,PYTEST ARGUMENTS): says what it runs on, then runs.
define core_suite
	$(1)/bin/python -c "import sys, authlib; v = sys.version.split()[0]; \
		print('core suite: Python', v, '+ Authlib', authlib.__version__); assert v.startswith('$(2).'), v"
	$(1)/bin/pytest -q -m "not slow" -p no:cacheprovider $(CORE_IGNORE) $(3)
endef

test-oldest: $(OLDEST_STAMP)
	$(OLDEST_VENV)/bin/python -c "import authlib; assert authlib.__version__ == '$(AUTHLIB_OLDEST)', authlib.__version__"
	$(call core_suite,$(OLDEST_VENV),3.10,)

test-newest: $(NEWEST_STAMP)
	$(call core_suite,$(NEWEST_VENV),3.13,)

test-authlib-oldest: test-oldest  # its old name: the oldest Authlib now runs on the oldest Python

# The performance suite (a few minutes): prints the table, writes benchmarks/results.json, and
# fails when a target is missed. `python -m benchmarks --help` for subsets and sizes.
bench: $(STAMP)
	$(BIN)/python -m benchmarks --out benchmarks/results.json

clean:
	rm -rf $(VENV) $(OLDEST_VENV) $(NEWEST_VENV) .venv-authlib-oldest build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache
