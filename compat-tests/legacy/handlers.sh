#!/usr/bin/env bash
# (b) Handlers by type, default handler, uninstall, CmMessageWait and
# CmMessageWaitWithTimeout, between a receiver and a sender process.
source "$(dirname "$0")/lib.sh"
start_nameserver

start receiver "$BIN/legacy_handlers" receiver Receiver Sender
wait_ready receiver
step sender "$BIN/legacy_handlers" sender Sender Receiver
expect_exit receiver
finish
