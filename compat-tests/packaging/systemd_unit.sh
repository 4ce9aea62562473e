#!/usr/bin/env bash
# packaging.systemd_unit: CmNameServer@.service as packaged.  First what it
# runs: its ExecStart for instance Conda, with the environment file it reads
# saying where the table is, serves domain Conda on the table's port, as the
# unit's user that the sysusers.d file creates.  Then `systemd-analyze
# verify` on the unit (its man page looked up in the packaged ones), and the
# hardening `systemd-analyze security` rates; skipped (77) without
# systemd-analyze.
#   bash systemd_unit.sh SOURCE_DIR PACKAGES_DIR
source "$(dirname "$0")/lib.sh"
unit=$ROOT/usr/lib/systemd/system/CmNameServer@.service
[ -f "$unit" ] || fail "CmNameServer@.service not packaged"
value() { sed -n "s/^$1=//p" "$unit"; }
user=$(value User)
[ "$(value ExecStart)" = "/usr/bin/CmNameServer --domain %I" ] || fail "ExecStart=$(value ExecStart)"
[ "$(value Restart)" = on-failure ] || fail "Restart=$(value Restart)"
[ -n "$user" ] && [ "$user" != root ] || fail "the unit runs as '$user'"
grep -qE "^u $user - " "$ROOT/usr/lib/sysusers.d/cm-zmq-tools.conf" || fail "sysusers.d does not create $user"
env_file=$(value EnvironmentFile)
[ "$env_file" = "-/etc/default/cm-zmq" ] || fail "EnvironmentFile=$env_file"
[ -f "$ROOT${env_file#-}" ] || fail "${env_file#-} not packaged"
ok "runs /usr/bin/CmNameServer --domain %I as $user (sysusers.d), environment ${env_file#-}, Restart=on-failure"

# ExecStart for CmNameServer@Conda, as systemd would run it: the packaged
# environment file, with its CMDOMAIN_DATABASE line turned on.
port=$(free_port)
echo "Conda 127.0.0.1 $port $((port + 1)) 10 $WORK/repository" > "$WORK/CmDomains"
sed "s|^#CMDOMAIN_DATABASE=.*|CMDOMAIN_DATABASE=$WORK/CmDomains|" "$ROOT${env_file#-}" > "$WORK/environment"
grep -q "^CMDOMAIN_DATABASE=$WORK/CmDomains" "$WORK/environment" || fail "no CMDOMAIN_DATABASE line to turn on"
command=$(value ExecStart | sed "s|%I|Conda|; s|^/usr/bin/|$BIN/|")
(set -a; source "$WORK/environment"; exec $command) > "$WORK/ns.log" 2>&1 &
CLEANUP_PIDS+=($!)
wait_for "CmNameServer@Conda listening on the table's port $port" port_open "$port"
LD_LIBRARY_PATH=$LIBDIR CMDOMAIN_DATABASE=$WORK/CmDomains "$BIN/cm" nameserver status --domain Conda > "$WORK/status" ||
  fail "cm nameserver status --domain Conda: $(cat "$WORK/ns.log")"
ok "ExecStart for instance Conda serves domain Conda on port $port (from the table the environment file names)"

# The user, as systemd-sysusers creates it from the packaged file (in a
# scratch root: the postinst does it on the real one).
if command -v systemd-sysusers >/dev/null; then
  mkdir -p "$WORK/sysroot/etc"
  systemd-sysusers --root="$WORK/sysroot" "$ROOT/usr/lib/sysusers.d/cm-zmq-tools.conf" > "$WORK/sysusers.log" 2>&1 ||
    fail "systemd-sysusers: $(cat "$WORK/sysusers.log")"
  entry=$(grep "^$user:" "$WORK/sysroot/etc/passwd") || fail "systemd-sysusers made no user $user"
  IFS=: read -r _ _ uid gid _ home shell <<< "$entry"
  [ "$uid" -lt 1000 ] && [ "$shell" = /usr/sbin/nologin ] && grep -q "^$user:x:$gid:" "$WORK/sysroot/etc/group" ||
    fail "the user is not a system user without login and with its group: $entry"
  ok "systemd-sysusers makes $entry"
fi

command -v systemd-analyze >/dev/null || skip "systemd-analyze not found: the unit was not verified (install systemd)"
# An instance beside the unit, its ExecStart pointing at the unpacked binary.
mkdir "$WORK/units"
sed "s|^ExecStart=/usr/bin/|ExecStart=$BIN/|" "$unit" > "$WORK/units/CmNameServer@.service"
ln -s CmNameServer@.service "$WORK/units/CmNameServer@Conda.service"
MANPATH=$ROOT/usr/share/man SYSTEMD_LOG_COLOR=0 systemd-analyze verify --man=yes \
  "$WORK/units/CmNameServer@Conda.service" > "$WORK/verify.log" 2>&1 || { cat "$WORK/verify.log"; fail "systemd-analyze verify"; }
# Whatever verify says of the unit is a fault, even when it exits 0.
if grep -i 'CmNameServer@' "$WORK/verify.log"; then fail "systemd-analyze verify warns about the unit"; fi
ok "systemd-analyze verify: clean (Documentation=man:CmNameServer(8) found in the packaged pages)"
if grep -q -- '--offline' <<< "$(systemd-analyze security --help 2>/dev/null)"; then
  systemd-analyze security --offline=yes --no-pager "$WORK/units/CmNameServer@Conda.service" > "$WORK/security.log" 2>&1 || true
  exposure=$(grep -o 'Overall exposure level for.*' "$WORK/security.log" || true)
  [ -n "$exposure" ] || { cat "$WORK/security.log"; fail "systemd-analyze security gave no exposure level"; }
  ok "systemd-analyze security: $exposure"
  case $exposure in *UNSAFE* | *EXPOSED*) fail "the unit's hardening is rated $exposure" ;; esac
fi
echo "PASS: the systemd unit"
