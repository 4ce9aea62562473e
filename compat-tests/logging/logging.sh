#!/usr/bin/env bash
# Logs an operator can use, and settings that say when they are wrong
# (docs/operations.md, "Logs" and "Settings"): real processes, asserting on
# the lines they write.
#
#   bash logging.sh BIN_DIR
#
# - the line format (UTC time stamp, cm[name pid], level) of the name server
#   and of a legacy C program;
# - CM_LOG in any case; a CM_LOG it does not know is said once;
# - bad CM_* values are said (variable, value, what is used) once each, and
#   the program still works;
# - CM_LOG=debug traces a registration, a connection, the peer's death;
#   CM_LOG=trace every message sent and received;
# - JOURNAL_STREAM naming stderr: syslog priority prefixes, no time stamp;
# - CM_LOG_FILE; CmNameServer --log-file (its default path in the domain's
#   repository), moved away then SIGHUP: a new file, the daemon answers;
#   moved away without a signal: a new file all the same.
source "$(dirname "$0")/../legacy/lib.sh"
CM="$BIN/cm"
STAMP='[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z'

pass() { echo "PASS $*"; }

# has FILE PATTERN WHAT: FILE has a line matching the extended regex.
has() {
  if grep -Eq -- "$2" "$1"; then pass "$3"; else fail "$3 (no line matching '$2' in $(basename "$1"))"; show_file "$1"; fi
}
# lacks FILE PATTERN WHAT
lacks() {
  if grep -Eq -- "$2" "$1"; then fail "$3 (a line matches '$2')"; show_file "$1"; else pass "$3"; fi
}
# count_is FILE PATTERN N WHAT
count_is() {
  local n
  n=$(grep -Ec -- "$2" "$1" || true)
  if [ "$n" -eq "$3" ]; then pass "$4"; else fail "$4 ($n lines match '$2', expected $3)"; show_file "$1"; fi
}
show_file() { sed 's/^/  | /' "$1"; }

