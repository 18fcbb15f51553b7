#!/usr/bin/env bash
# CPack builds a .deb whose Depends name the shared libraries it links
# (libc6, libyaml-0-2, libjemalloc2), whose files sit under /usr, and which
# works unpacked into a scratch root (dpkg -x): the binary runs, and a consumer
# builds against the unpacked tree with pkg-config.  In CI, as root, it is also
# installed for real with 'apt-get install ./mmusim_*.deb', run, and purged.
# Skipped (77) where dpkg-deb is missing.
#
#   check_deb.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$(cd "${1:?usage: check_deb.sh BUILD_DIR SOURCE_DIR}" && pwd)
src=$(cd "${2:?usage: check_deb.sh BUILD_DIR SOURCE_DIR}" && pwd)
command -v dpkg-deb >/dev/null || { echo "dpkg-deb is not installed: skipped"; exit 77; }
scratch=$(mktemp -d "${TMPDIR:-/tmp}/mmusim-deb.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
pass=0 fail=0
check() {  # check DESCRIPTION COMMAND...
	if "${@:2}"; then pass=$((pass + 1)); else echo "FAIL: $1" >&2; fail=$((fail + 1)); fi
}
version_re='^mmusim [0-9]+\.[0-9]+\.[0-9]+ \(git ([0-9a-f]{12}(-dirty)?|unknown)\)$'

(cd "$scratch" && cpack -G DEB --config "$build/CPackConfig.cmake" -B "$scratch/out") >"$scratch/cpack.log" 2>&1 ||
	{ cat "$scratch/cpack.log" >&2; exit 1; }
deb=$(ls "$scratch"/out/mmusim_*.deb)
echo "built $(basename "$deb")"
depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
deps="libc6 libyaml-0-2"
# jemalloc is optional (-DMMUSIM_JEMALLOC=OFF): required only when the binary links it.
[[ $(ldd "$build/mmusim") == *libjemalloc* ]] && deps+=" libjemalloc2"
for dep in $deps; do
	check "Depends names $dep" grep -qE "(^|, )$dep( |,|$)" <<<"$depends"
done
check "Package is mmusim" test "$(dpkg-deb -f "$deb" Package)" = mmusim
check "Architecture is the host's" test "$(dpkg-deb -f "$deb" Architecture)" = "$(dpkg --print-architecture)"
files=$(dpkg-deb -c "$deb" | awk '{print $6}')
for f in ./usr/bin/mmusim ./usr/include/mmusim.h ./usr/share/mmusim/configs/sv39.yaml \
	./usr/share/bash-completion/completions/mmusim ./usr/share/zsh/vendor-completions/_mmusim; do
	check "package holds $f" grep -qx -- "$f" <<<"$files"
done
check "package holds libmmusim.so.0.2" grep -qE '^\./usr/lib/.*libmmusim\.so\.0\.2' <<<"$files"
check "package holds mmusim.pc" grep -qE '^\./usr/lib/.*pkgconfig/mmusim\.pc$' <<<"$files"
check "package holds mmusimConfig.cmake" grep -qE '^\./usr/lib/.*cmake/mmusim/mmusimConfig\.cmake$' <<<"$files"
if command -v scdoc >/dev/null; then
	check "package holds the man page" grep -qE '^\./usr/share/man/man1/mmusim\.1' <<<"$files"
fi

# Unpacked into a scratch root.
root=$scratch/root
dpkg -x "$deb" "$root"
out=$("$root/usr/bin/mmusim" --version)
check "unpacked mmusim --version: $out" grep -qE "$version_re" <<<"$out"
out=$("$root/usr/bin/mmusim" --config "$root/usr/share/mmusim/configs/sv57.yaml" translate \
	--map '0x400000 0x80200000 4K rxu' 0x400010)
check "unpacked mmusim translates with a packaged preset" \
	test "$out" = "0x400010 r user: pa 0x80200010 (4K page, level 1) perms r-xu-"
libdir=$(dirname "$(find "$root" -name 'libmmusim.so.0.2' | head -1)")
# Only the package's own .pc file in sight: the .deb alone must be enough (no libyaml-dev).
flags=$(PKG_CONFIG_LIBDIR=$libdir/pkgconfig pkg-config --cflags --libs mmusim)
check "pkg-config needs nothing but the package" test -n "$flags"
cc -o "$scratch/consumer" "$src/tests/package/consumer/consumer.c" $flags
out=$(LD_LIBRARY_PATH=$libdir "$scratch/consumer" sv39)
check "consumer built against the unpacked package runs: $out" test "$out" = "ok riscv64 0x80200010"

# Installed for real: only in CI, as root, and never over an mmusim installed by hand.
installed() { [ "$(dpkg-query -W -f='${Status}' mmusim 2>/dev/null)" = 'install ok installed' ]; }
if [ "${CI:-}" = true ] && [ "$(id -u)" -eq 0 ] && ! installed; then
	export DEBIAN_FRONTEND=noninteractive
	cp "$deb" "$scratch/"
	if apt-get -o DPkg::Lock::Timeout=300 install -y -q --no-install-recommends "$scratch/$(basename "$deb")" >"$scratch/apt.log" 2>&1; then
		pass=$((pass + 1))
		out=$(/usr/bin/mmusim --version) || true
		check "installed mmusim --version: $out" grep -qE "$version_re" <<<"$out"
		# (Minimal images may tell dpkg to drop man pages: check only what was installed.)
		if [ -e /usr/share/man/man1/mmusim.1 ]; then
			check "installed man page found by man" bash -c "man -w mmusim >/dev/null"
		fi
		apt-get -o DPkg::Lock::Timeout=300 purge -y -q mmusim >>"$scratch/apt.log" 2>&1
		check "purged: no binary left" test ! -e /usr/bin/mmusim
		check "purged: dpkg forgot the package" bash -c "! dpkg-query -W mmusim >/dev/null 2>&1"
	else
		cat "$scratch/apt.log" >&2
		echo "FAIL: apt-get install ./$(basename "$deb")" >&2
		fail=$((fail + 1))
	fi
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
