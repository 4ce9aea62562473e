#!/usr/bin/env bash
# CM_SEND_TIMEOUT that would overflow (30 days) or that is not a number:
# said in the log, and sends still work (they all failed as "not reachable").
source "$(dirname "$0")/../legacy/lib.sh"
start_nameserver

start server "$BIN/links_server" S 30
wait_ready server
for value in 2592000 abc; do
  CM_SEND_TIMEOUT=$value step "timeout-$value" "$BIN/links_sender" - S 10 16 >"$WORK/t$value.out"
  cat "$WORK/t$value.out"
  grep -q 'SENT 10 REFUSED 0' "$WORK/t$value.out" || fail "CM_SEND_TIMEOUT=$value: sends refused"
  grep -q 'CM_SEND_TIMEOUT' "$WORK/t$value.out" || fail "CM_SEND_TIMEOUT=$value: nothing said about it"
done
kill -TERM "${PID_OF[server]}" 2>/dev/null || true
finish
