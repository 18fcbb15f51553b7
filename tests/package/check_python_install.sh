#!/usr/bin/env bash
# The Python package installs as the README says: an sdist of the source tree, then
# `pip install --no-build-isolation` of it into a venv over Debian's python3 (whose
# dist-packages give numpy and setuptools); the installed package carries its own
# libmmusim and mmusim command and answers from anywhere.  77 = skipped without pip/venv.
set -euo pipefail
src=${1:?usage: check_python_install.sh SOURCE_DIR}
py=/usr/bin/python3
if ! "$py" -c 'import setuptools, numpy, ensurepip' 2>/dev/null || ! "$py" -m pip --version >/dev/null 2>&1; then
	echo "SKIP: $py lacks venv, pip, setuptools or numpy (apt-get install python3-venv python3-pip python3-setuptools python3-numpy)" >&2
	exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# A copy: building an sdist writes into the tree (egg-info), and the worktree stays clean.
mkdir "$tmp/src"
if git -C "$src" rev-parse --git-dir >/dev/null 2>&1; then
	(cd "$src" && git ls-files -z --cached --others --exclude-standard |
		tar --null -T - --ignore-failed-read -cf - 2>/dev/null) | tar -xf - -C "$tmp/src"
else  # an unpacked source tarball: everything but build directories
	tar -C "$src" --exclude='./build*' -cf - . | tar -xf - -C "$tmp/src"
fi
(cd "$tmp/src" && "$py" setup.py -q sdist -d "$tmp/dist" >/dev/null 2>&1)
sdist=$(ls "$tmp"/dist/mmusim-*.tar.gz)
"$py" -m venv --system-site-packages "$tmp/venv"
"$tmp/venv/bin/python" -m pip install -q --no-build-isolation --no-index "$sdist" >"$tmp/pip.log" 2>&1 || {
	cat "$tmp/pip.log" >&2
	exit 1
}
cd "$tmp"
got=$("$tmp/venv/bin/python" -c '
import mmusim
with mmusim.Machine("x86_64") as m:
    m.map(0x400000, 0x200000, 0x2000, "rwu")
    print(hex(m.translate(0x401234).pa), m.explain(0x401234).splitlines()[0])
')
want="0x201234 explain 0x401234: read access in user mode; x86_64: 4 levels, 48-bit VA, 4K pages, 8-byte PTEs"
if [ "$got" != "$want" ]; then
	echo "FAIL: installed package answered '$got', expected '$want'" >&2
	exit 1
fi
echo "ok: $(basename "$sdist") installed and answered"
