#!/usr/bin/env bash
# mixed.sh -- the mixed scale test of migration mode (issue 18, item 4):
# COUNT legacy processes and COUNT relinked ones in migration mode, in one
# control system, on one machine.
#
#   bash compat-tests/scale/mixed.sh BIN_DIR STANDIN_LIBRARY [COUNT]
#
# BIN_DIR holds CmNameServer, cm, cm-legacy-companion, scale_member and
# scale_collector (libCm-zmq) and scale_member_legacy, scale_collector_legacy
# (the same C sources linked against the stand-in legacy library).  Steps:
#   1. two domains in one CmDomains table, each with its own CmNameServer and
#      port range: "Scale" (libCm-zmq) and "ScaleLegacy" (the legacy domain);
#   2. two collectors: "LegacyCollector", a legacy program, and
#      "NewCollector", relinked, in migration mode (so registered on both
#      sides); then COUNT legacy members l_<i> (-> NewCollector) and COUNT
#      relinked members r_<i> in migration mode (-> LegacyCollector),
#      started at once, interleaved: every Hello crosses the boundary;
#   3. wait until each relinked member is listed by both name servers (in
#      ours under its own pid, in the legacy one under its companion's, a
#      child of it), each legacy member by the legacy one only, and each
#      collector has exactly one Hello from each member of the other side;
#   4. stop them through the boundary: each collector sends "Quit" to the
#      members it counted (NewCollector to the legacy ones, LegacyCollector to
#      the relinked ones); every member must exit 0, every companion with
#      it, and neither name server may list any member afterwards;
#   5. the collectors' verdicts.
# Prints the wall time of the start (until all are registered on both
# sides) and of the delivery (until both collectors have every Hello), and
# what the processes cost when idle.  Every wait is bounded (SCALE_TIMEOUT
# seconds per phase, 300 by default); nothing fails for being slow.
# SCALE_KEEP=1 keeps the work directory.
set -uo pipefail

BIN=${1:?usage: bash $0 BIN_DIR STANDIN_LIBRARY [COUNT]}
STANDIN=${2:?usage: bash $0 BIN_DIR STANDIN_LIBRARY [COUNT]}
N=${3:-250}
CM=$BIN/cm
PHASE_TIMEOUT=${SCALE_TIMEOUT:-300}

for program in CmNameServer cm cm-legacy-companion scale_member scale_collector scale_member_legacy \
  scale_collector_legacy; do
  [ -x "$BIN/$program" ] || { echo "FAIL not executable: $BIN/$program"; exit 1; }
