#!/usr/bin/env bash
# (h) Messages sent right before CmMessageCloseServer (called twice) or a
# plain exit are delivered, whole and in order; small ones too, which the
# library coalesces; and a forked child's exit leaves its parent's session alone.
source "$(dirname "$0")/lib.sh"
start_nameserver

N=2000
start sink "$BIN/legacy_close" sink Sink 6 "$N"
wait_ready sink
step burst-close "$BIN/legacy_close" burst BurstClose Sink "$N" close
step burst-exit "$BIN/legacy_close" burst BurstExit Sink "$N" exit
step burst-auto "$BIN/legacy_close" burst BurstAuto Sink "$N" auto
step burst-close-small "$BIN/legacy_close" burst BurstCloseSmall Sink "$N" close-small
step burst-exit-small "$BIN/legacy_close" burst BurstExitSmall Sink "$N" exit-small
step burst-fork "$BIN/legacy_close" burst BurstFork Sink "$N" fork
expect_exit sink
finish
