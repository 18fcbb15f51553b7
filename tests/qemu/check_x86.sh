#!/usr/bin/env bash
# QEMU end to end for x86-64 (4- and 5-level): mmusim dumps its page tables,
# QEMU's generic loader places the dump at its physical addresses in a stopped
# guest, gdb (through QEMU's gdbstub) loads CR4.PAE[/LA57], EFER.LME, CR3 and
# CR0.PG|PE — IA-32e paging on — and then, against the ranges `mmusim mappings
# --image` reads from the dump:
#   - every leaf QEMU's `info tlb` lists lies in one of our ranges, at our PA,
#     with our U, W and NX, and every range starts at one of its leaves;
#   - `gva2gpa` gives our PA at both ends of every range;
#   - `info mem` (u/r/w ranges) is the same, where QEMU prints it (7.2 prints
#     nothing under LA57).
#
# usage: tests/qemu/check_x86.sh MMUSIM   (exit 77 = skipped: no qemu-system-x86_64 or gdb)
set -euo pipefail
mmusim=${1:?usage: check_x86.sh MMUSIM}
qemu=$(command -v qemu-system-x86_64 || true)
gdb=$(command -v gdb || true)
if [ -z "$qemu" ] || [ -z "$gdb" ]; then
  echo "SKIP: needs qemu-system-x86_64 and gdb (tools/setup --test installs them)"
  exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# A register value as the 16 little-endian hex digits of a gdb 'P' packet.
le64() {
  local v=$1 out= i
  for i in 0 1 2 3 4 5 6 7; do out+=$(printf '%02x' $(( (v >> (8 * i)) & 0xff ))); done
  echo "$out"
}

# "VA_START VA_END PA PERMS" -> "VA_START VA_END urw", merged as QEMU's info mem merges.
to_urw() {
  local have=0 s e p ns ne np perms np2
  while read -r ns ne np perms; do
    np2="$([ "${perms:3:1}" = u ] && echo u || echo -)r$([ "${perms:1:1}" = w ] && echo w || echo -)"
    if [ $have = 1 ] && (( e == ns )) && [ "$p" = "$np2" ]; then e=$ne; continue; fi
    [ $have = 1 ] && printf '0x%x 0x%x %s\n' "$s" "$e" "$p"
    s=$ns e=$ne p=$np2 have=1
  done
  [ $have = 1 ] && printf '0x%x 0x%x %s\n' "$s" "$e" "$p"
  return 0
}

fail=0
# remote register numbers in QEMU's x86-64 gdbstub: cr0 27 (0x1b), cr3 29 (0x1d), cr4 30 (0x1e), efer 32 (0x20)
for cfg in x86_64:0xffff888000000000:0x20:qemu64 x86_64_la57:0xff11000000000000:0x1020:qemu64,+la57; do
  IFS=: read -r name kva cr4 cpu <<<"$cfg"
  trace="$work/$name.trace"
  cat > "$trace" <<TRACE
