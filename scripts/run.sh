#!/usr/bin/env bash
# Run TrustPulse locally: migrate, seed the demo data, collect static files, serve.
#
# With DATABASE_URL and REDIS_URL both set: gunicorn + Celery worker + Celery
# beat. Otherwise (embedded mode): Django's runserver and one local Celery
# worker with beat inside it, on SQLite unless DATABASE_URL is set, with
# kombu's filesystem transport (var/broker, or CELERY_BROKER_DIR) as the
# broker, so long work (exports, report PDFs, aggregation) leaves the request
# exactly as in production. Either way Ctrl-C (or SIGTERM) stops everything.
# PORT (default 8000) picks the port; the server listens on 127.0.0.1 only.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$PWD"
if [[ -z "${VIRTUAL_ENV:-}" && -x "$ROOT/.venv/bin/python" ]]; then
    export PATH="$ROOT/.venv/bin:$PATH"
fi

export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-trustpulse.settings.local}"
HOST=127.0.0.1
PORT="${PORT:-8000}"
URL="http://$HOST:$PORT"
# Links, QR codes and emails carry SITE_URL: by default, where this server listens.
export SITE_URL="${SITE_URL:-$URL}"

python manage.py migrate --noinput
python manage.py seed_demo
python manage.py collectstatic --noinput --verbosity 0

banner() {
    echo
    echo "================================================================"
    echo "  TrustPulse is starting on $URL"
    echo "  mode: $1"
    echo "  Ctrl-C stops it."
    echo "================================================================"
    echo
}

# Each process runs in its own process group (set -m), so the terminal's
# Ctrl-C reaches only this script, which then stops every group.
mkdir -p var
pids=()
# Groups stopped whole (runserver: its autoreloader and the server it runs).
group_pids=()

stop_all() {
    trap - INT TERM EXIT
    local pid
    ((${#pids[@]})) || return 0
    echo
    echo "==> stopping the web server and Celery"
    # TERM each leader (gunicorn master, Celery main process) so it shuts its
    # own children down cleanly; a group whose leader is gone gets TERM whole.
    for pid in "${pids[@]}"; do
        kill -TERM "$pid" 2>/dev/null || kill -TERM -- "-$pid" 2>/dev/null || true
    done
    for pid in "${group_pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
    # Give them time for a warm shutdown, then kill every group that is left.
    for _ in $(seq 1 20); do
        local alive=0
        for pid in "${pids[@]}"; do kill -0 -- "-$pid" 2>/dev/null && alive=1; done
        ((alive)) || break
        sleep 0.5
    done
    for pid in "${pids[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
}
trap 'stop_all; exit 130' INT
trap 'stop_all; exit 143' TERM
trap stop_all EXIT

set -m
if [[ -z "${DATABASE_URL:-}" || -z "${REDIS_URL:-}" ]]; then
    # Embedded mode: a local worker takes the tasks from a broker in files.
    export CELERY_BROKER_URL="filesystem://"
    export CELERY_BROKER_DIR="${CELERY_BROKER_DIR:-$ROOT/var/broker}"
    export CELERY_TASK_ALWAYS_EAGER=false
    if [[ -n "${DATABASE_URL:-}" ]]; then db="database from DATABASE_URL"; else db="SQLite (db.sqlite3)"; fi
    banner "development server (runserver) + Celery worker and beat, $db, broker in files ($CELERY_BROKER_DIR)"
    python manage.py runserver "$HOST:$PORT" &
    pids+=("$!")
    group_pids+=("$!")
    # Beat runs inside the worker (-B): one process fewer on a laptop.
    celery -A trustpulse worker -B -l info --concurrency 2 \
        --without-gossip --without-mingle --without-heartbeat \
        -s var/celerybeat-schedule &
    pids+=("$!")
else
    banner "gunicorn + Celery worker + Celery beat (PostgreSQL/Redis from DATABASE_URL/REDIS_URL)"
    gunicorn trustpulse.wsgi:application --config gunicorn.conf.py \
        --bind "$HOST:$PORT" --workers "${WEB_CONCURRENCY:-2}" &
    pids+=("$!")
    celery -A trustpulse worker -l info &
    pids+=("$!")
    celery -A trustpulse beat -l info -s var/celerybeat-schedule &
    pids+=("$!")
fi
set +m

# When any one of them exits, stop the others.
status=0
wait -n || status=$?
echo "==> a process exited (status $status)"
exit "$status"
