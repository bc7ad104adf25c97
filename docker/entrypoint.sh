#!/bin/sh
# Container entry point. The web server migrates the database and collects static files before
# it starts; the Celery worker and beat start directly. Every process runs as PID 1 via exec, so
# it receives the stop signal itself (Celery then finishes or re-queues its job).
set -eu

if [ "${1:-}" = "gunicorn" ]; then
    python manage.py migrate --noinput
    python manage.py collectstatic --noinput
fi

exec "$@"
