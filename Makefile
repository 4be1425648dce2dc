# Every target does its own set-up: a fresh clone needs only `make demo` or `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
# The browser tests drive Debian's Chromium; no browser is ever downloaded.
CHROMIUM := /usr/bin/chromium
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

.PHONY: setup demo test lint bench clean

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

# Front-end packages (GOV.UK Frontend, MoJ Frontend, HTMX, axe-core) from the lockfile.
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

$(CHROMIUM):
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium

## setup: create .venv, install the pinned dependencies, migrate the database (idempotent)
setup: $(STAMP) $(NODE_STAMP)
	$(BIN)/vigil migrate

## demo: generate the demo town, load it into var/vigil.sqlite3, print what was loaded
demo: setup
	$(BIN)/vigil demo

## test: the whole suite (on PostgreSQL too when DATABASE_URL points there)
test: setup $(CHROMIUM)
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
	rm -rf $(VENV) node_modules var .pytest_cache .mypy_cache .ruff_cache
