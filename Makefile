# egov-portal: `make run` starts the portal with demo data, `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PG_URL ?= postgres://postgres@127.0.0.1:5432/egov
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
CHROMIUM ?= /usr/bin/chromium
SOFFICE ?= /usr/bin/soffice

PORT ?= 8000

.PHONY: run dev test test-embedded lint venv services chromium libreoffice messages clean vendor wrk bench-load

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

venv: $(STAMP)

## Set up and serve the demo portal on http://127.0.0.1:$(PORT) as deployed (gunicorn, DEBUG off,
## whitenoise, in-process tasks) on the embedded PostgreSQL unless DATABASE_URL is set; Ctrl-C stops all.
run: venv
	@$(PY) manage.py quickstart --port $(PORT)

## The same demo under Django's development server (DEBUG on, code reloading).
dev: venv
	@$(PY) manage.py quickstart --dev --port $(PORT)

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

## Debian's LibreOffice Calc: the export tests open "CSV for Excel" with it, headless, as a spreadsheet would.
libreoffice:
	@if [ ! -x $(SOFFICE) ]; then \
	  if [ "$$(id -u)" != 0 ]; then echo "LibreOffice is missing: run 'sudo apt-get install libreoffice-calc'" >&2; exit 1; fi; \
	  echo "Installing Debian's libreoffice-calc ..."; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libreoffice-calc >/dev/null; \
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

## Set up everything, run the lint, then the whole test suite against PostgreSQL and Redis, then the
## demo walk on the embedded PostgreSQL of the quick start.
test: venv services chromium libreoffice lint
	DATABASE_URL=$(PG_URL) REDIS_URL=$(TEST_REDIS_URL) $(VENV)/bin/pytest
	@$(MAKE) --no-print-directory test-embedded

## The second job: the demo built as `make run` builds it and walked by every role, on an embedded
## PostgreSQL of its own in a scratch folder under /tmp (reachable by the server's own account wherever
## the checkout lives), stopped and removed afterwards whatever the result.
test-embedded: venv services
	@scratch=$$(mktemp -d /tmp/egov-test-embedded.XXXXXX) && chmod 755 $$scratch; \
	  export EGOV_VAR_DIR=$$scratch; unset DATABASE_URL; \
	  if $(PY) manage.py embedded_db start; then \
	    DATABASE_URL=$$($(PY) manage.py embedded_db url) REDIS_URL=$(TEST_REDIS_URL) \
	      $(VENV)/bin/pytest -m demo_walk tests/test_demo_walk.py; rc=$$?; \
	    $(PY) manage.py embedded_db stop; \
	  else rc=1; fi; \
	  rm -rf $$scratch; exit $$rc

## ruff, formatting, missing migrations, types (mypy, see pyproject.toml) and the import rules.
lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DATABASE_URL=$(PG_URL) $(PY) manage.py makemigrations --check --dry-run
	DATABASE_URL=$(PG_URL) $(VENV)/bin/mypy
	$(PY) scripts/check_architecture.py

## Refresh the translation catalogues (needs GNU gettext); the compiled .mo files are committed.
messages: venv
	$(PY) manage.py makemessages -l bg -l en --ignore=.venv --ignore=staticfiles
	$(PY) manage.py compilemessages --ignore=.venv

## Refresh the vendored browser libraries in static/vendor/ from the npm registry (needs npm; the
## result is committed, so the portal itself never needs npm or the internet). CHARTJS_VERSION=4 by default;
## Tom Select (searchable multi-selects) is pinned by TOMSELECT_VERSION.
CHARTJS_VERSION ?= 4
TOMSELECT_VERSION ?= 2.6.2
vendor:
	@tmp=$$(mktemp -d) && cd $$tmp && npm pack --silent chart.js@$(CHARTJS_VERSION) >/dev/null && tar xzf chart.js-*.tgz && \
	  mkdir -p $(CURDIR)/static/vendor/chartjs && \
	  grep -v '^//# sourceMappingURL=' package/dist/chart.umd.js > $(CURDIR)/static/vendor/chartjs/chart.umd.js && \
	  cp package/LICENSE.md $(CURDIR)/static/vendor/chartjs/LICENSE.md && \
	  node -p "require('./package/package.json').version" > $(CURDIR)/static/vendor/chartjs/VERSION 2>/dev/null || \
	  python3 -c "import json; print(json.load(open('package/package.json'))['version'])" > $(CURDIR)/static/vendor/chartjs/VERSION; \
	  rm -rf $$tmp; echo "Chart.js $$(cat $(CURDIR)/static/vendor/chartjs/VERSION) vendored in static/vendor/chartjs/"
	@tmp=$$(mktemp -d) && cd $$tmp && npm pack --silent tom-select@$(TOMSELECT_VERSION) >/dev/null && tar xzf tom-select-*.tgz && \
	  mkdir -p $(CURDIR)/static/vendor/tom-select && \
	  grep -v '^//# sourceMappingURL=' package/dist/js/tom-select.complete.min.js > $(CURDIR)/static/vendor/tom-select/tom-select.complete.min.js && \
	  grep -v '^/\*# sourceMappingURL=' package/dist/css/tom-select.min.css | sed 's|/\*# sourceMappingURL=[^*]*\*/||' > $(CURDIR)/static/vendor/tom-select/tom-select.min.css && \
	  cp package/LICENSE $(CURDIR)/static/vendor/tom-select/LICENSE && \
	  python3 -c "import json; print(json.load(open('package/package.json'))['version'])" > $(CURDIR)/static/vendor/tom-select/VERSION; \
	  rm -rf $$tmp; echo "Tom Select $$(cat $(CURDIR)/static/vendor/tom-select/VERSION) vendored in static/vendor/tom-select/"

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
