#!/usr/bin/env bash
# include/mmusim.h compiles on its own, warning-free, as strict C99 and C17 and,
# where a C++ compiler is installed, as C++ (emulators embedding it often are).
#
#   check_header.sh CC HEADER
set -uo pipefail
cc=${1:?usage: check_header.sh CC HEADER}
header=${2:?usage: check_header.sh CC HEADER}
pass=0 fail=0
try() {  # try DESCRIPTION COMPILER ARGS...
	if "${@:2}" -Wall -Wextra -Werror -fsyntax-only "$header"; then pass=$((pass + 1)); else
		echo "FAIL: $1" >&2; fail=$((fail + 1)); fi
}
try "C99 -pedantic" "$cc" -x c -std=c99 -pedantic
try "C17 -pedantic" "$cc" -x c -std=c17 -pedantic
for cxx in c++ clang++ g++; do
	if command -v "$cxx" >/dev/null; then
		try "C++17 ($cxx)" "$cxx" -x c++ -std=c++17 -pedantic
		break
	fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
