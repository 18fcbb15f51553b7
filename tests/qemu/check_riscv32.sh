#!/usr/bin/env bash
# QEMU end to end for 32-bit guests' cores: qemu-system-riscv32's dump-guest-memory writes an
# ELF32 core (ELFCLASS32, EM_RISCV).  mmusim dumps Sv32 tables, QEMU's generic loader places
# the dump in a stopped virt machine's RAM, QEMU dumps that RAM as its core, and `mmusim
# mappings` over QEMU's core (through the dump's satp) must list exactly what it lists over
# its own dump.
#
# usage: tests/qemu/check_riscv32.sh MMUSIM   (exit 77 = skipped: no qemu-system-riscv32)
set -euo pipefail
mmusim=${1:?usage: check_riscv32.sh MMUSIM}
qemu=$(command -v qemu-system-riscv32 || true)
if [ -z "$qemu" ]; then
  echo "SKIP: qemu-system-riscv32 not installed (tools/setup --test installs qemu-system-misc)"
  exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source "$(dirname "$0")/monitor.sh"

cat > "$work/sv32.trace" <<TRACE
map 0x400000 0x80200000 8K rxu
map 0x402000 0x80300000 4K ru
map 0x800000 0x80400000 4M rwu
map 0xc0000000 0x80000000 4M rwxg
TRACE
out=$("$mmusim" --config sv32 --json dump --elf "$work/sv32.elf" --setup "$work/sv32.trace")
satp=$(sed -n 's/.*"satp":"\(0x[0-9a-f]*\)".*/\1/p' <<<"$out")

# Loads the dump, waits for the prompt, dumps the guest's RAM, quits.
feed() {
  wait_prompts "$work/qemu.out" 1 || return 0
  echo "dump-guest-memory $work/qemu.core"
  wait_prompts "$work/qemu.out" 2 || return 0
  echo quit
}
: > "$work/qemu.out"
feed | timeout 120 "$qemu" -M virt -m 128M -bios none -S -display none -serial none -monitor stdio \
  -device loader,file="$work/sv32.elf" >"$work/qemu.out" 2>&1 || true

class=$(od -An -tu1 -j4 -N1 "$work/qemu.core" 2>/dev/null | tr -d ' ' || true)
ours=$("$mmusim" --config sv32 mappings --image "$work/sv32.elf")
from_core=$("$mmusim" --config sv32 mappings --image "$work/qemu.core" --satp "$satp" 2>&1 || true)
if [ "$class" = 1 ] && [ -n "$ours" ] && [ "$from_core" = "$ours" ]; then
  echo "ok: sv32: QEMU's ELF32 core lists the same mappings as mmusim's dump ($(wc -l <<<"$ours") ranges)"
  exit 0
fi
echo "FAIL: sv32 (core EI_CLASS '$class', expected 1: ELF32)"
echo "--- mmusim over its dump"; echo "$ours"
echo "--- mmusim over QEMU's core"; echo "$from_core"
echo "--- qemu output"; tail -20 "$work/qemu.out"
exit 1
