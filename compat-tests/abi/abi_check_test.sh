#!/usr/bin/env bash
# `cm abi-check` (docs/cm.md): our library and headers against themselves
# (compatible, exit 0), against an altered copy of the headers (a changed
# enum value, a changed parameter type, a harmless const, a removed
# function) and against a library missing a symbol: each difference on one
# line, once, exit 1.  Usage errors: exit 2.  And the parser on a header
# written the old way (legacy_style.h).
#
#   abi_check_test.sh CM LIBCM-ZMQ.so INCLUDE_DIR
set -u
CM=$1
LIB=$2
HEADERS=$3
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/abi_check_test.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

FAILED=0
pass() { echo "ok    $*"; }
fail() {
  echo "FAIL  $*"
  FAILED=$((FAILED + 1))
}
run() {
  "$CM" abi-check "$@" >"$WORK/out" 2>"$WORK/err"
  RC=$?
}
expect() {
  local what=$1
  shift
  if "$@"; then pass "$what"; else
    fail "$what (rc=$RC)"
    sed 's/^/      | /' "$WORK/out" "$WORK/err"
  fi
}
rc_is() { [ "$RC" -eq "$1" ]; }
# The line, exactly once.
once() { [ "$(grep -cxF -- "$1" "$WORK/out")" -eq 1 ]; }
lines_starting() { grep -c "^$1 " "$WORK/out"; }
count_is() { [ "$(lines_starting "$1")" -eq "$2" ]; }
err_has() { grep -qF -- "$1" "$WORK/err"; }
out_has() { grep -qF -- "$1" "$WORK/out"; }

echo "--- ours against ours"
run --library "$LIB" --headers "$HEADERS" --ours-library "$LIB" --ours-headers "$HEADERS" --extras
expect "exit 0" rc_is 0
expect "no difference at all" count_is "(breaks|harmless|not)" 0
expect "summary: compatible" out_has "summary: compatible: 0 differences break a relink, 0 harmless, 0 not checked"
run --library "$LIB" --headers "$HEADERS"
expect "by default, ours is the built library: exit 0" rc_is 0

echo "--- altered headers"
cp -r "$HEADERS" "$WORK/altered"
sed -i 's/CmMessageBreak = 1/CmMessageBreak = 2/' "$WORK/altered/CmDefs.h"
sed -i 's/void CmMessagePutLong(CmMessage message, long value);/void CmMessagePutLong(CmMessage message, int value);/
        s/void CmMessagePutText(CmMessage message, char \*text);/void CmMessagePutText(CmMessage message, const char *text);/
        /^void CmMessageReset(CmMessage message);/d' "$WORK/altered/CmMessage.h"
[ "$(diff "$HEADERS/CmMessage.h" "$WORK/altered/CmMessage.h" | grep -c '^>')" -eq 2 ] || fail "the alteration of CmMessage.h did not apply"
run --library "$LIB" --headers "$HEADERS" --ours-library "$LIB" --ours-headers "$WORK/altered"
expect "exit 1" rc_is 1
expect "enum value" once "breaks      enum value differs: CmMessageBreak legacy 1, ours 2"
expect "parameter type" once \
  "breaks      prototype differs: CmMessagePutLong: legacy void (CmMessage, long) vs ours void (CmMessage, int): parameter 2 is long (8 bytes) in legacy, int (4 bytes) in ours"
expect "removed function" once \
  "breaks      missing declaration CmMessageReset (declared in legacy headers, CmMessage.h:52, not in ours)"
expect "const pointee: harmless" once \
  "harmless    prototype differs: CmMessagePutText: legacy void (CmMessage, char *) vs ours void (CmMessage, const char *): const on what parameter 2 points to"
expect "nothing else: 3 breaks" count_is breaks 3
expect "nothing else: 1 harmless" count_is harmless 1
expect "summary" out_has "summary: NOT compatible: 3 differences break a relink, 1 harmless, 0 not checked"

