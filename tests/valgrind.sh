#!/usr/bin/env bash
# Runs every test suite under Valgrind memcheck (children too: Criterion's
# workers and the mmusim binary the end-to-end tests start): any invalid read
# or write, use of uninitialised memory, or definite leak fails the run.
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
# usage: tests/valgrind.sh [BUILD_DIR]    (default build-valgrind)
#   VALGRIND_SKIP="test_a test_b"  leaves suites out
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$root/build-valgrind}
command -v valgrind >/dev/null || { echo "tests/valgrind.sh: valgrind is not installed" >&2; exit 1; }
cmake -S "$root" -B "$build" -DMMUSIM_JEMALLOC=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j "$(nproc)" >"$build/build.log" 2>&1 || { cat "$build/build.log" >&2; exit 1; }
fail=0
for t in "$build"/test_*; do
  [ -x "$t" ] || continue
  name=$(basename "$t")
  case " ${VALGRIND_SKIP:-} " in *" $name "*) echo "valgrind: $name skipped"; continue ;; esac
  how=""
  if [ -x "$build/per-table/$name" ]; then t=$build/per-table/$name; how="per table, "; fi
  log=$build/$name.valgrind.log
  start=$(date +%s)
  status=0
  # Graphviz, Chromium, QEMU and the tools the tests pipe through are not ours to check.
  valgrind -q --trace-children=yes --trace-children-skip='*/dot,*chromium*,*/qemu-*,*/python3*,*/grep,*/sed,*/cat,*/cmp,*/diff' \
    --child-silent-after-fork=no --error-exitcode=99 \
    --suppressions="$root/tests/valgrind.supp" \
    --error-markers=VALGRIND-ERROR-BEGIN,VALGRIND-ERROR-END \
    --leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite \
    "$t" >"$log" 2>&1 || status=$?
  # --error-exitcode only reaches the suite's status from the runner process: Criterion
  # ignores how a test's own process exits once the test has passed, so the errors of
  # every process are counted by their markers in the log.
  errors=$(grep -c "== VALGRIND-ERROR-BEGIN" "$log" || true)
  if [ "$status" = 0 ] && [ "$errors" = 0 ]; then
    echo "valgrind: $name clean ($how$(( $(date +%s) - start )) s)"
  else
    echo "valgrind: $name FAILED (exit status $status, $errors memcheck errors; log: $log)"
    grep -E "==[0-9]+== (Invalid|Conditional|Use of|.*definitely lost)" "$log" | head -20 || true
    tail -5 "$log"
    fail=1
  fi
done
exit $fail
