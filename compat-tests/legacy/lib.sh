# lib.sh -- sourced by the legacy test scripts.
#
# A script runs as `bash SCRIPT BIN_DIR` (BIN_DIR holds CmNameServer and the
# legacy_* programs).  It gets a private CmNameServer on a free port
# (CM_NAMESERVER exported for every program it starts), helpers to run
# programs in the background or foreground, each bounded in time, and a trap
# that stops everything it started.  A failed step is reported and the script
# goes on; `finish` exits non-zero if any step failed.
set -euo pipefail

BIN=${1:?usage: bash $0 BIN_DIR}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/cm-legacy.XXXXXX")
FAILED=0
PIDS=()
declare -A PID_OF

# A site's domain settings must not leak into the test.
unset CMDOMAIN CMDOMAIN_DATABASE CMMGR CMROOT CM_HOST

# TERM everything we started, KILL what is left after 3 s.
stop_all() {
  local killer
  if [ "${#PIDS[@]}" -gt 0 ]; then
    kill -TERM "${PIDS[@]}" 2>/dev/null || true
    (sleep 3; kill -KILL "${PIDS[@]}" 2>/dev/null) >/dev/null 2>&1 &
    killer=$!
    wait "${PIDS[@]}" 2>/dev/null || true
    kill "$killer" 2>/dev/null || true
  fi
  if [ -s "$WORK/nameserver.log" ]; then
    echo "---- name server log"
    sed 's/^/  | /' "$WORK/nameserver.log"
  fi
  rm -rf "$WORK"
}
trap stop_all EXIT

fail() {
  echo "FAIL $*"
  FAILED=1
}

# A TCP port nobody listens on, below the kernel's ephemeral range.
free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 12000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return
    fi
  done
}

# Start CmNameServer on a free port and export CM_NAMESERVER; retried on
# another port if it does not come up (the port was taken meanwhile).
start_nameserver() {
  local try port i
  for try in 1 2 3; do
    port=$(free_port)
    "$BIN/CmNameServer" --port "$port" >"$WORK/nameserver.log" 2>&1 &
    NS_PID=$!
    PIDS+=("$NS_PID")
    for i in $(seq 100); do
      kill -0 "$NS_PID" 2>/dev/null || break
      if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        export CM_NAMESERVER="tcp://127.0.0.1:$port"
        echo "---- CmNameServer (pid $NS_PID) on port $port"
        return 0
      fi
      sleep 0.1
    done
    kill -KILL "$NS_PID" 2>/dev/null || true
  done
  echo "FAIL CmNameServer did not start (its log follows)"
  exit 1
}

# start NAME COMMAND...: run in the background (at most 90 s), output to a log.
start() {
  local name=$1
  shift
  echo "---- start $name: ${*#$BIN/}"
  timeout 90 "$@" >"$WORK/$name.log" 2>&1 &
  PID_OF[$name]=$!
  PIDS+=($!)
}

# wait_ready NAME: wait (at most 10 s) until it prints "READY NAME PID".
# Sets READY_PID to the program's own pid.
wait_ready() {
  local i line
  for i in $(seq 100); do
    line=$(grep -m1 '^READY' "$WORK/$1.log" 2>/dev/null || true)
    if [ -n "$line" ]; then
      READY_PID=${line##* }
      return 0
    fi
    kill -0 "${PID_OF[$1]}" 2>/dev/null || break
    sleep 0.1
  done
  fail "$1 did not print READY"
  show "$1"
  return 1
}

show() {
  echo "---- output of $1"
  sed 's/^/  | /' "$WORK/$1.log"
}

# expect_exit NAME [STATUS]: wait for a background program; check its status.
expect_exit() {
  local rc=0
  wait "${PID_OF[$1]}" || rc=$?
  show "$1"
  [ "$rc" -eq "${2:-0}" ] || fail "$1 exited with status $rc, expected ${2:-0}"
}

# step NAME COMMAND...: run in the foreground (at most 60 s); must exit 0.
step() {
  local name=$1 rc=0
  shift
  echo "---- run $name: ${*#$BIN/}"
  timeout 60 "$@" 2>&1 | sed 's/^/  | /' || rc=$?
  [ "$rc" -eq 0 ] || fail "$name exited with status $rc"
}

finish() {
  if [ "$FAILED" -ne 0 ]; then
    echo "==== $(basename "$0"): FAILED (see FAIL lines above)"
    exit 1
  fi
  echo "==== $(basename "$0"): passed"
}
