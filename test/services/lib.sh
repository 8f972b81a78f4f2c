# Shared by the service scripts in this folder (sourced, not run).
# KEEPSAKE_SERVICES_DIR holds every service's data, logs, saved PIDs and env file.
KEEPSAKE_SERVICES_DIR=$(realpath -m "${KEEPSAKE_SERVICES_DIR:-${TMPDIR:-/tmp}/keepsake-services}")
case "$KEEPSAKE_SERVICES_DIR" in /|/tmp|/root|"$HOME") echo "services: refusing KEEPSAKE_SERVICES_DIR=$KEEPSAKE_SERVICES_DIR" >&2; exit 1 ;; esac

# log MESSAGE: progress to stderr, only when KEEPSAKE_SERVICES_VERBOSE=1 (quiet on success)
log() { [ "${KEEPSAKE_SERVICES_VERBOSE:-0}" = 1 ] && printf '[%s %4ss] %s\n' "$SERVICE" "$SECONDS" "$*" >&2; return 0; }
# say MESSAGE: always to stderr
say() { printf '[%s %4ss] %s\n' "$SERVICE" "$SECONDS" "$*" >&2; }

# apt_install PACKAGE...: Debian packages, as root or through passwordless sudo; else print what to run.
apt_install() {
  local sudo=() aptlog="$KEEPSAKE_SERVICES_DIR/apt-$SERVICE.log"
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo=(sudo -n); else
      say "missing packages; this needs root. Run this once, then try again:"
      say "  sudo apt-get update && sudo apt-get install -y --no-install-recommends $*"
      return 1
    fi
  fi
  command -v apt-get >/dev/null || { say "apt-get is not available: install $* by hand"; return 1; }
  mkdir -p "$KEEPSAKE_SERVICES_DIR"
  say "installing $* (apt-get; log: $aptlog)"
  if ! { "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
         "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"; } >"$aptlog" 2>&1; then
    tail -n 30 "$aptlog" >&2
    say "apt-get failed"
    return 1
  fi
  say "installed $*"
}

# free_port: a TCP port nobody listens on at 127.0.0.1 (the kernel's pick, released at once)
free_port() {
  node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# port_in_use PORT
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# alive PID: running and not a zombie
alive() {
  local st
  st=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
  [ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}

# stop_pid NAME PID: SIGTERM, then SIGKILL after 10 s
stop_pid() {
  local name=$1 pid=$2
  kill -TERM "$pid" 2>/dev/null
  for _ in $(seq 1 100); do alive "$pid" || break; sleep 0.1; done
  if alive "$pid"; then
    say "$name (pid $pid) ignored SIGTERM, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null
    for _ in $(seq 1 50); do alive "$pid" || break; sleep 0.1; done
  fi
  log "stopped $name (pid $pid)"
}
