#!/usr/bin/env bash
# `make install` gives what legacy build lines expect: libCm-zmq.so with the
# libcm.so and libCm.so links beside it, the headers under include/Cm, and a
# cm.pc pkg-config file.  A legacy program builds with `pkg-config cm`, with
# -lcm and with -lCm, including <CmMessage.h> or <Cm/Cm.h>.
#
# Three installs, each checked the same way: DESTDIR with the configured
# prefix; `cmake --install --prefix OTHER`; DESTDIR with another prefix.  The
# links and cm.pc must follow the prefix given at install time (issue 21,
# item 13: they kept the configure-time one).  cm.pc is read where it lies,
# without PKG_CONFIG_SYSROOT_DIR: it finds its prefix itself.  Then a fourth
# install, undone by the uninstall target (make uninstall): nothing is left.
set -euo pipefail
build=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

cat > "$work/app.c" <<'C'
#include <CmMessage.h>
int main(void) { CmMessage m = CmMessageNew(); CmMessagePutInt(m, 1); CmMessageDelete(m); return 0; }
C
cat > "$work/app2.c" <<'C'
#include <Cm/Cm.h>
int main(void) { return CmMessageGetItemType(0) == CmMessageItemTail ? 0 : 1; }
C

# check ROOT WHAT: the tree installed at ROOT (the prefix as seen on disk).
check() {
  local root=$1 what=$2 pc libdir includedir flags
  pc=$(find "$root" -name cm.pc -path '*pkgconfig*' | head -1)
  [ -n "$pc" ] || fail "$what: no cm.pc under $root"
  libdir=$(dirname "$(dirname "$pc")")
  includedir=$root/include
  for lib in libCm-zmq.so libcm.so libCm.so; do
    [ -e "$libdir/$lib" ] || fail "$what: $lib not installed in $libdir"
  done
  for alias in libcm.so libCm.so; do
    [ "$(readlink "$libdir/$alias")" = libCm-zmq.so ] || fail "$what: $alias is not a link to libCm-zmq.so"
  done
  for h in Cm.h CmMessage.h CmConnect.h CmDefs.h; do
    [ -f "$includedir/Cm/$h" ] || fail "$what: include/Cm/$h not installed"
  done
  flags=$(PKG_CONFIG_PATH=$(dirname "$pc") pkg-config --cflags --libs cm) || fail "$what: pkg-config cm"
  case " $flags " in
    *" -L$libdir "* | *" -L$root/"*) ;;
    *) fail "$what: pkg-config cm gives '$flags', not the installed tree $root" ;;
  esac
  rm -f "$work"/app[123]
  cc -std=c89 -pedantic -Werror "$work/app.c" -o "$work/app1" $flags -Wl,-rpath,"$libdir" ||
    fail "$what: build with pkg-config cm"
  cc -std=c89 -pedantic "$work/app.c" -o "$work/app2" -I"$includedir/Cm" -L"$libdir" -lcm -Wl,-rpath,"$libdir" ||
    fail "$what: build with -lcm"
  cc -std=c99 "$work/app2.c" -o "$work/app3" -I"$includedir" -L"$libdir" -lCm -Wl,-rpath,"$libdir" ||
    fail "$what: build with -lCm and <Cm/Cm.h>"
  for app in app1 app2 app3; do "$work/$app" 2>/dev/null || fail "$what: $app did not run"; done
  echo "ok: $what"
}

configured=$(sed -n 's/^CMAKE_INSTALL_PREFIX:PATH=//p' "$build/CMakeCache.txt")
DESTDIR=$work/d1 cmake --install "$build" >/dev/null
check "$work/d1$configured" "DESTDIR with the configured prefix ($configured)"

cmake --install "$build" --prefix "$work/other" >/dev/null
check "$work/other" "cmake --install --prefix OTHER"
[ -z "$(find "$work/d1" -newer "$work/other" -name 'lib*.so' 2>/dev/null)" ] || fail "--prefix also wrote under d1"

DESTDIR=$work/d2 cmake --install "$build" --prefix /opt/cm-test >/dev/null
check "$work/d2/opt/cm-test" "DESTDIR with --prefix /opt/cm-test"
[ ! -e /opt/cm-test ] || fail "DESTDIR with --prefix wrote outside DESTDIR"

mv "$work/other" "$work/moved"
check "$work/moved" "a tree moved after install (cm.pc is relocatable)"

# make uninstall (the uninstall target) removes every file the install put,
# the links and the directories it made: the prefix is left empty.
cmake --install "$build" --prefix "$work/u" >/dev/null
manifest=$build/install_manifest.txt
for f in libcm.so libCm.so libCm-zmq.so cm.pc; do
  grep -q "/$f\$" "$manifest" || fail "install_manifest.txt does not list $f: uninstall would leave it"
done
installed=$(find "$work/u" -mindepth 1 \( -type f -o -type l \) | wc -l)
listed=$(grep -c '' "$manifest")  # its last line has no newline
[ "$installed" -eq "$listed" ] ||
  fail "$installed files installed, $listed in the manifest: $(find "$work/u" -type f -o -type l | sort | diff - <(sort "$manifest"))"
cmake --build "$build" --target uninstall >/dev/null || fail "the uninstall target"
left=$(find "$work/u" -mindepth 1)
[ -z "$left" ] || fail "uninstall left: $left"
echo "ok: uninstall after install --prefix removed all $installed files and the directories, the prefix is empty"
echo "PASS: installed library, links, headers and cm.pc work for legacy build lines, wherever installed; uninstall removes them all"
