#!/usr/bin/env bash
# The whole check, in order, stopping at the first failure:
#   ruff check, ruff format --check, makemigrations --check, OpenAPI schema
#   validation, then pytest (extra arguments are passed to pytest).
# pytest's exit code 5 (no tests collected) counts as a failure.
#
# Tests run in file order. RANDOM_ORDER=1 shuffles them (pytest-randomly) with
# a fresh seed, as CI does; RANDOM_ORDER=<seed> replays the order of that seed.
# Every test has a time limit (pytest-timeout; pyproject.toml, tests/conftest.py).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$PWD"
if [[ -z "${VIRTUAL_ENV:-}" && -x "$ROOT/.venv/bin/python" ]]; then
    export PATH="$ROOT/.venv/bin:$PATH"
fi
export DJANGO_SETTINGS_MODULE=trustpulse.settings.test

step() { printf '\n==> %s\n' "$*"; }

step "Debian packages the suite uses (installed when missing and possible)"
bash "$ROOT/scripts/debian-packages.sh"

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

order=()
case "${RANDOM_ORDER:-}" in
    "" | 0 | false | no) ;;
    *)
        seed="$RANDOM_ORDER"
        if [[ "$seed" =~ ^(1|true|yes)$ ]]; then
            seed=$(((RANDOM << 15) | RANDOM))
        elif ! [[ "$seed" =~ ^[0-9]+$ ]]; then
            echo "RANDOM_ORDER must be 1 or a seed (a whole number), not '$seed'" >&2
            exit 2
        fi
        order=(-p randomly "--randomly-seed=$seed")
        ;;
esac

if ((${#order[@]})); then
    step "pytest, in random order (seed $seed; replay with RANDOM_ORDER=$seed)"
else
    step "pytest"
fi
status=0
python -m pytest -p no:cacheprovider "${order[@]}" "$@" || status=$?
if [[ $status -eq 5 ]]; then
    echo "pytest collected no tests: that is a failure" >&2
    exit 1
fi
exit "$status"
