#!/usr/bin/env bash
# stop-services.sh: stops what start-services.sh started (S3 first, then PostgreSQL), by saved PIDs
# only, in $KEEPSAKE_SERVICES_DIR (exported by start-services.sh); with KEEPSAKE_SERVICES_WIPE=1
# (a directory start-services.sh made) it then removes that directory.
set -uo pipefail
SERVICE=stop-services
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$HERE/lib.sh"
status=0
"$HERE/stop-s3.sh" || status=1
"$HERE/stop-postgres.sh" || status=1
if [ "${KEEPSAKE_SERVICES_WIPE:-0}" = 1 ] && [ $status = 0 ]; then rm -rf "${KEEPSAKE_SERVICES_DIR:?}"; fi
exit $status
