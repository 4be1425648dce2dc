# Every target does its own set-up: a fresh clone needs only `make demo` or `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
# The browser tests drive Debian's Chromium; no browser is ever downloaded.
CHROMIUM := /usr/bin/chromium
# Spark (vigil link --engine spark, and its test) runs on Debian's Java 17.
JAVA := /usr/bin/java
PANGO := /usr/share/doc/libpangoft2-1.0-0
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

$(JAVA):
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless

# WeasyPrint (published reports as PDF) needs Debian's Pango and a font.
$(PANGO):
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core

## setup: create .venv, install the pinned dependencies, migrate the database (idempotent)
setup: $(STAMP) $(NODE_STAMP) $(PANGO)
	$(BIN)/vigil migrate

## demo: generate the demo town, load, link and detect it, print the demo users, serve on :8000
demo: setup
	$(BIN)/vigil demo --serve

## test: the whole suite (on PostgreSQL too when DATABASE_URL points there), one worker per core
test: setup $(CHROMIUM) $(JAVA)
	$(BIN)/pytest -n auto --dist loadgroup $(PYTEST_ARGS)

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
