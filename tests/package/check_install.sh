#!/usr/bin/env bash
# cmake --install into a scratch prefix puts every file in its GNUInstallDirs
# place, and a consumer project builds and runs against that tree twice: with
# find_package(mmusim) (shared and static targets) and with pkg-config.
#
#   check_install.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$(cd "${1:?usage: check_install.sh BUILD_DIR SOURCE_DIR}" && pwd)
src=$(cd "${2:?usage: check_install.sh BUILD_DIR SOURCE_DIR}" && pwd)
scratch=$(mktemp -d "${TMPDIR:-/tmp}/mmusim-install.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
prefix=$scratch/prefix
pass=0 fail=0
check() {  # check DESCRIPTION COMMAND...
	if "${@:2}"; then pass=$((pass + 1)); else echo "FAIL: $1" >&2; fail=$((fail + 1)); fi
}

cmake --install "$build" --prefix "$prefix" >"$scratch/install.log"
libdir=$(dirname "$(find "$prefix" -name 'libmmusim.so.*' -type f | head -1)")
for f in bin/mmusim include/mmusim.h share/mmusim/configs/x86_64.yaml share/mmusim/configs/x86_64_la57.yaml \
	share/mmusim/configs/sv39.yaml share/mmusim/configs/sv48.yaml share/mmusim/configs/sv57.yaml \
	share/bash-completion/completions/mmusim share/zsh/vendor-completions/_mmusim; do
	check "installed $f" test -f "$prefix/$f"
done
if grep -q 'mmusim\.1' "$scratch/install.log"; then
	check "man page in share/man/man1" test -f "$prefix/share/man/man1/mmusim.1"
fi
for f in libmmusim.a pkgconfig/mmusim.pc cmake/mmusim/mmusimConfig.cmake cmake/mmusim/mmusimConfigVersion.cmake \
	cmake/mmusim/mmusimTargets.cmake; do
	check "installed $f in $libdir" test -f "$libdir/$f"
done
check "soname link libmmusim.so.0.2" test -L "$libdir/libmmusim.so.0.2"
check "installed mmusim --version runs" "$prefix/bin/mmusim" --version
out=$("$prefix/bin/mmusim" --config "$prefix/share/mmusim/configs/sv39.yaml" translate \
	--map '0x400000 0x80200000 4K rxu' 0x400010)
check "installed binary loads an installed preset file" \
	test "$out" = "0x400010 r user: pa 0x80200010 (4K page, level 1) perms r-xu-"

# find_package: shared and static.  The README's call is the consumer's (it asked for 0.1,
# which a 0.2 install refuses: while the major version is 0 the minor is the ABI).
readme_call=$(grep -o 'find_package(mmusim [0-9.]* REQUIRED)' "$src/README.md")
check "README's $readme_call is the consumer's" \
	grep -qF "$readme_call" "$src/tests/package/consumer/CMakeLists.txt"
cmake -S "$src/tests/package/consumer" -B "$scratch/consumer" -DCMAKE_PREFIX_PATH="$prefix" \
	>"$scratch/consumer.log" 2>&1 || { cat "$scratch/consumer.log" >&2; exit 1; }
cmake --build "$scratch/consumer" >>"$scratch/consumer.log" 2>&1 || { cat "$scratch/consumer.log" >&2; exit 1; }
for kind in shared static; do
	out=$("$scratch/consumer/consumer_$kind" "$prefix/share/mmusim/configs/sv48.yaml")
	check "find_package consumer ($kind) runs: $out" test "$out" = "ok riscv64 0x80200010"
done
check "the static consumer does not need libmmusim.so" \
	bash -c "! ldd '$scratch/consumer/consumer_static' | grep -q libmmusim"

# pkg-config.
export PKG_CONFIG_PATH=$libdir/pkgconfig
check "pkg-config --modversion" test "$(pkg-config --modversion mmusim)" = "$("$prefix/bin/mmusim" --version | cut -d' ' -f2)"
check "pkg-config --static adds libyaml" grep -q -- '-lyaml' <<<"$(pkg-config --static --libs mmusim)"
cc -o "$scratch/consumer_pc_static" "$src/tests/package/consumer/consumer.c" $(pkg-config --cflags mmusim) \
	"$libdir/libmmusim.a" $(pkg-config --static --libs-only-l mmusim | sed 's/-lmmusim//')
out=$("$scratch/consumer_pc_static" sv57)
check "static pkg-config consumer runs: $out" test "$out" = "ok riscv64 0x80200010"
cc -o "$scratch/consumer_pc" "$src/tests/package/consumer/consumer.c" $(pkg-config --cflags --libs mmusim)
out=$(LD_LIBRARY_PATH=$libdir "$scratch/consumer_pc" x86_64)
check "pkg-config consumer runs: $out" test "$out" = "ok x86_64 0x200010"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
