#!/usr/bin/env bash
# bench/breakdown.sh -- where a small message's instructions go, per message,
# on the sending and on the receiving side of libCm-zmq (section 2's
# CmMessageSend -> handler), counted by callgrind.
#
#   bash bench/breakdown.sh [N]   N messages, then 2N (default 20000); prints the
#                                 difference / N of each function's inclusive count
#
# Each side runs under callgrind while its peer runs natively, as in section 2
# of bench/BENCHMARKS.md; start-up, registration and exit cancel out in the
# difference.  Functions of libzmq have no symbols (Debian ships none): its
# I/O thread is "start_thread"; "main" is the program's own thread.  Takes
# about a minute.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
N=${1:-20000}

cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$BUILD" -j"$(nproc)" --target Cm-zmq CmNameServer cm_bench_sender cm_bench_cm_peer >/dev/null
bin="$BUILD/bin"
out=$(mktemp -d /tmp/cm_breakdown.XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$out"' EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export CM_NAMESERVER="tcp://127.0.0.1:$port" CMDOMAIN="breakdown$$"
"$bin/CmNameServer" --port "$port" --log-level warn &
sleep 0.3

wait_for() {  # FILE WORD: until FILE holds WORD (at most 10 min: callgrind is slow)
  for _ in $(seq 3000); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.2; done
  echo "breakdown.sh: no '$2' in $1" >&2
  return 1
}

run() {  # COUNT TAG: one run of each side under callgrind, the other native
  local n=$1 tag=$2 cg=(valgrind -q --tool=callgrind)
  "${cg[@]}" --callgrind-out-file="$out/recv.$tag" "$bin/cm_bench_cm_peer" sink-once bench_cg_sink "$n" >"$out/sink.$tag" &
  wait_for "$out/sink.$tag" ready
  "$bin/cm_bench_sender" cm bench_cg_send bench_cg_sink "$n" >/dev/null
  wait $!
  "$bin/cm_bench_cm_peer" sink-once bench_cg_sink "$n" >"$out/sink2.$tag" &
  wait_for "$out/sink2.$tag" ready
  "${cg[@]}" --callgrind-out-file="$out/send.$tag" "$bin/cm_bench_sender" cm bench_cg_send bench_cg_sink "$n" >/dev/null
  wait $!
}
run "$N" a
run $((2 * N)) b

per_message() {  # SIDE FUNCTION...: inclusive instructions per message
  local side=$1
  shift
  for f in "$@"; do
    local counts=()
    for tag in a b; do
      counts+=("$(callgrind_annotate --inclusive=yes "$out/$side.$tag" 2>/dev/null |
        { grep -F -- "$f" || true; } | head -1 | awk '{gsub(",", "", $1); print $1}')")
    done
    printf '%8d  %s\n' $(((${counts[1]:-0} - ${counts[0]:-0}) / N)) "$f"
  done
}

echo "sending process (cm_bench_sender), instructions per message:"
per_message send "PROGRAM TOTALS" "start_thread" "???:main " "CmMessageSend " "cm::Dialer::Send" "zmq_send " \
  "zmq_msg_send " "cm::Encode(" "cm::EncodedSize" "zmq_msg_init_size"
echo "receiving process (cm_bench_cm_peer sink-once), instructions per message:"
per_message recv "PROGRAM TOTALS" "start_thread" "cm::Session::Wait" "cm::Session::DispatchOne" \
  "cm::FrameDecoder::Decode" "cm::Listener::Receive" "zmq_msg_recv " "std::_Function_handler" \
  "cm::HandlerTable::Find"
