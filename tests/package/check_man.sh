#!/usr/bin/env bash
# The man page renders with man -l without a single warning, and covers what
# the program has: every command and option its --help texts name, every trace
# format and every exit status.  Skipped (77) where man is not installed.
#
#   check_man.sh MMUSIM.1 MMUSIM_BINARY
set -euo pipefail
page=${1:?usage: check_man.sh MMUSIM.1 MMUSIM_BINARY}
bin=${2:?usage: check_man.sh MMUSIM.1 MMUSIM_BINARY}
command -v man >/dev/null || { echo "man is not installed: skipped"; exit 77; }
pass=0 fail=0
check() {  # check DESCRIPTION COMMAND...
	if "${@:2}"; then pass=$((pass + 1)); else echo "FAIL: $1" >&2; fail=$((fail + 1)); fi
}

for width in 80 60 132; do
	warnings=$(MANWIDTH=$width man --warnings -l "$page" 2>&1 >/dev/null)
	check "man --warnings at width $width: $warnings" test -z "$warnings"
done
text=$(MANWIDTH=200 man -l "$page" 2>/dev/null | col -b)

commands=$("$bin" --help | sed -n '/^commands:/,/^$/p' | awk '/^  [a-z]/ {print $1}')
check "found the commands in mmusim --help" test -n "$commands"
options=$("$bin" --help | grep -o -- '--[a-z][a-z0-9-]*' | sort -u)
for cmd in $commands; do
	check "man page has a section for $cmd" grep -qE "^ {2,4}$cmd\$" <<<"$text"
	options+=$'\n'$("$bin" "$cmd" --help | grep -o -- '--[a-z][a-z0-9-]*' | sort -u)
done
for opt in $(sort -u <<<"$options"); do
	check "man page mentions $opt" grep -qF -- "$opt" <<<"$text"
done
for word in text lackey binary champsim din pinatrace .gz .xz .zst 'EXIT STATUS' x86_64 x86_64_la57 \
	sv32 sv39 sv48 sv57 x86_32 toy 'toy:' va_bits frame_shift pse; do
	check "man page mentions $word" grep -qF -- "$word" <<<"$text"
done
for status in 0 1 2; do
	check "exit status $status documented" grep -qE "^ {7}$status\$" <<<"$text"
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
