#!/usr/bin/env bash
# packaging.legacy_program: the README's legacy C programs (examples/
# echo_server.c and echo_client.c, unchanged), built against nothing but the
# unpacked packages -- the server through pkg-config (cm.pc), the client
# through CMake's find_package(CmZmq) -- then run with the CmNameServer of
# those packages: the client's request must reach the server and its reply
# come back (examples/demo.sh checks the exchange).
#   bash legacy_program.sh SOURCE_DIR PACKAGES_DIR
source "$(dirname "$0")/lib.sh"
mkdir -p "$WORK/bin"

# pkg-config: cm.pc as unpacked, nothing from the build or source trees.
flags=$(PKG_CONFIG_PATH=$LIBDIR/pkgconfig PKG_CONFIG_LIBDIR=$LIBDIR/pkgconfig pkg-config --cflags --libs cm) ||
  fail "pkg-config cm"
libpath=$(for flag in $flags; do case $flag in -L*) realpath "${flag#-L}" ;; esac; done)
[ "$libpath" = "$(realpath "$LIBDIR")" ] || fail "pkg-config cm gives '$flags', not -L$LIBDIR"
cc -std=c89 -pedantic -Werror "$SOURCE/examples/echo_server.c" -o "$WORK/bin/echo_server" $flags \
   -Wl,-rpath,"$LIBDIR" || fail "echo_server.c with \$(pkg-config --cflags --libs cm)"
ok "echo_server built with pkg-config: $flags"

# find_package(CmZmq) -> CmZmq::cm, from the unpacked root only.
mkdir "$WORK/consumer"
cp "$SOURCE/examples/echo_client.c" "$WORK/consumer/"
cat > "$WORK/consumer/CMakeLists.txt" <<CMAKE
cmake_minimum_required(VERSION 3.16)
project(legacy_consumer C)
find_package(CmZmq $MAJOR REQUIRED)
add_executable(echo_client echo_client.c)
target_link_libraries(echo_client PRIVATE CmZmq::cm)
set_target_properties(echo_client PROPERTIES C_STANDARD 90 BUILD_RPATH "$LIBDIR")
CMAKE
cmake -S "$WORK/consumer" -B "$WORK/consumer/build" -DCMAKE_PREFIX_PATH="$ROOT/usr" \
      -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF > "$WORK/consumer.log" 2>&1 ||
  { cat "$WORK/consumer.log"; fail "find_package(CmZmq) from the packages"; }
config=$(sed -n 's/^CmZmq_DIR:PATH=//p' "$WORK/consumer/build/CMakeCache.txt")
[ "$config" = "$LIBDIR/cmake/CmZmq" ] || fail "CmZmq found in $config, not in the unpacked root"
cmake --build "$WORK/consumer/build" > "$WORK/consumer-build.log" 2>&1 ||
  { cat "$WORK/consumer-build.log"; fail "echo_client with CmZmq::cm"; }
cp "$WORK/consumer/build/echo_client" "$WORK/bin/"
ok "echo_client built with find_package(CmZmq $MAJOR) -> CmZmq::cm ($config)"
# Another major is another ABI: not taken.
mkdir "$WORK/next"
cat > "$WORK/next/CMakeLists.txt" <<CMAKE
cmake_minimum_required(VERSION 3.16)
project(next_major NONE)
find_package(CmZmq $((MAJOR + 1)) QUIET)
if(CmZmq_FOUND)
  message(FATAL_ERROR "find_package(CmZmq $((MAJOR + 1))) took \${CmZmq_VERSION}")
endif()
CMAKE
cmake -S "$WORK/next" -B "$WORK/next/build" -DCMAKE_PREFIX_PATH="$ROOT/usr" > "$WORK/next.log" 2>&1 ||
  { cat "$WORK/next.log"; fail "find_package(CmZmq $((MAJOR + 1))) took release $VERSION"; }
ok "find_package(CmZmq $((MAJOR + 1))) does not take $VERSION"

# Both run against the packaged library (not a build tree's) ...
for program in echo_server echo_client; do
  loaded=$(ldd "$WORK/bin/$program" | awk '/libCm-zmq/ { print $3 }')
  [ "$loaded" = "$LIBDIR/libCm-zmq.so.$MAJOR" ] || fail "$program loads '$loaded'"
done
# ... and exchange a message through the packaged CmNameServer.
ln -s "$BIN/CmNameServer" "$WORK/bin/CmNameServer"
BIN=$WORK/bin bash "$SOURCE/examples/demo.sh" > "$WORK/demo.log" 2>&1 || { cat "$WORK/demo.log"; fail "the exchange"; }
grep -q 'echo_client: "Reply" from echo' "$WORK/demo.log" || { cat "$WORK/demo.log"; fail "no reply came back"; }
ok "$(grep 'echo_client: "Reply"' "$WORK/demo.log")"
echo "PASS: a legacy program builds and runs against the packages alone (pkg-config and find_package)"
