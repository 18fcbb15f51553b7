#!/usr/bin/env bash
# mmusim --version: "mmusim MAJOR.MINOR.PATCH (git REVISION)", the revision a
# 12-digit hash (with -dirty for an uncommitted tree) or "unknown" outside git.
set -euo pipefail
bin=${1:?usage: check_version.sh MMUSIM_BINARY}
out=$("$bin" --version)
echo "$out"
[[ "$out" =~ ^mmusim\ [0-9]+\.[0-9]+\.[0-9]+\ \(git\ ([0-9a-f]{12}(-dirty)?|unknown)\)$ ]] ||
	{ echo "FAIL: unexpected --version output" >&2; exit 1; }
# Inside a git work tree the revision must be the real one.
src=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
if head=$(git -C "$src" rev-parse --short=12 HEAD 2>/dev/null); then
	[[ "$out" == *"(git $head"* ]] || { echo "FAIL: revision is not HEAD ($head): rebuild, the binary comes from another commit" >&2; exit 1; }
fi
echo "1 passed, 0 failed"
