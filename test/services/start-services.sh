#!/usr/bin/env bash
# start-services.sh: PostgreSQL and a Ceph RADOS Gateway on 127.0.0.1 for the scale-out tests.
#
#   eval "$(test/services/start-services.sh)"   # stdout is only `export …` lines (also in $KEEPSAKE_SERVICES_DIR/env.sh)
#   test/services/stop-services.sh              # stops exactly what this started (reads KEEPSAKE_SERVICES_DIR)
#
# Either service failing stops the other one too. Quiet on success apart from one timing line on
# stderr; KEEPSAKE_SERVICES_VERBOSE=1 shows every step.
set -euo pipefail
SERVICE=start-services
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# A directory of its own unless one is given, so two runs (npm test and npm run load, say) never
# stop each other's services; it is exported below for stop-services.sh, which then removes it.
wipe=0
if [ -z "${KEEPSAKE_SERVICES_DIR:-}" ]; then
  KEEPSAKE_SERVICES_DIR=$(mktemp -d "${TMPDIR:-/tmp}/keepsake-services.XXXXXX")
  chmod 755 "$KEEPSAKE_SERVICES_DIR" # PostgreSQL runs as the postgres user when started as root
  wipe=1
fi
export KEEPSAKE_SERVICES_DIR
. "$HERE/lib.sh"
mkdir -p "$KEEPSAKE_SERVICES_DIR"
started=$SECONDS
# Both at once: each mostly waits on its own daemons.
"$HERE/start-postgres.sh" >"$KEEPSAKE_SERVICES_DIR/postgres.env" &
pg_pid=$!
s3_ok=1; "$HERE/start-s3.sh" >"$KEEPSAKE_SERVICES_DIR/s3.env" || s3_ok=0
pg_ok=1; wait "$pg_pid" || pg_ok=0
if [ $s3_ok = 0 ] || [ $pg_ok = 0 ]; then KEEPSAKE_SERVICES_WIPE=$wipe "$HERE/stop-services.sh"; exit 1; fi
{
  cat "$KEEPSAKE_SERVICES_DIR/postgres.env" "$KEEPSAKE_SERVICES_DIR/s3.env"
  echo "export KEEPSAKE_SERVICES_DIR=$KEEPSAKE_SERVICES_DIR"
  echo "export KEEPSAKE_SERVICES_WIPE=$wipe"
} >"$KEEPSAKE_SERVICES_DIR/env.sh"
say "PostgreSQL and S3 (Ceph RGW) ready in $((SECONDS - started)) s"
cat "$KEEPSAKE_SERVICES_DIR/env.sh"
