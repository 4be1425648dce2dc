# Every target does its own set-up: a fresh clone needs only `make demo` or `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup demo test lint bench clean

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

## setup: create .venv, install the pinned dependencies, migrate the database (idempotent)
setup: $(STAMP)
	$(BIN)/vigil migrate

## demo: generate the demo town, load it into var/vigil.sqlite3, print what was loaded
demo: setup
	$(BIN)/vigil demo

## test: the whole suite (on PostgreSQL too when DATABASE_URL points there)
test: setup
	$(BIN)/pytest

## lint: ruff and mypy, failing on any finding
lint: setup
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

## bench: the benchmarks (long; they print their figures)
bench: setup
	$(BIN)/python bench/ingest.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
