#!/usr/bin/env bash
# (d) A server killed with kill -9: the name server drops it, a send to it
# returns 0, and the sender's disconnection handler runs.
source "$(dirname "$0")/lib.sh"
start_nameserver

start victim "$BIN/legacy_peer" Victim
wait_ready victim
step watcher "$BIN/legacy_peer_death" Watcher Victim "$READY_PID"
expect_exit victim 137 # killed by SIGKILL (128 + 9)
finish
