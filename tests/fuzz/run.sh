#!/usr/bin/env bash
# Builds the standalone fuzz project with clang and runs every libFuzzer target
# for SECONDS seconds on a scratch copy of its seed corpus (the checked-in
# corpus is never modified).  Installs nothing.
#
#   tests/fuzz/run.sh [SECONDS_PER_TARGET (60)] [BUILD_DIR (build-fuzz)]
#
# Exit status: 0 if no target crashed, 1 otherwise.  Crash inputs are left in
# BUILD_DIR/artifacts/<target>/ (copy them to tests/fuzz/crashes/ to keep).
# Set FUZZ_TARGETS="fuzz_walk fuzz_image" to run a subset, FUZZ_SEED=N to explore
# other paths (default 1, so that CI runs are reproducible).
set -u

secs=${1:-60}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${2:-$root/build-fuzz}
targets=${FUZZ_TARGETS:-fuzz_config fuzz_trace_text fuzz_lackey fuzz_binary fuzz_image fuzz_walk fuzz_champsim fuzz_din
	fuzz_pinatrace fuzz_drmemtrace fuzz_compressed}

CC=${CC:-clang} cmake -B "$build" -S "$here" -DMMUSIM_ROOT="$root" >"$build.configure.log" 2>&1 ||
	{ cat "$build.configure.log"; exit 2; }
cmake --build "$build" -j"$(nproc)" >"$build.build.log" 2>&1 ||
	{ tail -50 "$build.build.log"; exit 2; }

failed=0
summary=()
for t in $targets; do
	work=$build/run/$t
	art=$build/artifacts/$t
	rm -rf "$work"
	mkdir -p "$work" "$art"
	cp -r "$here/corpus/$t/." "$work/" 2>/dev/null || true
	dict=()
	[ -f "$here/$t.dict" ] && dict=(-dict="$here/$t.dict")
	log=$build/$t.log
	echo "== $t: ${secs}s" >&2
	"$build/$t" "${dict[@]}" -seed="${FUZZ_SEED:-1}" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$art/" "$work" >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | sed 's/cov: //')
	line=$(printf '%-16s execs=%s exec/s=%s cov=%s time=%ss' "$t" "${execs:-?}" "${rate:-?}" \
		"${cov:-?}" "$secs")
	if [ $rc -ne 0 ]; then
		failed=1
		line="$line CRASH (rc $rc): log $log, input in $art/"
		grep -m1 -E 'ERROR:|fuzz: ' "$log" >&2
	else
		line="$line ok"
	fi
	summary+=("$line")
done
printf '%s\n' "${summary[@]}"
exit $failed