echo "--- a library missing a symbol"
# A stand-in exporting every Cm* function of ours but CmMessageSend.
"$CM" abi-check --library "$LIB" --headers "$HEADERS" --dump |
  awk '$1 == "symbol" && $3 != "CmMessageSend" { print "void " $3 "(void) {}" }' >"$WORK/fewer.c"
if cc -shared -fPIC -o "$WORK/libfewer.so" "$WORK/fewer.c"; then
  run --library "$LIB" --headers "$HEADERS" --ours-library "$WORK/libfewer.so"
  expect "exit 1" rc_is 1
  expect "missing symbol" once "breaks      missing symbol CmMessageSend (in legacy, not in libCm-zmq)"
  expect "only that" count_is breaks 1
else
  fail "cannot build the stand-in library"
fi

echo "--- a header written the old way (--dump)"
run --library "$LIB" --headers "$HERE/legacy_style.h" --dump
expect "exit 0" rc_is 0
for line in \
  "prototype CmStyleOpen: int (char *)  (legacy_style.h:31)" \
  "prototype CmStyleClose: void ()  (legacy_style.h:32)" \
  "prototype CmStylePut: void (CmStyle, const char *, int)  (legacy_style.h:33)" \
  "prototype CmStyleInstall: void (CmStyleHandler, char *)  (legacy_style.h:34)" \
  "prototype CmStyleLog: void (const char *, ...)  (legacy_style.h:35)" \
  "prototype CmStyleArrays: int (int [10], char **, void (*)(int, double))  (legacy_style.h:36)" \
  "prototype CmStyleCount: unsigned long (short, unsigned int)  (legacy_style.h:38)" \
  "prototype CmStyleOther: unsigned long (void)  (legacy_style.h:38)" \
  "prototype CmStyleKept: int (void)  (legacy_style.h:17)" \
  "constant  CmStyleKindA = 97  (legacy_style.h:22)" \
  "constant  CmStyleKindB = 98  (legacy_style.h:23)" \
  "constant  CmStyleKindC = 107  (legacy_style.h:24)" \
  "constant  CmStyleKindD = 160  (legacy_style.h:25)" \
  "constant  CmStyleFlag = 8  (legacy_style.h:10)" \
  "constant  CmStyleMaxName = 80  (legacy_style.h:9)" \
  "constant  CmStyleBreak = 1  (legacy_style.h:20)"; do
  expect "dump: $line" once "$line"
done
expect "dump: #if 0 is skipped, static inline is not exported, macros are not constants" \
  bash -c "! grep -qE 'CmStyleIgnored|CmStyleInline|CmStyleNotANumber|CmStyleMacro|unparsed' '$WORK/out'"

echo "--- usage and files"
run --headers "$HEADERS"
expect "no --library: exit 2, one line" bash -c "[ $RC -eq 2 ] && [ \$(wc -l <'$WORK/err') -eq 1 ]"
expect "no --library: says so" err_has "missing --library"
run --library "$WORK/nothing.so" --headers "$HEADERS"
expect "a library that is not there: exit 2" rc_is 2
expect "a library that is not there: says so" err_has "nothing.so: cannot open"
run --library "$HEADERS/CmMessage.h" --headers "$HEADERS"
expect "not an ELF file: exit 2, says so" bash -c "[ $RC -eq 2 ] && grep -q 'not an ELF file' '$WORK/err'"
run --library "$LIB" --headers "$WORK"
expect "a directory without headers: exit 2" bash -c "[ $RC -eq 2 ] && grep -q 'no header' '$WORK/err'"
run --help
expect "--help: exit 0 with examples" bash -c "[ $RC -eq 0 ] && grep -q '^Examples:' '$WORK/out'"

echo
if [ "$FAILED" -eq 0 ]; then echo "abi_check: all passed"; else echo "abi_check: $FAILED failed"; fi
[ "$FAILED" -eq 0 ]
