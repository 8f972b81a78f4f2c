#!/usr/bin/env bash
# start-s3.sh: a throwaway single-node Ceph RADOS Gateway (a real S3 server) on 127.0.0.1 for tests.
#
#   eval "$(test/services/start-s3.sh)"   # stdout is only `export …` lines (also in $S3_DIR/env.sh):
#                                         # AWS_* for the SDK, KEEPSAKE_TEST_S3_BUCKET, KEEPSAKE_TEST_S3=1
#   test/services/stop-s3.sh              # stops exactly the daemons started here (saved PIDs)
#
# Debian 12's ceph-mon, ceph-osd, radosgw and ceph-common (Ceph 16), installed if missing. One
# monitor (msgr2 only, no cephx), one OSD on memstore (objects in RAM, capped at S3_CAPACITY),
# radosgw with the beast frontend, no ceph-mgr. Everything lives in $S3_DIR, wiped on every start.
# Ports are free ones the kernel picks unless S3_PORT / S3_MON_PORT are set. Quiet on success
# (KEEPSAKE_SERVICES_VERBOSE=1 shows progress); on failure, log tails and a stop of what started.
set -euo pipefail
SERVICE=start-s3
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$HERE/lib.sh"
S3_DIR=$(realpath -m "${S3_DIR:-$KEEPSAKE_SERVICES_DIR/s3}")
S3_CAPACITY=${S3_CAPACITY:-4294967296}
S3_REGION=${S3_REGION:-us-east-1}
S3_BUCKET=${KEEPSAKE_TEST_S3_BUCKET:-keepsake-test}
case "$S3_DIR" in /|/tmp|/root|"$HOME") echo "start-s3: refusing S3_DIR=$S3_DIR" >&2; exit 1 ;; esac

die() {
  say "ERROR: $*"
  for f in start.err mon.a.log osd.0.log client.rgw.keepsake.log; do
    [ -s "$S3_DIR/log/$f" ] && { echo "--- tail $S3_DIR/log/$f" >&2; tail -n 15 "$S3_DIR/log/$f" >&2; }
  done
  [ -f "$S3_DIR/pids" ] && S3_DIR="$S3_DIR" "$HERE/stop-s3.sh" >&2
  exit 1
}

# --- packages, only if missing ----------------------------------------------------------
need=()
for b in ceph-mon:ceph-mon ceph-osd:ceph-osd radosgw:radosgw ceph:ceph-common monmaptool:ceph-base uuidgen:uuid-runtime curl:curl; do
  command -v "${b%%:*}" >/dev/null 2>&1 || need+=("${b#*:}")
