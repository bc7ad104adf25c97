# ILP platform: every target is a thin alias; `make help` lists them.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
# The test suite runs on PostgreSQL and Redis; point these elsewhere to use other servers.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/ilp
TEST_BROKER_URL ?= redis://127.0.0.1:6379/15
BENCH_DATABASE_URL ?= $(if $(DATABASE_URL),$(DATABASE_URL),postgres://postgres@127.0.0.1:5432/ilp_bench)
CHROMIUM ?= /usr/bin/chromium

.DEFAULT_GOAL := help
.PHONY: help setup setup-dev static run worker beat test lint bench schema chromium clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(VENV)/.runtime: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e .
	touch $@

$(VENV)/.dev: $(VENV)/.runtime pyproject.toml
	$(PIP) install --quiet -e ".[dev]"
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

static/vendor/.copied: node_modules/.installed scripts/vendor_static.py
	$(PYTHON) scripts/vendor_static.py
	touch $@

static: static/vendor/.copied

setup: $(VENV)/.runtime static ## Create .venv, install Python and front-end dependencies (idempotent)

setup-dev: setup $(VENV)/.dev

run: setup ## Migrate, load demo data and serve on http://127.0.0.1:8000 (SQLite unless DATABASE_URL is set)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@echo "ILP platform: http://$(HOST):$(PORT)/  (sign in with a demo login above; Ctrl-C stops)"
	$(PY) manage.py runserver $(HOST):$(PORT)

worker: setup ## Start a Celery worker (needs CELERY_BROKER_URL)
	$(VENV)/bin/celery -A ilp worker --loglevel=INFO --concurrency=2

beat: setup ## Start Celery beat, the periodic scheduler (needs CELERY_BROKER_URL)
	$(VENV)/bin/celery -A ilp beat --loglevel=INFO --schedule=var/celerybeat-schedule

chromium: ## Install Debian's Chromium for the browser tests when it is missing
	@test -x $(CHROMIUM) || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)

test: setup-dev chromium ## Run the whole suite on PostgreSQL and Redis (TEST_DATABASE_URL, TEST_BROKER_URL)
	ILP_ENV=test DATABASE_URL=$(TEST_DATABASE_URL) CELERY_BROKER_URL=$(TEST_BROKER_URL) \
		CHROMIUM=$(CHROMIUM) $(PY) -m pytest $(PYTEST_ARGS)

lint: setup-dev ## ruff, mypy, import layers, Django checks, migrations and the committed OpenAPI schema
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .
	$(VENV)/bin/lint-imports
	$(PY) manage.py check --fail-level WARNING
	$(PY) manage.py makemigrations --check --dry-run
	@mkdir -p var
	$(PY) manage.py spectacular --validate --fail-on-warn --file var/openapi.yaml
	@diff -u docs/api/openapi.yaml var/openapi.yaml || \
		(echo "docs/api/openapi.yaml is out of date: run 'make schema' and commit it." && exit 1)

schema: setup-dev ## Regenerate the committed OpenAPI schema (docs/api/openapi.yaml)
	@mkdir -p docs/api
	$(PY) manage.py spectacular --validate --fail-on-warn --file docs/api/openapi.yaml

bench: setup-dev ## Run benchmarks (BENCH=name ROWS=n for one); one JSON object per line
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) -m bench $(if $(BENCH),--only $(BENCH)) $(if $(ROWS),--rows $(ROWS))

clean: ## Remove the virtualenv, node_modules and var/
	rm -rf $(VENV) node_modules var static/vendor
