#!/usr/bin/env bash
# The operator's commands of the cm tool against a real CmNameServer and real
# processes: ping of several names and --all (with a silent one among live
# ones), names/connects PATTERN, watch --count, listen's own reachable name,
# global options before the command, texts that are not UTF-8 in every JSON
# output (read by a real parser; the hex gives back the exact bytes), info's
# handler types, and the bash completion.
#
#   cm_operator_test.sh CM CMNAMESERVER CM_TEST_PEER
set -u

CM=$1
NAMESERVER=$2
PEER=$3
for bin in "$CM" "$NAMESERVER" "$PEER"; do
  [ -x "$bin" ] || { echo "not executable: $bin"; exit 1; }
done
SOURCE_DIR=$(cd "$(dirname "$0")/.." && pwd)  # tools/

source "$(dirname "$0")/test_lib.sh"  # WORK, run, expect, the checks, a name server on $PORT
# json_is EXPRESSION: true of d, stdout parsed as JSON (python3, strict).
json_is() { python3 -c 'import json, re, sys; d = json.load(open(sys.argv[2])); sys.exit(0 if eval(sys.argv[1]) else 1)' "$1" "$WORK/out"; }
# The same for each line of stdout, a JSON value each (cm listen --json).
json_lines_are() { python3 -c 'import json, re, sys; L = [json.loads(l) for l in open(sys.argv[2])]; sys.exit(0 if eval(sys.argv[1]) else 1)' "$1" "$WORK/$2"; }

"$PEER" Daq1 2>"$WORK/daq1.log" &
DAQ1_PID=$!
"$PEER" Daq2 2>"$WORK/daq2.log" &
DAQ2_PID=$!
"$PEER" Trigger 2>"$WORK/trigger.log" &
TRIGGER_PID=$!
"$PEER" $'Caf\xe9' 2>"$WORK/cafe.log" &  # a name in Latin-1: not UTF-8
for name in Daq1 Daq2 Trigger; do wait_for 5 listed "$name" || { echo "$name did not register"; exit 1; }; done
# (The table shows it escaped: Caf\xe9.)
wait_for 5 bash -c "'$CM' names | grep -qF 'Caf\\xe9 '" || { echo "the Latin-1 name did not register"; exit 1; }

echo "--- global options before the command"
run --json names
expect "cm --json names: exit 0, valid JSON" bash -c "[ $RC -eq 0 ] && python3 -m json.tool '$WORK/out' >/dev/null"
# A CmDomains table naming this name server "Ops": the domain given before the
# command is the one used.
echo "Ops 127.0.0.1 $PORT" >"$WORK/CmDomains"
CM_NAMESERVER='' CMDOMAIN=Nope CMDOMAIN_DATABASE="$WORK/CmDomains" run --domain Ops names 'Daq*'
expect "cm --domain Ops names (over CMDOMAIN=Nope): lists Daq1" out_matches '^Daq1 '
CM_NAMESERVER='' CMDOMAIN_DATABASE="$WORK/CmDomains" run --domain=Ops --json names Daq2
expect "cm --domain=Ops --json names Daq2: JSON" json_is "[e['name'] for e in d] == ['Daq2']"
CM_NAMESERVER='' CMDOMAIN_DATABASE="$WORK/CmDomains" run --domain NoSuchDomain names
expect "cm --domain NoSuchDomain names: exit 2, one line" one_line_error 2
expect "cm --domain NoSuchDomain names: the domain was taken" err_has "NoSuchDomain"
run --domain
expect "cm --domain (no value): exit 2, one line" one_line_error 2

echo "--- names and connects PATTERN"
run names 'Daq*'
expect "names 'Daq*': exit 0" rc_is 0
expect "names 'Daq*': Daq1 and Daq2" bash -c "grep -q '^Daq1 ' '$WORK/out' && grep -q '^Daq2 ' '$WORK/out'"
expect "names 'Daq*': not Trigger" bash -c "! grep -q '^Trigger ' '$WORK/out'"
run names 'Daq[2]' --json
expect "names 'Daq[2]' --json: just Daq2" json_is "[e['name'] for e in d] == ['Daq2']"
run names 'Nobody*'
expect "names 'Nobody*': the header alone" bash -c "[ $RC -eq 0 ] && [ \"\$(wc -l <'$WORK/out')\" -eq 1 ]"
run send Daq1 -type Relay -t Trigger -i 3
wait_for 5 bash -c "'$CM' connects | grep -qE '^Daq1 +Trigger +3\$'"
run connects 'Trig*' --json
expect "connects 'Trig*' --json: the pair whose receiver matches" json_is "d == [{'from': 'Daq1', 'to': 'Trigger', 'messages': 3}]"
run connects 'Daq2'
expect "connects 'Daq2': no pair" bash -c "[ $RC -eq 0 ] && [ \"\$(wc -l <'$WORK/out')\" -eq 1 ]"

