#!/usr/bin/env bash
# (g) Wrong use from C: NULL messages, Gets past the end or of the wrong
# kind, invalid arrays; defined results, no crash (see misuse.c).
source "$(dirname "$0")/lib.sh"
start_nameserver

step misuse "$BIN/legacy_misuse" Misuse
finish
