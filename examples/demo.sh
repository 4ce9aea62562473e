#!/usr/bin/env bash
# demo.sh -- the echo example end to end: a private CmNameServer on a free
# port, echo_server, then echo_client; shows what each printed.
# Exit status 0 only if the client got its reply and the server stopped.
#
#   examples/demo.sh          (after `make`; BIN=DIR to take the programs elsewhere)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
BIN=${BIN:-$root/build/bin}
work=$(mktemp -d "${TMPDIR:-/tmp}/cm-demo.XXXXXX")
pids=()

cleanup() {
  if [ "${#pids[@]}" -gt 0 ]; then
    kill -TERM "${pids[@]}" 2>/dev/null || true
    wait "${pids[@]}" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# A TCP port nobody listens on, below the kernel's ephemeral range.
free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 12000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return
    fi
  done
}

# wait_for WHAT COMMAND...: retry COMMAND for up to 5 s.
wait_for() {
  local what=$1 i
  shift
  for i in $(seq 50); do
    if "$@"; then return 0; fi
    sleep 0.1
  done
  echo "demo: $what did not happen within 5 s" >&2
  return 1
}
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

for program in CmNameServer echo_server echo_client; do
  [ -x "$BIN/$program" ] || { echo "demo: $BIN/$program is missing: run make first" >&2; exit 1; }
done

# 1. A name server of our own; every Cm program finds it through CM_NAMESERVER.
port=$(free_port)
"$BIN/CmNameServer" --port "$port" >"$work/nameserver.log" 2>&1 &
pids+=($!)
export CM_NAMESERVER="tcp://127.0.0.1:$port"
echo "demo: CmNameServer on port $port (CM_NAMESERVER=$CM_NAMESERVER)"
wait_for "CmNameServer listening" port_open "$port" || { cat "$work/nameserver.log"; exit 1; }

# 2. The server, in the background, until it receives "Stop".
timeout 30 "$BIN/echo_server" >"$work/server.log" 2>&1 &
server=$!
pids+=("$server")
wait_for "echo_server ready" grep -q "waiting" "$work/server.log" || { cat "$work/server.log"; exit 1; }

# 3. The client: one request, one reply, then "Stop".
client_status=0
timeout 20 "$BIN/echo_client" >"$work/client.log" 2>&1 || client_status=$?
server_status=0
wait "$server" || server_status=$?

echo "== echo_server printed:"
sed 's/^/   /' "$work/server.log"
echo "== echo_client printed:"
sed 's/^/   /' "$work/client.log"
if [ "$client_status" -ne 0 ] || [ "$server_status" -ne 0 ]; then
  echo "demo: FAILED (echo_client exit status $client_status, echo_server $server_status)"
  exit 1
fi
echo "demo: OK, the request went to echo and its reply came back"
