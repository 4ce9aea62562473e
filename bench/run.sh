#!/usr/bin/env bash
# bench/run.sh -- build the benchmarks (Release) and run them; rewrites
# bench/BENCHMARKS.md.  `make bench` runs this.
#
#   bash bench/run.sh            build into build/ (or $BUILD), run, write bench/BENCHMARKS.md
#   bash bench/run.sh --help     the driver's options; any option is passed on to it
#
# The sections of bench/BENCHMARKS.md between `<!-- X: begin` and `<!-- X: end`
# lines (migration mode, written by bench/migration.sh; figures measured by
# other scripts or by hand) are kept as they were, in their order.
#
# Takes a few minutes on 2 CPUs.  Everything it starts (the name server, the
# peers, 500 registered processes) is in one process group, killed on exit,
# on Ctrl-C and on failure.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}

if [[ "${1:-}" == "--help" || "${1:-}" == "-h" ]]; then
  sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
  [[ -x "$BUILD/bin/cm_bench" ]] && "$BUILD/bin/cm_bench" --help
  exit 0
fi

cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
# Only what the benchmark needs: a half-finished tool elsewhere must not stop it.
cmake --build "$BUILD" -j"$(nproc)" --target Cm-zmq CmNameServer cm_bench cm_bench_raw_peer cm_bench_cm_peer cm_bench_sender cm_bench_legacy_echo

# 500 processes each holding a few sockets, and a name server holding a
# connection to each: more descriptors than the usual 1024.
hard=$(ulimit -Hn)
if [[ "$hard" == unlimited || "$hard" -gt 65536 ]]; then hard=65536; fi
ulimit -n "$hard"
if [[ "$hard" -lt 4096 ]]; then echo "run.sh: only $hard file descriptors allowed; the name server section may fail" >&2; fi

revision=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
# (The report itself, rewritten by the last run, does not count.)
if [[ -n "$(git status --porcelain -- src include nameserver bench 2>/dev/null | grep -v '^?? bench/' | grep -v ' bench/BENCHMARKS.md$' || true)" ]]; then
  revision="$revision, with uncommitted changes in src/, include/, nameserver/ or bench/"
fi

output=(--output bench/BENCHMARKS.md)
for arg in "$@"; do
  case "$arg" in --output|--output=*|-o*) output=() ;; esac
done

# Marked sections are not the driver's: kept as they are.
kept=$(sed -n '/^<!-- .*: begin/,/^<!-- .*: end/p' bench/BENCHMARKS.md 2>/dev/null || true)

# The driver leads its own process group, so that one kill ends everything
# it started, whatever state it is in.
setsid "$BUILD/bin/cm_bench" "${output[@]}" --revision "$revision" --command "bash bench/run.sh${*:+ $*}" "$@" &
driver=$!
trap 'kill -KILL -- "-$driver" 2>/dev/null || true' EXIT
trap 'exit 130' INT TERM
wait "$driver"
if [[ -n "$kept" && ${#output[@]} -gt 0 ]]; then printf '\n%s\n' "$kept" >>bench/BENCHMARKS.md; fi
