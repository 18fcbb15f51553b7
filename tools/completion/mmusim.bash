# bash completion for mmusim: commands, options, preset names, trace formats.
# Installed as share/bash-completion/completions/mmusim; works without the
# bash-completion package too (source it, then 'complete -p mmusim').

_mmusim()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
	local commands="translate mappings replay convert dump help"
	local presets="x86_64 x86_64_la57 sv39 sv48 sv57"
	local formats="auto text lackey binary"
	local global="--config --json --help --version"
	local tables="--setup --map --image --image-base --root --cr3 --satp"
	local cmd="" i

	# The command is the first word that is one, skipping option values.
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		--config | --setup | --map | --access | --format | --image | --image-base | --root | \
			--cr3 | --satp | --interval | --csv | --dump-elf | --elf)
			((i++)) ;;
		-*) ;;
		*)
			if [[ " $commands " == *" ${COMP_WORDS[i]} "* ]]; then
				cmd=${COMP_WORDS[i]}
				break
			fi
			;;
		esac
	done

	case $prev in
	--config)
		COMPREPLY=($(compgen -W "$presets" -- "$cur"))
		compopt -o filenames 2>/dev/null
		COMPREPLY+=($(compgen -f -X '!*.@(yaml|yml)' -- "$cur") $(compgen -d -- "$cur"))
		return ;;
	--format)
		COMPREPLY=($(compgen -W "$formats" -- "$cur"))
		return ;;
	--access)
		COMPREPLY=($(compgen -W "r w x" -- "$cur"))
		return ;;
	--setup | --image | --csv | --dump-elf | --elf)
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -f -- "$cur"))
		return ;;
	--map | --image-base | --root | --cr3 | --satp | --interval)
		return ;;
	esac
	if [[ $cur == --demand-paging=* ]]; then
		COMPREPLY=($(compgen -P --demand-paging= -W "4K 2M 1G" -- "${cur#--demand-paging=}"))
		return
	fi

	if [[ $cur == -* ]]; then
		local opts=$global
		case $cmd in
		translate) opts+=" $tables --access --user --supervisor --ac --explain" ;;
		mappings) opts+=" $tables" ;;
		replay) opts+=" $tables --format --demand-paging --demand-paging= --no-auto-flush --check-stale
			--interval --csv --dump-elf --no-progress" ;;
		convert) opts="--format --help" ;;
		dump) opts+=" --elf --setup --map" ;;
		esac
		COMPREPLY=($(compgen -W "$opts" -- "$cur"))
		[[ ${COMPREPLY[0]-} == *= ]] && compopt -o nospace 2>/dev/null
		return
	fi
	case $cmd in
	"") COMPREPLY=($(compgen -W "$commands" -- "$cur")) ;;
	replay | convert)
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -f -- "$cur")) ;;
	esac
}
complete -F _mmusim mmusim