done
[ ${#need[@]} -eq 0 ] || apt_install "${need[@]}" || exit 1

# --- a fresh directory and ceph.conf ----------------------------------------------------
if [ -f "$S3_DIR/pids" ]; then log "stopping the previous instance in $S3_DIR"; S3_DIR="$S3_DIR" "$HERE/stop-s3.sh" >&2 || true; fi
rm -rf "${S3_DIR:?}"
mkdir -p "$S3_DIR"/{log,run,mon.a,osd.0,rgw}
S3_PORT=${S3_PORT:-$(free_port)}
S3_MON_PORT=${S3_MON_PORT:-$(free_port)}
for p in "$S3_PORT" "$S3_MON_PORT"; do port_in_use "$p" && die "127.0.0.1:$p is already in use"; done
export CEPH_CONF="$S3_DIR/ceph.conf"   # the daemons, the ceph CLI and radosgw-admin all read it
FSID=$(uuidgen)
cat >"$CEPH_CONF" <<CONF
[global]
fsid = $FSID
mon host = v2:127.0.0.1:$S3_MON_PORT
public addr = 127.0.0.1
cluster addr = 127.0.0.1
ms bind msgr1 = false
auth cluster required = none
auth service required = none
auth client required = none
ms mon client mode = crc
run dir = $S3_DIR/run
pid file = $S3_DIR/run/\$name.pid
admin socket = $S3_DIR/run/\$name.asok
log file = $S3_DIR/log/\$name.log
crash dir = $S3_DIR/crash
chdir = ""
mon cluster log file = $S3_DIR/log/cluster.log
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon allow pool size one = true
mon allow pool delete = true
mon warn on pool no redundancy = false
mon data avail crit = 0
mon data avail warn = 0

[mon]
mon data = $S3_DIR/\$name
# one monitor: commit map changes at once instead of batching them for 1 s (RGW creates 7 pools)
paxos propose interval = 0.01
paxos min wait = 0.01

[osd]
osd data = $S3_DIR/\$name
osd objectstore = memstore
memstore device bytes = $S3_CAPACITY
osd memory target = 1073741824
osd class load list = *
osd class default list = *

[client.rgw.keepsake]
# tcp_nodelay: without it many small answers wait ~40 ms (Nagle + delayed ACK)
rgw frontends = beast endpoint=127.0.0.1:$S3_PORT tcp_nodelay=1
rgw data = $S3_DIR/rgw
rgw thread pool size = 64
# free the data of deleted objects after 10 s instead of 2 h (memstore holds it in RAM until then)
rgw gc obj min wait = 10
rgw gc processor period = 10
CONF

CEPH="timeout 30 ceph --connect-timeout 20"
start_daemon() {  # start_daemon NAME CMD…: a daemonizing start; the PID comes from its pid file
  local name=$1; shift
  "$@" 2>>"$S3_DIR/log/start.err" || die "$name failed to start"
  for _ in $(seq 1 100); do [ -s "$S3_DIR/run/$name.pid" ] && break; sleep 0.1; done
  [ -s "$S3_DIR/run/$name.pid" ] || die "$name wrote no pid file"
  echo "$name $(cat "$S3_DIR/run/$name.pid")" >>"$S3_DIR/pids"
}
wait_for() {  # wait_for NAME SECONDS CMD…: until CMD succeeds; fails early if NAME died
  local name=$1 secs=$2 pid; shift 2
  pid=$(awk -v n="$name" '$1==n {print $2}' "$S3_DIR/pids")
  for _ in $(seq 1 $((secs * 4))); do
    "$@" >/dev/null 2>&1 && return 0
    alive "$pid" || die "$name (pid $pid) exited"
    sleep 0.25
  done
  die "timed out after ${secs}s waiting for $name"
}

log "mon: 127.0.0.1:$S3_MON_PORT"
monmaptool --create --fsid "$FSID" --addv a "[v2:127.0.0.1:$S3_MON_PORT]" "$S3_DIR/monmap" >/dev/null 2>>"$S3_DIR/log/start.err" || die "monmaptool failed"
ceph-mon -i a --mkfs --monmap "$S3_DIR/monmap" --keyring /dev/null 2>>"$S3_DIR/log/start.err" || die "ceph-mon --mkfs failed"
start_daemon mon.a ceph-mon -i a
wait_for mon.a 30 $CEPH mon stat

log "osd: memstore, $((S3_CAPACITY >> 20)) MiB"
OSD_UUID=$(uuidgen)
OSD_ID=$($CEPH osd new "$OSD_UUID" 2>>"$S3_DIR/log/start.err") || die "ceph osd new failed"
[ "$OSD_ID" = 0 ] || die "unexpected osd id '$OSD_ID'"
ceph-osd -i 0 --mkfs --osd-uuid "$OSD_UUID" >/dev/null 2>>"$S3_DIR/log/start.err" || die "ceph-osd --mkfs failed"
$CEPH osd crush add osd.0 1 root=default >/dev/null 2>>"$S3_DIR/log/start.err" || die "crush add failed"
start_daemon osd.0 ceph-osd -i 0
osd_up() { $CEPH osd dump | grep -q '^osd.0 up'; }
wait_for osd.0 60 osd_up

log "rgw: 127.0.0.1:$S3_PORT"
start_daemon client.rgw.keepsake radosgw -n client.rgw.keepsake
wait_for client.rgw.keepsake 120 curl -fsS -o /dev/null "http://127.0.0.1:$S3_PORT/"

rand() { head -c 1024 /dev/urandom | LC_ALL=C tr -dc "$1" | cut -c "1-$2"; }
ACCESS_KEY=$(rand 'A-Z0-9' 20)
SECRET_KEY=$(rand 'A-Za-z0-9' 40)
timeout 60 radosgw-admin user create --uid=keepsake --display-name="Keepsake tests" \
  --access-key="$ACCESS_KEY" --secret-key="$SECRET_KEY" >/dev/null 2>>"$S3_DIR/log/start.err" || die "radosgw-admin user create failed"

# Not S3_BUCKET or STORAGE: every server a test starts would pick those up; tests set them per server.
# AWS_*_CHECKSUM_*: RGW 16 refuses the aws-chunked trailing checksums that @aws-sdk/client-s3
# sends by default for streamed bodies (411 MissingContentLength).
cat >"$S3_DIR/env.sh" <<ENV
export AWS_ENDPOINT_URL=http://127.0.0.1:$S3_PORT
export AWS_ACCESS_KEY_ID=$ACCESS_KEY
export AWS_SECRET_ACCESS_KEY=$SECRET_KEY
export AWS_REGION=$S3_REGION
export AWS_REQUEST_CHECKSUM_CALCULATION=WHEN_REQUIRED
export AWS_RESPONSE_CHECKSUM_VALIDATION=WHEN_REQUIRED
export KEEPSAKE_TEST_S3_BUCKET=$S3_BUCKET
export KEEPSAKE_TEST_S3=1
ENV
log "ready: http://127.0.0.1:$S3_PORT ($(awk '{printf "%s=%s ", $1, $2}' "$S3_DIR/pids"))"
cat "$S3_DIR/env.sh"
