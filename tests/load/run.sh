#!/usr/bin/env bash
# Load test, not part of CI: the production settings served by gunicorn on
# 127.0.0.1 only, a synthetic corpus, then locust with USERS concurrent
# visitors for DURATION (downloads, ranges and searches in the mix).
#   bash tests/load/run.sh                    # 50 users, 60 s, SQLite
#   LOAD_DATABASE_URL=postgres://postgres@127.0.0.1:5432/osce_load bash tests/load/run.sh
# Prints locust's summary; exits non-zero if any request failed.
set -euo pipefail
cd "$(dirname "$0")/../.."
USERS="${USERS:-50}"
DURATION="${DURATION:-60s}"
PORT="${PORT:-8765}"
DOCUMENTS="${DOCUMENTS:-2000}"
WORKERS="${WORKERS:-4}"
work="$(mktemp -d)"

bash .ci/install requirements.txt
.venv/bin/python -m pip install -q -r tests/load/requirements.txt

export DJANGO_ENV=production ALLOWED_HOSTS=127.0.0.1 LOG_LEVEL=WARNING
export SECRET_KEY="$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(50))')"
export DATABASE_URL="${LOAD_DATABASE_URL:-sqlite:///${work}/load.sqlite3}"
export MEDIA_ROOT="${work}/media" STATIC_ROOT="${work}/static"

.venv/bin/python manage.py migrate --no-input -v0
.venv/bin/python manage.py seed_demo --clear --documents "$DOCUMENTS"
.venv/bin/python manage.py collectstatic --no-input -v0

.venv/bin/gunicorn osce_docs.wsgi --bind "127.0.0.1:${PORT}" --workers "$WORKERS" --timeout 60 \
  --forwarded-allow-ips 127.0.0.1 --pid "${work}/gunicorn.pid" >"${work}/gunicorn.log" 2>&1 &
gunicorn_pid=$!
trap 'kill "$gunicorn_pid" 2>/dev/null || true; wait "$gunicorn_pid" 2>/dev/null || true' EXIT
for _ in $(seq 50); do
  curl -fsS -o /dev/null "http://127.0.0.1:${PORT}/healthz" && break
  sleep 0.2
done

.venv/bin/locust -f tests/load/locustfile.py --headless --users "$USERS" --spawn-rate 10 \
  --run-time "$DURATION" --stop-timeout 10 --host "http://127.0.0.1:${PORT}" --only-summary \
  --csv "${work}/locust"
echo "CSV results and the gunicorn log are in ${work}"
