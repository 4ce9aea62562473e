#!/usr/bin/env bash
# Builds a fuzzer with clang (libFuzzer + ASan + UBSan) and runs it for a
# bounded time over the corpus kept in the repo.  Usage:
#   run_fuzz.sh <source-dir> <work-dir> [seconds] [frame|name_server]
#   frame        the frame decoder (corpus: compat-tests/fuzz/corpus)
#   name_server  the name server's request path (corpus: compat-tests/fuzz/ns_corpus)
set -euo pipefail
src=$1
work=$2
seconds=${3:-20}
target=${4:-frame}
flags=(-std=c++17 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
       -DMSGPACK_NO_BOOST -DCM_VERSION=\"fuzz\" -I"$src/src" -I"$src/include")
case $target in
  frame)
    sources=("$src/compat-tests/fuzz/frame_fuzzer.cpp" "$src"/src/codec/*.cpp "$src/src/util/log.cpp" "$src/src/util/settings.cpp")
    libs=()
    corpus=corpus ;;
  name_server)
    sources=("$src/compat-tests/fuzz/name_server_fuzzer.cpp" "$src"/src/codec/*.cpp "$src"/src/util/*.cpp
             "$src"/src/transport/*.cpp "$src"/src/naming/domain.cpp "$src"/src/naming/process_info.cpp)
    # The daemon without its command line and its web view (main, http_*: another thread, httplib).
    for f in "$src"/nameserver/*.cpp; do case "$(basename "$f")" in main.cpp|http_*) ;; *) sources+=("$f") ;; esac; done
    flags+=(-I"$src/nameserver")
    libs=(-lzmq)
    corpus=ns_corpus ;;
  *) echo "run_fuzz.sh: unknown target $target" >&2; exit 2 ;;
esac
mkdir -p "$work/$target-corpus"
clang++ "${flags[@]}" "${sources[@]}" "${libs[@]}" -o "$work/${target}_fuzzer"
cp -n "$src/compat-tests/fuzz/$corpus"/* "$work/$target-corpus/" 2>/dev/null || true
# New inputs go to the work copy; the repo's corpus changes only by hand.
"$work/${target}_fuzzer" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=5 "$work/$target-corpus" 2>&1 | tail -n 5
