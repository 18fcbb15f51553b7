#!/usr/bin/env bash
# The bash completion loads and completes commands, options, preset names and
# trace formats (the function is called the way bash calls it, with COMP_WORDS
# and COMP_CWORD set); the zsh one parses (when zsh is installed).
#
#   check_completion.sh DIR [MMUSIM_BINARY]   (DIR holds mmusim.bash and _mmusim; with the
#   binary, every command and option its --help texts name must be completed)
set -uo pipefail
dir=$(cd "${1:?usage: check_completion.sh COMPLETION_DIR [MMUSIM_BINARY]}" && pwd)
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
bin=${2:-}
[ -z "$bin" ] || bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
pass=0 fail=0

out=$(bash -c "source '$dir/mmusim.bash' && complete -p mmusim" 2>&1)
if [ "$out" = "complete -F _mmusim mmusim" ]; then pass=$((pass + 1)); else
	echo "FAIL: complete -p mmusim said: $out" >&2; fail=$((fail + 1)); fi

# complete_words WORD... : what the function offers for the last word, space-separated.
complete_words() {
	bash -c '
		source "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=()
		_mmusim mmusim "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
		echo "${COMPREPLY[*]}"' _ "$dir/mmusim.bash" "$@"
}

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
expect "mmusim" "convert dump explain help mappings merge mrc quiz replay report run shell show sweep translate" ""
expect "mmusim --config sv39 ma" "mappings"
expect "mmusim --config sv" "sv32 sv39 sv39x4 sv48 sv48x4 sv57"
expect "mmusim --config x" "x86_32 x86_64 x86_64_ept x86_64_la57 x86_64_npt"
expect "mmusim --config t" "toy"
expect "mmusim replay --format" "auto binary champsim din drmemtrace lackey pinatrace text" ""
expect "mmusim sweep --config sv39 --format" "auto binary champsim din drmemtrace lackey pinatrace text" ""
expect "mmusim quiz --arch" "aarch64 aarch64_16k aarch64_52 aarch64_64k aarch64_vm ostep sv32 sv39 sv39x4 sv48 sv48x4 sv57 toy x86_32 x86_64 x86_64_ept x86_64_la57 x86_64_npt" ""
expect "mmusim quiz --format" "dump tree" ""
expect "mmusim explain --color" "always auto never" ""
expect "mmusim explain --color=n" "--color=never"
expect "mmusim show --d" "--decoder-memory --depth --dot"
expect "mmusim replay --dec" "--decoder-memory"
expect "mmusim report --h" "--help --hgatp --html"
expect "mmusim sweep --e" "--emit-jobs"
expect "mmusim merge --" "--csv --help --json"
expect "mmusim run --s" "--save-trace --setup"
expect "mmusim run -- /bin/trun" "/bin/truncate"
expect "mmusim quiz --s" "--seed --student"
expect "mmusim quiz --kinds" "tlb translate" "t"
expect "mmusim quiz --kinds" "pte,tlb pte,translate" "pte,t"
expect "mmusim quiz --replacement" "clock fifo lru opt" ""
expect "mmusim shell --" "--check-stale --clock-flush --config --demand-paging --demand-paging= --gmap --help --map --no-auto-flush --no-clock-flush --replacement --resident-pages --seed --setup --warmup"
expect "mmusim convert --format l" "lackey"
expect "mmusim translate --access" "r w x" ""
expect "mmusim translate --e" "--eptp --explain"
expect "mmusim translate --s" "--satp --setup --stage2-root --supervisor"
expect "mmusim replay --no" "--no-auto-flush --no-clock-flush --no-progress"
expect "mmusim replay --replacement" "clock fifo lru opt random" ""
expect "mmusim replay --replacement l" "lru"
expect "mmusim replay --demand-paging=" "--demand-paging=1G --demand-paging=2M --demand-paging=4K"
expect "mmusim --v" "--version"
expect "mmusim dump --e" "--elf"

