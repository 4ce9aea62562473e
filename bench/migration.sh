#!/usr/bin/env bash
# bench/migration.sh -- what migration mode (docs/migration.md) costs one
# relinked process: memory, CPU when idle, and the round trip across the
# boundary, each against the same relinked process without it.
#
#   bash bench/migration.sh            measure, print the Markdown section
#   bash bench/migration.sh --write    ... and put it in bench/BENCHMARKS.md, between
#                                      its markers (bench/run.sh keeps that section)
#
# BUILD (default build) is built first: the targets below only.  Settings:
# IDLE_SECONDS (10), ROUNDS (10), COUNT per round, target and shape (1000),
# PAUSE_MS (5).  About three minutes with the defaults (the pauses are most of it).
#
# Two name servers on free loopback ports: ours, and the legacy domain's
# (the stand-in legacy library, build/legacy-standin/libcm.so, against our
# CmNameServer), as migration/tests/side_by_side.sh sets them up.  Programs:
# migration/tests/legacy_peer.c linked against libCm-zmq (relinked_mig_peer)
# and against the stand-in (legacy_mig_peer), and cm_bench_migration_ping.
#   1. Idle: the same relinked program (`echo`, asleep in CmMessageWait) once
#      plain and once with CM_LEGACY_LIBRARY, and a legacy one; VmRSS and
#      RssAnon of each (plus its companion), and their CPU over IDLE_SECONDS:
#      utime+stime from /proc/PID/stat, and the run time and time slices of
#      every thread from /proc/PID/task/*/schedstat (ns, for resolution).
#   2. Round trips ("Ping" int+long, answered by "Pong"), ROUNDS rounds, each
#      running two clients one after the other (which first alternates):
#        plain      a relinked client without migration -> a relinked echo
#        mig-local  a relinked client in migration mode -> the same relinked echo
#        boundary   the same client                     -> a legacy echo (through its companion)
#      each back to back and after a PAUSE_MS sleep, in blocks of 100 that
#      take the targets and shapes in turn (peers/migration_ping.c).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
IDLE_SECONDS=${IDLE_SECONDS:-10}
ROUNDS=${ROUNDS:-10}
COUNT=${COUNT:-1000}
PAUSE_MS=${PAUSE_MS:-5}
WRITE=0
[[ "${1:-}" == "--write" ]] && WRITE=1
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
T_START=$(date +%s)

cmake --build "$BUILD" -j"$(nproc)" --target CmNameServer cm-legacy-companion cm-legacy-standin \
  legacy_mig_peer relinked_mig_peer cm_bench_migration_ping >/dev/null
BIN=$PWD/$BUILD/bin
STANDIN=$(readlink -f "$BUILD/legacy-standin/libcm.so")

