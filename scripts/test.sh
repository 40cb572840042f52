#!/usr/bin/env bash
# The whole check, in order, stopping at the first failure:
#   ruff check, ruff format --check, makemigrations --check, OpenAPI schema
#   validation, then pytest (extra arguments are passed to pytest).
# pytest's exit code 5 (no tests collected) counts as a failure.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$PWD"
if [[ -z "${VIRTUAL_ENV:-}" && -x "$ROOT/.venv/bin/python" ]]; then
    export PATH="$ROOT/.venv/bin:$PATH"
fi
export DJANGO_SETTINGS_MODULE=trustpulse.settings.test

step() { printf '\n==> %s\n' "$*"; }

step "ruff check"
ruff check .

step "ruff format --check"
ruff format --check .

step "mypy (services, selectors, tasks)"
mypy

step "makemigrations --check (no model change without a migration)"
python manage.py makemigrations --check --dry-run

step "OpenAPI schema (spectacular --validate --fail-on-warn)"
python manage.py spectacular --validate --fail-on-warn --file /dev/null

step "pytest"
status=0
python -m pytest -p no:cacheprovider "$@" || status=$?
if [[ $status -eq 5 ]]; then
    echo "pytest collected no tests: that is a failure" >&2
    exit 1
fi
exit "$status"
