#!/usr/bin/env bash
# A receiver that handles every message and then closes cleanly leaves its
# sender nothing to report as "may be lost" (3 tries, each a fresh pair).
source "$(dirname "$0")/../legacy/lib.sh"
start_nameserver

for try in 1 2 3; do
  start "r$try" "$BIN/links_server" "R$try" 30 2
  wait_ready "r$try"
  CM_LOG=info step "s$try" "$BIN/links_sender" - "R$try" 2 16 0 2 >"$WORK/s$try.out"
  cat "$WORK/s$try.out"
  grep -q 'SENT 2 REFUSED 0' "$WORK/s$try.out" || fail "try $try: the two sends were not accepted"
  grep -q 'may be lost' "$WORK/s$try.out" && fail "try $try: the sender reports messages as maybe lost after a clean close"
  expect_exit "r$try"
done
finish
