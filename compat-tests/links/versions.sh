#!/usr/bin/env bash
# A frame of a protocol version the receiver does not read (a later
# release): the receiver says so in its log, and answers cm:refused, which
# the sender reads whatever its version: never a silent drop.
source "$(dirname "$0")/../legacy/lib.sh"
start_nameserver

start server "$BIN/links_server" S 20
wait_ready server
step future "$BIN/links_forger" version S 2 >"$WORK/future.out"
cat "$WORK/future.out"
grep -q '^  | REFUSED .*protocol 3' "$WORK/future.out" || fail "the sender of a protocol-3 frame got no cm:refused"
grep -q "protocol 3 from 'future-" "$WORK/server.log" || fail "the receiver's log does not say it refused a protocol-3 frame"
kill -TERM "${PID_OF[server]}" 2>/dev/null || true
show server
finish
