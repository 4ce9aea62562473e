#!/usr/bin/env bash
# packaging.man_pages: cm(1), CmNameServer(8) and libcm(3) as packaged are
# rendered by man -l without a warning, and agree with the programs: every
# command of `cm --help` has its section in cm(1), naming each option its
# --help lists; every option of `CmNameServer --help` is in CmNameServer(8).
#   bash man_pages.sh SOURCE_DIR PACKAGES_DIR
source "$(dirname "$0")/lib.sh"
command -v man >/dev/null || fail "man not found (make deps installs man-db)"
man_dir=$ROOT/usr/share/man
for page in man1/cm.1 man8/CmNameServer.8 man3/libcm.3; do
  file=$man_dir/$page.gz
  [ -f "$file" ] || fail "$page.gz not packaged"
  MANWIDTH=80 MAN_KEEP_STDERR=1 man --warnings -l "$file" > "$WORK/page.txt" 2> "$WORK/warnings.txt" ||
    fail "man -l $page: $(cat "$WORK/warnings.txt")"
  [ ! -s "$WORK/warnings.txt" ] || fail "man -l $page warns: $(cat "$WORK/warnings.txt")"
  for section in NAME SYNOPSIS DESCRIPTION 'SEE ALSO'; do
    grep -q "^$section" "$WORK/page.txt" || fail "$page has no $section"
  done
  ok "man -l $page: $(wc -l < "$WORK/page.txt") lines, $(head -1 "$WORK/page.txt" | tr -s ' ')"
done

export LD_LIBRARY_PATH=$LIBDIR
# The long options of a --help text (the "Options:" and "Items" blocks).
long_options() { grep -oE '^ +(-[a-zA-Z] \[ )?--[a-z][a-z-]*' | grep -oE -- '--[a-z][a-z-]*' | sort -u; }
zcat "$man_dir/man1/cm.1.gz" | MANWIDTH=200 man -l - 2>/dev/null > "$WORK/cm.txt"
# The text of cm(1) from a heading to the next one of the same level.
section() { awk -v h="$1" 'index($0, h) == 1 { on = 1; print; next } on && /^(   )?[^ ]/ { exit } on' "$WORK/cm.txt"; }
common=$(section 'COMMON OPTIONS'; section ITEMS)
commands=$("$BIN/cm" --help | awk '/^Commands:/ { on = 1; next } on && /^$/ { exit } on { print $1 }')
[ -n "$commands" ] || fail "cm --help lists no commands"
for command in $commands; do
  text=$(section "   cm $command")
  [ -n "$text" ] || fail "cm(1) has no section 'cm $command' (cm --help lists it)"
  for option in $("$BIN/cm" "$command" --help | long_options); do
    grep -qe "$option\b" <<< "$text$common" || fail "cm(1) does not give 'cm $command $option' ($BIN/cm $command --help does)"
  done
done
ok "cm(1) has a section per command of cm --help ($(echo $commands)), with every option"
zcat "$man_dir/man8/CmNameServer.8.gz" | MANWIDTH=200 man -l - 2>/dev/null > "$WORK/ns.txt"
for option in $("$BIN/CmNameServer" --help | long_options); do
  grep -qe "$option\b" "$WORK/ns.txt" || fail "CmNameServer(8) does not give $option (CmNameServer --help does)"
done
ok "CmNameServer(8) gives every option of CmNameServer --help"
echo "PASS: man pages render and agree with the programs"
