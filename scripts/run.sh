#!/usr/bin/env bash
# `make run`: the web server, and beside it a Celery worker and the beat scheduler when Redis
# answers; without Redis, background jobs run in-process at once (eager). Says which.
set -euo pipefail
BIN=${BIN:-.venv/bin}
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
# Database 13: not one the tests use (15 and the xdist workers' next ones) nor CI's check (14).
export CELERY_BROKER_URL=${CELERY_BROKER_URL:-${REDIS_URL:-redis://127.0.0.1:6379/13}}
export SITE_URL=${SITE_URL:-http://$HOST:$PORT}

if "$BIN/python" -c "import redis, sys; redis.Redis.from_url(sys.argv[1], socket_timeout=1).ping()" \
    "$CELERY_BROKER_URL" 2>/dev/null; then
    echo "Background jobs: Celery worker and beat on $CELERY_BROKER_URL"
    export CELERY_TASK_ALWAYS_EAGER=0
    beat_dir=$(mktemp -d)
    "$BIN/celery" -A clinic worker --loglevel=INFO --concurrency=1 &
    worker=$!
    "$BIN/celery" -A clinic beat --loglevel=INFO --schedule "$beat_dir/schedule" &
    beat=$!
    trap 'kill "$worker" "$beat" 2>/dev/null; wait "$worker" "$beat" 2>/dev/null; rm -rf "$beat_dir"' EXIT
else
    echo "Background jobs: Redis does not answer at $CELERY_BROKER_URL; running them in-process (eager)"
    echo "  (reminders and digests need the beat scheduler: start Redis and run make run again)"
    unset CELERY_BROKER_URL
    export CELERY_TASK_ALWAYS_EAGER=1
fi
"$BIN/python" manage.py runserver "$HOST:$PORT"
