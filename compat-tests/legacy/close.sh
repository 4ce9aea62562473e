#!/usr/bin/env bash
# (h) Messages sent right before CmMessageCloseServer (called twice) or a
# plain exit are delivered, whole and in order.
source "$(dirname "$0")/lib.sh"
start_nameserver

N=2000
start sink "$BIN/legacy_close" sink Sink 3 "$N"
wait_ready sink
step burst-close "$BIN/legacy_close" burst BurstClose Sink "$N" close
step burst-exit "$BIN/legacy_close" burst BurstExit Sink "$N" exit
step burst-auto "$BIN/legacy_close" burst BurstAuto Sink "$N" auto
expect_exit sink
finish
