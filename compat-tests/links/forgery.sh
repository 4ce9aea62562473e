#!/usr/bin/env bash
# An open domain: one frame with a forged sender and reply address must not
# redirect what a process sends to that name, and cm:ping frames whose reply
# address never answers must not freeze a process's dispatch.
source "$(dirname "$0")/../legacy/lib.sh"
start_nameserver

start server "$BIN/links_server" S 40
wait_ready server
start asker "$BIN/links_asker" A S 5
wait_ready asker
for i in $(seq 50); do grep -q '^ASKED' "$WORK/asker.log" && break; sleep 0.1; done
start forger "$BIN/links_forger" redirect S A 5
expect_exit asker
expect_exit forger
grep -q '^ANSWERS 5$' "$WORK/asker.log" || fail "A did not get the 5 messages S sent it: $(grep ANSWERS "$WORK/asker.log")"
grep -q '^STOLEN 0$' "$WORK/forger.log" || fail "the forger got what S meant for A: $(grep STOLEN "$WORK/forger.log")"

step pings "$BIN/links_forger" pings S 60
start asker2 "$BIN/links_asker" A2 S 0
expect_exit asker2
# The answer must come while the pings' answers wait: 60 of them must not
# hold S's dispatch for seconds (they did for 13 s).
grep -q '^ASKED' "$WORK/asker2.log" || fail "A2 got no answer within 3 s"
kill -TERM "${PID_OF[server]}" 2>/dev/null || true
show server
finish