WORK=$(mktemp -d "${TMPDIR:-/tmp}/cm-migration-bench.XXXXXX")
PIDS=()
cleanup() {
  local status=$?
  set +e
  kill -TERM "${PIDS[@]}" 2>/dev/null
  sleep 0.3
  kill -KILL "${PIDS[@]}" 2>/dev/null
  wait 2>/dev/null
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
unset CMDOMAIN CMDOMAIN_DATABASE CMMGR CMROOT CM_HOST CM_NAMESERVER CM_SECRET CM_LEGACY_LIBRARY CM_LEGACY_NAMESERVER

free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 12000))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
  done
}
start_ns() {  # sets NS to its address
  local port i
  port=$(free_port)
  "$BIN/CmNameServer" --port "$port" >"$WORK/ns-$port.log" 2>&1 &
  PIDS+=($!)
  for i in $(seq 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && { NS=tcp://127.0.0.1:$port; return; }
    sleep 0.1
  done
  echo "CmNameServer did not start" >&2
  exit 1
}
start_ns; NEW_NS=$NS
start_ns; LEGACY_NS=$NS
PLAIN=(env CM_NAMESERVER="$NEW_NS")
MIGRATION=(env CM_NAMESERVER="$NEW_NS" CM_LEGACY_LIBRARY="$STANDIN" CM_LEGACY_NAMESERVER="$LEGACY_NS")
LEGACY=(env CM_NAMESERVER="$LEGACY_NS")

# run_echo VAR ENV... PROGRAM NAME: start an echo, wait for READY; its pid in VAR.
run_echo() {
  local var=$1 i log
  shift
  log=$WORK/${*: -1}.log
  "$@" >"$log" 2>&1 &
  PIDS+=($!)
  printf -v "$var" '%s' "$!"
  for i in $(seq 100); do grep -q '^READY' "$log" && return; sleep 0.1; done
  echo "${*: -1} did not start: $(cat "$log")" >&2
  exit 1
}
companion_of() { cat /proc/"$1"/task/*/children 2>/dev/null | awk '{ print $1 }'; }
kib() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$2/status"; }
ticks() { awk '{ sub(/^.*\) /, ""); split($0, f, " "); print f[12] + f[13] }' "/proc/$1/stat"; }
schedstat() { cat /proc/"$1"/task/*/schedstat | awk '{ ns += $1; slices += $3 } END { print ns, slices }'; }

# ---- 1. idle -------------------------------------------------------------------------
run_echo P_PLAIN "${PLAIN[@]}" "$BIN/relinked_mig_peer" echo IdlePlain
run_echo P_MIG "${MIGRATION[@]}" "$BIN/relinked_mig_peer" echo IdleMig
run_echo P_LEGACY "${LEGACY[@]}" "$BIN/legacy_mig_peer" echo IdleLegacy
P_COMP=$(companion_of "$P_MIG")
[[ -n "$P_COMP" && "$(cat "/proc/$P_COMP/comm")" == cm-legacy-compa* ]] || { echo "no companion under $P_MIG" >&2; exit 1; }
sleep 2   # settled: the companion's slice has grown to its MAX
ALL=("$P_PLAIN" "$P_MIG" "$P_COMP" "$P_LEGACY")
declare -A T0 S0 T1 S1
for p in "${ALL[@]}"; do T0[$p]=$(ticks "$p"); S0[$p]=$(schedstat "$p"); done
t0=${EPOCHREALTIME/./}
sleep "$IDLE_SECONDS"
t1=${EPOCHREALTIME/./}
for p in "${ALL[@]}"; do T1[$p]=$(ticks "$p"); S1[$p]=$(schedstat "$p"); done
HZ=$(getconf CLK_TCK)
# idle_row LABEL PID...: RSS, RssAnon, CPU (stat, schedstat), time slices per second, summed
idle_row() {
  local label=$1 p rss=0 anon=0 ticks=0 ns=0 slices=0 a b
  shift
  for p in "$@"; do
    rss=$((rss + $(kib VmRSS "$p"))); anon=$((anon + $(kib RssAnon "$p")))
    ticks=$((ticks + ${T1[$p]} - ${T0[$p]}))
    read -r a b <<<"${S0[$p]}"; ns=$((ns - a)); slices=$((slices - b))
    read -r a b <<<"${S1[$p]}"; ns=$((ns + a)); slices=$((slices + b))
  done
  awk -v l="$label" -v r="$rss" -v a="$anon" -v t="$ticks" -v hz="$HZ" -v ns="$ns" -v s="$slices" -v us=$((t1 - t0)) \
    'BEGIN { printf "| %s | %.1f MiB | %.1f MiB | %.0f µs/s | %.0f µs/s | %.0f |\n",
      l, r / 1024, a / 1024, t * 1e6 / hz / (us / 1e6), ns / 1e3 / (us / 1e6), s / (us / 1e6) }'
}
IDLE_TABLE=$(
  echo "| idle process (\`relinked_mig_peer echo\`, in CmMessageWait) | VmRSS | RssAnon | CPU, utime+stime | CPU, schedstat | time slices/s |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: |"
  idle_row "relinked, plain" "$P_PLAIN"
  idle_row "relinked, migration mode: the process" "$P_MIG"
  idle_row "… its companion" "$P_COMP"
  idle_row "**relinked, migration mode: both**" "$P_MIG" "$P_COMP"
  idle_row "legacy (stand-in library), for reference" "$P_LEGACY"
)
echo "$IDLE_TABLE"
kill -TERM "$P_PLAIN" "$P_MIG" "$P_LEGACY" 2>/dev/null || true

# ---- 2. round trips ---------------------------------------------------------------------
run_echo E_NEW "${PLAIN[@]}" "$BIN/relinked_mig_peer" echo EchoNew
run_echo E_OLD "${LEGACY[@]}" "$BIN/legacy_mig_peer" echo EchoOld
: >"$WORK/samples"
for ((r = 0; r < ROUNDS; ++r)); do
  plain() { "${PLAIN[@]}" "$BIN/cm_bench_migration_ping" PingPlain "$COUNT" "$PAUSE_MS" plain=EchoNew; }
  mig() { "${MIGRATION[@]}" "$BIN/cm_bench_migration_ping" PingMig "$COUNT" "$PAUSE_MS" boundary=EchoOld mig-local=EchoNew; }
  if ((r % 2 == 0)); then plain >>"$WORK/samples"; mig >>"$WORK/samples"
  else mig >>"$WORK/samples"; plain >>"$WORK/samples"; fi
  echo "round $((r + 1)) of $ROUNDS" >&2
done
# rtt LABEL SHAPE: "median p90 p99" in µs
rtt() {
  awk -v l="$1" -v s="$2" '$1 == l && $2 == s { print $3 }' "$WORK/samples" | sort -g |
    awk '{ v[NR] = $1 } END { printf "%.1f %.1f %.1f %d", v[int((NR + 1) / 2)], v[int(NR * 0.9 + 0.5)], v[int(NR * 0.99 + 0.5)], NR }'
}
RTT_TABLE=$(
  echo "| round trip (\"Ping\" → \"Pong\", int + long) | back to back: median / p90 / p99 | × plain | after a ${PAUSE_MS} ms pause: median / p90 / p99 | × plain |"
  echo "| --- | ---: | ---: | ---: | ---: |"
  read -r pb _ _ _ <<<"$(rtt plain back)"
  read -r pp _ _ _ <<<"$(rtt plain pause)"
  for row in "plain:relinked → relinked, neither in migration mode" \
    "mig-local:relinked in migration mode → relinked (not across)" \
    "boundary:**relinked in migration mode → legacy, across the boundary**"; do
    read -r bm b90 b99 n <<<"$(rtt "${row%%:*}" back)"
    read -r qm q90 q99 _ <<<"$(rtt "${row%%:*}" pause)"
    awk -v t="${row#*:}" -v bm="$bm" -v b90="$b90" -v b99="$b99" -v qm="$qm" -v q90="$q90" -v q99="$q99" \
      -v pb="$pb" -v pp="$pp" 'BEGIN { printf "| %s | %.0f / %.0f / %.0f µs | %.2f× (%+.0f µs) | %.0f / %.0f / %.0f µs | %.2f× (%+.0f µs) |\n",
        t, bm, b90, b99, bm / pb, bm - pb, qm, q90, q99, qm / pp, qm - pp }'
  done
)
echo "$RTT_TABLE"
N_EACH=$(rtt boundary back | awk '{ print $4 }')