echo "--- texts that are not UTF-8, in JSON"
run names --json
expect "names --json: the Latin-1 name as {hex, shown}" \
  json_is "[e['name'] for e in d if isinstance(e['name'], dict)] == [{'hex': '436166e9', 'shown': 'Caf\ufffd'}]"
expect "names --json: its hex is its bytes" \
  json_is "[bytes.fromhex(e['name']['hex']) for e in d if isinstance(e['name'], dict)] == [b'Caf\xe9']"
run info $'Caf\xe9' --json
expect "info --json of the Latin-1 name: exit 0, its name as hex" json_is "d['name'] == {'hex': '436166e9', 'shown': 'Caf\ufffd'}"

echo "--- listen: its own reachable name, a time per message"
"$CM" listen --json >"$WORK/listen.out" 2>"$WORK/listen.err" &
LISTEN_PID=$!
wait_for 5 grep -q "listening as 'listen-" "$WORK/listen.err" 2>/dev/null
LISTEN_NAME=$(sed -n "s/^cm listen: listening as '\([^']*\)'.*/\1/p" "$WORK/listen.err")
expect "listen: says its name, listen-HOST-PID" bash -c "[[ '$LISTEN_NAME' == listen-*-$LISTEN_PID ]]"
expect "listen: that name is registered" wait_for 5 listed "$LISTEN_NAME"
run send "$LISTEN_NAME" -type $'T\xe9' -t $'\xe9t\xe9' -t $'ok \xc3\xa9' -t $'\xed\xa0\x80' -b 0x00ff
expect "send to listen's name: exit 0" quiet_ok
wait_for 5 grep -q hex "$WORK/listen.out"
kill "$LISTEN_PID"
wait "$LISTEN_PID"
RC=$?
expect "listen: SIGTERM -> exit 0" rc_is 0
expect "listen --json: one valid JSON object per line" json_lines_are "len(L) == 1" listen.out
expect "listen --json: the time of arrival, UTC" \
  json_lines_are "re.fullmatch(r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z', L[0]['time'])" listen.out
expect "listen --json: the Latin-1 type and text round-trip through hex" \
  json_lines_are "bytes.fromhex(L[0]['type']['hex']) == b'T\xe9' and bytes.fromhex(L[0]['items'][0]['value']['hex']) == b'\xe9t\xe9'" listen.out
expect "listen --json: valid UTF-8 stays a string" json_lines_are "L[0]['items'][1]['value'] == 'ok \u00e9'" listen.out
expect "listen --json: a surrogate's bytes are not UTF-8" \
  json_lines_are "L[0]['items'][2]['value'] == {'hex': 'eda080', 'shown': '\ufffd\ufffd\ufffd'}" listen.out
expect "listen --json: bytes as hex" json_lines_are "L[0]['items'][3] == {'type': 'bytes', 'value': '00ff'}" listen.out
expect "listen: unregistered once stopped" wait_for 3 bash -c "! '$CM' names | grep -q '^$LISTEN_NAME '"

echo "--- info: the handler types"
run info Daq1
expect "info: handler types Ask and Relay" out_matches '^handler types: +(.* )?Ask( .*)?$'
expect "info: Relay too" out_matches '^handler types: +(.* )?Relay( .*)?$'
run info Daq1 --json
expect "info --json: handler_types" json_is "{'Ask', 'Relay'} <= set(d['handler_types']) and d['handlers'] == len(d['handler_types'])"

echo "--- watch"
run watch --count 2 --interval 0.2
expect "watch --count 2: exit 0" rc_is 0
expect "watch --count 2: two refreshes" bash -c "[ \"\$(grep -c '^cm watch: domain ' '$WORK/out')\" -eq 2 ]"
expect "watch: the names table" bash -c "[ \"\$(grep -cE '^Daq1 +[^ ]+ +$DAQ1_PID ' '$WORK/out')\" -eq 2 ]"
expect "watch: the connects table" bash -c "[ \"\$(grep -cE '^Daq1 +Trigger +3\$' '$WORK/out')\" -eq 2 ]"
expect "watch: not a terminal, no screen codes" bash -c "! grep -q $'\x1b' '$WORK/out'"
run watch 'Daq2' --count 1
expect "watch PATTERN: just what matches" bash -c "grep -q '^Daq2 ' '$WORK/out' && ! grep -q '^Daq1 ' '$WORK/out'"
run watch --interval 0
expect "watch --interval 0: exit 2, one line" one_line_error 2
FREE_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
CM_NAMESERVER=tcp://127.0.0.1:$FREE_PORT run watch --count 2 --interval 0.1
expect "watch, no name server: says so on each refresh, exit 4" \
  bash -c "[ $RC -eq 4 ] && [ \"\$(grep -c '^cm: name server .* is not reachable' '$WORK/out')\" -eq 2 ]"

