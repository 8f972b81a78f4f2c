#!/usr/bin/env bash
# start-postgres.sh: a throwaway PostgreSQL server on 127.0.0.1 for tests.
#
#   eval "$(test/services/start-postgres.sh)"   # stdout is only `export …` lines (also in $PG_DIR/env.sh)
#   test/services/stop-postgres.sh              # stops exactly the server started here (saved PID)
#
# Debian's postgresql package, installed if missing. initdb in $PG_DIR (wiped on every start),
# trust authentication on 127.0.0.1 only (no Unix socket outside $PG_DIR), fsync off (test data
# only), a free port the kernel picks unless PG_PORT is set. PostgreSQL refuses to run as root:
# as root it runs as the `postgres` user the package creates. Quiet on success
# (KEEPSAKE_SERVICES_VERBOSE=1 shows progress); on failure, the log tail and a stop of what started.
set -euo pipefail
SERVICE=start-postgres
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$HERE/lib.sh"
PG_DIR=$(realpath -m "${PG_DIR:-$KEEPSAKE_SERVICES_DIR/postgres}")
PG_USER=keepsake
PG_DATABASE=keepsake
case "$PG_DIR" in /|/tmp|/root|"$HOME") echo "start-postgres: refusing PG_DIR=$PG_DIR" >&2; exit 1 ;; esac

die() {
  say "ERROR: $*"
  [ -s "$PG_DIR/server.log" ] && { echo "--- tail $PG_DIR/server.log" >&2; tail -n 20 "$PG_DIR/server.log" >&2; }
  [ -f "$PG_DIR/pids" ] && PG_DIR="$PG_DIR" "$HERE/stop-postgres.sh" >&2
  exit 1
}

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
if [ -z "$(pg_bin)" ] || [ ! -x "$(pg_bin)/initdb" ]; then apt_install postgresql || exit 1; fi
BIN=$(pg_bin)
[ -x "$BIN/initdb" ] || die "no initdb under /usr/lib/postgresql/*/bin after installing postgresql"
command -v psql >/dev/null || die "psql is missing (package postgresql-client)"

# As root, the server runs as the package's postgres user; otherwise as whoever runs this.
as_owner=()
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || die "running as root needs the 'postgres' user (created by the postgresql package)"
  as_owner=(runuser -u postgres --)
fi

if [ -f "$PG_DIR/pids" ]; then log "stopping the previous instance in $PG_DIR"; PG_DIR="$PG_DIR" "$HERE/stop-postgres.sh" >&2 || true; fi
rm -rf "${PG_DIR:?}"
mkdir -p "$PG_DIR"
[ ${#as_owner[@]} -eq 0 ] || chown postgres: "$PG_DIR"
# the postgres user must be able to reach $PG_DIR through its parents
[ ${#as_owner[@]} -eq 0 ] || "${as_owner[@]}" test -x "$PG_DIR" || die "the postgres user cannot enter $PG_DIR (set KEEPSAKE_SERVICES_DIR to a directory it can reach)"
PG_PORT=${PG_PORT:-$(free_port)}
port_in_use "$PG_PORT" && die "127.0.0.1:$PG_PORT is already in use"

log "initdb ($BIN)"
"${as_owner[@]}" "$BIN/initdb" -D "$PG_DIR/data" -U "$PG_USER" --auth=trust --encoding=UTF8 --locale=C.UTF-8 \
  >"$PG_DIR/initdb.log" 2>&1 || { tail -n 20 "$PG_DIR/initdb.log" >&2; die "initdb failed"; }
cat >>"$PG_DIR/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$PG_DIR'
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 128MB
CONF
cat >"$PG_DIR/data/pg_hba.conf" <<HBA
local all all trust
host all all 127.0.0.1/32 trust
HBA

log "start on 127.0.0.1:$PG_PORT"
"${as_owner[@]}" "$BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 start >/dev/null 2>"$PG_DIR/pg_ctl.err" ||
  { cat "$PG_DIR/pg_ctl.err" >&2; die "pg_ctl start failed"; }
PID=$(head -n 1 "$PG_DIR/data/postmaster.pid" 2>/dev/null) || die "no postmaster.pid"
echo "postgres $PID" >"$PG_DIR/pids"
timeout 30 psql -q -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" -d postgres -v ON_ERROR_STOP=1 \
  -c "CREATE DATABASE $PG_DATABASE" >/dev/null 2>"$PG_DIR/psql.err" ||
  { cat "$PG_DIR/psql.err" >&2; die "CREATE DATABASE failed"; }

# Not DATABASE_URL: every server a test starts would pick that up. Tests make a database each from this one.
cat >"$PG_DIR/env.sh" <<ENV
export KEEPSAKE_TEST_DATABASE_URL=postgres://$PG_USER@127.0.0.1:$PG_PORT/$PG_DATABASE
export KEEPSAKE_TEST_PG=1
ENV
log "ready: 127.0.0.1:$PG_PORT (pid $PID)"
cat "$PG_DIR/env.sh"
