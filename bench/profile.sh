#!/usr/bin/env bash
# bench/profile.sh -- callgrind profiles of the sending and the receiving
# processes of the round-trip and small-message sections, raw libzmq and
# libCm-zmq side by side, to find where the library spends its time.
#
#   bash bench/profile.sh      profiles into $BUILD/bench-profile/ (BUILD defaults to build),
#                              then prints each process's top functions
#
# Every peer runs under callgrind (--peer-wrapper), and so does the driver,
# which is the sender.  Counts are instructions, not time: they do not show
# system calls or waiting (use `strace -c -f` for those).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
out="$BUILD/bench-profile"

cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$BUILD" -j"$(nproc)" --target Cm-zmq CmNameServer cm_bench cm_bench_raw_peer cm_bench_cm_peer cm_bench_sender
rm -rf "$out"
mkdir -p "$out"

setsid valgrind --tool=callgrind --callgrind-out-file="$out/driver.%p.out" \
  "$BUILD/bin/cm_bench" --sections round-trip,small --round-trips 5000 --small-messages 50000 --runs 1 \
  --quiet-wait 0 --output "$out/report.md" \
  --peer-wrapper "valgrind --tool=callgrind --callgrind-out-file=$out/peer.%p.out" 2> >(grep -v '^==' >&2) &
driver=$!
trap 'kill -KILL -- "-$driver" 2>/dev/null || true' EXIT
trap 'exit 130' INT TERM
wait "$driver"

for f in "$out"/*.out; do
  echo
  echo "=== $(sed -n 's/^cmd: //p' "$f")  ($f)"
  callgrind_annotate --inclusive=yes "$f" 2>/dev/null | sed -n '/PROGRAM TOTALS/,$p' | head -30 || true  # head closes the pipe
done
