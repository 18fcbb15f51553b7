#!/usr/bin/env bash
# The Python package's pytest suite (python/tests) against this build: the package from the
# source tree, libmmusim and the mmusim command from the build directory.  Debian's python3
# (its dist-packages hold numpy and pytest, which tools/setup --test installs); 77 = skipped
# when they are missing.
set -euo pipefail
src=${1:?usage: check_python.sh SOURCE_DIR LIBMMUSIM_SO MMUSIM}
lib=${2:?} cli=${3:?}
py=/usr/bin/python3
if ! "$py" -c 'import numpy, pytest' 2>/dev/null; then
	echo "SKIP: $py lacks numpy or pytest (apt-get install python3-numpy python3-pytest)" >&2
	exit 77
fi
export PYTHONPATH="$src/python" MMUSIM_LIBRARY="$lib" MMUSIM_CLI="$cli"
exec "$py" -m pytest -q -p no:cacheprovider "$src/python/tests"
