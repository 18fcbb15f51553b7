#!/usr/bin/env bash
# Runs every test suite under Valgrind memcheck (children too: Criterion's
# workers and the mmusim binary the tests start; the end-to-end suites' own
# processes excepted, below): any invalid read or write, use of uninitialised
# memory, or definite leak fails the run.
# jemalloc is switched off in this build so that memcheck sees every allocation.
#
# Criterion runs every test, and every vector of a ParameterizedTest, in a process
# of its own, and memcheck's start-up costs about a second in each: the two
# spec-vector walk suites (~1000 such processes) took about 40 minutes.  Criterion
# has no in-process mode, so CMake also builds those suites with
# MMUSIM_ONE_TEST_PER_TABLE as per-table/<suite>: the same source, vectors and
# assertions, but each vector table is one test that runs its vectors in turn (a
# failed cr_assert ends the rest of its table).  This script runs per-table/<suite>
# in place of <suite> wherever it exists; ctest runs the one-process-per-vector build.
#
# Suites whose own code calls nothing in the libraries (the end-to-end suites, told
# apart by their object's undefined symbols) only start the binary: each of their
# tests' processes under memcheck cost about a second of start-up and checked only
# test code, so these suites run natively and start the binary under memcheck
# through a wrapper (MMUSIM_TEST_WRAPPER, which tests/support.c's exec_mmusim and
# mmusim_command use).  Memcheck writes to logs of its own (a binary's errors no
# longer land in the stderr its test reads), and a suite fails on any error marker
# in its logs.
#
# usage: tests/valgrind.sh [BUILD_DIR]    (default build-valgrind)
#   VALGRIND_SKIP="test_a test_b"  leaves suites out
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$root/build-valgrind}
command -v valgrind >/dev/null || { echo "tests/valgrind.sh: valgrind is not installed" >&2; exit 1; }
cmake -S "$root" -B "$build" -DMMUSIM_JEMALLOC=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j "$(nproc)" >"$build/build.log" 2>&1 || { cat "$build/build.log" >&2; exit 1; }
# Graphviz, Chromium, QEMU, compilers and the tools the tests pipe through are not ours
# to check.  Inline-function frames in reports are left out: reading them was a tenth
# of every process's start-up.
memcheck=("$(command -v valgrind)" -q --read-inline-info=no --trace-children=yes
  --trace-children-skip='*/dot,*chromium*,*/qemu-*,*/python3*,*pyenv*,*/grep,*/sed,*/cat,*/cmp,*/diff,*/mkdir,*/rm,*/readlink,*/basename,*/expr,*/cc,*/gcc,*/cc1,*/as,*/ld,*/collect2'
  --child-silent-after-fork=no --error-exitcode=99
  --suppressions="$root/tests/valgrind.supp"
  --error-markers=VALGRIND-ERROR-BEGIN,VALGRIND-ERROR-END
  --leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite)
wrapper=$build/memcheck-wrapper
{
  # Absolute paths: some tests run the binary with an empty PATH.
  echo "#!$(command -v bash)"
  echo "# Written by tests/valgrind.sh: starts a program under memcheck, its log in \$MMUSIM_MEMCHECK_LOGS."
  # fd 99, not --log-file: a log file valgrind opens itself takes the lowest free fd and
  # stays open in the program, so a test's closed stdout would be the log.
  echo 'exec 99>>"$MMUSIM_MEMCHECK_LOGS/$$.log"'
  printf 'exec'; printf ' %q' "${memcheck[@]}"; echo ' --log-fd=99 "$@"'
} >"$wrapper"
chmod +x "$wrapper"
lib_symbols=$build/memcheck-library-symbols
nm --defined-only -g "$build"/libmmusim*.a | awk 'NF == 3 { print $3 }' | sort -u >"$lib_symbols"
drives_the_binary_only() {
  local obj=$build/CMakeFiles/$1.dir/tests/$1.c.o
  [ -f "$obj" ] && [ -z "$(nm -u "$obj" | awk '{ print $2 }' | sort -u | comm -12 - "$lib_symbols")" ]
}
fail=0
for t in "$build"/test_*; do
  [ -x "$t" ] || continue
  name=$(basename "$t")
  case " ${VALGRIND_SKIP:-} " in *" $name "*) echo "valgrind: $name skipped"; continue ;; esac
  how=""
  if [ -x "$build/per-table/$name" ]; then t=$build/per-table/$name; how="per table, "; fi
  log=$build/$name.valgrind.log
  logs=$build/memcheck/$name
  # Writable by all: a test that drops to another user (uid 65534) starts the binary there.
  rm -rf "$logs" && mkdir -p "$logs" && chmod 1777 "$logs"
  start=$(date +%s)
  status=0
  if drives_the_binary_only "$name"; then
    how="${how}the binary only, "
    MMUSIM_TEST_WRAPPER=$wrapper MMUSIM_MEMCHECK_LOGS=$logs "$t" >"$log" 2>&1 || status=$?
  else
    # --log-file here: Criterion closes a worker's inherited fds, and a --log-fd valgrind
    # cannot find falls back to stderr, which it then keeps a test from redirecting.
    "${memcheck[@]}" --log-file="$logs/%p.log" "$t" >"$log" 2>&1 || status=$?
  fi
  # --error-exitcode only reaches the suite's status from the runner process: Criterion
  # ignores how a test's own process exits once the test has passed, so the errors of
  # every process are counted by their markers in the logs.
  errors=$(cat "$logs"/*.log 2>/dev/null | grep -c "== VALGRIND-ERROR-BEGIN" || true)
  if [ "$status" = 0 ] && [ "$errors" = 0 ]; then
    echo "valgrind: $name clean ($how$(( $(date +%s) - start )) s)"
    rm -rf "$logs"
  else
    echo "valgrind: $name FAILED (exit status $status, $errors memcheck errors; logs: $log, $logs)"
    grep -l "== VALGRIND-ERROR-BEGIN" "$logs"/*.log 2>/dev/null | head -3 | xargs -r grep -h -A25 "== VALGRIND-ERROR-BEGIN" | head -60 || true
    tail -5 "$log"
    fail=1
  fi
done
exit $fail
