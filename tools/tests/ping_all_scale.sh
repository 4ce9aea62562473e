#!/usr/bin/env bash
# cm ping --all against COUNT real processes (default 500), each a
# cm_test_peer of its own, on a real CmNameServer:
#   1. one of them stopped (SIGSTOP: registered, connected, silent): exit 3,
#      the others answered, the silent one named;
#   2. all running: exit 0, every one answered; the wall time of three runs
#      is printed (bench/BENCHMARKS.md, "cm ping --all"), not asserted.
#
#   ping_all_scale.sh CM CMNAMESERVER CM_TEST_PEER [COUNT]
#
# Label "scale" (not plain ctest): it starts COUNT processes.
set -u
CM=$1
NAMESERVER=$2
PEER=$3
COUNT=${4:-500}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ping_all.XXXXXX")
PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill -CONT "$pid" 2>/dev/null; kill "$pid" 2>/dev/null; done
  for ((i = 0; i < 100; ++i)); do [ -z "$(jobs -pr)" ] && break; sleep 0.1; done
  for pid in $(jobs -pr); do kill -9 "$pid" 2>/dev/null; done
  wait 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
FAILED=0
check() {
  local what=$1
  shift
  if "$@"; then echo "ok    $what"; else echo "FAIL  $what"; FAILED=1; sed 's/^/      | /' "$WORK/out" | tail -5; fi
}

PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export CM_NAMESERVER=tcp://127.0.0.1:$PORT
unset CMDOMAIN CMDOMAIN_DATABASE CMMGR CMROOT CM_LOG
"$NAMESERVER" --port "$PORT" 2>"$WORK/nameserver.log" &
for ((i = 0; i < 50; ++i)); do "$CM" nameserver status >/dev/null 2>&1 && break; sleep 0.1; done

for ((i = 0; i < COUNT; ++i)); do
  "$PEER" "P$i" 2>/dev/null &
  PIDS+=($!)
done
registered=0
for ((i = 0; i < 1200; ++i)); do
  registered=$("$CM" names 2>/dev/null | grep -c '^P[0-9]')
  [ "$registered" -eq "$COUNT" ] && break
  sleep 0.1
done
check "$COUNT processes registered ($registered)" [ "$registered" -eq "$COUNT" ]

# 1. One silent among the live ones.
SILENT=$((COUNT / 2))
kill -STOP "${PIDS[$SILENT]}"
"$CM" ping --all --timeout 1 >"$WORK/out" 2>"$WORK/err"
RC=$?
check "ping --all, one stopped: exit 3" [ "$RC" -eq 3 ]
check "ping --all, one stopped: the others answered" grep -q "^$((COUNT - 1)) of $COUNT answered, in .*; no answer from: P$SILENT\$" "$WORK/out"
check "ping --all, one stopped: its row says so" grep -qE "^P$SILENT +.* no (answer|connection) within 1 s\$" "$WORK/out"
kill -CONT "${PIDS[$SILENT]}"

# 2. All of them, three times: the wall time of the whole command.
for run in 1 2 3; do
  start=$(date +%s%N)
  "$CM" ping --all >"$WORK/out" 2>"$WORK/err"
  RC=$?
  end=$(date +%s%N)
  check "ping --all (run $run): exit 0, all $COUNT answered" \
    bash -c "[ $RC -eq 0 ] && grep -q '^$COUNT of $COUNT answered, in ' '$WORK/out'"
  slowest=$(awk '/^P[0-9]+ .* ms$/ {print $(NF-1)}' "$WORK/out" | sort -n | tail -1)
  echo "      run $run: cm ping --all, $COUNT processes: $(((end - start) / 1000000)) ms wall" \
       "($(tail -1 "$WORK/out" | sed 's/.*, in //'), slowest round trip $slowest ms)"
done
[ "$FAILED" -eq 0 ] && echo "all ping --all checks passed"
exit "$FAILED"
