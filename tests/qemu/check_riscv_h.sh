#!/usr/bin/env bash
# QEMU end to end for two-stage translation (RISC-V Hypervisor extension):
# mmusim builds a virtual machine (sv39x4, sv48x4: a guest's VS-stage tables
# and the host's G-stage table, both in host memory) and dumps host memory;
# QEMU's generic loader places the dump at its physical addresses, and a stub
# in M-mode writes hgatp and vsatp and enters VS-mode (mret with MPV=1,
# MPP=S) at a guest VA that both stages map to the stub's own `j .`.  Once
# the hart spins in VS-mode, QEMU's monitor `gva2gpa` walks both stages
# (VS-stage, then G-stage, QEMU's get_physical_address twice) for each VA,
# and its answer must be the host PA `mmusim translate` gives, or "Unmapped"
# where mmusim reports a fault.  GPAs stay below 2^40: QEMU 7.2 mishandles
# G-stage GPAs with the top bit set (fixed in 8.1).
#
# usage: tests/qemu/check_riscv_h.sh MMUSIM   (exit 77 = skipped: no qemu-system-riscv64)
set -euo pipefail
mmusim=${1:?usage: check_riscv_h.sh MMUSIM}
qemu=$(command -v qemu-system-riscv64 || true)
if [ -z "$qemu" ]; then
  echo "SKIP: qemu-system-riscv64 not installed (tools/setup --test installs qemu-system-misc)"
  exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source "$(dirname "$0")/monitor.sh"

# The VAs asked (a supervisor read, as in VS-mode): 4K pages, a 2M guest page over 4K
# G-stage pages, a page whose G-stage mapping gmap moved, the stub's page, a GPA outside
# guest RAM (a G-stage hole), a user page, an unmapped VA.  QEMU's debug walk reads as if
# SUM=1 (cpu_helper.c: `sum = mmuidx_sum(mmu_idx) || is_debug`), so mmusim's answers are
# taken with `sum: true` in the guest's control bits.
vas="0x400010 0x401ff8 0x600000 0x7ff123 0x800abc 0x10038 0x900000 0xa00000 0x40000000"

# Feeds the monitor: `info registers` until the hart runs in VS-mode (V=1), then one
# gva2gpa per VA, then quit.  Each command waits for the prompt that ends its answer.
monitor_feed() {
  local out=$1 prompts=1 i before
  wait_prompts "$out" $prompts || return 0
  for ((i = 0; i < 500; i++)); do
    before=$(wc -c <"$out")
    echo 'info registers'; prompts=$((prompts + 1))
    wait_prompts "$out" $prompts || return 0
    tail -c +$((before + 1)) "$out" | tr -d '\r' | grep -q 'V      =   1' && break
    sleep 0.05
  done
  for va in $vas; do
    echo "gva2gpa $va"; prompts=$((prompts + 1))
    wait_prompts "$out" $prompts || return 0
  done
  echo quit
}

le64() { # the 8 little-endian bytes of a hex value, as printf escapes
  local v=$1 i
  for i in 0 1 2 3 4 5 6 7; do printf "\\\\x%02x" $(( (v >> (8 * i)) & 0xff )); done
}

fail=0
for name in sv39x4 sv48x4; do
  trace="$work/$name.trace"
  cat > "$trace" <<TRACE
map 0x400000 0x80200000 8K rx
map 0x600000 0x80400000 2M rw
map 0x800000 0x80600000 4K rw
map 0x900000 0x7f000000 4K rw
map 0xa00000 0x80800000 4K rwu
map 0x10000 0x90000000 4K rx
gmap 0x90000000 0x87000000 4K rwx
gmap 0x80600000 0x88000000 4K rw
w 0x600010
r 0x400000
TRACE
  out=$("$mmusim" --config "$name" --json dump --elf "$work/$name.elf" --setup "$trace")
  hgatp=$(sed -n 's/.*"hgatp":"\(0x[0-9a-f]*\)".*/\1/p' <<<"$out")
  vsatp=$(sed -n 's/.*"vsatp":"\(0x[0-9a-f]*\)".*/\1/p' <<<"$out")
  # At 0x87000000, in M-mode: load hgatp and vsatp, open PMP to everything (NAPOT, RWX),
  # set mstatus.MPV (bit 39) and MPP=S, mepc = guest VA 0x10038 (-> GPA 0x90000038 ->
  # this page + 0x38: the `j .`), mret.  Data at +0x40: hgatp, vsatp, mstatus bits, mepc.
  {
    printf '\x97\x02\x00\x00\x03\xb3\x02\x04\x73\x10\x03\x68\x03\xb3\x82\x04'
    printf '\x73\x10\x03\x28\x13\x03\xf0\xff\x73\x10\x03\x3b\x13\x03\xf0\x01'
    printf '\x73\x10\x03\x3a\x03\xb3\x02\x05\x73\x20\x03\x30\x03\xb3\x82\x05'
    printf '\x73\x10\x13\x34\x73\x00\x20\x30\x6f\x00\x00\x00\x13\x00\x00\x00'
    printf "$(le64 "$hgatp")$(le64 "$vsatp")$(le64 $(( (1 << 39) | (1 << 11) )))$(le64 0x10038)"
  } > "$work/stub.bin"
  : > "$work/$name.out"
  monitor_feed "$work/$name.out" |
    timeout 120 "$qemu" -M virt -cpu rv64,h=true -m 2G -bios none -display none -serial none -monitor stdio \
      -device loader,file="$work/$name.elf" \
      -device loader,file="$work/stub.bin",addr=0x87000000,force-raw=on,cpu-num=0 >"$work/$name.out" 2>&1 || true
  # QEMU: "gpa: 0x..." or "Unmapped" per gva2gpa, in the order asked.
  theirs=$(tr -d '\r' <"$work/$name.out" | sed -n 's/^gpa: \(0x[0-9a-f]*\).*/\1/p; s/^Unmapped.*/fault/p')
  ours=""
  printf 'extends: %s\ncpu: { sum: true }\n' "$name" > "$work/$name-sum.yaml"
  for va in $vas; do
    line=$("$mmusim" --config "$work/$name-sum.yaml" translate --setup "$trace" --supervisor "$va")
    pa=$(sed -n 's/.*: pa \(0x[0-9a-f]*\) .*/\1/p' <<<"$line")
    ours+="${pa:-fault}"$'\n'
  done
  ours=${ours%$'\n'}
  if [ "$(wc -l <<<"$theirs")" = "$(wc -w <<<"$vas")" ] && [ "$theirs" = "$ours" ]; then
    echo "ok: $name: QEMU's two-stage gva2gpa in VS-mode matches mmusim translate for $(wc -w <<<"$vas") VAs"
  else
    echo "FAIL: $name"
    echo "--- VAs"; echo $vas
    echo "--- mmusim"; echo "$ours"
    echo "--- qemu"; echo "$theirs"
    echo "--- raw qemu output"; tr -d '\r' <"$work/$name.out" | tail -30
    fail=1
  fi
done
exit $fail
