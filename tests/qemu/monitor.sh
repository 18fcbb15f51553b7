# Shared by the QEMU checks that drive QEMU's monitor over stdin (sourced, not run).

# Waits until QEMU's output file $1 holds $2 monitor prompts (20 ms steps, 40 s at most):
# the monitor is driven by what QEMU has answered, not by sleeps, so a loaded machine
# (ctest -j16) only makes it slower.
wait_prompts() {
  local i
  for ((i = 0; i < 2000; i++)); do
    (( $(grep -ao '(qemu)' "$1" | wc -l) >= $2 )) && return 0
    sleep 0.02
  done
  return 1
}
