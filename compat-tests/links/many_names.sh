#!/usr/bin/env bash
# 200,000 frames from as many made-up sender names: the receiver's memory
# stays bounded (it grew by 202 MiB) and it lives on.
source "$(dirname "$0")/../legacy/lib.sh"
start_nameserver

start peer "$BIN/legacy_peer" P
wait_ready peer
pid=$READY_PID
rss() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
before=$(rss "$pid")
step names "$BIN/links_forger" names P 200000
sleep 1
after=$(rss "$pid")
echo "legacy_peer RSS: ${before} kB before, ${after} kB after 200,000 names"
if ldd "$BIN/legacy_peer" | grep -q libasan; then
  echo "(AddressSanitizer build: its quarantine keeps freed memory, the bound is not checked)"
else
  [ $((after - before)) -lt 32768 ] || fail "the receiver grew by $(((after - before) / 1024)) MiB for 200,000 made-up names"
fi
kill -0 "$pid" 2>/dev/null || fail "the receiver died"
kill -TERM "${PID_OF[peer]}" 2>/dev/null || true
finish
