#!/usr/bin/env bash
# Builds the frame fuzzer with clang (libFuzzer + ASan + UBSan) and runs it
# for a bounded time over the corpus kept in the repo.  Usage:
#   run_fuzz.sh <source-dir> <work-dir> [seconds]
set -euo pipefail
src=$1
work=$2
seconds=${3:-20}
mkdir -p "$work/corpus"
clang++ -std=c++17 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
  -DMSGPACK_NO_BOOST -I"$src/src" -I"$src/include" \
  "$src/compat-tests/fuzz/frame_fuzzer.cpp" "$src"/src/codec/*.cpp "$src/src/util/log.cpp" \
  -o "$work/frame_fuzzer"
cp -n "$src"/compat-tests/fuzz/corpus/* "$work/corpus/" 2>/dev/null || true
# New inputs go to the work copy; the repo's corpus changes only by hand.
"$work/frame_fuzzer" -max_total_time="$seconds" -rss_limit_mb=1024 -timeout=5 "$work/corpus" 2>&1 | tail -n 5
