#!/usr/bin/env bash
# stop-postgres.sh: stops the server start-postgres.sh started, by its saved PID only (SIGTERM is
# PostgreSQL's "smart" shutdown; SIGKILL after 10 s). The PID is signalled only while its command
# line is a postgres server on this instance's data directory. PG_WIPE=1 also deletes $PG_DIR.
set -uo pipefail
SERVICE=stop-postgres
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$HERE/lib.sh"
PG_DIR=$(realpath -m "${PG_DIR:-$KEEPSAKE_SERVICES_DIR/postgres}")
PIDS="$PG_DIR/pids"
[ -f "$PIDS" ] || { log "nothing to stop ($PIDS not found)"; exit 0; }

while read -r name pid; do
  [ -n "${pid:-}" ] || continue
  cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null || true)
  if [[ $cmd == *postgres*"-D $PG_DIR/data"* ]]; then
    # SIGINT: "fast" shutdown (ends client connections instead of waiting for them)
    kill -INT "$pid" 2>/dev/null
    for _ in $(seq 1 100); do alive "$pid" || break; sleep 0.1; done
    alive "$pid" && stop_pid "$name" "$pid"
    log "stopped $name (pid $pid)"
  else
    log "$name (pid $pid) not running"
  fi
done <"$PIDS"
mv -f "$PIDS" "$PIDS.stopped"
if [ "${PG_WIPE:-0}" = 1 ]; then rm -rf "${PG_DIR:?}"; log "removed $PG_DIR"; fi
exit 0