done
[ -f "$STANDIN" ] || { echo "FAIL no legacy library at $STANDIN"; exit 1; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/cm-mixed.XXXXXX")
mkdir -p "$WORK/m"
FAILED=0
NS_PIDS=()
COLLECTOR_PIDS=()
L_PIDS=()   # index -> pid of legacy member l_<i>; emptied once waited for
R_PIDS=()   # index -> pid of relinked member r_<i>
COMPANIONS=()

unset CMDOMAIN CMDOMAIN_DATABASE CMMGR CMROOT CM_HOST CM_NAMESERVER CM_LOG CM_SEND_TIMEOUT CM_SECRET
unset CM_LEGACY_LIBRARY CM_LEGACY_DOMAIN CM_LEGACY_DOMAINS_FILE CM_LEGACY_NAMESERVER CM_LEGACY_COMPANION
unset CM_LEGACY_SLICE_MS CM_LEGACY_HOT_MS

source "$(dirname "$0")/lib.sh"  # fail, now_us, seconds, alive, wait_exited
# children PID: the pids of its children (the companion of a relinked member).
children() { cat /proc/"$1"/task/*/children 2>/dev/null; }
members() {
  local p
  for p in "${L_PIDS[@]}" "${R_PIDS[@]}"; do [ -n "$p" ] && echo "$p"; done
}

cleanup() {
  local pids p
  trap - EXIT INT TERM
  for p in "${R_PIDS[@]}" "${COLLECTOR_PIDS[@]}"; do [ -n "$p" ] && COMPANIONS+=($(children "$p")); done
  pids="$(members) ${COLLECTOR_PIDS[*]}"
  if [ -n "${pids// /}" ]; then
    kill -TERM $pids 2>/dev/null
    wait_exited 10 $pids
    kill -KILL $pids 2>/dev/null
    wait $pids 2>/dev/null
  fi
  # Companions stop by themselves when their process goes; make sure.
  if [ "${#COMPANIONS[@]}" -gt 0 ]; then
    wait_exited 5 "${COMPANIONS[@]}" || kill -KILL "${COMPANIONS[@]}" 2>/dev/null
  fi
  if [ "${#NS_PIDS[@]}" -gt 0 ]; then
    kill -TERM "${NS_PIDS[@]}" 2>/dev/null
    wait_exited 3 "${NS_PIDS[@]}" || kill -KILL "${NS_PIDS[@]}" 2>/dev/null
    wait "${NS_PIDS[@]}" 2>/dev/null
  fi
  if [ "$FAILED" -ne 0 ]; then
    for log in new-ns legacy-ns new-collector legacy-collector; do
      [ -s "$WORK/$log.log" ] || continue
      echo "---- $log.log (last 15 lines)"
      tail -n 15 "$WORK/$log.log" | sed 's/^/  | /'
    done
  fi
  if [ "${SCALE_KEEP:-0}" = 1 ]; then echo "work directory kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'echo "interrupted"; FAILED=1; exit 130' INT TERM

# cm_on DOMAIN ARGS...: cm against one side's name server, bounded; stdout in
# $WORK/cm.out, status in $RC.
cm_on() {
  local domain=$1
  shift
  CMDOMAIN=$domain timeout 60 "$CM" "$@" >"$WORK/cm.out" 2>"$WORK/cm.err"
  RC=$?
}
# listed DOMAIN PREFIX: "name pid" of the names with that prefix `cm names` lists, sorted.
listed() {
  cm_on "$1" names
  [ "$RC" -eq 0 ] || return 1
  awk -v re="^$2[0-9]+\$" '$1 ~ re { print $1, $3 }' "$WORK/cm.out" | sort
}
# registered_in_log LOG PREFIX: how many distinct PREFIX<i> names a name server registered.
registered_in_log() { grep -o "register: $2[0-9]* " "$WORK/$1" | sort -u | wc -l; }
cpu_ticks() {  # PID...: utime + stime of them all, in clock ticks, in $TICKS
  local p stat
  TICKS=0
  for p in "$@"; do
    { read -r stat <"/proc/$p/stat"; } 2>/dev/null || continue
    stat=${stat##*) }
    set -- $stat
    TICKS=$((TICKS + ${12} + ${13}))
  done
}
rss_median_kib() {  # PID...: the median VmRSS
  local p
  for p in "$@"; do awk '/^VmRSS/ { print $2 }' "/proc/$p/status" 2>/dev/null; done | sort -n |
    awk '{ v[NR] = $1 } END { if (NR) printf "%.1f", v[int((NR + 1) / 2)] / 1024; else printf "?" }'
}

# ---- 1. two domains, two name servers ------------------------------------------

# Per member: a listening socket and a few connections, a companion's as
# many again, the collectors and name servers a few per process.
NEED_FDS=$((16 * N + 256))
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt "$NEED_FDS" ]; then
  ulimit -n "$NEED_FDS" 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null
fi
read -r EPHEMERAL_LOW _ </proc/sys/net/ipv4/ip_local_port_range
RANGE=$((8 * N))   # per domain; the legacy one holds 2 * COUNT + 2 processes
[ "$RANGE" -lt 1000 ] && RANGE=1000
LOW=20000
if [ $((LOW + 2 * RANGE + 200)) -ge "$EPHEMERAL_LOW" ]; then
  echo "FAIL no room for 2 x $RANGE ports below the ephemeral range ($EPHEMERAL_LOW)"
  exit 1
fi
FIRST_PORT=$((LOW + 200 + (RANDOM * 32768 + RANDOM) % (EPHEMERAL_LOW - LOW - 200 - 2 * RANGE)))
LEGACY_FIRST_PORT=$((FIRST_PORT + RANGE))
free_port() {  # a port nobody listens on, below both ranges
  local port
  while :; do
    port=$((LOW + RANDOM % 200))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
  done
}

DAEMON=()
command -v setsid >/dev/null && DAEMON=(setsid)
export CMDOMAIN_DATABASE=$WORK/CmDomains
# start_ns DOMAIN LOG: a CmNameServer for DOMAIN, retried on another port.
start_ns() {
  local try i port pid
  for try in 1 2 3; do
    port=$(free_port)
    [ "$1" = Scale ] && NEW_NS_PORT=$port || LEGACY_NS_PORT=$port
    {
      echo "Scale 127.0.0.1 ${NEW_NS_PORT:-1} $FIRST_PORT $RANGE $WORK"
      echo "ScaleLegacy 127.0.0.1 ${LEGACY_NS_PORT:-1} $LEGACY_FIRST_PORT $RANGE $WORK"
    } >"$CMDOMAIN_DATABASE"
    CMDOMAIN=$1 "${DAEMON[@]}" "$BIN/CmNameServer" >"$WORK/$2" 2>&1 &
    pid=$!
    for ((i = 0; i < 100; ++i)); do
      alive "$pid" || break
      cm_on "$1" nameserver status && { NS_PIDS+=("$pid"); return 0; }
      sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  done
  echo "FAIL CmNameServer for $1 did not start"
  cat "$WORK/$2"
  FAILED=1
  exit 1
}
start_ns Scale new-ns.log
start_ns ScaleLegacy legacy-ns.log
echo "---- domains Scale (CmNameServer on port $NEW_NS_PORT) and ScaleLegacy (port $LEGACY_NS_PORT);" \
  "$N legacy + $N relinked members; open-file limit $(ulimit -n)"

# The environments: a legacy program's, and a relinked one's in migration mode.
LEGACY_ENV=(env CMDOMAIN=ScaleLegacy)
RELINKED_ENV=(env CMDOMAIN=Scale CM_LEGACY_LIBRARY="$STANDIN" CM_LEGACY_DOMAIN=ScaleLegacy)

# ---- 2. collectors and members ------------------------------------------------

start_collector() {  # LOG ENV... PROGRAM NAME COUNT PREFIX
  local log=$1 i
  shift
  "${DAEMON[@]}" "$@" >"$WORK/$log" 2>&1 &
  COLLECTOR_PIDS+=($!)
  for ((i = 0; i < 300; ++i)); do
    grep -q '^READY' "$WORK/$log" && return 0
    alive "$!" || break
    sleep 0.1
  done
  fail "collector $log did not start"
  cat "$WORK/$log"
  exit 1
}
start_collector legacy-collector.log "${LEGACY_ENV[@]}" "$BIN/scale_collector_legacy" LegacyCollector "$N" r_
start_collector new-collector.log "${RELINKED_ENV[@]}" "$BIN/scale_collector" NewCollector "$N" l_

T0=$(now_us)
for ((i = 0; i < N; ++i)); do
  "${LEGACY_ENV[@]}" "$BIN/scale_member_legacy" "l_$i" "$i" NewCollector >"$WORK/m/l_$i.log" 2>&1 &
  L_PIDS[i]=$!
  "${RELINKED_ENV[@]}" "$BIN/scale_member" "r_$i" "$i" LegacyCollector >"$WORK/m/r_$i.log" 2>&1 &
  R_PIDS[i]=$!
done
T_SPAWNED=$(now_us)
echo "---- started $((2 * N)) members in $(seconds "$T0" "$T_SPAWNED") s"

# ---- 3. registered on both sides, every Hello across ----------------------------

T_NEW_REG= T_LEGACY_REG= T_NEW_COLL= T_LEGACY_COLL=
polls=0
deadline=$(($(now_us) + PHASE_TIMEOUT * 1000000))
while :; do
  polls=$((polls + 1))
  now=$(now_us)
  [ -z "$T_NEW_COLL" ] && grep -q '^ALL' "$WORK/new-collector.log" && T_NEW_COLL=$now
  [ -z "$T_LEGACY_COLL" ] && grep -q '^ALL' "$WORK/legacy-collector.log" && T_LEGACY_COLL=$now
  [ -z "$T_NEW_REG" ] && [ "$(registered_in_log new-ns.log r_)" -ge "$N" ] && T_NEW_REG=$now
  [ -z "$T_LEGACY_REG" ] && [ "$(registered_in_log legacy-ns.log '[lr]_')" -ge $((2 * N)) ] && T_LEGACY_REG=$now
  [ -n "$T_NEW_REG" ] && [ -n "$T_LEGACY_REG" ] && [ -n "$T_NEW_COLL" ] && [ -n "$T_LEGACY_COLL" ] && break
  if [ $((polls % 4)) -eq 0 ]; then
    gave_up=$(grep -H -m1 '^FAIL' "$WORK"/m/*.log 2>/dev/null | sed "s|^$WORK/m/||")
    if [ -n "$gave_up" ]; then
      fail "$(wc -l <<<"$gave_up") member(s) gave up; the first ones:"
      head -n 10 <<<"$gave_up" | sed 's/^/  | /'
      break
    fi
  fi
  if [ "$(now_us)" -gt "$deadline" ]; then
    fail "after $PHASE_TIMEOUT s: registered (name server logs) r_* in Scale $(registered_in_log new-ns.log r_)/$N," \
      "l_* and r_* in ScaleLegacy $(registered_in_log legacy-ns.log '[lr]_')/$((2 * N));" \
      "NewCollector: $(grep -c '^ALL' "$WORK/new-collector.log") ALL line(s), LegacyCollector:" \
      "$(grep -c '^ALL' "$WORK/legacy-collector.log")"
    break
  fi
  sleep 0.25
done
T_END=$(now_us)
# (Polled every 0.25 s, after the spawn loop: upper bounds.)
report_time() { [ -n "$2" ] && echo "---- $1 $(seconds "$T0" "$2") s after the first spawn (polled)"; }
report_time "all $N relinked members registered with our name server" "$T_NEW_REG"
report_time "all $((2 * N)) members registered with the legacy name server" "$T_LEGACY_REG"
report_time "NewCollector (relinked) had a Hello from each legacy member" "$T_NEW_COLL"
report_time "LegacyCollector (legacy) had a Hello from each relinked member" "$T_LEGACY_COLL"

if [ "$FAILED" -eq 0 ]; then
  # Our name server: exactly the relinked members, under their own pids.
  listed Scale r_ >"$WORK/new-r.txt" || fail "cm names (Scale) failed: $(cat "$WORK/cm.err")"
  grep -qE '^NewCollector ' "$WORK/cm.out" || fail "our name server does not list NewCollector"
  awk '$1 ~ /^l_[0-9]+$/' "$WORK/cm.out" | head -n 3 | grep -q . && fail "our name server lists legacy members"
  for ((i = 0; i < N; ++i)); do echo "r_$i ${R_PIDS[i]}"; done | sort >"$WORK/expected-r.txt"
  diff "$WORK/new-r.txt" "$WORK/expected-r.txt" >"$WORK/diff" &&
    echo "ok   our name server lists all $N relinked members, each under its own pid" ||
    { fail "our name server does not list exactly the relinked members (< listed, > expected):"; head "$WORK/diff"; }

  # The legacy name server: the legacy members under their pids, each
  # relinked member under its companion's (a child of the member).
  listed ScaleLegacy l_ >"$WORK/legacy-l.txt" || fail "cm names (ScaleLegacy) failed: $(cat "$WORK/cm.err")"
  awk '$1 ~ /^r_[0-9]+$/ { print $1, $3 }' "$WORK/cm.out" | sort >"$WORK/legacy-r.txt"
  grep -qE '^LegacyCollector ' "$WORK/cm.out" || fail "the legacy name server does not list LegacyCollector"
  grep -qE '^NewCollector ' "$WORK/cm.out" || fail "the legacy name server does not list NewCollector (migration mode)"
  for ((i = 0; i < N; ++i)); do echo "l_$i ${L_PIDS[i]}"; done | sort >"$WORK/expected-l.txt"
  diff "$WORK/legacy-l.txt" "$WORK/expected-l.txt" >"$WORK/diff" &&
    echo "ok   the legacy name server lists all $N legacy members, each under its own pid" ||
    { fail "the legacy name server does not list exactly the legacy members:"; head "$WORK/diff"; }
  for ((i = 0; i < N; ++i)); do echo "r_$i" $(children "${R_PIDS[i]}"); done | sort >"$WORK/expected-rc.txt"
  diff "$WORK/legacy-r.txt" "$WORK/expected-rc.txt" >"$WORK/diff" &&
    echo "ok   the legacy name server lists all $N relinked members, each under its own companion's pid" ||
    { fail "the legacy name server does not list each relinked member under its companion (< listed, > expected):"
      head "$WORK/diff"; }
  for ((i = 0; i < N; ++i)); do COMPANIONS+=($(children "${R_PIDS[i]}")); done
  [ "$(cat "/proc/${COMPANIONS[0]}/comm" 2>/dev/null)" = cm-legacy-compa ] ||
    fail "the child of r_0 is not a companion: $(cat "/proc/${COMPANIONS[0]}/comm" 2>/dev/null)"

  # Idle: what each kind of process costs, over 3 s.
  HZ=$(getconf CLK_TCK)
  LEGACY_LIST=("${L_PIDS[@]}")
  RELINKED_LIST=("${R_PIDS[@]}")
  cpu_ticks "${LEGACY_LIST[@]}"; L0=$TICKS
  cpu_ticks "${RELINKED_LIST[@]}"; R0=$TICKS
  cpu_ticks "${COMPANIONS[@]}"; C0=$TICKS
  t_a=$(now_us); sleep 3; t_b=$(now_us)
  cpu_ticks "${LEGACY_LIST[@]}"; L1=$TICKS
  cpu_ticks "${RELINKED_LIST[@]}"; R1=$TICKS
  cpu_ticks "${COMPANIONS[@]}"; C1=$TICKS
  # µs of CPU per second and process
  per() { echo $(((${2} - ${1}) * 1000000 / HZ * 1000000 / (t_b - t_a) / N)); }
  echo "---- idle, per process (CPU over $(seconds "$t_a" "$t_b") s; median VmRSS):" \
    "legacy member $(per "$L0" "$L1") µs/s, $(rss_median_kib "${LEGACY_LIST[@]}") MiB;" \
    "relinked member $(per "$R0" "$R1") µs/s, $(rss_median_kib "${RELINKED_LIST[@]}") MiB;" \
    "its companion $(per "$C0" "$C1") µs/s, $(rss_median_kib "${COMPANIONS[@]}") MiB"
fi

# ---- 4. stop them through the boundary ---------------------------------------------

reap_all() {  # every member that exited: its status must be 0
  local i bad=0 rc
  for side in l r; do
    for ((i = 0; i < N; ++i)); do
      if [ "$side" = l ]; then pid=${L_PIDS[i]}; else pid=${R_PIDS[i]}; fi
      [ -n "$pid" ] || continue
      alive "$pid" && continue
      rc=0
      wait "$pid" || rc=$?
      if [ "$side" = l ]; then L_PIDS[i]=; else R_PIDS[i]=; fi
      if [ "$rc" -ne 0 ]; then
        bad=$((bad + 1))
        [ "$bad" -le 10 ] && echo "  | ${side}_$i exited with status $rc: $(tail -n 2 "$WORK/m/${side}_$i.log" | tr '\n' ' ')"
      fi
    done
  done
  [ "$bad" -eq 0 ] || fail "$bad members exited with a non-zero status"
}

if [ "$FAILED" -eq 0 ]; then
  T_STOP=$(now_us)
  cm_on Scale send NewCollector -type StopAll
  [ "$RC" -eq 0 ] || fail "cm send NewCollector -type StopAll: status $RC: $(cat "$WORK/cm.err")"
  cm_on ScaleLegacy send LegacyCollector -type StopAll
  [ "$RC" -eq 0 ] || fail "cm send LegacyCollector -type StopAll: status $RC: $(cat "$WORK/cm.err")"
  wait_exited "$PHASE_TIMEOUT" $(members) || fail "members still running $PHASE_TIMEOUT s after StopAll"
  T_EXITED=$(now_us)
  reap_all
  for log in new-collector legacy-collector; do
    for ((i = 0; i < 600; ++i)); do grep -q '^QUIT' "$WORK/$log.log" && break; sleep 0.1; done
    line=$(grep -m1 '^QUIT' "$WORK/$log.log")
    [[ "$line" == "QUIT accepted $N of $N "* ]] && echo "ok   $log: $line" || fail "$log: '$line', expected 'QUIT accepted $N of $N ...'"
  done
  wait_exited 30 "${COMPANIONS[@]}" && echo "ok   every companion exited with its process" ||
    fail "companions still running 30 s after their processes exited"
  # Neither name server lists a member any more.
  deadline=$(($(now_us) + 60 * 1000000))
  while :; do
    left_new=$(listed Scale '[lr]_' | wc -l)
    left_legacy=$(listed ScaleLegacy '[lr]_' | wc -l)
    [ "$left_new" -eq 0 ] && [ "$left_legacy" -eq 0 ] && break
    if [ "$(now_us)" -gt "$deadline" ]; then
      fail "60 s after the members exited, our name server lists $left_new members, the legacy one $left_legacy"
      break
    fi
    sleep 0.5
  done
  [ "$FAILED" -eq 0 ] && echo "ok   all $((2 * N)) members stopped by a Quit across the boundary, exited 0, unlisted on both sides" \
    "($(seconds "$T_STOP" "$T_EXITED") s to exit)"

  # ---- 5. the collectors' verdicts ------------------------------------------------
  cm_on Scale send NewCollector -type Finish
  cm_on ScaleLegacy send LegacyCollector -type Finish
  wait_exited 20 "${COLLECTOR_PIDS[@]}" || fail "the collectors did not exit within 20 s of Finish"
  for log in new-collector legacy-collector; do
    summary=$(grep -m1 '^SUMMARY' "$WORK/$log.log")
    [ "$summary" = "SUMMARY distinct $N duplicates 0 bad 0 of $N expected: ok" ] &&
      echo "ok   $log: exactly one Hello from each of the $N members of the other side" ||
      fail "$log: '${summary:-no SUMMARY line}'"
    grep -E '^(BAD|DUPLICATE)' "$WORK/$log.log" | head -n 10 | sed 's/^/  | /'
  done
  for pid in "${COLLECTOR_PIDS[@]}"; do wait "$pid" 2>/dev/null || fail "a collector exited with a non-zero status"; done
  COLLECTOR_PIDS=()
fi

# ---- report ----------------------------------------------------------------------------

percentiles() {  # column of seconds on stdin -> median / p90 / max in ms
  sort -g | awk '{ v[NR] = $1 } END { if (NR) printf "median %.0f ms, p90 %.0f ms, max %.0f ms",
    1000 * v[int((NR + 1) / 2)], 1000 * v[int(NR * 0.9 + 0.5)], 1000 * v[NR]; else printf "none" }'
}
for side in l r; do
  name=$([ "$side" = l ] && echo legacy || echo relinked)
  times=$(cat "$WORK"/m/${side}_*.log 2>/dev/null | grep '^TIMES')
  echo "---- $name members: CmMessageOpenServer $(awk '{ print $3 }' <<<"$times" | percentiles);" \
    "Hello across $(awk '{ print $5 }' <<<"$times" | percentiles);" \
    "retried: open $(awk '$9 > 0' <<<"$times" | wc -l), Hello $(awk '$10 > 0' <<<"$times" | wc -l)"
done
# By the processes' own clocks (CLOCK_MONOTONIC): from the first member's
# main() to the last registration (a relinked member's CmMessageOpenServer
# returns once its name is registered on both sides), and to the later of
# the two collectors' last Hello.
CLOCKS=$(cat "$WORK"/m/*.log 2>/dev/null | grep -h '^TIMES' |
  awk -v a="$(grep -h '^ALL' "$WORK/new-collector.log" "$WORK/legacy-collector.log" | awk '{ print $NF }' | tr '\n' ' ')" '
    { if (NR == 1 || $7 < first) first = $7; if ($7 + $3 > reg) reg = $7 + $3 }
    END { n = split(a, all, " "); last = 0; for (i = 1; i <= n; i++) if (all[i] > last) last = all[i]
          if (NR) printf "%.3f %s", reg - first, n == 2 ? sprintf("%.3f", last - first) : "?" }')
read -r START_S DELIVERY_S <<<"${CLOCKS:-? ?}"
echo "---- from the first member's main(): every member registered (on both sides) after ${START_S} s," \
  "both collectors had every Hello after ${DELIVERY_S} s (the script's $((2 * N)) spawns took $(seconds "$T0" "${T_SPAWNED:-$T0}") s)"
warnings=$(cat "$WORK"/m/*.log 2>/dev/null | grep -E 'warning|error' | sed -E 's/^([^ ]+ )?cm\[[^]]*\] //; s/[0-9]+/N/g' |
  sort | uniq -c | sort -rn | head -n 5)
[ -n "$warnings" ] && { echo "---- the members' warnings (numbers as N):"; sed 's/^/  | /' <<<"$warnings"; }
if [ "$FAILED" -eq 0 ]; then
  echo "PASS mixed scale: $N legacy + $N relinked (migration mode) members; start $START_S s" \
    "(all registered on both sides), delivery $DELIVERY_S s (both collectors complete), from the first member's main()"
  exit 0
fi
echo "FAIL mixed scale ($N per side): see the FAIL lines above"
exit 1
