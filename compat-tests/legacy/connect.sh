#!/usr/bin/env bash
# (f) CmConnectGetReference / GetName / Kill and the connection handlers
# (program built as C99, including <Cm/Cm.h>).
source "$(dirname "$0")/lib.sh"
start_nameserver

start peer "$BIN/legacy_peer" Peer
wait_ready peer
step connect "$BIN/legacy_connect" Connector Peer
expect_exit peer
finish
