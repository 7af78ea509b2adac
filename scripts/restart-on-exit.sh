#!/usr/bin/env bash
# Keep a process running: start COMMAND, and start it again whenever it exits, until this script is told to stop.
#
#   bash scripts/restart-on-exit.sh NAME COMMAND [ARGS...]
#
# SIGTERM or SIGINT to this script is passed on to COMMAND as one SIGTERM (the report worker then finishes the report
# it is rendering), and the script exits when COMMAND has. A COMMAND that keeps exiting soon after it started is
# restarted after a growing pause (RESTART_DELAY seconds, default 1, doubling up to 30), so a broken configuration
# does not spin. `make serve` runs the report worker(s) under it; in production systemd's Restart=always does this.
set -uo pipefail

name=$1
shift
delay=${RESTART_DELAY:-1}
max_delay=30
child=0
stopping=0

stop() {
  stopping=1
  if [ "$child" -gt 0 ]; then kill -TERM "$child" 2>/dev/null || true; fi
}
trap stop TERM INT

while [ "$stopping" -eq 0 ]; do
  started=$SECONDS
  "$@" &
  child=$!
  wait "$child"
  status=$?
  # `wait` returns early when a signal arrives (status > 128): wait again until the command itself has ended.
  while kill -0 "$child" 2>/dev/null; do wait "$child"; status=$?; done
  child=0
  [ "$stopping" -eq 1 ] && break
  if [ $((SECONDS - started)) -ge 60 ]; then delay=${RESTART_DELAY:-1}; fi
  echo "serve: $name exited (status $status); starting it again in ${delay}s" >&2
  sleep "$delay" &
  wait $! 2>/dev/null
  delay=$(awk -v d="$delay" -v m="$max_delay" 'BEGIN { d = d * 2; print (d > m ? m : d) }')
done
exit 0
