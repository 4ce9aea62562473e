#!/usr/bin/env bash
# packaging.package_contents: what each Debian package holds and declares
# (dpkg-deb -c, -I): the files of each component, the soname, the
# dependencies (dpkg-shlibdeps, and between the three), stripped binaries
# with their symbols in -dbgsym, conffiles and maintainer scripts, and the
# release everywhere it shows, equal to project(VERSION); lintian.
#   bash package_contents.sh SOURCE_DIR PACKAGES_DIR
source "$(dirname "$0")/lib.sh"
arch=$(dpkg --print-architecture)
deb() { echo "$DEBS/$1_$VERSION-1_$arch.$2"; }
runtime=$(deb libcm-zmq$MAJOR deb) dev=$(deb libcm-zmq-dev deb) tools=$(deb cm-zmq-tools deb)
for f in "$runtime" "$dev" "$tools" "$(deb libcm-zmq$MAJOR-dbgsym ddeb)" "$(deb cm-zmq-tools-dbgsym ddeb)"; do
  [ -f "$f" ] || fail "no ${f##*/} (made: $(ls "$DEBS" | tr '\n' ' '))"
done
ok "five packages: $(ls "$DEBS" | tr '\n' ' ')"

# has PACKAGE PATH...: dpkg-deb -c lists each path (./usr/...); lacks: it does not.
has() {
  local package=$1 listing path; shift
  listing=$(dpkg-deb -c "$package" | awk '{ print $6 }')
  for path in "$@"; do grep -qxF "./$path" <<< "$listing" || fail "${package##*/} lacks $path"; done
}
lacks() {
  local package=$1 listing path; shift
  listing=$(dpkg-deb -c "$package" | awk '{ print $6 }')
  for path in "$@"; do ! grep -qxF "./$path" <<< "$listing" || fail "${package##*/} holds $path"; done
}
field() { dpkg-deb -f "$1" "$2"; }
lib=usr/lib/$MULTIARCH
has "$runtime" "$lib/libCm-zmq.so.$VERSION" "$lib/libCm-zmq.so.$MAJOR" "$lib/cm-legacy-companion" \
    "usr/share/doc/libcm-zmq$MAJOR/copyright" "usr/share/doc/libcm-zmq$MAJOR/changelog.gz" \
    "usr/share/doc/libcm-zmq$MAJOR/changelog.Debian.gz"
lacks "$runtime" "$lib/libCm-zmq.so" "usr/include/Cm/CmMessage.h" "usr/bin/cm"
has "$dev" "$lib/libCm-zmq.so" "$lib/libcm.so" "$lib/libCm.so" usr/include/Cm/{Cm,CmMessage,CmConnect,CmDefs}.h \
    "$lib/pkgconfig/cm.pc" "$lib/pkgconfig/Cm-zmq.pc" "$lib/cmake/CmZmq/CmZmqConfig.cmake" \
    "$lib/cmake/CmZmq/CmZmqConfigVersion.cmake" "$lib/cmake/CmZmq/CmZmqTargets.cmake" \
    usr/share/man/man3/libcm.3.gz usr/share/doc/libcm-zmq-dev/copyright
lacks "$dev" "$lib/libCm-zmq.so.$VERSION"
has "$tools" usr/bin/cm usr/bin/CmNameServer usr/bin/NameServer.start usr/libexec/cm-legacy-companion \
    "usr/lib/systemd/system/CmNameServer@.service" usr/lib/sysusers.d/cm-zmq-tools.conf etc/default/cm-zmq \
    usr/share/man/man1/cm.1.gz usr/share/man/man8/CmNameServer.8.gz usr/share/man/man8/NameServer.start.8.gz \
    usr/share/bash-completion/completions/cm usr/share/doc/cm-zmq-tools/copyright
ok "files: the library in libcm-zmq$MAJOR, its development files in -dev, the programs and the unit in cm-zmq-tools"
for alias in libcm.so libCm.so libCm-zmq.so; do
  [ "$(readlink "$LIBDIR/$alias")" = "libCm-zmq.so.$MAJOR" ] || [ "$(readlink "$LIBDIR/$alias")" = libCm-zmq.so ] ||
    fail "$alias links to $(readlink "$LIBDIR/$alias")"
done
[ -x "$ROOT/usr/libexec/cm-legacy-companion" ] || fail "usr/libexec/cm-legacy-companion does not reach the companion"

# The soname, as docs/versions.md says.
soname=$(objdump -p "$LIBDIR/libCm-zmq.so.$VERSION" | awk '$1 == "SONAME" { print $2 }')
[ "$soname" = "libCm-zmq.so.$MAJOR" ] || fail "soname $soname, not libCm-zmq.so.$MAJOR"
ok "soname $soname"

# Dependencies: from dpkg-shlibdeps, and between the packages (same version).
depends=$(field "$runtime" Depends)
names=$(tr ',' '\n' <<< "$depends" | awk '{ print $1 }')  # the package names, without versions
for need in libc6 libstdc++6 libzmq5; do
  grep -qxF "$need" <<< "$names" || fail "libcm-zmq$MAJOR Depends lacks $need: $depends"
done
grep -qF "libcm-zmq$MAJOR (= $VERSION" <<< "$(field "$dev" Depends)" ||
  fail "libcm-zmq-dev does not depend on libcm-zmq$MAJOR (= $VERSION): $(field "$dev" Depends)"
