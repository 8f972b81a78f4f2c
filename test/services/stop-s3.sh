#!/usr/bin/env bash
# stop-s3.sh: stops the daemons start-s3.sh started, by their saved PIDs only, newest first
# (radosgw, OSD, monitor). A PID is signalled only while its command line names the daemon and its
# environment names this instance's ceph.conf (no PID reuse accidents). S3_WIPE=1 also deletes $S3_DIR.
set -uo pipefail
SERVICE=stop-s3
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$HERE/lib.sh"
S3_DIR=$(realpath -m "${S3_DIR:-$KEEPSAKE_SERVICES_DIR/s3}")
PIDS="$S3_DIR/pids"
[ -f "$PIDS" ] || { log "nothing to stop ($PIDS not found)"; exit 0; }

ours() {  # ours PID NAME: a live ceph daemon of this instance
  local pid=$1 name=$2 cmd
  [ -r "/proc/$pid/cmdline" ] || return 1
  cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline")
  case "$name" in
    mon.a) [[ $cmd == *ceph-mon* ]] ;;
    osd.0) [[ $cmd == *ceph-osd* ]] ;;
    client.rgw.keepsake) [[ $cmd == *radosgw* ]] ;;
    *) return 1 ;;
  esac || return 1
  tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null | grep -qx "CEPH_CONF=$S3_DIR/ceph.conf"
}

tac "$PIDS" | while read -r name pid; do
  [ -n "${pid:-}" ] || continue
  if ours "$pid" "$name"; then stop_pid "$name" "$pid"; else log "$name (pid $pid) not running"; fi
done
mv -f "$PIDS" "$PIDS.stopped"
if [ "${S3_WIPE:-0}" = 1 ]; then rm -rf "${S3_DIR:?}"; log "removed $S3_DIR"; fi
exit 0
