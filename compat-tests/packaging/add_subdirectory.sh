#!/usr/bin/env bash
# packaging.add_subdirectory: the project as a consumer's subproject.  A tiny
# consumer in a scratch directory pulls the source tree in with
# add_subdirectory, with BUILD_TESTING=OFF and GoogleTest made unfindable
# (CMAKE_DISABLE_FIND_PACKAGE_GTest), builds a legacy program against
# CmZmq::cm (<CmMessage.h> and <Cm/Cm.h>, as legacy code includes them) and
# runs it; then the same through FetchContent (configured).  And no
# CMakeLists.txt or .cmake file of the project uses CMAKE_SOURCE_DIR or
# CMAKE_BINARY_DIR for a path (they are the consumer's there).
#   bash add_subdirectory.sh SOURCE_DIR
NEED_PACKAGES=0
source "$(dirname "$0")/lib.sh" "$1" unused

uses=$(find "$SOURCE" \( -path "$SOURCE/build*" -o -name node_modules -o -name .git \) -prune -o \
            \( -name CMakeLists.txt -o -name '*.cmake' \) -print0 |
       xargs -0 grep -n '\${CMAKE_SOURCE_DIR}\|\${CMAKE_BINARY_DIR}' || true)
[ -z "$uses" ] || fail "paths from CMAKE_SOURCE_DIR/CMAKE_BINARY_DIR (use PROJECT_/CMAKE_CURRENT_):
$uses"
ok "no path from CMAKE_SOURCE_DIR or CMAKE_BINARY_DIR"

consumer=$WORK/consumer
mkdir -p "$consumer"
cat > "$consumer/app.c" <<'C'
#include <CmMessage.h>
#include <Cm/Cm.h>
#include <stdio.h>
int main(void) {
  CmMessage m = CmMessageNew();
  CmMessageSetType(m, "Consumer");
  CmMessagePutInt(m, 42);
  if (CmMessageGetItemType(m) != CmMessageItemInt || CmMessageGetInt(m) != 42) return 1;
  CmMessageDelete(m);
  puts("app: a message built and read back");
  return 0;
}
C
cat > "$consumer/CMakeLists.txt" <<CMAKE
cmake_minimum_required(VERSION 3.16)
project(consumer C CXX)
include(CTest)  # the consumer's own BUILD_TESTING, here OFF
if(CM_FETCH)
  include(FetchContent)
  FetchContent_Declare(CmZmq SOURCE_DIR "$SOURCE")
  FetchContent_MakeAvailable(CmZmq)
else()
  add_subdirectory("$SOURCE" cm-zmq)
endif()
add_executable(app app.c)
target_link_libraries(app PRIVATE CmZmq::cm)
CMAKE
configure() {
  cmake -S "$consumer" -B "$1" -DBUILD_TESTING=OFF -DCMAKE_DISABLE_FIND_PACKAGE_GTest=ON "${@:2}" > "$1.log" 2>&1 ||
    { cat "$1.log"; fail "configure the consumer ($*)"; }
}
configure "$WORK/build"
ok "configured: add_subdirectory, BUILD_TESTING=OFF, GoogleTest unfindable"
targets=$(cmake --build "$WORK/build" --target help)
for target in cm_test_peer codec_test echo_server cm_bench cm-legacy-standin; do
  if grep -qw "$target" <<< "$targets"; then fail "the subproject defines the test target $target"; fi
done
[ ! -f "$WORK/build/cm-zmq/CTestTestfile.cmake" ] || ! grep -q add_test "$WORK/build/cm-zmq/CTestTestfile.cmake" ||
  fail "the subproject registered tests"
cmake --build "$WORK/build" --target app -j2 > "$WORK/build-app.log" 2>&1 || { tail -30 "$WORK/build-app.log"; fail "build app"; }
[ -e "$WORK/build/cm-zmq/libCm-zmq.so.$MAJOR" ] || fail "the library is not in the subproject's binary directory: $(ls "$WORK/build")"
"$WORK/build/app" || fail "app did not run"
ok "app built against CmZmq::cm and ran (the library in build/cm-zmq/)"

configure "$WORK/fetch" -DCM_FETCH=ON
grep -q 'Generating done' "$WORK/fetch.log" || fail "FetchContent: $(tail "$WORK/fetch.log")"
ok "configured through FetchContent_MakeAvailable(CmZmq)"
echo "PASS: the project as a subproject (add_subdirectory, FetchContent) without its tests"