# Coverage: every command of 'mmusim --help' is offered, and for each command every
# option its --help names (and the global ones) completes after 'mmusim CMD --'.
if [ -n "$bin" ]; then
	commands=$("$bin" --help | sed -n '/^commands:/,/^$/p' | awk '/^  [a-z]/ {print $1}')
	offered=" $(complete_words mmusim "") "
	for cmd in $commands; do
		if [[ $offered == *" $cmd "* ]]; then pass=$((pass + 1)); else
			echo "FAIL: command $cmd is not completed" >&2; fail=$((fail + 1)); fi
		opts=" $(complete_words mmusim "$cmd" --) "
		for opt in $("$bin" "$cmd" --help | grep -o -- '--[a-z][a-z0-9-]*' | sort -u) $("$bin" --help |
			sed -n '/^global options:/,/^$/p' | grep -o -- '--[a-z][a-z0-9-]*' | sort -u); do
			# (--tool and --trace-mem are valgrind's, quoted in replay --help, as merge
			# --help quotes sweep's --emit-jobs; --version only comes before a command;
			# convert, dump, sweep, merge, run, quiz and shell take no image (they refuse
			# it), convert and merge no config, and explain, report, quiz and shell refuse
			# --json; mrc takes no image; shell --help lists its show command's --depth and
			# --range, typed inside the session.)
			case $cmd:$opt in *:--tool | *:--trace-mem | merge:--emit-jobs | *:--version | shell:--depth | shell:--range) continue ;; esac
			[[ $cmd:$opt =~ ^(convert|dump|sweep|merge|mrc|run|quiz|shell):--(image|image-base|root|cr3|satp|ttbr0|ttbr1|tcr|stage2-root|hgatp|eptp|ncr3|vttbr)$ ||
				$cmd:$opt =~ ^(convert|merge):--config$ ||
				$cmd:$opt =~ ^(convert|explain|report|quiz|shell):--json$ ]] && continue
			if [[ $opts == *" $opt "* ]]; then pass=$((pass + 1)); else
				echo "FAIL: mmusim $cmd $opt is not completed" >&2; fail=$((fail + 1)); fi
		done
		if grep -q "'$cmd:" "$dir/_mmusim"; then pass=$((pass + 1)); else
			echo "FAIL: zsh completion does not list $cmd" >&2; fail=$((fail + 1)); fi
	done
fi

if command -v zsh >/dev/null; then
	if zsh -n "$dir/_mmusim"; then pass=$((pass + 1)); else echo "FAIL: zsh -n _mmusim" >&2; fail=$((fail + 1)); fi
	if [ "$(head -1 "$dir/_mmusim")" = '#compdef mmusim' ]; then pass=$((pass + 1)); else
		echo "FAIL: _mmusim does not start with #compdef mmusim" >&2; fail=$((fail + 1)); fi
	# What zsh really offers, typed in a pseudo-terminal (empty directory: no files).
	zexpect() {  # zexpect "LINE" "EXPECTED (sorted, space-separated)"
		local got
		got=$(zsh -f "$here/zsh_complete.zsh" "$dir" "$1" 2>&1 | tr '\n' ' ')
		got=${got% }
		if [ "$got" = "$2" ]; then pass=$((pass + 1)); else
			echo "FAIL: zsh completing '$1': expected '$2', got '$got'" >&2; fail=$((fail + 1)); fi
	}
	zexpect "mmusim tr" "translate"
	zexpect "mmusim --config s" "sv32 sv39 sv39x4 sv48 sv48x4 sv57"
	zexpect "mmusim replay --format " "auto binary champsim din drmemtrace lackey pinatrace text"
	zexpect "mmusim quiz --arch " "aarch64 aarch64_16k aarch64_52 aarch64_64k aarch64_vm ostep sv32 sv39 sv39x4 sv48 sv48x4 sv57 toy x86_32 x86_64 x86_64_ept x86_64_la57 x86_64_npt"
	zexpect "mmusim quiz --format " "dump tree"
	zexpect "mmusim explain --color=" "always auto never"
	zexpect "mmusim sw" "sweep"
	zexpect "mmusim show --d" "--decoder-memory --depth --dot"
	zexpect "mmusim run --save-tr" "--save-trace"
	zexpect "mmusim quiz --config t" "toy"
	zexpect "mmusim translate --ac" "--ac --access"
	zexpect "mmusim replay --demand-paging=" "1G 2M 4K"
	# Every completion helper it calls exists in zsh's own function path.
	for f in $(grep -v '^#' "$dir/_mmusim" | grep -oE '(^|[^a-zA-Z0-9_-])_[a-z_]+' | grep -oE '_[a-z_]+$' | sort -u); do
		case $f in _mmusim | _mmusim_configs) continue ;; esac
		if zsh -f -c "autoload -Uz compinit && compinit -u -D && whence -w $f >/dev/null"; then
			pass=$((pass + 1)); else echo "FAIL: zsh has no completion function $f" >&2; fail=$((fail + 1)); fi
	done
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
