#!/usr/bin/env bash
# A local PostgreSQL server for `make serve` and the load benchmark, run from the image's own binaries
# (/usr/lib/postgresql/<version>/bin) with its data under var/postgres. Idempotent: a second call reuses the running
# server. It listens on 127.0.0.1 and a unix socket only, with trust authentication, so it is for this machine only.
#
#   bash scripts/local-postgres.sh          start (or reuse) the server, create database vendoreval, print DATABASE_URL
#   bash scripts/local-postgres.sh stop     stop the server (the data stays in var/postgres)
#   bash scripts/local-postgres.sh status   say whether it runs
#
# Only the DATABASE_URL goes to stdout (so `DATABASE_URL=$(bash scripts/local-postgres.sh)` works); messages go to
# stderr. PG_PORT (default 54330) and VENDOREVAL_VAR_DIR (default var/) change where it runs; PG_DATABASE (default
# vendoreval) names the database to create (the load benchmark keeps its own, vendoreval_load).
set -euo pipefail
cd "$(dirname "$0")/.."

PG_PORT=${PG_PORT:-54330}
VAR_DIR=${VENDOREVAL_VAR_DIR:-$PWD/var}
PG_HOME="$VAR_DIR/postgres"
PG_DATA="$PG_HOME/data"
PG_LOG="$PG_HOME/server.log"
DB_NAME=${PG_DATABASE:-vendoreval}
DB_USER=vendoreval

PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$PG_BIN" ] || [ ! -x "$PG_BIN/initdb" ]; then
  echo "No PostgreSQL server binaries in /usr/lib/postgresql/*/bin. Install them (apt-get install postgresql)" \
       "or set DATABASE_URL to an existing server." >&2
  exit 1
fi

say() { echo "local-postgres: $*" >&2; }
# PostgreSQL refuses to run as root: as root, run its tools as the postgres system user.
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
running() { [ -f "$PG_DATA/PG_VERSION" ] && as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; }

case "${1:-start}" in
  stop)
    if running; then
      as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null
      say "stopped"
    else
      say "not running"
    fi
    exit 0
    ;;
  status)
    if running; then say "running on 127.0.0.1:$PG_PORT ($PG_DATA)"; else say "not running"; exit 3; fi
    exit 0
    ;;
  start) ;;
  *)
    echo "usage: $0 [start|stop|status]" >&2
    exit 2
    ;;
esac

mkdir -p "$PG_HOME"
if [ "$(id -u)" -eq 0 ]; then
  chown postgres "$PG_HOME"
  [ -d "$PG_DATA" ] && chown -R postgres "$PG_DATA"
  # The postgres user must be able to reach var/postgres through the checkout's directories.
  if ! runuser -u postgres -- test -x "$PG_HOME"; then
    say "the postgres user cannot reach $PG_HOME; make its parent directories traversable (chmod o+x)"
    exit 1
  fi
fi

if [ ! -f "$PG_DATA/PG_VERSION" ]; then
  say "initdb in $PG_DATA ($("$PG_BIN/postgres" --version))"
  as_pg "$PG_BIN/initdb" -D "$PG_DATA" -U "$DB_USER" --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
fi

if running; then
  say "reusing the server already running from $PG_DATA"
else
  # Loopback and a socket in var/postgres only; the rest are PostgreSQL's defaults (fsync on: this is a
  # production-like server, not a throw-away test one).
  as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t 60 \
    -o "-p $PG_PORT -k $PG_HOME -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null
  say "started on 127.0.0.1:$PG_PORT (log: $PG_LOG)"
fi

psql_q() { as_pg "$PG_BIN/psql" -h "$PG_HOME" -p "$PG_PORT" -U "$DB_USER" -d postgres -tAq "$@"; }
case "$DB_NAME" in *[!a-z0-9_]*|"") echo "PG_DATABASE must be lower-case letters, digits and _" >&2; exit 2 ;; esac
if [ "$(psql_q -c "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'")" != "1" ]; then
  as_pg "$PG_BIN/createdb" -h "$PG_HOME" -p "$PG_PORT" -U "$DB_USER" "$DB_NAME"
  say "created database $DB_NAME"
fi

echo "postgres://$DB_USER@127.0.0.1:$PG_PORT/$DB_NAME"