# wait_for FILE PATTERN: until a line matches (at most 10 s).
wait_for() {
  local i
  for i in $(seq 100); do
    grep -Eq -- "$2" "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

# ask NAME LOG [ENV...]: cm request NAME -type Ping, the reply (Pong: the
# peer's pid) on stdout, cm's log lines in LOG.
ask() {
  local name=$1 log=$2
  shift 2
  env "$@" timeout 30 "$CM" request "$name" -type Ping --reply-type Pong 2>"$log"
}

start_nameserver
NS_LOG="$WORK/nameserver.log"

echo "---- the line format"
has "$NS_LOG" "^$STAMP cm\[CmNameServer $NS_PID\] info: serving domain" "name server: time stamp, cm[name pid], level"

echo "---- CM_LOG in any case; bad settings said once, and the program works"
export CM_LOG=DEBUG CM_SEND_TIMEOUT=abc CM_HOST="bad host" CM_COALESCE=maybe CM_MAX_MESSAGE_MB=lots
start peer "$BIN/legacy_peer" LogPeer
unset CM_LOG CM_SEND_TIMEOUT CM_HOST CM_COALESCE CM_MAX_MESSAGE_MB
wait_ready peer
PEER_PID=$READY_PID
PEER_LOG="$WORK/peer.log"
if reply=$(ask LogPeer "$WORK/cm1.log" CM_LOG=Trace); then
  if grep -q "^int $PEER_PID\$" <<<"$reply"; then pass "a peer with bad settings answers"; else fail "reply '$reply'"; fi
else
  fail "cm request to a peer with bad settings failed"
  show_file "$WORK/cm1.log"
fi
count_is "$PEER_LOG" "^$STAMP cm\[[^ ]+ $PEER_PID\] warning: CM_SEND_TIMEOUT='abc' is not a positive number of seconds: using 2\$" 1 \
  "CM_SEND_TIMEOUT=abc said once, with what is used"
count_is "$PEER_LOG" "warning: CM_HOST='bad host' is not a host name or address: advertising the address chosen without it\$" 1 \
  "CM_HOST='bad host' said once"
count_is "$PEER_LOG" "warning: CM_COALESCE='maybe' is not 0 or 1 \(off/on, no/yes, false/true\): using 1 \(on\)\$" 1 \
  "CM_COALESCE=maybe said once"
count_is "$PEER_LOG" "warning: CM_MAX_MESSAGE_MB='lots' is not a positive number of MiB: using 1024\$" 1 \
  "CM_MAX_MESSAGE_MB=lots said once"

echo "---- CM_LOG=DEBUG: registration and connection traces"
has "$PEER_LOG" "\] debug: link to name server tcp://127\.0\.0\.1:[0-9]+ up\$" "debug: name server link up"
has "$PEER_LOG" "\] debug: register 'LogPeer' at tcp://[^ ]+: 1 of 1 name server\(s\) took it\$" "debug: register"
has "$PEER_LOG" "\] debug: '[^']+' is at tcp://" "debug: where a peer is"
has "$PEER_LOG" "\] debug: dialing tcp://127\.0\.0\.1:[0-9]+\$" "debug: dialing a peer"
has "$PEER_LOG" "\] debug: connected to '[^']+' at tcp://" "debug: connected"
has "$PEER_LOG" "\] debug: '[^']+' connected: no callback installed\$" "debug: the connect callback"
# cm has exited: its connection closes, the peer suspects it, then finds it gone.
if wait_for "$PEER_LOG" "\] debug: '[^']+' at tcp://[^ ]+ is gone \((connection refused|not reachable)\)\$"; then
  pass "debug: a dead peer's verdict"
else
  fail "debug: no verdict on the dead peer"
  show_file "$PEER_LOG"
fi
has "$PEER_LOG" "\] debug: ('[^']+' closed its connection to us|disconnected from '[^']+' at tcp://[^ ]+): a suspect\$" \
  "debug: the suspect"
wait_for "$PEER_LOG" "\] debug: '[^']+' disconnected: no callback installed\$" || true
has "$PEER_LOG" "\] debug: '[^']+' disconnected: no callback installed\$" "debug: the disconnect callback"
lacks "$PEER_LOG" "\] trace: " "debug shows no trace lines"

echo "---- CM_LOG=Trace: every message sent and received"
has "$WORK/cm1.log" "^$STAMP cm\[[^ ]+ [0-9]+\] trace: sent 'Ping' to 'LogPeer' at tcp://[^ ]+: [0-9]+ bytes, seq 1\$" "trace: sent"
has "$WORK/cm1.log" "\] trace: received 'Pong' from 'LogPeer': [0-9]+ bytes, seq 1\$" "trace: received"
lacks "$WORK/cm1.log" "warning: CM_" "the settings cm itself was given are fine"

echo "---- CM_LOG=warning (a synonym) and a CM_LOG it does not know"
ask LogPeer "$WORK/cm2.log" CM_LOG=Warning CM_SEND_TIMEOUT=-1 >/dev/null || fail "cm request with CM_LOG=Warning failed"
count_is "$WORK/cm2.log" "warning: CM_SEND_TIMEOUT='-1' is not a positive number of seconds: using 2\$" 1 "CM_LOG=Warning shows warnings"
lacks "$WORK/cm2.log" "CM_LOG=" "CM_LOG=Warning is understood"
ask LogPeer "$WORK/cm3.log" CM_LOG=verbose >/dev/null || fail "cm request with CM_LOG=verbose failed"
count_is "$WORK/cm3.log" "^$STAMP cm\[[^]]+\] warning: CM_LOG='verbose' is not a log level \(error, warn, info, debug, trace, in any case\): using error\$" 1 \
  "CM_LOG=verbose said once, naming the valid levels"
count_is "$WORK/cm3.log" "." 1 "and nothing else at cm's default level"

echo "---- CM_LOG_FILE"
rm -f "$WORK/cm4.file"
ask LogPeer "$WORK/cm4.log" CM_LOG=debug CM_LOG_FILE="$WORK/cm4.file" >/dev/null || fail "cm request with CM_LOG_FILE failed"
has "$WORK/cm4.file" "^$STAMP cm\[[^]]+\] debug: lookup 'LogPeer': at tcp://" "CM_LOG_FILE: the lines are in the file"
count_is "$WORK/cm4.log" "." 0 "CM_LOG_FILE: none on stderr"
ask LogPeer "$WORK/cm5.log" CM_LOG=debug CM_LOG_FILE="$WORK/no/such/dir/x.log" >/dev/null || fail "cm request, CM_LOG_FILE unusable"
has "$WORK/cm5.log" "warning: CM_LOG_FILE: cannot open log file $WORK/no/such/dir/x.log: No such file or directory: logging to stderr\$" \
  "CM_LOG_FILE unusable: said, and lines on stderr"
has "$WORK/cm5.log" "\] debug: lookup 'LogPeer': at tcp://" "CM_LOG_FILE unusable: the lines on stderr"

"$CM" send LogPeer -type Stop || fail "cm send Stop"
expect_exit peer
has "$PEER_LOG" "\] debug: unregister 'LogPeer': done\$" "debug: unregister"

echo "---- SIGHUP without a log file: the daemon goes on"
kill -HUP "$NS_PID"
if wait_for "$NS_LOG" "info: SIGHUP: no log file to reopen \(lines go to stderr\)\$" && kill -0 "$NS_PID" 2>/dev/null &&
  timeout 30 "$CM" names >/dev/null; then
  pass "SIGHUP: the name server lives on and answers"
else
  fail "SIGHUP ended or stalled the name server"
fi

echo "---- JOURNAL_STREAM names stderr: syslog priorities, no time stamp"
JPORT=$(free_port)
: >"$WORK/journal.err"
JOURNAL_STREAM=$(stat -c %d:%i "$WORK/journal.err") CM_LOG=bogus "$BIN/CmNameServer" --port "$JPORT" \
  2>>"$WORK/journal.err" &
JPID=$!
PIDS+=("$JPID")
if wait_for "$WORK/journal.err" "serving domain"; then
  has "$WORK/journal.err" "^<6>cm\[CmNameServer $JPID\] info: serving domain " "journal: <6> for info"
  has "$WORK/journal.err" "^<4>cm\[CmNameServer $JPID\] warning: CM_LOG='bogus' is not a log level .*: using info\$" "journal: <4> for a warning"
  lacks "$WORK/journal.err" "$STAMP" "journal: no time stamp (journald adds it)"
else
  fail "the name server with JOURNAL_STREAM did not start"
  show_file "$WORK/journal.err"
fi
kill -TERM "$JPID"
wait "$JPID" || true
has "$WORK/journal.err" "^<6>cm\[CmNameServer $JPID\] info: stopping: signal\$" "journal: the last line"
# Another stream (the daemon's stderr redirected): time stamps again.
JOURNAL_STREAM=$(stat -c %d:%i "$WORK/journal.err") timeout 30 env -u CM_NAMESERVER "$BIN/CmNameServer" \
  --domain NoSuchDomain 2>"$WORK/other.err" || true
has "$WORK/other.err" "^$STAMP cm\[CmNameServer [0-9]+\] error: unknown domain 'NoSuchDomain'" \
  "JOURNAL_STREAM naming another file: time stamps, no priority"

echo "---- CmNameServer --log-file: its default path, moved away, SIGHUP"
mkdir -p "$WORK/repo"
LPORT=$(free_port)
echo "LogTest 127.0.0.1 $LPORT 0 0 $WORK/repo" >"$WORK/CmDomains"
export CMDOMAIN_DATABASE="$WORK/CmDomains"
ALL_NS=$CM_NAMESERVER
unset CM_NAMESERVER  # the domain's table says where its name server is
LOGFILE="$WORK/repo/CmNameServer.LogTest.log"
"$BIN/CmNameServer" --domain LogTest --log-file 2>"$WORK/lns.err" &
LPID=$!
PIDS+=("$LPID")
if wait_for "$LOGFILE" "serving domain 'LogTest'"; then
  pass "--log-file: <repository>/CmNameServer.<domain>.log"
  has "$LOGFILE" "^$STAMP cm\[CmNameServer $LPID\] info: serving domain" "--log-file: the line format"
else
  fail "no $LOGFILE"
  show_file "$WORK/lns.err"
fi
count_is "$WORK/lns.err" "." 0 "--log-file: nothing on stderr"
mv "$LOGFILE" "$LOGFILE.1"
kill -HUP "$LPID"
if wait_for "$LOGFILE" "info: SIGHUP: log file $LOGFILE reopened\$"; then
  pass "SIGHUP: a new file at the path"
else
  fail "SIGHUP: no new log file"
fi
if kill -0 "$LPID" 2>/dev/null && CMDOMAIN=LogTest timeout 30 "$CM" names >"$WORK/names.out" 2>&1; then
  pass "SIGHUP: the name server answers cm names after it"
else
  fail "the name server does not answer after SIGHUP"
  show_file "$WORK/names.out"
fi
lacks "$LOGFILE.1" "SIGHUP" "the moved file ends before the SIGHUP"
# logrotate without a signal (or a library process): the path is checked
# when a line is written, at most once a second.
mv "$LOGFILE" "$LOGFILE.2"
for i in $(seq 30); do
  # A registration, logged at info.
  start "tmp$i" env CMDOMAIN=LogTest "$BIN/legacy_peer" "LogTmp$i"
  wait_ready "tmp$i" && CMDOMAIN=LogTest "$CM" send "LogTmp$i" -type Stop
  wait "${PID_OF[tmp$i]}" || true
  [ -e "$LOGFILE" ] && break
  sleep 0.2
done
has "$LOGFILE" "info: (register|unregister|refused|cleanup): " "moved away without a signal: a new file all the same"
unset CMDOMAIN_DATABASE
export CM_NAMESERVER=$ALL_NS

echo "---- --log-file where it cannot be written: a clear error"
rc=0
timeout 30 "$BIN/CmNameServer" --port "$(free_port)" --log-file="$WORK/no/such/dir/ns.log" 2>"$WORK/bad.err" || rc=$?
if [ "$rc" -eq 1 ] && grep -Eq "error: --log-file: cannot open log file $WORK/no/such/dir/ns.log: No such file or directory\$" "$WORK/bad.err"; then
  pass "--log-file unwritable: exit 1 and why"
else
  fail "--log-file unwritable: exit $rc"
  show_file "$WORK/bad.err"
fi
finish
