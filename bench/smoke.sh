#!/usr/bin/env bash
# bench/smoke.sh CM_BENCH -- `make test`'s check that the benchmark still runs:
# every section, with counts too small to mean anything as figures.  It fails
# when cm_bench fails (a section that cannot go on), when a receiver found an
# item wrong, or when a part of the report is missing.  It asserts no figure:
# figures are `make bench`'s business, on a quiet machine.
set -euo pipefail
bench=$1
report=$(mktemp)
trap 'rm -f "$report" "$report.tmp"' EXIT
"$bench" --round-trips 300 --runs 1 --small-messages 3000 --large-messages 2 --processes 20 \
  --instruction-messages 0 --quiet-wait 0 -o "$report"
fail() { echo "bench smoke: $*" >&2; cat "$report" >&2; exit 1; }
for heading in "## Targets" "## 1. Round trip" "## 2. One-way throughput" "## 3. Large data" "## 4. Name server" \
  "## 5. Memory" "## 6. The hot paths"; do
  grep -qF "$heading" "$report" || fail "no '$heading' in the report"
done
grep -qF "Items the receiver found wrong: 0; failed sends: 0." "$report" || fail "section 2 found wrong items or failed sends"
grep -qF "Arrays the receiver found wrong: 0." "$report" || fail "section 3 found wrong arrays"
grep -qE "^Each run's libCm-zmq / raw libzmq of the same run: copied [0-9.]+×; external [0-9.]+×\.$" "$report" ||
  fail "no per-run array ratios"
grep -qE "^\| plain libzmq, the same steps: 20 processes, first spawn → all answered \| [0-9.]+ s \|$" "$report" ||
  fail "no plain libzmq registration figure"
grep -qE "driver's PULL\) [0-9.]+ µs \([0-9.]+×" "$report" || fail "no two-connection round trip"
grep -qE "wakes it instead: below\), [0-9.]+ µs \([0-9.]+×" "$report" || fail "no round trip with receive time-outs"
grep -qE "an echo started with \`CM_RECEIVE_ALARM=0\` \(.*\) [0-9.]+ µs \([0-9.]+×; each run: [0-9]" "$report" ||
  fail "no round trip against an echo without the alarm"
grep -qE "^CPU per round trip, .*: raw libzmq [0-9.]+ µs, libCm-zmq [0-9.]+ µs" "$report" || fail "no CPU per round trip"
grep -qE "^TCP segments the machine sent per round trip, .*: raw libzmq over one connection [0-9.]+, over two [0-9.]+, libCm-zmq [0-9.]+\." "$report" ||
  fail "no TCP segments per round trip"
grep -qE "^After a pause \(not a target\).*: raw libzmq [0-9.]+ µs \(p99 [0-9.]+ µs\), libCm-zmq [0-9.]+ µs" "$report" ||
  fail "no round trip after a pause"
grep -qE "^\| the whole round trip \(the median of the sums\) \| [0-9.]+ µs \| [0-9.]+ µs \| [0-9.]+ µs \| [0-9.]+ µs \|$" "$report" ||
  fail "no split of the round trip from the echoes' time stamps"
grep -qF "Each run's median, libCm-zmq / raw libzmq:" "$report" || fail "no per-run round-trip ratios"
grep -qE "^\| round trip as a legacy program makes it \(section 1\) within 1\.05× raw libzmq of the same shape, back to back \| [0-9.]+× " "$report" ||
  fail "no target row for the round trip as a legacy program makes it"
grep -qE "^\| … the same, after a pause of [0-9]+ ms \| [0-9.]+× " "$report" ||
  fail "no target row for the legacy round trip after a pause"
grep -qE "^The round trip as a legacy program makes it .*: raw libzmq [0-9.]+ µs \(p99 [0-9.]+ µs\), libCm-zmq [0-9.]+ µs" "$report" ||
  fail "no round trip as a legacy program makes it"
grep -qF "CPU per process (user + system)" "$report" || fail "no CPU per registration"
grep -qE "^\| CPU-seconds from the first spawn until all were listed, .* \| [0-9.]+ \([0-9.]+ ms\) / " "$report" ||
  fail "no CPU of the processes started at once"
grep -qE "^\| … the same for plain libzmq until all were answered .* \| [0-9.]+ \([0-9.]+ ms\) / " "$report" ||
  fail "no CPU of the plain libzmq processes started at once"
grep -qE "^\| idle registered process, CPU .* \| [0-9]+ µs/s \|" "$report" || fail "no CPU of idle processes"
grep -qE "^\| libCm-zmq CmMessageSend → relay → handler \| .* \| relay [0-9.]+ \|$" "$report" ||
  fail "no throughput through a relay"
grep -qE "^\| the same, the relay with \`CM_COALESCE=0\` \| .* \| relay [0-9.]+ \|$" "$report" ||
  fail "no throughput through a relay that does not coalesce"
# The send window must stop a flood of 8 MiB arrays to a receiver that reads nothing
# well before its cap of 1000; without the window, all 64 of the second run go.
grep -qE "^\| 64 MiB \| [0-9] of 1000 \(then refused\) \|" "$report" || fail "the send window did not hold a sender back"
grep -qE "^\| 1000000 MiB \| 64 of 64 \(the cap\) \|" "$report" || fail "no flood without the send window"
echo "bench smoke: every section ran"
