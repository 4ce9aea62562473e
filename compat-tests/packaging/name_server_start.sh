#!/usr/bin/env bash
# packaging.name_server_start: the legacy launcher NameServer.start, as
# packaged.  It starts the domain's name server in the background and
# returns once it serves, its log and pid file in the domain's repository;
# called again, it leaves the running one alone; an unknown domain, a port
# already taken and a bad domain name are clear errors (exit 1, 1, 2).
#   bash name_server_start.sh SOURCE_DIR PACKAGES_DIR
source "$(dirname "$0")/lib.sh"
start=$BIN/NameServer.start
[ -x "$start" ] || fail "NameServer.start not packaged"
port=$(free_port)
repository=$WORK/repository
domain=Start$$  # this test's own, to count its name servers
echo "# domain ns-host ns-port first-port port-range repository
$domain 127.0.0.1 $port $((port + 1)) 10 $repository" > "$WORK/CmDomains"
servers() { pgrep -c -f -- "CmNameServer --domain $domain( |\$)" || true; }
gone() {  # exited (a zombie that init has not reaped yet counts)
  local stat
  stat=$(ps -o stat= -p "$1" || true)
  [ -z "$stat" ] || [[ $stat == Z* ]]
}
export CMDOMAIN_DATABASE=$WORK/CmDomains LD_LIBRARY_PATH=$LIBDIR

"$start" "$domain" > "$WORK/out" 2>&1 || fail "NameServer.start $domain: $(cat "$WORK/out")"
pid=$(cat "$repository/CmNameServer.$domain.pid")
CLEANUP_PIDS+=("$pid")
grep -q "started (pid $pid)" "$WORK/out" || fail "NameServer.start said: $(cat "$WORK/out")"
port_open "$port" || fail "nothing listens on port $port"
"$BIN/cm" nameserver status --domain "$domain" > /dev/null || fail "cm nameserver status --domain $domain"
grep -q 'serving domain' "$repository/CmNameServer.$domain.log" || fail "log: $(cat "$repository/CmNameServer.$domain.log")"
[ "$(ps -o sid= -p "$pid" | tr -d ' ')" = "$pid" ] || fail "CmNameServer is not in a session of its own (setsid)"
ok "NameServer.start $domain: $(cat "$WORK/out")"

CMDOMAIN=$domain "$start" > "$WORK/out" 2>&1 || fail "CMDOMAIN=$domain NameServer.start, again: $(cat "$WORK/out")"
grep -q 'already answers' "$WORK/out" || fail "a second start said: $(cat "$WORK/out")"
[ "$(servers)" = 1 ] || fail "$(servers) name servers of $domain run"
ok "again (CMDOMAIN=$domain): $(cat "$WORK/out")"

# The port taken (by the running one), forced with --port: CmNameServer fails, said.
status=0
CM_NAMESERVER_LOGDIR=$WORK/other "$start" "$domain" --port "$port" > "$WORK/out" 2>&1 || status=$?
[ "$status" = 1 ] || fail "a start on a taken port: exit $status: $(cat "$WORK/out")"
grep -q 'exited at start' "$WORK/out" || fail "a start on a taken port said: $(cat "$WORK/out")"
ok "port taken: exit 1, $(head -1 "$WORK/out")"

status=0
CM_NAMESERVER_LOGDIR=$WORK/nowhere "$start" Nowhere > "$WORK/out" 2>&1 || status=$?
[ "$status" = 1 ] && grep -q "Nowhere" "$WORK/out" || fail "an unknown domain: exit $status: $(cat "$WORK/out")"
ok "unknown domain: exit 1, $(grep -m1 -i 'unknown\|not in' "$WORK/out" || head -1 "$WORK/out")"
status=0
"$start" 'a;b' > "$WORK/out" 2>&1 || status=$?
[ "$status" = 2 ] || fail "a bad domain name: exit $status: $(cat "$WORK/out")"
ok "bad domain name: exit 2, $(head -1 "$WORK/out")"

kill -TERM "$pid"
wait_for "CmNameServer stopping on SIGTERM" gone "$pid"
[ "$(servers)" = 0 ] || fail "a name server of $domain is left running"
echo "PASS: NameServer.start"
