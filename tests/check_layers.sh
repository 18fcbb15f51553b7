#!/bin/bash
# The folders depend one way: formats -> sim -> pt (lib/ and tools/ above
# them all).  A header of a higher layer included from a lower one is a
# layering error: it would tie the machine to a file format, or the walker to
# the machine.
set -u
root=${1:?usage: check_layers.sh SOURCE_DIR}
status=0
check() { # folder, then the folders its files may include from
	local dir=$1; shift
	local allowed="$*" line inc top
	while IFS= read -r line; do
		inc=${line#*#include \"}; inc=${inc%%\"*}
		case $inc in */*) ;; *) continue ;; esac  # same-folder includes
		top=${inc%%/*}
		if [[ " $allowed " != *" $top "* ]]; then
			echo "layering: ${line%%:*}: $dir/ may not include $inc (allowed: $allowed)"
			status=1
		fi
	done < <(cd "$root" && grep -Hn '^#include "' "$dir"/*.c "$dir"/*.h)
}
check pt pt
check sim pt sim os  # replay drives the OS layer
check os pt sim os
check formats pt sim os formats  # os: the policy names of the os: block
[ $status = 0 ] && echo "layers: formats -> sim (+ os) -> pt, no include upwards"
exit $status
