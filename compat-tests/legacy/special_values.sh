#!/usr/bin/env bash
# Infinities and NaN survive locally and between two processes; an array of
# 4 GiB or more is refused at Put, not cut (issue 21, items 12 and 8).
source "$(dirname "$0")/lib.sh"
start_nameserver

start server "$BIN/legacy_special_values" server Specials
wait_ready server
step client "$BIN/legacy_special_values" client Specials
expect_exit server
finish
