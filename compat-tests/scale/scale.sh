#!/usr/bin/env bash
# scale.sh -- many real processes of one domain on one machine (default 500).
#
#   bash compat-tests/scale/scale.sh BIN_DIR [COUNT]
#
# BIN_DIR holds CmNameServer, cm, scale_member and scale_collector.  Steps:
#   1. a private domain "Scale": a CmDomains table (CMDOMAIN_DATABASE) giving
#      a free name-server port and a port range of 4*COUNT ports for the
#      processes, below the kernel's ephemeral range; a CmNameServer on it,
#      run as a daemon (a session of its own), as is the collector;
#   2. the collector (scale_collector), then COUNT members (scale_member
#      scale_<i> <i> Collector) started at once;
#   3. wait until `cm names` lists all of them (each under its own pid, at an
#      address inside the domain's range) and the collector has exactly one
#      Hello from each.  A member whose CmMessageOpenServer or Hello returns 0
#      tries again (see member.c); the library's warnings must then give a
#      timeout as the reason (a starved machine), anything else fails;
#   4. stop them as a control system would: 3 with `cm kill`, 3 with SIGTERM,
#      the rest with a "Quit" message from the collector ("StopAll"); every
#      member must exit 0 and `cm names` must list none of them;
#   5. the collector's verdict ("Finish"), the name server's statistics.
# Every wait is bounded (SCALE_TIMEOUT seconds per phase, 180 by default).
# Times are printed for information only: nothing here fails for being slow.
# Every process started here is stopped on any exit (trap).  SCALE_KEEP=1
# keeps the work directory (logs of every process).
set -uo pipefail

BIN=${1:?usage: bash $0 BIN_DIR [COUNT]}
N=${2:-500}
CM=$BIN/cm
PREFIX=scale_
COLLECTOR=Collector
PHASE_TIMEOUT=${SCALE_TIMEOUT:-180}
BY_CM_KILL=3   # members 0..2 stop through `cm kill`
BY_SIGTERM=3   # members 3..5 through SIGTERM; the rest through "Quit"

for program in CmNameServer cm scale_member scale_collector; do
  [ -x "$BIN/$program" ] || { echo "FAIL not executable: $BIN/$program"; exit 1; }
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/cm-scale.XXXXXX")
mkdir -p "$WORK/m"
FAILED=0
NS_PID=
COLLECTOR_PID=
MEMBER_PIDS=()   # index -> pid; emptied once the process has been waited for

# A site's domain settings must not leak into the test.
unset CMDOMAIN CMDOMAIN_DATABASE CMMGR CMROOT CM_HOST CM_NAMESERVER CM_LOG CM_SEND_TIMEOUT CM_SECRET

source "$(dirname "$0")/lib.sh"  # fail, now_us, seconds, alive, wait_exited

# The pids we started that have not been waited for.
our_pids() {
  local p
  for p in "${MEMBER_PIDS[@]}" $COLLECTOR_PID; do [ -n "$p" ] && echo "$p"; done
}

