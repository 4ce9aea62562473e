#!/usr/bin/env bash
# A peer that sends and exits while the receiver's handler is busy, and a
# new peer that connects meanwhile (the kernel gives it the descriptor the
# gone one had): the gone one is reported disconnected once, the live one
# not until it leaves.  Then a sender that kept the receiver busy with
# 60 MiB exits, and the next one's 120 MiB all go through.
source "$(dirname "$0")/../legacy/lib.sh"
start_nameserver

count() { grep -c "^$1\$" "$WORK/server.log" || true; }

start server "$BIN/links_server" S 40
wait_ready server
start a "$BIN/links_sender" A S 100 100 2000
sleep 0.5
start b "$BIN/links_sender" B S 100 100 0 10
sleep 6   # the server's handler is busy 2 s, then it reads A's and B's messages
[ "$(count 'DISCONNECT A')" = 1 ] || fail "A's disconnection reported $(count 'DISCONNECT A') times while B lives, expected 1"
[ "$(count 'DISCONNECT B')" = 0 ] || fail "B, alive, reported disconnected"
expect_exit a
expect_exit b
sleep 5
[ "$(count 'DISCONNECT B')" = 1 ] || fail "B's disconnection reported $(count 'DISCONNECT B') times after it left, expected 1"

# 60 MiB in 1 MiB messages behind a 2 s busy handler, then the sender exits;
# the next sender's 120 MiB must all be accepted (it waits for room, not
# for a false disconnection to be forgotten).
start c "$BIN/links_sender" C S 60 1048576 2000
sleep 0.2
CM_SEND_TIMEOUT=15 start d "$BIN/links_sender" D S 120 1048576 0 1
expect_exit c
expect_exit d
grep -q '^SENT 120 REFUSED 0$' "$WORK/d.log" || fail "D's sends were refused: $(grep SENT "$WORK/d.log")"
sleep 5
[ "$(count 'DISCONNECT C')" = 1 ] || fail "C's disconnection reported $(count 'DISCONNECT C') times, expected 1"
[ "$(count 'DISCONNECT D')" = 1 ] || fail "D's disconnection reported $(count 'DISCONNECT D') times, expected 1"
kill -TERM "${PID_OF[server]}" 2>/dev/null || true
show server
finish
