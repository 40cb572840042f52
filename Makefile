# TrustPulse developer commands. `make help` lists them.
#
# Every target that runs Python first makes sure `.venv` exists and holds
# requirements-dev.txt; the install runs again only when a requirements file
# changes (stamp file .venv/.installed).

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
VENV_PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
REQUIREMENTS := requirements.txt requirements-dev.txt
# Interpreter used to create the venv: python3.11 when present, else python3.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)

# Tools (python, ruff, celery, ...) come from the venv.
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)
export VIRTUAL_ENV := $(CURDIR)/$(VENV)

# Extra arguments for test/bench, e.g. `make test ARGS="-k consent -x"`.
ARGS ?=

.PHONY: help venv run test lint fmt typecheck migrate seed worker beat bench test-deploy

help: ## Show this help
	@grep -E '^[a-z][a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) \
		| awk 'BEGIN {FS = ":.*## "}; {printf "  make %-10s %s\n", $$1, $$2}'

$(VENV_PY):
	@echo "==> creating $(VENV) with $(PYTHON)"
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(REQUIREMENTS) | $(VENV_PY)
	@echo "==> installing requirements-dev.txt into $(VENV)"
	$(VENV_PY) -m pip install --disable-pip-version-check -q -r requirements-dev.txt
	@touch $(STAMP)

venv: $(STAMP) ## Create .venv and install pinned requirements (only when changed)

run: venv ## Migrate, seed demo data and serve on http://127.0.0.1:8000
	scripts/run.sh

test: venv ## Lint, migration/schema checks and the whole pytest suite
	scripts/test.sh $(ARGS)

lint: venv ## ruff check + ruff format --check
	ruff check .
	ruff format --check .

fmt: venv ## Apply ruff fixes and formatting
	ruff check --fix-only .
	ruff format .

typecheck: venv ## mypy (django-stubs) on services, selectors and tasks
	mypy

migrate: venv ## Apply database migrations
	python manage.py migrate

seed: venv ## Load the demo organization, users and surveys
	python manage.py seed_demo

worker: venv ## Celery worker (needs REDIS_URL)
	celery -A trustpulse worker -l info

beat: venv ## Celery beat (needs REDIS_URL)
	@mkdir -p var
	celery -A trustpulse beat -l info -s var/celerybeat-schedule

bench: venv ## Benchmarks (bench/run.py)
	@if [[ -f bench/run.py ]]; then python bench/run.py $(ARGS); \
	else echo "bench/run.py does not exist yet" >&2; exit 1; fi

test-deploy: venv ## Multi-host deployment under faults, in network namespaces (root; 3-5 min; docs/DEPLOYMENT.md)
	python scripts/deploy_test.py $(ARGS)
