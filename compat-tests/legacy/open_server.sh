#!/usr/bin/env bash
# (e) CmMessageOpenServer: bad names, a name held by a live process, the same
# name twice, another name while open; a closed name can be taken again.
source "$(dirname "$0")/lib.sh"
start_nameserver

start holder "$BIN/legacy_peer" Holder
wait_ready holder
step rules "$BIN/legacy_open_server" Newcomer Holder "$READY_PID"
expect_exit holder # it was sent "Stop"

# The holder closed its server, so its name is free for another process.
start holder-again "$BIN/legacy_peer" Holder
if wait_ready holder-again; then
  echo "PASS open-server.sh: \"Holder\" opened again by a new process after its owner closed"
fi
kill -TERM "${PID_OF[holder-again]}"
expect_exit holder-again 143 # stopped by our SIGTERM (128 + 15)
finish
