# lib.sh -- sourced by the scale scripts (scale.sh, mixed.sh): bash
# built-ins only, as they are asked of hundreds of processes at a time.

fail() {
  echo "FAIL $*"
  FAILED=1
}

now_us() { echo "${EPOCHREALTIME/./}"; }
# seconds T0_US [T1_US]: the time between them (T1: now), as S.mmm
seconds() {
  local d=$((${2:-$(now_us)} - $1))
  printf '%d.%03d' $((d / 1000000)) $((d / 1000 % 1000))
}

# Still running (not gone, not a zombie waiting to be waited for)?
alive() {
  local stat
  { read -r stat <"/proc/$1/stat"; } 2>/dev/null || return 1
  stat=${stat##*) }
  [ "${stat%% *}" != Z ]
}

# wait_exited SECONDS PID...: until none is alive (bounded); status 1 if some are.
wait_exited() {
  local until=$(($(now_us) + $1 * 1000000)) p left
  shift
  while :; do
    left=0
    for p in "$@"; do alive "$p" && { left=1; break; }; done
    [ "$left" -eq 0 ] && return 0
    [ "$(now_us)" -gt "$until" ] && return 1
    sleep 0.1
  done
}
