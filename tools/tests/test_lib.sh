# shellcheck shell=bash
# test_lib.sh -- sourced by the cm tool's tests (cm_tool_test.sh,
# cm_operator_test.sh) after they set CM, NAMESERVER and PEER: a work
# directory, cleanup on exit, run/expect and their checks, and a real
# CmNameServer on a free port ($PORT, $NS_PID, CM_NAMESERVER exported).
WORK=$(mktemp -d "${TMPDIR:-/tmp}/$(basename "$0" .sh).XXXXXX")
# Exited (a child not yet waited for is a zombie: that counts as gone).
gone() { [ ! -e "/proc/$1/stat" ] || [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" = Z ]; }
# Stops this script's background processes that still run (only those: a
# pid already reaped may belong to someone else by now).
cleanup() {
  local pid tries
  for pid in $(jobs -pr); do kill "$pid" 2>/dev/null; done
  # Closing may take a moment (unregistering from a name server that is gone
  # waits up to 0.5 s); then no mercy.
  for ((tries = 0; tries < 30; ++tries)); do [ -z "$(jobs -pr)" ] && break; sleep 0.1; done
  for pid in $(jobs -pr); do kill -9 "$pid" 2>/dev/null; done
  wait 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

FAILED=0
pass() { echo "ok    $*"; }
fail() {
  echo "FAIL  $*"
  FAILED=$((FAILED + 1))
}

# run ARGS...: runs cm (bounded: a hang is a failure, not a stuck test) with
# stdout in $WORK/out, stderr in $WORK/err, status in $RC, duration in $MS.
run() {
  local start end
  start=$(date +%s%N)
  timeout 20 "$CM" "$@" >"$WORK/out" 2>"$WORK/err"
  RC=$?
  end=$(date +%s%N)
  MS=$(((end - start) / 1000000))
}

# expect DESCRIPTION CONDITION...: the condition is a command.
expect() {
  local what=$1
  shift
  if "$@"; then pass "$what"; else
    fail "$what"
    echo "      rc=$RC (${MS} ms) stdout:"; sed 's/^/      | /' "$WORK/out"
    echo "      stderr:"; sed 's/^/      | /' "$WORK/err"
  fi
}
rc_is() { [ "$RC" -eq "$1" ]; }
out_has() { grep -qF -- "$1" "$WORK/out"; }
out_matches() { grep -qE -- "$1" "$WORK/out"; }
err_has() { grep -qF -- "$1" "$WORK/err"; }
# A failure: the status, exactly one line on stderr, nothing on stdout.
one_line_error() { [ "$RC" -eq "$1" ] && [ "$(wc -l <"$WORK/err")" -eq 1 ] && [ ! -s "$WORK/out" ]; }
quiet_ok() { [ "$RC" -eq 0 ] && [ ! -s "$WORK/out" ] && [ ! -s "$WORK/err" ]; }
json_ok() { python3 -m json.tool "$WORK/out" >/dev/null; }
# json_is EXPRESSION: true of d, stdout parsed as JSON (python3, re imported).
json_is() { python3 -c 'import json, re, sys; d = json.load(open(sys.argv[2])); sys.exit(0 if eval(sys.argv[1]) else 1)' "$1" "$WORK/out"; }
faster_than() { [ "$MS" -lt "$1" ]; }

# wait_for SECONDS COMMAND...: polls until the command succeeds.
wait_for() {
  local tries=$(($1 * 10))
  shift
  while [ "$tries" -gt 0 ]; do
    "$@" && return 0
    sleep 0.1
    tries=$((tries - 1))
  done
  return 1
}
listed() { "$CM" names 2>/dev/null | grep -qE "^$1 "; }
file_has() { grep -qF -- "$2" "$1"; }

PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export CM_NAMESERVER=tcp://127.0.0.1:$PORT
unset CMDOMAIN CMDOMAIN_DATABASE CMMGR CMROOT CM_LOG
echo "name server on port $PORT, work directory $WORK"

"$NAMESERVER" --port "$PORT" 2>"$WORK/nameserver.log" &
# shellcheck disable=SC2034  # used by the tests that stop it
NS_PID=$!
wait_for 5 "$CM" nameserver status >/dev/null 2>&1 || { echo "the name server did not start"; cat "$WORK/nameserver.log"; exit 1; }
