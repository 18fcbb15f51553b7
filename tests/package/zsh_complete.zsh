# Prints, one per line and sorted, what zsh's completion offers for a command
# line: an interactive zsh runs in a pseudo-terminal (zsh/zpty) with the
# completion directory in fpath, compadd is wrapped to record its matches, and
# TAB is typed after the line.
#
#   zsh -f zsh_complete.zsh COMPLETION_DIR 'mmusim tr'
zmodload zsh/zpty || exit 77
dir=$1 line=$2
out=$(mktemp)
zpty z zsh -f -i
zpty -w z "PS1='%% '; fpath=(${(q)dir} \$fpath); autoload -Uz compinit; compinit -u -D"
# Calls that already collect matches (-O, -A, -D) pass through; the others are recorded.
zpty -w z 'compadd() { if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then builtin compadd "$@"; return $?; fi;
	local -a __hits; builtin compadd -A __hits "$@"; local r=$?; print -rl -- $__hits >> '"${(q)out}"'; return r; }'
zpty -w z "echo READY"
zpty -r -m z junk '*READY*'
zpty -w -n z "$line"$'\t'
for i in {1..50}; do
	[[ -s $out ]] && break
	sleep 0.1
done
sleep 0.3
zpty -d z
sort -u $out
rm -f $out