# ---- the section ---------------------------------------------------------------------------
revision=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
[[ -n "$(git status --porcelain -- src migration include 2>/dev/null)" ]] && revision="$revision, with uncommitted changes"
build_type=$(awk -F= '/^CMAKE_BUILD_TYPE:/ { print $2 }' "$BUILD/CMakeCache.txt")
SECTION=$(cat <<EOF
<!-- bench/migration.sh: begin (written by bench/migration.sh --write; bench/run.sh keeps it) -->
## 7. Migration mode: what it costs one relinked process

Written by \`BUILD=$BUILD bash bench/migration.sh --write\` (not by \`cm_bench\`), $(date -u '+%Y-%m-%d %H:%M UTC'), revision $revision, build type ${build_type:-default}, $(nproc) CPUs, $(($(date +%s) - T_START)) s; load average (1, 5, 15 min) at start $LOAD_START, at end $(cut -d' ' -f1-3 /proc/loadavg).  Legacy side: the stand-in legacy library (\`legacy-standin/libcm.so\`, our own C API built a second time) with its own CmNameServer; docs/migration.md.  Idle: each process registered and asleep in \`CmMessageWait\`, measured together over ${IDLE_SECONDS} s after 2 s to settle; VmRSS counts shared libraries' resident pages in each process, RssAnon is the process's own.

$IDLE_TABLE

Round trips: $ROUNDS rounds, each running a plain client and a client in migration mode one after the other (which goes first alternates), ${COUNT} measured round trips per round, target and shape ($N_EACH in all per row) after 200 warm-up round trips, in blocks of 100 taking targets and shapes in turn (\`bench/peers/migration_ping.c\`).  Echo: \`migration/tests/legacy_peer.c echo\`, relinked (\`relinked_mig_peer\`, plain) or legacy (\`legacy_mig_peer\`, the stand-in).  × plain: the median over the plain row's median of the same shape (and the difference).

$RTT_TABLE
<!-- bench/migration.sh: end -->
EOF
)
if ((WRITE)); then
  out=bench/BENCHMARKS.md
  if grep -q '^<!-- bench/migration.sh: begin' "$out"; then
    awk -v section="$SECTION" '/^<!-- bench\/migration.sh: begin/ { print section; skip = 1; next }
      /^<!-- bench\/migration.sh: end/ { skip = 0; next } !skip' "$out" >"$out.tmp"
  else
    { cat "$out"; printf '\n%s\n' "$SECTION"; } >"$out.tmp"
  fi
  mv "$out.tmp" "$out"
  echo "wrote the migration section of $out" >&2
else
  echo
  echo "$SECTION"
fi
