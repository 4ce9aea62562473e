#!/usr/bin/env bash
# Twelve short-lived programs in a row each send 2,000 messages to one
# server, close and exit: each is reported disconnected, once.
source "$(dirname "$0")/../legacy/lib.sh"
start_nameserver

start server "$BIN/links_server" S 60
wait_ready server
for i in $(seq 12); do
  step "p$i" "$BIN/links_sender" "P$i" S 2000 64
done
sleep 3
for i in $(seq 12); do
  n=$(grep -c "^DISCONNECT P$i\$" "$WORK/server.log" || true)
  [ "$n" = 1 ] || fail "P$i's disconnection reported $n times, expected 1"
  grep -q "^CONNECT P$i\$" "$WORK/server.log" || fail "P$i's connection was not reported"
done
kill -TERM "${PID_OF[server]}" 2>/dev/null || true
show server
finish
