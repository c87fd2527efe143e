# egov-portal: `make run` starts the portal with demo data, `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PG_URL ?= postgres://postgres@127.0.0.1:5432/egov
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
CHROMIUM ?= /usr/bin/chromium

.PHONY: run test lint venv services chromium messages clean vendor wrk bench-load

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

venv: $(STAMP)

## Set up and start the portal on http://127.0.0.1:8000 (SQLite, in-process tasks, demo data).
run: venv
	$(PY) manage.py migrate --noinput
	$(PY) manage.py import_ekatte
	$(PY) manage.py import_regix_catalog
	$(PY) manage.py seed_services
	$(PY) manage.py seed_demo_adoption
	$(PY) manage.py create_demo_users
	$(PY) manage.py generate_demo_usage --scale small --out var/demo-usage
	$(PY) manage.py ingest_usage var/demo-usage/* --wait --skip-imported
	$(PY) manage.py ensure_admin
	$(PY) manage.py runserver 127.0.0.1:8000

## Make sure PostgreSQL and Redis answer, starting them where they are installed.
services:
	@bash scripts/ensure-services.sh

## Debian's Chromium for the browser tests (Playwright drives it; it cannot download its own).
chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
	  if [ "$$(id -u)" != 0 ]; then echo "Chromium is missing: run 'sudo apt-get install chromium'" >&2; exit 1; fi; \
	  echo "Installing Debian's chromium ..."; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; \
	fi

## Debian's wrk, the HTTP load generator bench/load.py drives.
wrk:
	@if ! command -v wrk >/dev/null; then \
	  if [ "$$(id -u)" != 0 ]; then echo "wrk is missing: run 'sudo apt-get install wrk'" >&2; exit 1; fi; \
	  echo "Installing Debian's wrk ..."; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; \
	fi

## Pages under load: gunicorn (4 workers, production settings) on loopback, driven by wrk (see bench/load.py).
bench-load: venv wrk
	$(PY) bench/load.py

## Set up everything and run the whole test suite against PostgreSQL and Redis.
test: venv services chromium
	DATABASE_URL=$(PG_URL) REDIS_URL=$(TEST_REDIS_URL) $(VENV)/bin/pytest

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

## Refresh the translation catalogues (needs GNU gettext); the compiled .mo files are committed.
messages: venv
	$(PY) manage.py makemessages -l bg -l en --ignore=.venv --ignore=staticfiles
	$(PY) manage.py compilemessages --ignore=.venv

## Refresh the vendored browser libraries in static/vendor/ from the npm registry (needs npm; the
## result is committed, so the portal itself never needs npm or the internet). CHARTJS_VERSION=4 by default.
CHARTJS_VERSION ?= 4
vendor:
	@tmp=$$(mktemp -d) && cd $$tmp && npm pack --silent chart.js@$(CHARTJS_VERSION) >/dev/null && tar xzf chart.js-*.tgz && \
	  mkdir -p $(CURDIR)/static/vendor/chartjs && \
	  grep -v '^//# sourceMappingURL=' package/dist/chart.umd.js > $(CURDIR)/static/vendor/chartjs/chart.umd.js && \
	  cp package/LICENSE.md $(CURDIR)/static/vendor/chartjs/LICENSE.md && \
	  node -p "require('./package/package.json').version" > $(CURDIR)/static/vendor/chartjs/VERSION 2>/dev/null || \
	  python3 -c "import json; print(json.load(open('package/package.json'))['version'])" > $(CURDIR)/static/vendor/chartjs/VERSION; \
	  rm -rf $$tmp; echo "Chart.js $$(cat $(CURDIR)/static/vendor/chartjs/VERSION) vendored in static/vendor/chartjs/"

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