echo "--- ping several names, ping --all"
run ping Daq1 Daq2
expect "ping Daq1 Daq2: exit 0" rc_is 0
expect "ping Daq1 Daq2: a row each with its round trip" \
  bash -c "grep -qE '^Daq1 +[^ ]+ +$DAQ1_PID +[0-9.]+ ms\$' '$WORK/out' && grep -qE '^Daq2 +[^ ]+ +$DAQ2_PID +[0-9.]+ ms\$' '$WORK/out'"
expect "ping Daq1 Daq2: the summary" out_matches '^2 of 2 answered, in [0-9.]+ ms$'
run ping Daq1 Daq1
expect "ping Daq1 Daq1: pinged once" bash -c "[ $RC -eq 0 ] && [ \"\$(cat '$WORK/out' | wc -l)\" -eq 1 ] && grep -q '^Daq1: alive' '$WORK/out'"
run ping Daq1 Nobody
expect "ping Daq1 Nobody: exit 1" rc_is 1
expect "ping Daq1 Nobody: Nobody not running" out_matches '^Nobody +- +- +not running$'
run ping
expect "ping without a name: exit 2, one line" one_line_error 2
run ping --all Daq1
expect "ping --all with a name: exit 2, one line" one_line_error 2
kill -STOP "$DAQ2_PID"  # registered and connected, but silent
run ping --all --timeout 1
kill -CONT "$DAQ2_PID"
expect "ping --all, Daq2 stopped: exit 3" rc_is 3
expect "ping --all, Daq2 stopped: the others answered" \
  bash -c "grep -qE '^Daq1 +.* [0-9.]+ ms\$' '$WORK/out' && grep -qE '^Trigger +.* [0-9.]+ ms\$' '$WORK/out'"
expect "ping --all, Daq2 stopped: its row says so" out_matches '^Daq2 +.* no (answer|connection) within 1 s$'
expect "ping --all, Daq2 stopped: named in the summary" out_matches '^[0-9]+ of [0-9]+ answered, in [0-9.]+ ms; no answer from: Daq2$'
{ kill -9 "$TRIGGER_PID"; wait "$TRIGGER_PID"; } 2>/dev/null  # dead: its port refuses, whether or not still listed
run ping --all --json --timeout 2
expect "ping --all --json, Trigger killed: exit 0 or 3, valid JSON" \
  bash -c "[ $RC -eq 0 -o $RC -eq 3 ] && python3 -m json.tool '$WORK/out' >/dev/null"
expect "ping --all --json: Daq1 and Daq2 answered" \
  json_is "all(e['answered'] and e['round_trip_ms'] > 0 for e in d if e['name'] in ('Daq1', 'Daq2'))"
expect "ping --all --json: Trigger did not (if still listed)" \
  json_is "all(not e['answered'] and e['why'] for e in d if e['name'] == 'Trigger')"
run ping Daq1 --count 2
expect "ping Daq1 --count 2: two lines" bash -c "[ $RC -eq 0 ] && [ \"\$(grep -c '^Daq1: alive, round trip' '$WORK/out')\" -eq 2 ]"

echo "--- bash completion"
COMPLETION=$SOURCE_DIR/cm-completion.bash
expect "the completion script loads and completes cm" bash -c "source '$COMPLETION' && complete -p cm | grep -q -- '-F _cm cm\$'"
# complete WORDS...: what _cm offers for the last word (COMP_WORDS[0] is this cm).
complete_words() {
  bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _cm; printf "%s\n" "${COMPREPLY[@]}"' \
    _ "$COMPLETION" "$CM" "$@" >"$WORK/out" 2>"$WORK/err"
  RC=$?
}
complete_words pi
expect "completion: cm pi<TAB> -> ping" bash -c "[ \"\$(cat '$WORK/out')\" = ping ]"
complete_words --domain x wa
expect "completion: after a global option, the command" bash -c "[ \"\$(cat '$WORK/out')\" = watch ]"
complete_words ping --a
expect "completion: cm ping --a<TAB> -> --all" bash -c "[ \"\$(cat '$WORK/out')\" = --all ]"
complete_words info Daq
expect "completion: cm info Daq<TAB> -> the registered names" \
  bash -c "[ \"\$(sort '$WORK/out' | tr '\n' ' ')\" = 'Daq1 Daq2 ' ]"
complete_words nameserver st
expect "completion: cm nameserver st<TAB>" bash -c "[ \"\$(sort '$WORK/out' | tr '\n' ' ')\" = 'status stop ' ]"

echo
if [ "$FAILED" -eq 0 ]; then echo "all cm operator checks passed"; else echo "$FAILED check(s) failed"; fi
[ "$FAILED" -eq 0 ]