tools_depends=$(field "$tools" Depends)
grep -qF "libcm-zmq$MAJOR (= $VERSION" <<< "$tools_depends" || fail "cm-zmq-tools Depends: $tools_depends"
grep -q 'libboost-program-options' <<< "$tools_depends" || fail "cm-zmq-tools Depends lacks Boost: $tools_depends"
[ "$(field "$tools" Suggests)" = libcm-zmq-dev ] || fail "cm-zmq-tools does not suggest libcm-zmq-dev (cm abi-check's defaults)"
ok "Depends: libcm-zmq$MAJOR: $depends"
ok "Depends: cm-zmq-tools: $tools_depends"
# The shlibs file (programs built against it depend on libcm-zmq1 >= this
# release) and ldconfig.
mkdir "$WORK/control"
dpkg-deb -e "$runtime" "$WORK/control/runtime"
grep -qx "libCm-zmq $MAJOR libcm-zmq$MAJOR (>= $VERSION-1)" "$WORK/control/runtime/shlibs" ||
  fail "shlibs: $(cat "$WORK/control/runtime/shlibs" 2>/dev/null)"
grep -qx 'activate-noawait ldconfig' "$WORK/control/runtime/triggers" || fail "libcm-zmq$MAJOR has no ldconfig trigger"
dpkg-deb -e "$tools" "$WORK/control/tools"
grep -qx /etc/default/cm-zmq "$WORK/control/tools/conffiles" || fail "/etc/default/cm-zmq is not a conffile"
for script in postinst prerm postrm; do
  [ -x "$WORK/control/tools/$script" ] || fail "cm-zmq-tools has no $script"
  sh -n "$WORK/control/tools/$script" || fail "cm-zmq-tools $script: syntax"
done
grep -q 'systemd-sysusers /usr/lib/sysusers.d/cm-zmq-tools.conf' "$WORK/control/tools/postinst" ||
  fail "postinst does not create the service's user"
ok "shlibs ($(cat "$WORK/control/runtime/shlibs")), ldconfig, conffiles, maintainer scripts"

# Stripped, with the symbols apart: each binary's build id has its .debug
# file in a -dbgsym package.
mkdir "$WORK/dbgsym"
for ddeb in "$DEBS"/*.ddeb; do dpkg -x "$ddeb" "$WORK/dbgsym"; done
for binary in "$LIBDIR/libCm-zmq.so.$VERSION" "$LIBDIR/cm-legacy-companion" "$BIN/cm" "$BIN/CmNameServer"; do
  if grep -q '\.debug_info' <<< "$(readelf -S "$binary")"; then fail "${binary#$ROOT/} is not stripped"; fi
  id=$(readelf -n "$binary" | awk '/Build ID/ { print $3 }')
  [ -n "$id" ] || fail "${binary#$ROOT/} has no build id"
  debug=$WORK/dbgsym/usr/lib/debug/.build-id/${id:0:2}/${id:2}.debug
  [ -f "$debug" ] && grep -q '\.debug_info' <<< "$(readelf -S "$debug" 2>/dev/null)" || fail "no debug symbols for ${binary#$ROOT/} in -dbgsym"
done
size=$(stat -c %s "$LIBDIR/libCm-zmq.so.$VERSION")
built=$(stat -c %s "$PACKAGES/build/libCm-zmq.so.$VERSION")
ok "stripped, symbols in -dbgsym: libCm-zmq.so.$VERSION is $((size / 1024)) KiB packaged, $((built / 1024)) KiB as built"
for f in "$DEBS"/*; do echo "   $(stat -c %s "$f" | awk '{ printf "%6d KiB", $1 / 1024 }')  ${f##*/}"; done

# The release, from project(VERSION), wherever it shows.
for package in "$runtime" "$dev" "$tools"; do
  [ "$(field "$package" Version)" = "$VERSION-1" ] || fail "${package##*/}: Version $(field "$package" Version)"
done
[ "$(PKG_CONFIG_PATH=$LIBDIR/pkgconfig pkg-config --modversion cm)" = "$VERSION" ] || fail "cm.pc's version"
grep -q "PACKAGE_VERSION \"$VERSION\"" "$LIBDIR/cmake/CmZmq/CmZmqConfigVersion.cmake" || fail "CmZmqConfigVersion.cmake"
grep -q "(libCm-zmq) $VERSION," <<< "$(LD_LIBRARY_PATH=$LIBDIR "$BIN/cm" version)" || fail "cm version: $("$BIN/cm" version)"
for page in man1/cm.1 man8/CmNameServer.8 man3/libcm.3; do
  grep -q "libCm-zmq $VERSION" <<< "$(zcat "$ROOT/usr/share/man/$page.gz")" || fail "$page's footer does not say $VERSION"
done
grep -q "^## \[$VERSION\] - [0-9-]*$" "$SOURCE/CHANGELOG.md" || fail "CHANGELOG.md has no '## [$VERSION] - date'"
grep -q '^## \[Unreleased\]' "$SOURCE/CHANGELOG.md" || fail "CHANGELOG.md has no Unreleased section"
ok "version $VERSION in the packages, cm.pc, CmZmqConfigVersion, cm version, the man pages, CHANGELOG.md"
# Debian's own checker, where it is installed: no error but the placeholder
# maintainer address (CM_PACKAGE_MAINTAINER names the real one).
if command -v lintian >/dev/null; then
  lintian --tag-display-limit 0 "$runtime" "$dev" "$tools" > "$WORK/lintian.log" 2>&1 || true
  errors=$(grep '^E: ' "$WORK/lintian.log" | grep -v 'bogus-mail-host' || true)
  [ -z "$errors" ] || fail "lintian: $errors"
  ok "lintian: no error; $(grep -c '^W: ' "$WORK/lintian.log" || true) warnings: $(grep '^W: ' "$WORK/lintian.log" | awk '{ print $3 }' | sort -u | tr '\n' ' ')"
else
  echo "note: lintian not installed, not run"
fi
echo "PASS: package contents"
