# bash completion for mmusim: commands, options, preset names, trace formats.
# Installed as share/bash-completion/completions/mmusim; works without the
# bash-completion package too (source it, then 'complete -p mmusim').

_mmusim()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
	local commands="translate mappings replay convert dump explain show report sweep merge mrc run quiz shell help"
	local presets="aarch64 aarch64_16k aarch64_52 aarch64_64k aarch64_vm ostep sv32 sv39 sv39x4 sv48 sv48x4 sv57 toy x86_32 x86_64 x86_64_ept x86_64_la57 x86_64_npt"
	local formats="auto text lackey binary champsim din pinatrace drmemtrace"
	local global="--config --json --help --decoder-memory"
	local tables="--setup --map --gmap --image --image-base --root --cr3 --satp --ttbr0 --eptp --ttbr1 --tcr --stage2-root --hgatp --ncr3 --vttbr"
	local replaying="--format --demand-paging --demand-paging= --no-auto-flush --check-stale --warmup"
	local access="--access --user --supervisor"
	local cmd="" i dashdash=0

	# The command is the first word that is one, skipping option values; for
	# run, the words after '--' are the program and its arguments.
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		--config | --setup | --map | --gmap | --access | --format | --image | --image-base | --root | --decoder-memory | \
			--cr3 | --satp | --ttbr0 | --eptp | --ttbr1 | --tcr | --stage2-root | --hgatp | --ncr3 | --vttbr | --interval | --warmup | --csv | --csv-dir | --log | --dump-elf | --elf | --color | --depth | \
			--range | --from | --to | --va | --svg | --html | --replay | --trace | --jobs | \
			--results | --save-trace | --valgrind | --seed | --arch | --count | --max-entries | --sets | --page-size | --kind)
			((i++)) ;;
		--)
			if [[ $cmd == run ]]; then
				dashdash=$i
				break
			fi ;;
		-*) ;;
		*)
			if [[ -z $cmd && " $commands " == *" ${COMP_WORDS[i]} "* ]]; then
				cmd=${COMP_WORDS[i]}
			fi
			;;
		esac
	done
	if ((dashdash)); then
		if ((COMP_CWORD == dashdash + 1)); then
			COMPREPLY=($(compgen -c -- "$cur"))
		else
			compopt -o filenames 2>/dev/null
			COMPREPLY=($(compgen -f -- "$cur"))
		fi
		return
	fi

	case $prev in
	--config)
		COMPREPLY=($(compgen -W "$presets" -- "$cur"))
		compopt -o filenames 2>/dev/null
		COMPREPLY+=($(compgen -f -X '!*.@(yaml|yml)' -- "$cur") $(compgen -d -- "$cur"))
		return ;;
	--arch)
		if [[ $cmd == run ]]; then
			COMPREPLY=($(compgen -W "x86_64 riscv64 aarch64 x86_32 riscv32" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$presets" -- "$cur"))
		fi
		return ;;
	--tracer)
		COMPREPLY=($(compgen -W "qemu valgrind" -- "$cur"))
		return ;;
	--threads-to-cpus)
		COMPREPLY=($(compgen -W "one-each round-robin:" -- "$cur"))
		compopt -o filenames 2>/dev/null
		COMPREPLY+=($(compgen -f -- "$cur"))
		return ;;
	--format)
		if [[ $cmd == quiz ]]; then
			COMPREPLY=($(compgen -W "dump tree" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$formats" -- "$cur"))
		fi
		return ;;
	--access)
		COMPREPLY=($(compgen -W "r w x" -- "$cur"))
		return ;;
	--replacement)
		if [[ $cmd == quiz ]]; then
			COMPREPLY=($(compgen -W "fifo lru opt clock" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "fifo lru clock opt random" -- "$cur"))
		fi
		return ;;
	--kinds)
		# A comma-separated list: complete the last element.
		local done=${cur%"${cur##*,}"}
		COMPREPLY=($(compgen -P "$done" -W "translate pte fault tlb replacement" -- "${cur##*,}"))
		compopt -o nospace 2>/dev/null
		return ;;
	--tlb)
		COMPREPLY=($(compgen -W "2:1:lru 2:2:lru 4:2:lru 4:4:lru 4:2:fifo 4:4:fifo" -- "$cur"))
		return ;;
	--student|--instructor)
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -f -- "$cur"))
		return ;;
	--color)
		COMPREPLY=($(compgen -W "always never auto" -- "$cur"))
		return ;;
	--kind)
		COMPREPLY=($(compgen -W "data instr all" -- "$cur"))
		return ;;
	--page-size)
		COMPREPLY=($(compgen -W "4K 2M 1G mapped" -- "$cur"))
		return ;;
	--setup | --image | --csv | --log | --dump-elf | --elf | --svg | --html | --replay | --trace | \
		--save-trace | --valgrind | --qemu | --qemu-plugin)
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -f -- "$cur"))
		return ;;
	--results | --csv-dir)
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -d -- "$cur"))
		return ;;
	--map | --gmap | --image-base | --root | --cr3 | --satp | --ttbr0 | --eptp | --ttbr1 | --tcr | --stage2-root | --hgatp | --ncr3 | --vttbr | --interval | --warmup | --depth | --range | --from | \
		--to | --va | --jobs | --seed | --count | --resident-pages | --max-entries | --sets)
		return ;;
	esac
	if [[ $cur == --demand-paging=* ]]; then
		COMPREPLY=($(compgen -P --demand-paging= -W "4K 2M 1G" -- "${cur#--demand-paging=}"))
		return
	fi
	if [[ $cur == --color=* ]]; then
		COMPREPLY=($(compgen -P --color= -W "always never auto" -- "${cur#--color=}"))
		return
	fi

	if [[ $cur == -* ]]; then
		local opts
		case $cmd in
		"") opts="$global --version" ;;
		translate) opts="$global $tables $access --ac --explain --ostep" ;;
		mappings) opts="$global $tables" ;;
		replay) opts="$global $tables $replaying --interval --csv --log --dump-elf --no-progress --threads-to-cpus --resident-pages
			--replacement --seed --clock-flush --no-clock-flush" ;;
		convert) opts="--format --help" ;;
		dump) opts="$global --elf --setup --map" ;;
		explain) opts="--config --help $tables $access --ac --color --color=" ;;
		show) opts="$global $tables $access --depth --range --from --to --va --dot --svg" ;;
		report) opts="--config --help $tables $access --html --va --depth --range --from --to
			--replay --interval --format --demand-paging --demand-paging= --no-auto-flush --check-stale --warmup
			--resident-pages --replacement --seed --clock-flush --no-clock-flush" ;;
		sweep) opts="$global $replaying --setup --map --trace --jobs --csv --interval --csv-dir --threads-to-cpus --emit-jobs --results" ;;
		merge) opts="--csv --json --help" ;;
		mrc) opts="$global --format --max-entries --sets --page-size --kind --csv --svg --setup --map --gmap
			--demand-paging --demand-paging= --no-auto-flush --check-stale" ;;
		run) opts="$global ${replaying#--format } --setup --map --save-trace --valgrind --tracer --arch --qemu
			--qemu-plugin --threads-to-cpus --" ;;
		quiz) opts="--seed --arch --config --count --answers --format --kinds --mappings --valid-share
			--page-sizes --memory --va-bits --tlb --frames --replacement --references --json --student
			--instructor --help" ;;
		shell) opts="--config --setup --map --gmap --help --demand-paging --demand-paging= --no-auto-flush --check-stale --warmup
			--resident-pages --replacement --seed --clock-flush --no-clock-flush" ;;
		help) opts="" ;;
		esac
		COMPREPLY=($(compgen -W "$opts" -- "$cur"))
		[[ ${COMPREPLY[0]-} == *= ]] && compopt -o nospace 2>/dev/null
		return
	fi
	case $cmd in
	"") COMPREPLY=($(compgen -W "$commands" -- "$cur")) ;;
	replay | convert | sweep | merge | mrc)
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -f -- "$cur")) ;;
	esac
}
complete -F _mmusim mmusim
