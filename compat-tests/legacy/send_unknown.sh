#!/usr/bin/env bash
# (c) CmMessageSend to a name nobody holds returns 0 within about a second.
source "$(dirname "$0")/lib.sh"
start_nameserver

step send-unknown "$BIN/legacy_send_unknown" Lonely
finish
