#!/usr/bin/env bash
# QEMU end to end: mmusim dumps its page tables for Sv39, Sv48 and Sv57, QEMU's
# generic loader places the dump at its physical addresses, a four-instruction
# stub writes satp, and QEMU's own `info mem` must list exactly the mappings
# `mmusim mappings --image` reads from the same dump.  Then QEMU dumps the
# guest (dump-guest-memory, an ELF core of all RAM) and mmusim, walking that
# core from the satp value, must list the same mappings again.
#
# usage: tests/qemu/check_riscv.sh MMUSIM   (exit 77 = skipped: no qemu-system-riscv64)
set -euo pipefail
mmusim=${1:?usage: check_riscv.sh MMUSIM}
qemu=$(command -v qemu-system-riscv64 || true)
if [ -z "$qemu" ]; then
  echo "SKIP: qemu-system-riscv64 not installed (tools/setup --test installs qemu-system-misc)"
  exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Normalises range lists to "VA_START VA_END PA_START PERMS" with maximal merging
# (VA and PA contiguous, same rwxug): QEMU also splits ranges on A/D, we do not.
normalise() {
  local have=0 s e p perms ns ne np nperms
  while read -r ns ne np nperms; do
    if [ $have = 1 ] && [ "$ne" != "" ] && (( e == ns )) && (( p + (e - s) == np )) && [ "$perms" = "$nperms" ]; then
      e=$ne
      continue
    fi
    [ $have = 1 ] && printf '0x%x 0x%x 0x%x %s\n' "$s" "$e" "$p" "$perms"
    s=$ns e=$ne p=$np perms=$nperms have=1
  done
  [ $have = 1 ] && printf '0x%x 0x%x 0x%x %s\n' "$s" "$e" "$p" "$perms"
  return 0
}

# QEMU: "vaddr paddr size attr" (attr = rwxugad) -> "start end pa rwxug".
from_qemu() {
  # (the monitor ends lines with CR LF; no regex intervals: Debian's default awk is mawk)
  tr -d '\r' |
  awk 'NF == 4 && length($1) == 16 && $1 ~ /^[0-9a-f]+$/ && length($4) == 7 { print $1, $2, $3, substr($4, 1, 5) }' |
  while read -r va pa size attr; do
    printf '0x%x 0x%x 0x%x %s\n' "$((16#$va))" "$((16#$va + 16#$size))" "$((16#$pa))" "$attr"
  done | normalise
}

# wait_prompts FILE N
source "$(dirname "$0")/monitor.sh"

# Types into the monitor: `info mem` until it answers with a mapping (the stub has run), then
# dump-guest-memory to $2, then quit.  Each command waits for the prompt that ends its answer.
monitor_feed() {
  local out=$1 core=$2 prompts=1 i before
  wait_prompts "$out" $prompts || return 0
  for ((i = 0; i < 500; i++)); do
    before=$(wc -c <"$out")
    echo 'info mem'; prompts=$((prompts + 1))
    wait_prompts "$out" $prompts || return 0
    tail -c +$((before + 1)) "$out" | tr -d '\r' | grep -q '^[0-9a-f]\{16\} ' && break
    sleep 0.05
  done
  echo "dump-guest-memory $core"; prompts=$((prompts + 1))
  wait_prompts "$out" $prompts || return 0
  echo quit
}

fail=0
for cfg in sv39:0xffffffc000000000 sv48:0xffff800000000000 sv57:0xff00000000000000; do
  name=${cfg%%:*} kva=${cfg#*:}
  trace="$work/$name.trace"
  cat > "$trace" <<TRACE
map 0x400000 0x80200000 8K rxu
map 0x402000 0x80300000 4K ru
map 0x600000 0x80400000 2M rwu
map 0x40000000 0x88000000 4K rwxug
map $kva 0x80000000 1G rwg
w 0x600010
r 0x400000
TRACE
  out=$("$mmusim" --config "$name" --json dump --elf "$work/$name.elf" --setup "$trace")
  satp=$(sed -n 's/.*"satp":"0x\([0-9a-f]*\)".*/\1/p' <<<"$out")
  # auipc t0,0; ld t0,16(t0); csrw satp,t0; j . ; .dword satp   (placed at 0x87000000)
  {
    printf '\x97\x02\x00\x00\x83\xb2\x02\x01\x73\x90\x02\x18\x6f\x00\x00\x00'
    for i in 0 1 2 3 4 5 6 7; do
      printf "\\x$(printf %02x $(( (16#$satp >> (8 * i)) & 0xff )))"
    done
  } > "$work/stub.bin"
  # The monitor is driven by what QEMU has answered, not by sleeps: under a loaded machine
  # (ctest -j16) the stub may not have written satp yet when the first `info mem` arrives.
  : > "$work/$name.out"
  monitor_feed "$work/$name.out" "$work/$name.core" |
    timeout 120 "$qemu" -M virt -m 512M -bios none -display none -serial none -monitor stdio \
      -device loader,file="$work/$name.elf" \
      -device loader,file="$work/stub.bin",addr=0x87000000,force-raw=on,cpu-num=0 >"$work/$name.out" 2>&1 || true
  qemu_out=$(cat "$work/$name.out")
  theirs=$(from_qemu <<<"$qemu_out")
  ours=$("$mmusim" --config "$name" mappings --image "$work/$name.elf" | normalise)
  # ... and QEMU's own memory dump (an ELF core) read back by mmusim through satp.
  from_core=$("$mmusim" --config "$name" mappings --image "$work/$name.core" --satp "0x$satp" 2>&1 | normalise || true)
  if [ -n "$ours" ] && [ "$theirs" = "$ours" ] && [ "$from_core" = "$ours" ]; then
    echo "ok: $name: QEMU's info mem and its dump-guest-memory core match mmusim mappings ($(wc -l <<<"$ours") ranges)"
  else
    echo "FAIL: $name"
    echo "--- mmusim"; echo "$ours"
    echo "--- qemu"; echo "$theirs"
    echo "--- mmusim over QEMU's core"; echo "$from_core"
    echo "--- raw qemu output"; echo "$qemu_out" | tail -20
    fail=1
  fi
done
exit $fail
