#!/usr/bin/env bash
# stop-services.sh: stops what start-services.sh started (S3 first, then PostgreSQL), by saved PIDs only.
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
status=0
"$HERE/stop-s3.sh" || status=1
"$HERE/stop-postgres.sh" || status=1
exit $status
