#!/usr/bin/env bash
# QEMU end to end for AArch64 (VMSAv8-64 stage 1, EL1&0), for each granule
# preset (aarch64: 4K, aarch64_16k, aarch64_64k) and two configs whose VA
# halves have different sizes (TCR_EL1.T0SZ != T1SZ: 4K with a 39-bit TTBR0
# and a 48-bit TTBR1, 16K with 48 and 47 bits): mmusim builds tables in
# both VA halves (user: TTBR0, kernel: TTBR1) with pages, blocks, contiguous
# runs, read-only, EL0 and execute variants, and dumps them (`dump --elf`).
# QEMU's virt machine (-cpu max: ID_AA64MMFR0_EL1 = 0x...10201126, every
# granule supported) loads the dump with its generic loader, plus a stub that
# writes MAIR_EL1, TCR_EL1, TTBR0_EL1, TTBR1_EL1, PSTATE.PAN and then
# SCTLR_EL1 (M = 1), reads each one back into x10-x15 and spins.  The CPU
# starts at EL1 (virt without virtualization=on or secure=on has no EL2/EL3)
# with the loader's PC at the stub; the stub's page is mapped 1:1, EL1
# executable, so the spin loop runs with the MMU on.
#
# What is compared:
#   - the registers the stub read back (`info registers` x10-x15, CurrentEL
#     in x16) equal what mmusim dumped: QEMU kept every bit mmusim wrote;
#   - `gva2gpa` at the first and last byte of every range `mmusim mappings
#     --image` lists, and at the byte just below and just above each, equals
#     `mmusim translate --image dump.elf --ttbr0 .. --ttbr1 .. --tcr ..`
#     (an EL1 load): the same PA, or "Unmapped" where mmusim faults.  QEMU's
#     gva2gpa walks the current regime (EL1&0 at EL1) as a load and honours
#     PSTATE.PAN, so the check runs twice: PAN = 0 (every valid mapping
#     translates) and PAN = 1 (EL0-accessible pages, AP[1] = 1, fault at EL1),
#     which compares mmusim's EL0 permission (u) with QEMU's.  Write and execute
#     permissions are not visible through gva2gpa and are not compared; QEMU
#     7.2 has no `info tlb` or `info mem` for Arm;
#   - a negative check: the same comparison against a tampered dump (one
#     mapping moved to another PA) must fail;
#   - QEMU's dump-guest-memory of the guest (an EM_AARCH64 ELF core without
#     mmusim's notes) read by `mmusim mappings --image core --ttbr0 --ttbr1
#     --tcr` lists the same mappings as mmusim's own dump.
#
# RAM: QEMU's virt machine puts its device tree at the base of RAM
# (0x40000000, 1 MiB) when it boots no kernel, and refuses to load anything
# over it, so the tables live from 0x40200000 (a config that extends the
# preset with that memory base).
#
# usage: tests/qemu/check_aarch64.sh MMUSIM   (exit 77 = skipped: no qemu-system-aarch64)
set -euo pipefail
mmusim=${1:?usage: check_aarch64.sh MMUSIM}
qemu=$(command -v qemu-system-aarch64 || true)
if [ -z "$qemu" ]; then
  echo "SKIP: qemu-system-aarch64 not installed (tools/setup --test installs qemu-system-arm)"
  exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

stub_pa=0x47e00000   # the last 2 MiB of 128 MiB of RAM: one block or contiguous run in every granule
ram_base=0x40200000  # above QEMU's device tree

