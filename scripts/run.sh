#!/usr/bin/env bash
# `make run`: the app on embedded defaults (SQLite + filesystem broker), a
# Celery worker with embedded beat, demo data on first run. Ctrl-C stops all.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
PORT=${PORT:-8000}
if ! [[ "$PORT" =~ ^[0-9]+$ ]] || ((PORT < 1 || PORT > 65535)); then
  echo "PORT must be a port number from 1 to 65535, not '$PORT'." >&2
  exit 2
fi
URL="http://127.0.0.1:${PORT}/"

$PY manage.py migrate --noinput
$PY manage.py seed_demo --if-empty --url "$URL"

# Stop the worker and the web server with this script, however it ends.
trap 'trap - INT TERM EXIT; kill 0 2>/dev/null; wait' INT TERM EXIT

.venv/bin/celery -A leanops worker --beat --loglevel INFO --concurrency 2 \
  --without-mingle --without-gossip &
$PY manage.py runserver "127.0.0.1:${PORT}" &

sleep 3
cat <<BANNER

  LeanOps is running at ${URL}
  Demo logins: vsm, coordinator, leader, member, marcom (and admin, a superuser)
  Password:    $(sed -n 's/^DEMO_PASSWORD = "\(.*\)"$/\1/p' leanops/management/commands/seed_demo.py)
  Press Ctrl-C to stop the web server and the worker.

BANNER
wait -n
