#!/usr/bin/env bash
# A link reset while both ends live (`ss -K`, as a firewall or a NIC reset
# would): what the receiver never got is reported by it exactly (no
# overcounting) and by the sender (never 0), and what it got is in order.
# Needs root for ss -K; skipped otherwise.
source "$(dirname "$0")/../legacy/lib.sh"
if ! ss -K dst 192.0.2.1 >/dev/null 2>&1; then
  echo "SKIP: ss -K is not allowed here (needs root and INET_DIAG_DESTROY)"
  exit 0
fi
start_nameserver

for try in 1 2 3; do
  start "server$try" "$BIN/links_server" "S$try" 10
  wait_ready "server$try"
  server_pid=$READY_PID
  port=$(ss -ltnpH | grep "pid=$server_pid," | awk '{print $4}' | sed 's/.*://' | head -1)
  # The sender's second 15,000 go while the receiver is stopped (SIGSTOP:
  # the kernel buffers fill, as behind a stalled host); the link is reset
  # meanwhile, and the receiver goes on half a second later.
  CM_LOG=info start "stream$try" "$BIN/links_stream" "S$try" 15000 1
  for i in $(seq 60); do grep -q '^RUN 1 done' "$WORK/stream$try.log" && break; sleep 0.05; done
  kill -STOP "$server_pid"
  for i in $(seq 80); do grep -q '^RUN 2 done' "$WORK/stream$try.log" && break; sleep 0.05; done
  ss -K dst 127.0.0.1 dport = ":$port" >/dev/null
  sleep 0.5
  kill -CONT "$server_pid"
  expect_exit "stream$try"
  sent=$(sed -n 's/^SENT \([0-9]*\) .*/\1/p' "$WORK/stream$try.log")
  expect_exit "server$try"
  line=$(grep '^COUNT vm_\|^COUNT .*_[0-9]* ' "$WORK/server$try.log" | grep -v '^COUNT .* 0 REORDERED 0$' | tail -1)
  got=$(echo "$line" | awk '{print $3}')
  reordered=$(echo "$line" | awk '{print $5}')
  said_by_receiver=$(sed -n "s/.*lost \([0-9]*\) message(s) from.*/\1/p" "$WORK/server$try.log" | paste -sd+ | bc)
  said_by_sender=$( (sed -n "s/.*messages \([0-9]*\)\.\.\([0-9]*\) to .*may be lost.*/\2-\1+1/p" "$WORK/stream$try.log";
                     sed -n "s/.* \([0-9]*\) message(s) to .* were lost on the way.*/\1/p" "$WORK/stream$try.log") | paste -sd+ | bc)
  lost=$((sent - got))
  echo "try $try: sent $sent, received $got, lost $lost; the receiver said ${said_by_receiver:-0}, the sender ${said_by_sender:-0}; reordered $reordered"
  [ "${reordered:-x}" = 0 ] || fail "try $try: $reordered messages arrived out of order"
  [ "${said_by_receiver:-0}" = "$lost" ] || fail "try $try: the receiver reported ${said_by_receiver:-0} lost, $lost were"
  [ "${said_by_sender:-0}" -ge "$lost" ] || fail "try $try: the sender reported ${said_by_sender:-0} lost, $lost were"
done
finish
