#!/usr/bin/env bash
# Side by side (issue 18): legacy programs (the stand-in libcm.so, their own
# name server) and the same program relinked against libCm-zmq in migration
# mode, in one control system.  Real processes, two real name servers.
#
#   bash side_by_side.sh BIN_DIR STANDIN_LIBRARY
source "$(dirname "$0")/../../compat-tests/legacy/lib.sh"
STANDIN=${2:?usage: bash $0 BIN_DIR STANDIN_LIBRARY}

start_nameserver; NEW_NS=$CM_NAMESERVER; NEW_NS_PID=$NS_PID
mv "$WORK/nameserver.log" "$WORK/new-nameserver.log"
start_nameserver; LEGACY_NS=$CM_NAMESERVER; LEGACY_NS_PID=$NS_PID
unset CM_NAMESERVER

# legacy NAME ARGS...: a legacy program of the legacy domain.
legacy() { local name=$1; shift; CM_NAMESERVER=$LEGACY_NS start "$name" "$BIN/legacy_mig_peer" "$@"; }
# relinked NAME ARGS...: the same program relinked, in migration mode.
relinked() {
  local name=$1; shift
  CM_NAMESERVER=$NEW_NS CM_LEGACY_LIBRARY=$STANDIN CM_LEGACY_NAMESERVER=$LEGACY_NS \
    start "$name" "$BIN/relinked_mig_peer" "$@"
}
# saw LOG LINE [SECONDS]: LINE appears in LOG within SECONDS (default 5).
saw() {
  local i
  for i in $(seq $((${3:-5} * 10))); do grep -qx "$2" "$WORK/$1.log" && return 0; sleep 0.1; done
  return 1
}
restart_nameserver() {  # PID_VAR PORT_URL LOG: kill -9 it and start it again on its port
  local port=${2##*:}
  kill -KILL "${!1}"; wait "${!1}" 2>/dev/null || true
  "$BIN/CmNameServer" --port "$port" >>"$WORK/$3" 2>&1 &
  PIDS+=($!)
  printf -v "$1" '%s' "$!"
  echo "---- $3: restarted on port $port (pid $!)"
}

echo "==== requests both ways: the reply goes back to the sender's name"
relinked r-echo echo R
wait_ready r-echo
legacy l-ping ping L R 20
expect_exit l-ping
grep -q '^PONGS 20$' "$WORK/l-ping.log" || fail "legacy L did not get its 20 answers from relinked R"
saw r-echo "CONNECTED L" || fail "relinked R's connection handler did not run for legacy L"
legacy l-echo echo L2
wait_ready l-echo
relinked r-ping ping R2 L2 20
expect_exit r-ping
grep -q '^PONGS 20$' "$WORK/r-ping.log" || fail "relinked R2 did not get its 20 answers from legacy L2"

echo "==== every item kind, both ways at once"
legacy l-items items Li Ri
relinked r-items items Ri Li
expect_exit l-items
expect_exit r-items

echo "==== order: 1000 numbered messages each way"
legacy l-order order Lo Ro 1000
relinked r-order order Ro Lo 1000
expect_exit l-order
expect_exit r-order

echo "==== a name is one process, on both sides"
relinked r-holds hold Both
wait_ready r-holds
legacy l-takes hold Both
expect_exit l-takes 1
grep -q '^OPEN Both FAILED' "$WORK/l-takes.log" || fail "a legacy process took a name a relinked one holds"
legacy l-holds hold Old
wait_ready l-holds
relinked r-takes hold Old
expect_exit r-takes 1
grep -q '^OPEN Old FAILED' "$WORK/r-takes.log" || fail "a relinked process took a name a legacy one holds"

echo "==== kill -9 on each side is seen on the other"
legacy l-victim hold Lk
wait_ready l-victim
victim=$READY_PID   # the program's own pid (PID_OF is its `timeout`'s)
relinked r-watch hold Rk Lk
saw r-watch "CONNECTED Lk" || fail "relinked Rk never connected to legacy Lk"
killed_at=$(date +%s.%N)
kill -KILL "$victim"
saw r-watch "DISCONNECTED Lk" 4 || fail "relinked Rk did not see legacy Lk die within 4 s"
echo "relinked Rk saw legacy Lk's death after $(echo "$(date +%s.%N) - $killed_at" | bc) s (at most 0.1 s late)"
legacy l-watch hold Lw
wait_ready l-watch
relinked r-victim hold Rv Lw
wait_ready r-victim
victim=$READY_PID
saw l-watch "CONNECTED Rv" || fail "legacy Lw never saw relinked Rv"
killed_at=$(date +%s.%N)
kill -KILL "$victim"
saw l-watch "DISCONNECTED Rv" 4 || fail "legacy Lw did not see relinked Rv die within 4 s"
echo "legacy Lw saw relinked Rv's death after $(echo "$(date +%s.%N) - $killed_at" | bc) s (at most 0.1 s late)"

echo "==== each name server killed and restarted: requests flow again"
restart_nameserver LEGACY_NS_PID "$LEGACY_NS" legacy-ns-restart.log
sleep 3   # the legacy side registers again (within about a second)
legacy l-ping2 ping L3 R 5
expect_exit l-ping2
restart_nameserver NEW_NS_PID "$NEW_NS" new-ns-restart.log
sleep 3
relinked r-ping2 ping R4 L2 5
expect_exit r-ping2
legacy l-ping3 ping L5 R 5
expect_exit l-ping3

echo "==== roll back: the relinked program linked against the legacy library again"
legacy rolled-back ping R5 L2 5
expect_exit rolled-back
finish
