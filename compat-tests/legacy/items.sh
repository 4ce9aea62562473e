#!/usr/bin/env bash
# (a) Every item type round trips exactly between two separately started
# processes, request and reply, C89 and C99 builds talking both ways; the
# client once with an automatic name, once with its own server name.
source "$(dirname "$0")/lib.sh"
start_nameserver

start server-c89 "$BIN/legacy_items" server ItemsServer
wait_ready server-c89
step client-c99 "$BIN/legacy_items_c99" client ItemsServer
expect_exit server-c89

start server-c99 "$BIN/legacy_items_c99" server ItemsServer99
wait_ready server-c99
step client-c89 "$BIN/legacy_items" client ItemsServer99 ItemsClient
expect_exit server-c99
finish
