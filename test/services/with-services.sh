#!/usr/bin/env bash
# with-services.sh COMMAND…: runs COMMAND with PostgreSQL and S3 started (their variables exported)
# and stops them afterwards, whether COMMAND passes, fails or is interrupted. Exits with COMMAND's status.
#
#   test/services/with-services.sh npx vitest run test/server
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
[ $# -gt 0 ] || { echo "usage: $0 COMMAND…" >&2; exit 2; }
# start-services.sh stops what it started if it fails; from then on, the trap does.
env_lines=$("$HERE/start-services.sh")
eval "$env_lines"
trap '"$HERE/stop-services.sh"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
"$@"
