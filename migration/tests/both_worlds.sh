#!/usr/bin/env bash
# Listing both worlds (issue 18 item 3): `cm names` and `cm connects` in
# migration mode list the legacy domain's processes and ours together,
# marked new / legacy / both; without CM_LEGACY_LIBRARY they print as before.
#
#   bash both_worlds.sh BIN_DIR STANDIN_LIBRARY
#
# The legacy name server's Cm task (NSGetNames, NSGetConnects) is played by
# the fixture legacy_nameserver_task beside the legacy CmNameServer.
source "$(dirname "$0")/../../compat-tests/legacy/lib.sh"
STANDIN=${2:?usage: bash $0 BIN_DIR STANDIN_LIBRARY}

start_nameserver; NEW_NS=$CM_NAMESERVER
mv "$WORK/nameserver.log" "$WORK/new-nameserver.log"
start_nameserver; LEGACY_NS=$CM_NAMESERVER
unset CM_NAMESERVER

legacy() { local name=$1; shift; CM_NAMESERVER=$LEGACY_NS start "$name" "$@"; }
relinked() {  # in migration mode
  local name=$1; shift
  CM_NAMESERVER=$NEW_NS CM_LEGACY_LIBRARY=$STANDIN CM_LEGACY_NAMESERVER=$LEGACY_NS start "$name" "$@"
}
cm_mig() { CM_NAMESERVER=$NEW_NS CM_LEGACY_LIBRARY=$STANDIN CM_LEGACY_NAMESERVER=$LEGACY_NS timeout 30 "$BIN/cm" "$@"; }
cm_new() { CM_NAMESERVER=$NEW_NS timeout 30 "$BIN/cm" "$@"; }

legacy ns-task "$BIN/legacy_nameserver_task"
wait_ready ns-task
legacy l-hold "$BIN/legacy_mig_peer" hold OldOne
wait_ready l-hold
relinked r-hold "$BIN/relinked_mig_peer" hold BothOne
wait_ready r-hold
CM_NAMESERVER=$NEW_NS start n-hold "$BIN/relinked_mig_peer" hold NewOne
wait_ready n-hold
# Traffic across the boundary, for `cm connects` to have something to show.
relinked r-echo "$BIN/relinked_mig_peer" echo BothEcho
wait_ready r-echo
legacy l-ping "$BIN/legacy_mig_peer" ping Pinger BothEcho 3
expect_exit l-ping
legacy l-hello "$BIN/legacy_mig_peer" hold Greeter BothOne   # stays: its pair stays reported
wait_ready l-hello

# world NAME: the WORLD column of NAME's row in the human output.
world() { awk -v n="$1" 'NR > 1 && $1 == n { print $NF }' "$WORK/names.txt"; }

echo "==== cm names in migration mode"
if cm_mig names >"$WORK/names.txt" 2>"$WORK/names.err"; then
  cat "$WORK/names.txt"
  head -1 "$WORK/names.txt" | grep -q 'WORLD$' || fail "no WORLD column"
  [ "$(world OldOne)" = legacy ] || fail "legacy L (OldOne) not marked legacy: '$(world OldOne)'"
  [ "$(world BothOne)" = both ] || fail "relinked R in migration mode (BothOne) not marked both: '$(world BothOne)'"
  [ "$(world NewOne)" = new ] || fail "relinked process without migration mode (NewOne) not marked new: '$(world NewOne)'"
  [ "$(world NameServer)" = legacy ] || fail "the legacy name server's task not listed as legacy"
  grep -E '^OldOne +- +- +- +- +legacy$' "$WORK/names.txt" >/dev/null || fail "a legacy-only row is not '-' filled"
else
  fail "cm names in migration mode failed: $(cat "$WORK/names.err")"
fi

echo "==== cm names --json in migration mode"
if cm_mig names --json >"$WORK/names.json" 2>"$WORK/names.err"; then
  python3 -m json.tool "$WORK/names.json" >/dev/null || fail "cm names --json is not JSON"
  python3 - "$WORK/names.json" <<'PY' || fail "cm names --json: wrong worlds"
import json, sys
rows = {r["name"]: r for r in json.load(open(sys.argv[1]))}
assert rows["OldOne"]["world"] == "legacy" and rows["OldOne"]["pid"] is None, rows.get("OldOne")
assert rows["BothOne"]["world"] == "both" and rows["BothOne"]["pid"] > 0, rows.get("BothOne")
assert rows["NewOne"]["world"] == "new", rows.get("NewOne")
PY
else
  fail "cm names --json in migration mode failed: $(cat "$WORK/names.err")"
fi

echo "==== cm connects in migration mode"
for i in $(seq 50); do   # processes report their pairs about once a second
  cm_mig connects >"$WORK/connects.txt" 2>"$WORK/connects.err" || break
  grep -qE '^Greeter +BothOne ' "$WORK/connects.txt" && break
  sleep 0.2
done
if cm_mig connects >"$WORK/connects.txt" 2>"$WORK/connects.err"; then
  cat "$WORK/connects.txt"
  grep -qE '^Greeter +BothOne +- +legacy$' "$WORK/connects.txt" || fail "the legacy pair Greeter -> BothOne is not listed as legacy"
  head -1 "$WORK/connects.txt" | grep -q 'WORLD$' || fail "connects: no WORLD column"
  cm_mig connects --json | python3 -m json.tool >/dev/null || fail "cm connects --json is not JSON"
  cm_mig connects --dot | grep -q '^digraph' || fail "cm connects --dot"
else
  fail "cm connects in migration mode failed: $(cat "$WORK/connects.err")"
fi

echo "==== without CM_LEGACY_LIBRARY: as before"
cm_new names >"$WORK/plain.txt" || fail "cm names failed"
cat "$WORK/plain.txt"
[ "$(head -1 "$WORK/plain.txt" | tr -s ' ')" = "NAME HOST PID ADDRESS UPTIME" ] || fail "plain header changed"
grep -q '^OldOne ' "$WORK/plain.txt" && fail "plain cm names lists a legacy-only name"
grep -q '^NewOne ' "$WORK/plain.txt" || fail "plain cm names misses NewOne"
cm_new names --json | python3 -c 'import json,sys; r=json.load(sys.stdin); assert all("world" not in x for x in r) and r' \
  || fail "plain cm names --json changed"
cm_new connects | head -1 | tr -s ' ' | grep -qx 'FROM TO MESSAGES ' || cm_new connects | head -1 | tr -s ' ' | grep -qx 'FROM TO MESSAGES' \
  || fail "plain cm connects header changed"

echo "==== the legacy task absent: said, not a silent half list"
if CM_LEGACY_NAMESERVER_TASK=NoSuchTask cm_mig names >/dev/null 2>"$WORK/absent.err"; then
  fail "cm names succeeded without an answer from the legacy name server"
else
  grep -q 'NoSuchTask' "$WORK/absent.err" || fail "the failure does not name the task: $(cat "$WORK/absent.err")"
fi
finish
