#!/usr/bin/env bash
# The shared library exports the public API only: every defined dynamic symbol
# is mmusim_*, and the API is there (mmusim_version, mmusim_translate, ...).
set -euo pipefail
so=${1:?usage: check_exports.sh LIBMMUSIM_SO}
syms=$(nm -D --defined-only "$so" | awk '{print $NF}')
bad=$(grep -v '^mmusim_' <<<"$syms" || true)
if [ -n "$bad" ]; then
	echo "FAIL: $so exports symbols outside the API:" >&2
	echo "$bad" >&2
	exit 1
fi
for want in mmusim_version mmusim_config_load mmusim_machine_create mmusim_translate mmusim_mmu_replay; do
	grep -qx "$want" <<<"$syms" || { echo "FAIL: $so does not export $want" >&2; exit 1; }
done
# The soname carries the ABI: the major version, and while that is 0 the minor too (0.MINOR).
soname=$(objdump -p "$so" | awk '$1 == "SONAME" {print $2}')
[[ "$soname" =~ ^libmmusim\.so\.(0\.[0-9]+|[1-9][0-9]*)$ ]] || { echo "FAIL: soname '$soname'" >&2; exit 1; }
echo "$(wc -l <<<"$syms") symbols, all mmusim_*; soname $soname"
echo "1 passed, 0 failed"
