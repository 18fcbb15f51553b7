#!/usr/bin/env bash
# The bash completion loads and completes commands, options, preset names and
# trace formats (the function is called the way bash calls it, with COMP_WORDS
# and COMP_CWORD set); the zsh one parses (when zsh is installed).
#
#   check_completion.sh DIR   (DIR holds mmusim.bash and _mmusim)
set -uo pipefail
dir=$(cd "${1:?usage: check_completion.sh COMPLETION_DIR}" && pwd)
pass=0 fail=0

out=$(bash -c "source '$dir/mmusim.bash' && complete -p mmusim" 2>&1)
if [ "$out" = "complete -F _mmusim mmusim" ]; then pass=$((pass + 1)); else
	echo "FAIL: complete -p mmusim said: $out" >&2; fail=$((fail + 1)); fi

# expect "WORDS..." "EXPECTED COMPLETIONS (sorted, space-separated)"; the last word is completed.
expect() {
	local got words=($1)
	[ $# -ge 3 ] && words+=("$3")
	got=$(bash -c '
		source "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=()
		_mmusim mmusim "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
		printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " "' _ "$dir/mmusim.bash" "${words[@]}" 2>&1)
	got=${got% }
	if [ "$got" = "$2" ]; then pass=$((pass + 1)); else
		echo "FAIL: completing '${words[*]}': expected '$2', got '$got'" >&2; fail=$((fail + 1)); fi
}
cd "$(mktemp -d)" || exit 1   # no files around to be offered
expect "mmusim tr" "translate"
expect "mmusim" "convert dump help mappings replay translate" ""
expect "mmusim --config sv39 m" "mappings"
expect "mmusim --config sv" "sv39 sv48 sv57"
expect "mmusim --config x" "x86_64 x86_64_la57"
expect "mmusim replay --format" "auto binary lackey text" ""
expect "mmusim convert --format l" "lackey"
expect "mmusim translate --access" "r w x" ""
expect "mmusim translate --e" "--explain"
expect "mmusim translate --s" "--satp --setup --supervisor"
expect "mmusim replay --no" "--no-auto-flush --no-progress"
expect "mmusim replay --demand-paging=" "--demand-paging=1G --demand-paging=2M --demand-paging=4K"
expect "mmusim --v" "--version"
expect "mmusim dump --e" "--elf"

if command -v zsh >/dev/null; then
	if zsh -n "$dir/_mmusim"; then pass=$((pass + 1)); else echo "FAIL: zsh -n _mmusim" >&2; fail=$((fail + 1)); fi
	if head -1 "$dir/_mmusim" | grep -qx '#compdef mmusim'; then pass=$((pass + 1)); else
		echo "FAIL: _mmusim does not start with #compdef mmusim" >&2; fail=$((fail + 1)); fi
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