cleanup() {
  local pids tries
  trap - EXIT INT TERM
  pids=$(our_pids)
  if [ -n "$pids" ]; then
    # TERM: members and collector close cleanly (unregister) on it.
    kill -TERM $pids 2>/dev/null
    for ((tries = 0; tries < 50; ++tries)); do
      local left=0 p
      for p in $pids; do alive "$p" && { left=1; break; }; done
      [ "$left" -eq 0 ] && break
      sleep 0.1
    done
    kill -KILL $pids 2>/dev/null
    wait $pids 2>/dev/null
  fi
  if [ -n "$NS_PID" ]; then
    kill -TERM "$NS_PID" 2>/dev/null
    for ((tries = 0; tries < 30; ++tries)); do alive "$NS_PID" || break; sleep 0.1; done
    kill -KILL "$NS_PID" 2>/dev/null
    wait "$NS_PID" 2>/dev/null
  fi
  if [ "$FAILED" -ne 0 ] && [ -s "$WORK/nameserver.log" ]; then
    echo "---- name server log (last 40 lines of $(wc -l <"$WORK/nameserver.log"))"
    tail -n 40 "$WORK/nameserver.log" | sed 's/^/  | /'
  fi
  if [ "${SCALE_KEEP:-0}" = 1 ]; then
    echo "work directory kept: $WORK"
  else
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT
trap 'echo "interrupted"; FAILED=1; exit 130' INT TERM

# cm_run ARGS...: cm, bounded in time; stdout in $WORK/cm.out, status in $RC.
cm_run() {
  timeout 30 "$CM" "$@" >"$WORK/cm.out" 2>"$WORK/cm.err"
  RC=$?
}

# The member names `cm names` lists, one "name pid port" per line, sorted.
# Status 1 when cm failed.
listed_members() {
  cm_run names
  [ "$RC" -eq 0 ] || return 1
  awk -v re="^$PREFIX[0-9]+\$" '$1 ~ re { port = $4; sub(/^tcp:\/\/[^:]*:/, "", port); sub(/#.*/, "", port);
       print $1, $3, port }' "$WORK/cm.out" | sort
}
count_listed() {
  local list
  list=$(listed_members) || { echo -1; return; }
  [ -z "$list" ] && echo 0 || wc -l <<<"$list"
}