# The stub: assembled when clang and an objcopy are at hand, else these words.
stub_words=(
  0x10000300  # adr  x0, vals             (vals at +0x60)
  0xf9400001  # ldr  x1, [x0]             MAIR_EL1
  0xd518a201  # msr  mair_el1, x1
  0xf9400401  # ldr  x1, [x0, #8]         TCR_EL1
  0xd5182041  # msr  tcr_el1, x1
  0xf9400801  # ldr  x1, [x0, #16]        TTBR0_EL1
  0xd5182001  # msr  ttbr0_el1, x1
  0xf9400c01  # ldr  x1, [x0, #24]        TTBR1_EL1
  0xd5182021  # msr  ttbr1_el1, x1
  0xf9401401  # ldr  x1, [x0, #40]        PAN (bit 22)
  0xd5184261  # msr  pan, x1
  0xd5033fdf  # isb
  0xf9401001  # ldr  x1, [x0, #32]        SCTLR_EL1
  0xd5181001  # msr  sctlr_el1, x1        (M = 1: the MMU is on)
  0xd5033fdf  # isb
  0xd538a20a  # mrs  x10, mair_el1
  0xd538204b  # mrs  x11, tcr_el1
  0xd538200c  # mrs  x12, ttbr0_el1
  0xd538202d  # mrs  x13, ttbr1_el1
  0xd538100e  # mrs  x14, sctlr_el1
  0xd538426f  # mrs  x15, pan
  0xd5384250  # mrs  x16, CurrentEL
  0xd5380711  # mrs  x17, id_aa64mmfr0_el1
  0x14000000  # b    .
)
make_stub_code() {
  local objcopy
  objcopy=$(command -v llvm-objcopy || command -v objcopy || true)
  if command -v clang >/dev/null && [ -n "$objcopy" ]; then
    cat > "$work/stub.S" <<'ASM'
	.arch	armv8.1-a
	adr	x0, vals
	ldr	x1, [x0]
	msr	mair_el1, x1
	ldr	x1, [x0, #8]
	msr	tcr_el1, x1
	ldr	x1, [x0, #16]
	msr	ttbr0_el1, x1
	ldr	x1, [x0, #24]
	msr	ttbr1_el1, x1
	ldr	x1, [x0, #40]
	msr	pan, x1
	isb
	ldr	x1, [x0, #32]
	msr	sctlr_el1, x1
	isb
	mrs	x10, mair_el1
	mrs	x11, tcr_el1
	mrs	x12, ttbr0_el1
	mrs	x13, ttbr1_el1
	mrs	x14, sctlr_el1
	mrs	x15, pan
	mrs	x16, CurrentEL
	mrs	x17, id_aa64mmfr0_el1
1:	b	1b
	.balign	8
vals:
ASM
    if clang --target=aarch64-linux-gnu -c "$work/stub.S" -o "$work/stub.o" 2>/dev/null &&
       "$objcopy" -O binary "$work/stub.o" "$work/stub.code" 2>/dev/null; then
      return 0
    fi
  fi
  local w
  : > "$work/stub.code"
  for w in "${stub_words[@]}"; do le 4 "$w" >> "$work/stub.code"; done
}

# `le N VALUE`: VALUE as N little-endian bytes.
le() {
  local n=$1 v=$2 i
  for ((i = 0; i < n; i++)); do
    printf "\\x$(printf %02x $(( (v >> (8 * i)) & 0xff )))"
  done
}

# The stub with its values: mair, tcr, ttbr0, ttbr1, sctlr, pan (PSTATE.PAN is bit 22 of `msr pan`).
make_stub() {
  local out=$1 mair=$2 tcr=$3 ttbr0=$4 ttbr1=$5 sctlr=$6 pan=$7
  { cat "$work/stub.code"; le 8 "$mair"; le 8 "$tcr"; le 8 "$ttbr0"; le 8 "$ttbr1"; le 8 "$sctlr"
    le 8 $(( pan << 22 )); } > "$out"
}

# wait_prompts FILE N
source "$(dirname "$0")/monitor.sh"

# Types into the monitor: `info registers` until the stub spins (x16 = CurrentEL set), then
# the lines of $2, then dump-guest-memory to $3 (when given), then quit; each step after the
# prompt that ends the answers before it.
monitor_feed() {
  local out=$1 cmds=$2 core=${3:-} prompts=1 i before line
  wait_prompts "$out" $prompts || return 0
  for ((i = 0; i < 500; i++)); do
    before=$(wc -c <"$out")
    echo 'info registers'; prompts=$((prompts + 1))
    wait_prompts "$out" $prompts || return 0
    tail -c +$((before + 1)) "$out" | tr -d '\r' | grep -aq 'X16=0000000000000004' && break
    sleep 0.05
  done
  # The monitor answers in order: the probes go in one write, and the last prompt ends them.
  cat "$cmds"; prompts=$((prompts + $(wc -l <"$cmds")))
  wait_prompts "$out" $prompts || return 0
  if [ -n "$core" ]; then
    echo "dump-guest-memory $core"; prompts=$((prompts + 1))
    wait_prompts "$out" $prompts || return 0
  fi
  echo quit
}

# Runs QEMU over dump $1 with stub $2; monitor commands from $3; output to $4; core to $5.
run_qemu() {
  : > "$4"
  monitor_feed "$4" "$3" "${5:-}" |
    timeout 120 "$qemu" -M virt -cpu max -m 128M -display none -serial none -monitor stdio \
      -device loader,file="$1" \
      -device loader,file="$2",addr=$stub_pa,force-raw=on,cpu-num=0 >"$4" 2>&1 || true
}

# The register `X..` of the last `info registers` in QEMU output $1, as 0x...
qemu_reg() {
  tr -d '\r' <"$1" | grep -ao "$2=[0-9a-f]*" | tail -1 | sed 's/.*=/0x/'
}

# The addresses to ask about: first and last byte of every range, and the bytes just outside.
probe_addresses() {
  local s e pa perms
  while read -r s e pa perms; do
    printf '0x%x\n0x%x\n' "$s" $(( e - 1 ))
    if (( s != 0 )); then printf '0x%x\n' $(( s - 1 )); fi
    if (( e != 0 )); then printf '0x%x\n' "$e"; fi   # 0: the range ends at the top of the VA space
  done | sort -u
}

# QEMU's gva2gpa answers, in the order asked: "VA PA" or "VA unmapped".
from_qemu() {
  local addrs=$1 out=$2
  paste -d' ' "$addrs" <(tr -d '\r' <"$out" | sed -n 's/^gpa: \(0x[0-9a-f]*\|0\)$/\1/p; s/^Unmapped$/unmapped/p' |
    while read -r g; do [ "$g" = unmapped ] && echo unmapped || printf '0x%x\n' "$g"; done)
}

# mmusim's answer for the same addresses (an EL1 load): "VA PA" or "VA unmapped".
from_mmusim() {
  local cfg=$1 image=$2 addrs=$3; shift 3
  "$mmusim" --config "$cfg" translate --image "$image" "$@" --supervisor $(cat "$addrs") |
    sed -n 's/^\(0x[0-9a-f]*\) r supervisor: pa \(0x[0-9a-f]*\) .*/\1 \2/p; s/^\(0x[0-9a-f]*\) r supervisor: fault .*/\1 unmapped/p'
}

make_stub_code
fail=0
start=$SECONDS
# name : 1 GiB-or-larger block VA PA : kernel text size : page
for cfg in aarch64 aarch64_16k aarch64_64k aarch64_39_48 aarch64_16k_48_47; do
  preset=$cfg extra= tamper_va=0xffff000000000000
  case $cfg in
    aarch64)  # 4K: 1G and 2M blocks, 16 x 4K = 64K contiguous runs
      maps="map 0x400000 0x50000000 8K rxu
map 0x402000 0x50010000 4K ru
map 0x410000 0x50100000 64K rwu
map 0x600000 0x50200000 2M rwu
map 0x80000000 0xc0000000 1G rw
map 0x0000fffffffff000 0x50700000 4K rwu
map 0xffff000000000000 0x40000000 1G rwg
map 0xffff000040000000 0x50400000 64K rxg
map 0xffff800000001000 0x50500000 4K rg
map 0xfffffffffffff000 0x50600000 4K rwg" ;;
    aarch64_16k)  # 16K: 32M blocks, 128 x 16K = 2M and 32 x 32M = 1G contiguous runs
      maps="map 0x400000 0x50000000 32K rxu
map 0x408000 0x50010000 16K ru
map 0x600000 0x50200000 2M rwu
map 0x2000000 0x52000000 32M rwu
map 0x80000000 0xc0000000 1G rw
map 0x0000ffffffffc000 0x50700000 16K rwu
map 0xffff000000000000 0x40000000 1G rwg
map 0xffff000040000000 0x50400000 32M rxg
map 0xffff800000004000 0x50500000 16K rg
map 0xffffffffffffc000 0x50600000 16K rwg" ;;
    aarch64_64k)  # 64K: 512M blocks, 32 x 64K = 2M and 32 x 512M = 16G contiguous runs
      maps="map 0x400000 0x50000000 128K rxu
map 0x420000 0x50100000 64K ru
map 0x600000 0x50200000 2M rwu
map 0x20000000 0x60000000 512M rw
map 0x400000000 0x400000000 16G rwu
map 0x0000ffffffff0000 0x50700000 64K rwu
map 0xffff000000000000 0x40000000 512M rwg
map 0xffff000040000000 0x50400000 2M rxg
map 0xffff800000010000 0x50500000 64K rg
map 0xffffffffffff0000 0x50600000 64K rwg" ;;
    aarch64_39_48)  # 4K, each half its own size (TCR_EL1.T0SZ 25, T1SZ 16): a 3-level TTBR0 table, a 4-level TTBR1 table
      preset=aarch64 extra=$'address_width: 39\nnr_levels: 3\nupper_address_width: 48\n'
      maps="map 0x400000 0x50000000 8K rxu
map 0x410000 0x50100000 64K rwu
map 0x600000 0x50200000 2M rwu
map 0x40000000 0xc0000000 1G rw
map 0x7ffffff000 0x50700000 4K rwu
map 0xffff000000000000 0x40000000 1G rwg
map 0xffff000040000000 0x50400000 64K rxg
map 0xffffff8000001000 0x50500000 4K rg
map 0xfffffffffffff000 0x50600000 4K rwg" ;;
    aarch64_16k_48_47)  # 16K, T0SZ 16 and T1SZ 17: TTBR0 level 0 has 2 entries, TTBR1 starts at level 1 with 2048
      # (the preset's kernel range covers the 2 entries of a 48-bit level 0; TTBR1's level 1 has 2048)
      preset=aarch64_16k tamper_va=0xffff800000000000
      extra=$'upper_address_width: 47\npage_tables:\n  user: { top_level_index_range: [0, 2], top_level_can_unmap: true }\n  kernel: { top_level_index_range: [0, 2048], top_level_can_unmap: false }\n'
      maps="map 0x400000 0x50000000 32K rxu