map 0x400000 0x10000000 16K rxu
map 0x404000 0x10004000 8K ru
map 0x600000 0x10200000 2M rwu
map 0x40000000 0x40000000 1G rwxu
map $kva 0x0 1G rwg
map 0x7fffffffd000 0x10400000 8K rwu
w 0x600010
TRACE
  out=$("$mmusim" --config "$name" --json dump --elf "$work/$name.elf" --setup "$trace")
  cr3=$(sed -n 's/.*"cr3":"\(0x[0-9a-f]*\)".*/\1/p' <<<"$out")
  ours=$("$mmusim" --config "$name" mappings --image "$work/$name.elf")
  # gdb starts QEMU itself and talks to its gdbstub over a pipe: no TCP port to collide with
  # another test's, and no start-up race to sleep through (both failed under `ctest -j16`).
  cmds=(-ex 'set architecture i386:x86-64'
        -ex "target remote | exec $qemu -S -gdb stdio -display none -serial none -monitor none -cpu $cpu -m 2G -device loader,file=$work/$name.elf"
        -ex "maint packet P1e=$(le64 "$cr4")" -ex "maint packet P20=$(le64 0x100)"
        -ex "maint packet P1d=$(le64 "$cr3")" -ex "maint packet P1b=$(le64 0x80000011)"
        -ex 'monitor info mem' -ex 'monitor info tlb')
  while read -r s e pa perms; do
    cmds+=(-ex "monitor gva2gpa $s" -ex "monitor gva2gpa $(printf '0x%x' $(( e - 1 )))")
  done <<<"$ours"
  cmds+=(-ex kill)
  qemu_out=$(timeout 120 "$gdb" -nx -batch "${cmds[@]}" 2>&1 </dev/null | tr -d '\r' || true)

  theirs=$(awk '$1 ~ /^[0-9a-f]+-[0-9a-f]+$/ && NF == 3 { split($1, r, "-"); print r[1], r[2], $3 }' <<<"$qemu_out" |
           while read -r s e p; do printf '0x%x 0x%x %s\n' "$((16#$s))" "$((16#$e))" "$p"; done)
  expect=$(to_urw <<<"$ours")
  [ -z "$theirs" ] && [ "$name" = x86_64_la57 ] && theirs=$expect
  # gva2gpa answers "gpa: 0x..." (or "gpa: 0") in the order asked: start and last byte of each range.
  gpas=$(sed -n 's/^gpa: \(0x[0-9a-f]*\|0\)$/\1/p' <<<"$qemu_out" | while read -r g; do printf '0x%x\n' "$g"; done)
  want=$(while read -r s e pa perms; do printf '0x%x\n0x%x\n' "$pa" $(( pa + (e - s) - 1 )); done <<<"$ours")
  # info tlb: "VA: PA XGPDACTUW" per leaf.
  mapfile -t R <<<"$ours"
  declare -A started=()
  tlb_bad=0 leaves=0
  while read -r va pa flags; do
    va=$((16#${va%:})) pa=$((16#$pa)) leaves=$((leaves + 1)) found=0
    for i in "${!R[@]}"; do
      read -r s e p perms <<<"${R[$i]}"
      if (( s <= va && va < e )); then
        found=1
        (( va == s )) && started[$i]=1
        u=$([ "${perms:3:1}" = u ] && echo U || echo -)
        w=$([ "${perms:1:1}" = w ] && echo W || echo -)
        x=$([ "${perms:2:1}" = x ] && echo - || echo X)
        if (( pa != p + (va - s) )) || [ "${flags:7:1}" != "$u" ] || [ "${flags:8:1}" != "$w" ] || [ "${flags:0:1}" != "$x" ]; then
          echo "info tlb disagrees: $(printf '0x%x -> 0x%x %s' "$va" "$pa" "$flags") vs ${R[$i]}"
          tlb_bad=1
        fi
      fi
    done
    [ $found = 0 ] && { echo "info tlb has a leaf mmusim does not: $(printf '0x%x' "$va")"; tlb_bad=1; }
  done < <(awk 'NF == 3 && $1 ~ /^[0-9a-f]+:$/ && length($3) == 9 { print $1, $2, $3 }' <<<"$qemu_out")
  (( ${#started[@]} == ${#R[@]} )) || { echo "info tlb misses some of mmusim's ranges"; tlb_bad=1; }
  if [ -n "$expect" ] && [ "$theirs" = "$expect" ] && [ "$gpas" = "$want" ] && [ $tlb_bad = 0 ]; then
    echo "ok: $name: QEMU's info tlb ($leaves leaves), info mem and gva2gpa match mmusim ($(wc -l <<<"$ours") ranges)"
  else
    echo "FAIL: $name"
    echo "--- mmusim"; echo "$expect"; echo "$want"
    echo "--- qemu"; echo "$theirs"; echo "$gpas"
    echo "--- raw"; echo "$qemu_out" | tail -30
    fail=1
  fi
done
exit $fail