# Member logs holding a FAIL line (a member that gave up), as "index: line".
failed_members() {
  grep -H -m1 '^FAIL' "$WORK"/m/*.log 2>/dev/null | sed "s|^$WORK/m/||; s|\.log:|: |"
}

# stat_cpu_ms PID: user + system CPU time of a process so far, in ms.
CLK_TCK=$(getconf CLK_TCK)
cpu_ticks() {
  local stat
  { read -r stat <"/proc/$1/stat"; } 2>/dev/null || { TICKS=0; return; }
  stat=${stat##*) }   # the fields after the command name: state is field 3,
  set -- $stat        # utime field 14, stime field 15
  TICKS=$((${12} + ${13}))
}
stat_cpu_ms() {
  cpu_ticks "$1"
  echo $((TICKS * 1000 / CLK_TCK))
}
sum_cpu_ms() {
  local p total=0
  for p in "$@"; do
    cpu_ticks "$p"
    total=$((total + TICKS))
  done
  echo $((total * 1000 / CLK_TCK))
}
fd_count() { ls "/proc/$1/fd" 2>/dev/null | wc -l; }
# The kernel's TCP counters that say connections had to wait: accept queues
# that overflowed, SYNs dropped by listeners, SYNs sent again (whole machine).
tcp_counters() {
  awk '/^TcpExt:/ { if (!h) { split($0, k); h = 1 } else { split($0, v);
         for (i in k) c[k[i]] = v[i]; print c["ListenOverflows"] + 0, c["ListenDrops"] + 0, c["TCPSynRetrans"] + 0 } }' \
    /proc/net/netstat 2>/dev/null
}

# ---- 1. the domain --------------------------------------------------------

# Every member keeps a listening socket and two connections, the collector
# two per member, the name server one per process: make sure the descriptor
# limit allows it (a common default is 1024).
NEED_FDS=$((4 * N + 256))
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt "$NEED_FDS" ]; then
  ulimit -n "$NEED_FDS" 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null
  echo "note: raised the open-file limit to $(ulimit -n) (want $NEED_FDS)"
  [ "$(ulimit -n)" = unlimited ] || [ "$(ulimit -n)" -ge "$NEED_FDS" ] ||
    echo "note: the open-file limit $(ulimit -n) may be too low for $N processes"
fi

# The processes' port range: 4*N ports below the ephemeral range (where
# outgoing connections take their local ports), away from 19000.
read -r EPHEMERAL_LOW _ </proc/sys/net/ipv4/ip_local_port_range
RANGE=$((4 * N))
[ "$RANGE" -lt 1000 ] && RANGE=1000
LOW=20000
HIGH=$((EPHEMERAL_LOW - RANGE - 1))
if [ "$HIGH" -le "$LOW" ]; then
  echo "FAIL no room for $RANGE ports below the ephemeral range ($EPHEMERAL_LOW)"
  exit 1
fi
FIRST_PORT=$((LOW + (RANDOM * 32768 + RANDOM) % (HIGH - LOW)))

# A port nobody listens on, outside that range.
free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 12000))
    [ "$port" -ge "$FIRST_PORT" ] && [ "$port" -lt $((FIRST_PORT + RANGE)) ] && continue
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return
    fi
  done
}

# The name server and the collector run in sessions of their own, as daemons
# started by the system do.  It matters: with the kernel's autogroup
# scheduling, the processes of one session share one CPU share, and in this
# script's session hundreds of starting members would starve them
# (docs/operations.md, "Scale").  setsid execs in place (we are not a process
# group leader), so $! stays the program's pid.
DAEMON=()
command -v setsid >/dev/null && DAEMON=(setsid)
export CMDOMAIN=Scale CMDOMAIN_DATABASE=$WORK/CmDomains
for try in 1 2 3; do
  NS_PORT=$(free_port)
  echo "Scale 127.0.0.1 $NS_PORT $FIRST_PORT $RANGE $WORK" >"$CMDOMAIN_DATABASE"
  "${DAEMON[@]}" "$BIN/CmNameServer" >"$WORK/nameserver.log" 2>&1 &
  NS_PID=$!
  for ((i = 0; i < 100; ++i)); do
    alive "$NS_PID" || break
    cm_run nameserver status && break
    sleep 0.1
  done
  [ "$RC" -eq 0 ] && break
  kill -KILL "$NS_PID" 2>/dev/null
  wait "$NS_PID" 2>/dev/null
  NS_PID=
done
if [ -z "$NS_PID" ]; then
  echo "FAIL CmNameServer did not start"
  cat "$WORK/nameserver.log"
  FAILED=1
  exit 1
fi
if [ "$(cat "/proc/$NS_PID/comm" 2>/dev/null)" != CmNameServer ]; then
  echo "FAIL pid $NS_PID is not the name server ($(cat "/proc/$NS_PID/comm" 2>/dev/null))"
  FAILED=1
  exit 1
fi
echo "---- domain Scale: CmNameServer (pid $NS_PID) on port $NS_PORT, processes on ports" \
  "$FIRST_PORT..$((FIRST_PORT + RANGE - 1)); $N members; open-file limit $(ulimit -n)"

# ---- 2. collector and members ----------------------------------------------

"${DAEMON[@]}" "$BIN/scale_collector" "$COLLECTOR" "$N" "$PREFIX" >"$WORK/collector.log" 2>&1 &
COLLECTOR_PID=$!
for ((i = 0; i < 100; ++i)); do
  grep -q '^READY' "$WORK/collector.log" && break
  alive "$COLLECTOR_PID" || break
  sleep 0.1
done
if ! grep -q '^READY' "$WORK/collector.log"; then
  fail "the collector did not start"
  cat "$WORK/collector.log"
  exit 1
fi

NS_CPU0=$(stat_cpu_ms "$NS_PID")
TCP0=$(tcp_counters)
T0=$(now_us)
for ((i = 0; i < N; ++i)); do
  "$BIN/scale_member" "$PREFIX$i" "$i" "$COLLECTOR" >"$WORK/m/$i.log" 2>&1 &
  MEMBER_PIDS[i]=$!
done
T_SPAWNED=$(now_us)
echo "---- started $N members in $(seconds "$T0" "$T_SPAWNED") s"

# ---- 3. all registered, all Hellos collected --------------------------------

# Polling must not load the machine it measures: the name server's log says
# cheaply how many members have registered; `cm names` (a process, and a
# request listing every name) is asked only once the log says all have.
registered_in_log() {
  grep -o "register: $PREFIX[0-9]* " "$WORK/nameserver.log" | sort -u | wc -l
}
T_REGISTERED=
T_COLLECTED=
LISTED=0
polls=0
deadline=$(($(now_us) + PHASE_TIMEOUT * 1000000))
while :; do
  polls=$((polls + 1))
  if [ -z "$T_COLLECTED" ] && grep -q '^ALL' "$WORK/collector.log"; then T_COLLECTED=$(now_us); fi
  if [ -z "$T_REGISTERED" ] && [ "$(registered_in_log)" -ge "$N" ]; then
    LISTED=$(count_listed)
    [ "$LISTED" -eq "$N" ] && T_REGISTERED=$(now_us)
  fi
  [ -n "$T_REGISTERED" ] && [ -n "$T_COLLECTED" ] && break
  if [ $((polls % 4)) -eq 0 ]; then
    gave_up=$(failed_members)
    if [ -n "$gave_up" ]; then
      fail "$(wc -l <<<"$gave_up") member(s) gave up; the first ones:"
      head -n 10 <<<"$gave_up" | sed 's/^/  | /'
      break
    fi
  fi
  if [ "$(now_us)" -gt "$deadline" ]; then
    [ -z "$T_REGISTERED" ] && LISTED=$(count_listed)
    fail "after ${PHASE_TIMEOUT} s: cm names lists $LISTED of $N members; the collector has" \
      "$(grep -c '^ALL' "$WORK/collector.log") ALL line(s)"
    break
  fi
  sleep 0.5
done
[ -n "$T_REGISTERED" ] && echo "---- all $N listed by cm names $(seconds "$T0" "$T_REGISTERED") s after the first start"
[ -n "$T_COLLECTED" ] && echo "---- the collector had a Hello from each $(seconds "$T0" "$T_COLLECTED") s after the first start"
NS_CPU1=$(stat_cpu_ms "$NS_PID")
TCP1=$(tcp_counters)

if [ "$FAILED" -eq 0 ]; then
  # Exactly our processes, under their own pids, inside the domain's range.
  listed_members >"$WORK/listed.txt" || fail "cm names failed: $(cat "$WORK/cm.err")"
  for ((i = 0; i < N; ++i)); do echo "$PREFIX$i ${MEMBER_PIDS[i]}"; done | sort >"$WORK/expected.txt"
  if ! diff <(cut -d' ' -f1,2 "$WORK/listed.txt") "$WORK/expected.txt" >"$WORK/names.diff"; then
    fail "cm names does not list exactly the $N members with their pids (< listed, > expected):"
    head -n 20 "$WORK/names.diff" | sed 's/^/  | /'
  else
    echo "ok   cm names lists all $N members, each with its own pid"
  fi
  outside=$(awk -v lo="$FIRST_PORT" -v hi=$((FIRST_PORT + RANGE)) '$3 < lo || $3 >= hi' "$WORK/listed.txt")
  [ -z "$outside" ] && echo "ok   every member listens inside the domain's port range" ||
    fail "members listening outside ports $FIRST_PORT..$((FIRST_PORT + RANGE - 1)): $(head -n 3 <<<"$outside")"
  grep -qE "^$COLLECTOR +[^ ]+ +$COLLECTOR_PID " "$WORK/cm.out" && echo "ok   cm names lists the collector" ||
    fail "cm names does not list $COLLECTOR (pid $COLLECTOR_PID)"

  # What the steady state costs.
  CPU_A=$(sum_cpu_ms "${MEMBER_PIDS[@]}")
  NS_CPU_A=$(stat_cpu_ms "$NS_PID")
  T_A=$(now_us)
  sleep 2
  CPU_B=$(sum_cpu_ms "${MEMBER_PIDS[@]}")
  NS_CPU_B=$(stat_cpu_ms "$NS_PID")
  T_B=$(now_us)
  # In hundredths of a per cent of one CPU.
  IDLE_PCT=$(((CPU_B - CPU_A) * 10000 * 1000 / (T_B - T_A)))
  NS_IDLE_PCT=$(((NS_CPU_B - NS_CPU_A) * 10000 * 1000 / (T_B - T_A)))
  START_CPU_AVG=$((CPU_A / N))
  NS_FDS=$(fd_count "$NS_PID")
  COLLECTOR_FDS=$(fd_count "$COLLECTOR_PID")
  NS_RSS=$(awk '/^VmRSS/ { print $2 " " $3 }' "/proc/$NS_PID/status")
fi

# ---- 4. stop them all --------------------------------------------------------

# reap INDEX: wait for member INDEX (already exited); its status in $RC.
reap() {
  RC=0
  wait "${MEMBER_PIDS[$1]}" || RC=$?
  MEMBER_PIDS[$1]=
}

if [ "$FAILED" -eq 0 ]; then
  T_STOP=$(now_us)
  for ((i = 0; i < BY_CM_KILL; ++i)); do
    cm_run kill "$PREFIX$i" --timeout 10
    [ "$RC" -eq 0 ] || fail "cm kill $PREFIX$i: status $RC: $(cat "$WORK/cm.err")"
  done
  term_pids=()
  for ((i = BY_CM_KILL; i < BY_CM_KILL + BY_SIGTERM; ++i)); do term_pids+=("${MEMBER_PIDS[i]}"); done
  kill -TERM "${term_pids[@]}"
  wait_exited 30 "${term_pids[@]}" || fail "members did not exit within 30 s of SIGTERM"
  for ((i = 0; i < BY_CM_KILL + BY_SIGTERM; ++i)); do
    if alive "${MEMBER_PIDS[i]}"; then continue; fi
    reap "$i"
    [ "$RC" -eq 0 ] || fail "$PREFIX$i ($([ "$i" -lt "$BY_CM_KILL" ] && echo "cm kill" || echo SIGTERM)) exited with status $RC"
  done
  echo "ok   $BY_CM_KILL members stopped with cm kill, $BY_SIGTERM with SIGTERM ($(seconds "$T_STOP") s)"

  T_STOPALL=$(now_us)
  cm_run send "$COLLECTOR" -type StopAll
  [ "$RC" -eq 0 ] || fail "cm send $COLLECTOR -type StopAll: status $RC: $(cat "$WORK/cm.err")"
  T_GONE=
  deadline=$(($(now_us) + PHASE_TIMEOUT * 1000000))
  while :; do
    LISTED=$(count_listed)
    if [ "$LISTED" -eq 0 ]; then
      T_GONE=$(now_us)
      break
    fi
    if [ "$(now_us)" -gt "$deadline" ]; then
      fail "after ${PHASE_TIMEOUT} s, cm names still lists $LISTED members: $(listed_members | head -n 5 | tr '\n' ' ')"
      break
    fi
    sleep 0.5
  done
  [ -n "$T_GONE" ] && echo "---- cm names lists no member $(seconds "$T_STOPALL" "$T_GONE") s after StopAll" \
    "($(seconds "$T_STOP" "$T_GONE") s after the first cm kill)"

  remaining=()
  for ((i = 0; i < N; ++i)); do [ -n "${MEMBER_PIDS[i]}" ] && remaining+=("${MEMBER_PIDS[i]}"); done
  wait_exited 60 "${remaining[@]}" || fail "members still running 60 s after StopAll"
  T_EXITED=$(now_us)
  for ((i = 0; i < 600; ++i)); do grep -q '^QUIT' "$WORK/collector.log" && break; sleep 0.1; done
  bad_exit=0
  for ((i = 0; i < N; ++i)); do
    [ -n "${MEMBER_PIDS[i]}" ] || continue
    alive "${MEMBER_PIDS[i]}" && continue
    reap "$i"
    if [ "$RC" -ne 0 ]; then
      bad_exit=$((bad_exit + 1))
      [ "$bad_exit" -le 10 ] && echo "  | $PREFIX$i exited with status $RC: $(tail -n 2 "$WORK/m/$i.log" | tr '\n' ' ')"
    fi
  done
  [ "$bad_exit" -eq 0 ] && echo "ok   all $N members exited with status 0" ||
    fail "$bad_exit members exited with a non-zero status"

  # Quit went to every member still there, and to no other.
  quit_line=$(grep -m1 '^QUIT' "$WORK/collector.log")
  want="QUIT accepted $((N - BY_CM_KILL - BY_SIGTERM)) of $N "
  [[ "$quit_line" == "$want"* ]] && echo "ok   $quit_line" ||
    fail "the collector's StopAll: '$quit_line', expected '$want...'"
  refused=$(grep '^REFUSED' "$WORK/collector.log" | awk '{ print $2 }' | sort | tr '\n' ' ')
  want_refused=$(for ((i = 0; i < BY_CM_KILL + BY_SIGTERM; ++i)); do echo "$PREFIX$i"; done | sort | tr '\n' ' ')
  [ "$refused" = "$want_refused" ] || fail "Quit refused for '$refused', expected '$want_refused'"

  # ---- 5. the collector's verdict, the name server's figures ---------------
  cm_run send "$COLLECTOR" -type Finish
  [ "$RC" -eq 0 ] || fail "cm send $COLLECTOR -type Finish: status $RC"
  wait_exited 10 "$COLLECTOR_PID" || fail "the collector did not exit within 10 s of Finish"
  if ! alive "$COLLECTOR_PID"; then
    RC=0
    wait "$COLLECTOR_PID" || RC=$?
    COLLECTOR_PID=
    [ "$RC" -eq 0 ] || fail "the collector exited with status $RC"
  fi
  summary=$(grep -m1 '^SUMMARY' "$WORK/collector.log")
  [ "$summary" = "SUMMARY distinct $N duplicates 0 bad 0 of $N expected: ok" ] &&
    echo "ok   collector: exactly one Hello from each of the $N members" ||
    fail "collector: '${summary:-no SUMMARY line}'"
  grep -E '^(BAD|DUPLICATE)' "$WORK/collector.log" | head -n 10 | sed 's/^/  | /'

  cm_run names
  leftover=$(awk 'NR > 1 && NF' "$WORK/cm.out")
  [ "$RC" -eq 0 ] && [ -z "$leftover" ] && echo "ok   the name server lists nobody" ||
    fail "after the end, cm names (status $RC) lists: $(head -n 5 <<<"$leftover" | tr '\n' ' ')"
  cm_run nameserver status
  NS_STATUS=$(awk '$1 ~ /^(names|requests|registered|unregistered|cleaned|malformed)$/ { printf "%s %s, ", $1, $2 }' \
    "$WORK/cm.out")
fi

# ---- report ---------------------------------------------------------------------

# percentiles FILE: median, p90 and max of a column of numbers (seconds), in ms.
percentiles() {
  sort -g "$1" | awk '{ v[NR] = $1 } END { if (NR) printf "median %.1f ms, p90 %.1f ms, max %.1f ms",
    1000 * v[int((NR + 1) / 2)], 1000 * v[int(NR * 0.9 + 0.5)], 1000 * v[NR] }'
}
grep -h '^TIMES' "$WORK"/m/*.log 2>/dev/null >"$WORK/times.txt"
awk '{ print $3 }' "$WORK/times.txt" >"$WORK/open.txt"
awk '{ print $5 }' "$WORK/times.txt" >"$WORK/send.txt"
# Members whose CmMessageOpenServer / Hello needed more than one try, and the tries that failed.
RETRIES=$(awk '$9 > 0 { om++; ot += $9 } $10 > 0 { sm++; st += $10 }
  END { printf "%d %d %d %d", om, ot, sm, st }' "$WORK/times.txt")
read -r OPEN_RETRIED OPEN_FAILED_TRIES SEND_RETRIED SEND_FAILED_TRIES <<<"$RETRIES"

# The library's warnings in the members' logs, numbers and incarnations
# written N.  A try may fail only because something did not answer in time
# on a starved machine (the reasons below, and a name-server link dropped by
# its heartbeat, after which the library registers again); `cm kill` makes
# its own line.  Any other warning is a failure.
cat "$WORK"/m/*.log | grep -E '^([^ ]+ )?cm\[' |
  sed -E 's/^([^ ]+ )?cm\[[^]]*\] //; s/#[0-9a-f]+/#ID/g; s/[0-9]+/N/g' | sort | uniq -c | sort -rn >"$WORK/warnings.txt"
EXPECTED_WARNINGS="^error: cannot open server '$PREFIX""N': name server tcp://[^ ]+ (is not reachable|did not answer NSRegister within N ms)\$\
|^warning: send 'Hello' to '$COLLECTOR': (name server tcp://[^ ]+ did not answer NSGetAddress within N ms|not reachable at tcp://[^ ]+ within N ms)\$\
|^warning: lost the link to name server tcp://[^ ]+\$\
|^warning: asked to stop by '[^']*' \\(cm kill\\): closing and exiting\$"
EXPECTED_WARNINGS=${EXPECTED_WARNINGS//$'\n'/}
unexpected=$(sed -E 's/^ *[0-9]+ //' "$WORK/warnings.txt" | grep -vE "$EXPECTED_WARNINGS")
if [ -n "$unexpected" ]; then
  fail "unexpected library warnings in the members' logs:"
  head -n 10 <<<"$unexpected" | sed 's/^/  | /'
fi

echo "==== figures (information only; $(nproc) CPUs, load average at the end $(cut -d' ' -f1-3 /proc/loadavg))"
echo "  members started (spawn loop)           $(seconds "$T0" "$T_SPAWNED") s"
[ -n "$T_REGISTERED" ] && echo "  first start -> all $N listed           $(seconds "$T0" "$T_REGISTERED") s"
[ -n "$T_COLLECTED" ] && echo "  first start -> all Hellos collected    $(seconds "$T0" "$T_COLLECTED") s"
[ -n "${T_GONE:-}" ] && echo "  StopAll -> cm names lists none         $(seconds "$T_STOPALL" "$T_GONE") s"
[ -n "${T_EXITED:-}" ] && echo "  StopAll -> every member exited         $(seconds "$T_STOPALL" "$T_EXITED") s"
[ -s "$WORK/open.txt" ] && echo "  CmMessageOpenServer per member         $(percentiles "$WORK/open.txt")"
[ -s "$WORK/send.txt" ] && echo "  first CmMessageSend (Hello)            $(percentiles "$WORK/send.txt")"
[ -n "${START_CPU_AVG:-}" ] && echo "  CPU per member so far                  $START_CPU_AVG ms (user+system, average: start, register, Hello, idle)"
[ -n "${IDLE_PCT:-}" ] && echo "  $N idle members                       $((IDLE_PCT / 100)).$(printf %02d $((IDLE_PCT % 100)))% of one CPU; name server $((NS_IDLE_PCT / 100)).$(printf %02d $((NS_IDLE_PCT % 100)))%"
echo "  name server CPU during the start       $((NS_CPU1 - NS_CPU0)) ms"
[ -n "${NS_FDS:-}" ] && echo "  descriptors: name server $NS_FDS, collector $COLLECTOR_FDS; name server RSS $NS_RSS"
if [ -n "$TCP0" ] && [ -n "${TCP1:-}" ]; then
  read -r o0 d0 r0 <<<"$TCP0"
  read -r o1 d1 r1 <<<"$TCP1"
  echo "  TCP during the start (whole machine)   $((o1 - o0)) accept queue overflows, $((d1 - d0)) listen drops," \
    "$((r1 - r0)) SYN retransmissions"
fi
[ -n "${NS_STATUS:-}" ] && echo "  name server: ${NS_STATUS%, }"
echo "  tries that returned 0 (retried)        CmMessageOpenServer: ${OPEN_FAILED_TRIES:-0} (by ${OPEN_RETRIED:-0} members);" \
  "Hello CmMessageSend: ${SEND_FAILED_TRIES:-0} (by ${SEND_RETRIED:-0} members)"
if [ -s "$WORK/warnings.txt" ]; then
  echo "  library warnings in the members' logs (count, text with numbers as N):"
  head -n 10 "$WORK/warnings.txt" | sed 's/^/    /'
fi

if [ "$FAILED" -ne 0 ]; then
  echo "==== scale.sh: FAILED (see FAIL lines above)"
  exit 1
fi
echo "==== scale.sh: passed ($N processes)"