map 0x600000 0x50200000 2M rwu
map 0x0000ffffffffc000 0x50700000 16K rwu
map 0xffff800000000000 0x40000000 1G rwg
map 0xffff800040000000 0x50400000 32M rxg
map 0xffffc00000004000 0x50500000 16K rg
map 0xffffffffffffc000 0x50600000 16K rwg" ;;
  esac
  # The stub's page, 1:1 and executable at EL1 only (PXN = 0, not writable at EL0).
  printf '%s\nmap %s %s 2M rx\n' "$maps" "$stub_pa" "$stub_pa" > "$work/$cfg.trace"
  printf 'extends: %s\n%smemory: { base: %s, size: 64M }\n' "$preset" "$extra" "$ram_base" > "$work/$cfg.yaml"
  printf 'extends: %s\n%smemory: { base: %s, size: 64M }\ncpu: { pan: true }\n' "$preset" "$extra" "$ram_base" > "$work/$cfg-pan.yaml"
  # The tampered twin: the kernel's first block (EL1 only, so seen with PAN 0 and 1) on another PA.
  sed "s/^map $tamper_va 0x40000000 /map $tamper_va 0x80000000 /" "$work/$cfg.trace" > "$work/$cfg-bad.trace"
  cmp -s "$work/$cfg.trace" "$work/$cfg-bad.trace" && { echo "FAIL: $cfg: no kernel block at $tamper_va to tamper with"; exit 1; }

  out=$("$mmusim" --config "$work/$cfg.yaml" --json dump --elf "$work/$cfg.elf" --setup "$work/$cfg.trace")
  "$mmusim" --config "$work/$cfg.yaml" dump --elf "$work/$cfg-bad.elf" --setup "$work/$cfg-bad.trace" >/dev/null
  reg() { sed -n "s/.*\"$1\":\"\\(0x[0-9a-f]*\\)\".*/\\1/p" <<<"$out"; }
  ttbr0=$(reg ttbr0) ttbr1=$(reg ttbr1) tcr=$(reg tcr) mair=$(reg mair) sctlr=$(reg sctlr)
  regs=(--ttbr0 "$ttbr0" --ttbr1 "$ttbr1" --tcr "$tcr")
  ours=$("$mmusim" --config "$work/$cfg.yaml" mappings --image "$work/$cfg.elf")
  probe_addresses <<<"$ours" > "$work/$cfg.addrs"
  sed 's/^/gva2gpa /' "$work/$cfg.addrs" > "$work/$cfg.cmds"

  problems=()
  for pan in 0 1; do
    conf="$work/$cfg.yaml"; [ $pan = 1 ] && conf="$work/$cfg-pan.yaml"
    make_stub "$work/stub.bin" "$mair" "$tcr" "$ttbr0" "$ttbr1" "$sctlr" $pan
    core=; [ $pan = 0 ] && core="$work/$cfg.core"
    run_qemu "$work/$cfg.elf" "$work/stub.bin" "$work/$cfg.cmds" "$work/$cfg.$pan.out" "$core"
    # What the CPU holds, read back by the stub.
    got="$(qemu_reg "$work/$cfg.$pan.out" X10) $(qemu_reg "$work/$cfg.$pan.out" X11) $(qemu_reg "$work/$cfg.$pan.out" X12) $(qemu_reg "$work/$cfg.$pan.out" X13) $(qemu_reg "$work/$cfg.$pan.out" X14) $(qemu_reg "$work/$cfg.$pan.out" X15) $(qemu_reg "$work/$cfg.$pan.out" X16)"
    want=$(printf '0x%016x 0x%016x 0x%016x 0x%016x 0x%016x 0x%016x 0x%016x' "$mair" "$tcr" "$ttbr0" "$ttbr1" "$sctlr" $(( pan << 22 )) 4)
    [ "$got" = "$want" ] || problems+=("PAN=$pan: registers read back '$got', wrote '$want' (mair tcr ttbr0 ttbr1 sctlr pan CurrentEL)")
    # ID_AA64MMFR0_EL1 (x17): TGran4 [31:28] and TGran64 [27:24] 0b1111 = absent, TGran16 [23:20] 0 = absent.
    mmfr0=$(qemu_reg "$work/$cfg.$pan.out" X17); mmfr0=${mmfr0:-0}   # (no answer: the read-back check fails)
    case $preset in
      aarch64) (( (mmfr0 >> 28 & 0xf) != 0xf )) ;;
      aarch64_16k) (( (mmfr0 >> 20 & 0xf) != 0 )) ;;
      aarch64_64k) (( (mmfr0 >> 24 & 0xf) != 0xf )) ;;
    esac || problems+=("QEMU's CPU does not implement the granule of $cfg: ID_AA64MMFR0_EL1 $mmfr0")
    theirs=$(from_qemu "$work/$cfg.addrs" "$work/$cfg.$pan.out")
    expect=$(from_mmusim "$conf" "$work/$cfg.elf" "$work/$cfg.addrs" "${regs[@]}")
    if [ -z "$expect" ] || [ "$theirs" != "$expect" ]; then
      problems+=("PAN=$pan: gva2gpa and mmusim translate differ:"$'\n'"$(diff <(echo "$expect") <(echo "$theirs") | head -20)")
    fi
    # Negative check: the tampered dump's answers must not pass for QEMU's.
    tampered=$(from_mmusim "$conf" "$work/$cfg-bad.elf" "$work/$cfg.addrs" --ttbr0 "$ttbr0" --ttbr1 "$ttbr1" --tcr "$tcr" 2>/dev/null || true)
    [ "$tampered" != "$theirs" ] || problems+=("PAN=$pan: the tampered dump ($tamper_va moved) still matches QEMU: the check cannot fail")
  done
  # QEMU's core: no mmusim notes, so the registers come from the command line.
  from_core=$("$mmusim" --config "$work/$cfg.yaml" mappings --image "$work/$cfg.core" "${regs[@]}" 2>&1 || true)
  [ -n "$ours" ] && [ "$from_core" = "$ours" ] ||
    problems+=("mmusim mappings over QEMU's dump-guest-memory core differ:"$'\n'"$(diff <(echo "$ours") <(echo "$from_core") | head -20)")

  if [ ${#problems[@]} = 0 ]; then
    echo "ok: $cfg: registers read back, gva2gpa at $(wc -l <"$work/$cfg.addrs") addresses (PAN 0 and 1) and QEMU's core match mmusim ($(wc -l <<<"$ours") ranges; the tampered dump is caught)"
  else
    echo "FAIL: $cfg"
    printf '%s\n' "${problems[@]}"
    echo "--- mmusim mappings"; echo "$ours"
    echo "--- raw qemu output (PAN=0)"; tr -d '\r' <"$work/$cfg.0.out" | grep -av '^(qemu) [a-z]' | tail -30
    fail=1
  fi
done
echo "($((SECONDS - start)) s)"
exit $fail
