#!/usr/bin/env bash
# `make install` gives what legacy build lines expect: libCm-zmq.so with the
# libcm.so and libCm.so links beside it, the headers under include/Cm, and a
# cm.pc pkg-config file.  A legacy program builds with `pkg-config cm`, with
# -lcm and with -lCm, including <CmMessage.h> or <Cm/Cm.h>.
set -euo pipefail
build=$1
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

DESTDIR=$dest cmake --install "$build" >/dev/null
prefix=$(find "$dest" -name cm.pc -path '*pkgconfig*' | head -1)
[ -n "$prefix" ] || fail "no cm.pc installed"
libdir=$(dirname "$(dirname "$prefix")")
for lib in libCm-zmq.so libcm.so libCm.so; do
  [ -e "$libdir/$lib" ] || fail "$lib not installed in $libdir"
done
[ "$(readlink "$libdir/libcm.so")" = libCm-zmq.so ] || fail "libcm.so is not a link to libCm-zmq.so"
for h in Cm.h CmMessage.h CmConnect.h CmDefs.h; do
  [ -f "$dest/usr/local/include/Cm/$h" ] || fail "include/Cm/$h not installed"
done

cat > "$dest/app.c" <<'C'
#include <CmMessage.h>
int main(void) { CmMessage m = CmMessageNew(); CmMessagePutInt(m, 1); CmMessageDelete(m); return 0; }
C
cat > "$dest/app2.c" <<'C'
#include <Cm/Cm.h>
int main(void) { return CmMessageGetItemType(0) == CmMessageItemTail ? 0 : 1; }
C
export PKG_CONFIG_PATH=$(dirname "$prefix") PKG_CONFIG_SYSROOT_DIR=$dest
flags=$(pkg-config --cflags --libs cm) || fail "pkg-config cm"
cc -std=c89 -pedantic -Werror "$dest/app.c" -o "$dest/app1" $flags -Wl,-rpath,"$libdir" || fail "build with pkg-config cm"
cc -std=c89 -pedantic "$dest/app.c" -o "$dest/app2" -I"$dest/usr/local/include/Cm" -L"$libdir" -lcm -Wl,-rpath,"$libdir" || fail "build with -lcm"
cc -std=c99 "$dest/app2.c" -o "$dest/app3" -I"$dest/usr/local/include" -L"$libdir" -lCm -Wl,-rpath,"$libdir" || fail "build with -lCm and <Cm/Cm.h>"
for app in app1 app2 app3; do "$dest/$app" 2>/dev/null || fail "$app did not run"; done
echo "PASS: installed library, links, headers and cm.pc work for legacy build lines"
