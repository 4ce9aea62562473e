#!/usr/bin/env bash
# packaging.build_packages (the fixture of the other packaging tests): what
# `make package` does, in PACKAGES_DIR -- configure with prefix /usr and
# BUILD_TESTING=OFF (so without GoogleTest: CMAKE_DISABLE_FIND_PACKAGE_GTest
# proves it), build, cpack -G DEB -- then unpack the three packages into
# root/ with dpkg -x, as an installed system would hold them.
#   bash build_packages.sh SOURCE_DIR PACKAGES_DIR
NEED_PACKAGES=0
source "$(dirname "$0")/lib.sh"
for tool in dpkg-deb dpkg-shlibdeps cpack; do
  command -v "$tool" >/dev/null || fail "$tool not found (make deps installs dpkg-dev)"
done
# The build directory is kept from one run to the next (an incremental
# build); what it made is not.
build=$PACKAGES/build
rm -rf "$PACKAGES/debs" "$PACKAGES/root" "$PACKAGES/built" "$build"/*.deb "$build"/*.ddeb
mkdir -p "$PACKAGES/debs" "$PACKAGES/root"
cmake -S "$SOURCE" -B "$build" -DCMAKE_INSTALL_PREFIX=/usr -DBUILD_TESTING=OFF \
      -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_DISABLE_FIND_PACKAGE_GTest=ON > "$PACKAGES/configure.log" 2>&1 ||
  { tail -30 "$PACKAGES/configure.log"; fail "configure with BUILD_TESTING=OFF and no GoogleTest"; }
ok "configured with BUILD_TESTING=OFF, GoogleTest not looked for"
cmake --build "$build" -j2 > "$PACKAGES/build.log" 2>&1 || { tail -30 "$PACKAGES/build.log"; fail "build"; }
for program in "$build"/bin/*; do
  case ${program##*/} in
    *_test | cm_test_peer | echo_* | cm_bench* | legacy_* | links_* | scale_* | cm_soak*)
      fail "BUILD_TESTING=OFF built the test program ${program##*/}" ;;
  esac
done
ok "built: $(ls "$build/bin" | tr '\n' ' ')"
(cd "$build" && cpack -G DEB) > "$PACKAGES/cpack.log" 2>&1 || { tail -30 "$PACKAGES/cpack.log"; fail "cpack -G DEB"; }
cp "$build"/*.deb "$build"/*.ddeb "$PACKAGES/debs/"
ls -l "$PACKAGES/debs"
for deb in "$PACKAGES"/debs/*.deb; do dpkg -x "$deb" "$PACKAGES/root"; done
dpkg-architecture -qDEB_HOST_MULTIARCH > "$PACKAGES/multiarch" 2>/dev/null ||
  gcc -print-multiarch > "$PACKAGES/multiarch"
touch "$PACKAGES/built"
echo "PASS: packages built and unpacked in $PACKAGES/root"
