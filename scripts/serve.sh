#!/usr/bin/env bash
# `make serve`: VendorEval as it runs in production, on this machine. gunicorn with several workers, static files
# through whitenoise (compressed, cache-busted names), PostgreSQL, DEBUG off, and the report worker (django-tasks'
# database worker) that generates reports in the background, started again whenever it exits. Ctrl-C (or SIGTERM)
# stops the web server and the worker together.
#
# Environment (all optional):
#   DATABASE_URL      PostgreSQL to use; unset: a local server from scripts/local-postgres.sh (var/postgres,
#                     127.0.0.1:54330), stopped again on exit if this script started it
#   SECRET_KEY        unset: generated once and kept in var/secret_key
#   HOST, PORT        where gunicorn listens (default 127.0.0.1:8001)
#   ALLOWED_HOSTS     default 127.0.0.1,localhost
#   WEB_WORKERS       gunicorn worker processes (default 2 x cores + 1)
#   WEB_THREADS       threads per gunicorn worker (default 1: the sync worker)
#   ACCESS_LOG        gunicorn access log: "-" for the terminal (default) or a file path
#   TASK_WORKERS      report_worker processes (default 1), each restarted when it exits
#   TASK_NICE         CPU niceness of the report worker(s) (default 10: web requests first)
#   LOAD_CATALOG      1: load data/ even when a catalog is already in the database (it replaces admin edits)
#
# Plain HTTP on loopback: SECURE_SSL_REDIRECT is off here because there is no TLS proxy in front. On a real server,
# put a TLS reverse proxy in front and set BEHIND_TLS_PROXY=1 (see docs/deployment.md).
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PY:-.venv/bin/python}
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8001}
mkdir -p var
case "$HOST" in
  127.*|localhost|::1) ;;
  *) echo "serve: warning: HOST=$HOST serves plain HTTP beyond loopback; browsers will not send the Secure session" \
          "cookie there. Put a TLS proxy in front instead (docs/deployment.md)." >&2 ;;
esac

started_pg=0
if [ -z "${DATABASE_URL:-}" ]; then
  bash scripts/local-postgres.sh status >/dev/null 2>&1 || started_pg=1
  DATABASE_URL=$(bash scripts/local-postgres.sh)
fi
export DATABASE_URL

key_hint='SECRET_KEY=<the same key>'
if [ -z "${SECRET_KEY:-}" ]; then
  key_hint='SECRET_KEY="$(cat var/secret_key)"'
  if [ ! -s var/secret_key ]; then
    (umask 077; "$PY" -c "import secrets; print(secrets.token_urlsafe(50))" > var/secret_key)
    echo "serve: generated a secret key in var/secret_key (kept for the next runs)"
  fi
  SECRET_KEY=$(cat var/secret_key)
fi
export SECRET_KEY
export DEBUG=0
export ALLOWED_HOSTS=${ALLOWED_HOSTS:-127.0.0.1,localhost}
export SECURE_SSL_REDIRECT=${SECURE_SSL_REDIRECT:-0}
# Parallelism comes from the worker processes: numpy's BLAS must not start a thread pool in each of them as well
# (with several workers those threads only compete for the same cores).
export OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1} OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}

# GNU nproc answers OMP_NUM_THREADS (set to 1 just above) when it is set: count the cores without it.
cores=$(env -u OMP_NUM_THREADS -u OMP_THREAD_LIMIT nproc 2>/dev/null || echo 2)
WEB_WORKERS=${WEB_WORKERS:-$((2 * cores + 1))}
WEB_THREADS=${WEB_THREADS:-1}
ACCESS_LOG=${ACCESS_LOG:--}
TASK_WORKERS=${TASK_WORKERS:-1}
# Rendering a PDF takes a core for seconds. On a machine shared with the web workers, the report worker runs at a lower
# CPU priority, so questionnaire saves and pages stay fast while reports render (they just take longer when busy).
TASK_NICE=${TASK_NICE:-10}
# gunicorn's default access log line, with the path instead of the whole request line (no query string: it may carry
# an invitation's token or a search), plus the time the request took in the worker (ms).
ACCESS_LOG_FORMAT='%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms'

# gunicorn and the worker run in their own sessions (setsid), so a Ctrl-C reaches only this script, which then stops
# each of them with exactly one SIGTERM: gunicorn finishes the requests in flight, the worker finishes the report it is
# rendering (a second signal would abort it). Each worker runs under scripts/restart-on-exit.sh, which starts it again
# when it exits (a crash, the database gone for good) and passes the SIGTERM on.
pids=()
stop_all() {
  trap - INT TERM EXIT
  if [ ${#pids[@]} -gt 0 ]; then
    echo "serve: stopping gunicorn and the report worker"
    kill -TERM "${pids[@]}" 2>/dev/null || true
    wait "${pids[@]}" 2>/dev/null || true
  fi
  if [ "$started_pg" -eq 1 ]; then
    bash scripts/local-postgres.sh stop || true
  fi
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "serve: migrate"
"$PY" manage.py migrate --no-input
if [ "${LOAD_CATALOG:-0}" = "1" ] || [ "$("$PY" manage.py shell --no-imports -c \
     'from vendoreval.checklist.selectors import current_checklist; print(current_checklist() is None)')" = "True" ]; then
  echo "serve: load_catalog"
  "$PY" manage.py load_catalog
else
  echo "serve: a catalog is already loaded (LOAD_CATALOG=1 reloads data/, replacing edits made in the admin)"
fi
echo "serve: collectstatic"
"$PY" manage.py collectstatic --no-input -v 0

echo "serve: $TASK_WORKERS report worker(s) (manage.py report_worker, nice $TASK_NICE, restarted when they exit)"
for _ in $(seq "$TASK_WORKERS"); do
  setsid bash scripts/restart-on-exit.sh "report worker" nice -n "$TASK_NICE" "$PY" manage.py report_worker &
  pids+=($!)
done

echo "serve: gunicorn, $WEB_WORKERS worker(s) x $WEB_THREADS thread(s) on $HOST:$PORT"
setsid "$PY" -m gunicorn vendoreval.wsgi:application \
  --bind "$HOST:$PORT" --workers "$WEB_WORKERS" --threads "$WEB_THREADS" \
  --access-logfile "$ACCESS_LOG" --access-logformat "$ACCESS_LOG_FORMAT" --error-logfile - \
  --max-requests 2000 --max-requests-jitter 200 --graceful-timeout 20 --no-control-socket &
pids+=($!)

cat <<EOF

  VendorEval (DEBUG off, PostgreSQL) is starting on http://$HOST:$PORT/
  Plain HTTP on loopback only (SECURE_SSL_REDIRECT=0); in production put a TLS proxy in front (docs/deployment.md).
  There is no demo account with DEBUG off. Create a user first, in another terminal:
      DATABASE_URL=$DATABASE_URL $key_hint DEBUG=0 $PY manage.py createsuperuser
  Health check: http://$HOST:$PORT/health/      Stop: Ctrl-C

EOF

# gunicorn ending (or Ctrl-C) ends the stack: the EXIT trap stops the report workers. (The workers do not end by
# themselves: restart-on-exit.sh starts them again.)
set +e
wait -n "${pids[@]}"
status=$?
set -e
echo "serve: a process exited (status $status); stopping the rest"
exit "$status"
