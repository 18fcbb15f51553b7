#!/usr/bin/env bash
# examples/translate.c, `mmusim translate` written over the public API alone,
# answers exactly as the real command: same stdout, stderr and exit status.
#
#   check_translate_example.sh EXAMPLE MMUSIM SOURCE_DIR
set -uo pipefail
example=${1:?usage: check_translate_example.sh EXAMPLE MMUSIM SOURCE_DIR}
mmusim=${2:?usage: check_translate_example.sh EXAMPLE MMUSIM SOURCE_DIR}
src=${3:?usage: check_translate_example.sh EXAMPLE MMUSIM SOURCE_DIR}
pass=0 fail=0
same() {  # same ARGS... : the example and `mmusim --config C translate ARGS` agree
	local config=x86_64
	if [ "$1" = --config ]; then config=$2; shift 2; fi
	local a b
	a=$("$example" --config "$config" "$@" 2>&1; echo "exit $?")
	b=$("$mmusim" --config "$config" translate "$@" 2>&1; echo "exit $?")
	if [ "$a" = "$b" ]; then pass=$((pass + 1)); else
		echo "FAIL: --config $config $*" >&2
		diff <(echo "$b") <(echo "$a") >&2
		fail=$((fail + 1))
	fi
}
same --map '0x400000 0x200000 8K rxu' 0x400123 0x402000
same --access w --map '0x400000 0x200000 8K rxu' 0x400123
same --config sv39 --access x --map '0x400000 0x80200000 4K rxu' 0x400010 0x400000000000
same --setup "$src/traces/example.trace" 0x401234 0x800000 0xffff888000001000 0x7fffffffe000 0x1234 \
	0x8000000000000000 0xffffc90000000008
same --supervisor --access x --setup "$src/traces/example.trace" 0x401234 0xffff888000001000
same --config x86_64_la57 --setup "$src/traces/example.trace" 0x600010
same --config sv48 --supervisor --map '0x400000 0x80200000 2M rwu' 0x4abcde 0x600000
same --config sv57 --map '0x400000 0x80200000 4K rw' 0x400000
same --map '0x400800 0 4K r' 0x400000
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
