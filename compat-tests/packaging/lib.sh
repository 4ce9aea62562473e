# lib.sh -- what the packaging tests share (sourced).  Each test is
#   bash TEST.sh SOURCE_DIR PACKAGES_DIR
# PACKAGES_DIR being what build_packages.sh made (the fixture of the others):
#   build/       the package build (prefix /usr, BUILD_TESTING=OFF)
#   debs/        the .deb and .ddeb files
#   root/        libcm-zmq1, libcm-zmq-dev and cm-zmq-tools unpacked (dpkg -x)
set -euo pipefail
SOURCE=$(cd "$1" && pwd)
PACKAGES=$2
ROOT=$PACKAGES/root
DEBS=$PACKAGES/debs
WORK=$(mktemp -d "${TMPDIR:-/tmp}/cm-packaging.XXXXXX")
CLEANUP_PIDS=()
cleanup() {
  local pid
  for pid in "${CLEANUP_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${CLEANUP_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

# (No `... | grep -q` under pipefail: grep's early exit can fail the pipe.)
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }
skip() { echo "SKIP: $*"; exit 77; }  # ctest SKIP_RETURN_CODE

# The release, from its one place: project(... VERSION x.y.z) in CMakeLists.txt.
VERSION=$(sed -n 's/^project(libCm-zmq VERSION \([0-9.]*\).*/\1/p' "$SOURCE/CMakeLists.txt")
[ -n "$VERSION" ] || fail "no project(libCm-zmq VERSION ...) in $SOURCE/CMakeLists.txt"
MAJOR=${VERSION%%.*}

if [ "${NEED_PACKAGES:-1}" = 1 ]; then
  [ -f "$PACKAGES/built" ] || fail "$PACKAGES holds no packages: packaging.build_packages failed or did not run"
  MULTIARCH=$(cat "$PACKAGES/multiarch")
  LIBDIR=$ROOT/usr/lib/$MULTIARCH
  BIN=$ROOT/usr/bin
fi

# A TCP port nobody listens on, below the kernel's ephemeral range.
free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 12000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
  done
}
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# wait_for WHAT COMMAND...: retry COMMAND for up to 10 s (a bound on a
# hang, not a figure the test checks).
wait_for() {
  local what=$1 i
  shift
  for i in $(seq 100); do
    if "$@"; then return 0; fi
    sleep 0.1
  done
  fail "$what did not happen within 10 s"
}
