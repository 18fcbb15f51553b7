"""Shared fixtures: the repository's traces and the mmusim command the dicts are compared with."""
import json
import os
import shutil
import subprocess

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TRACES = os.path.join(ROOT, "traces")


def cli_path():
    import mmusim
    shipped = os.path.join(os.path.dirname(mmusim.__file__), "mmusim")
    return os.environ.get("MMUSIM_CLI") or (shipped if os.path.exists(shipped) else shutil.which("mmusim"))


@pytest.fixture(scope="session")
def cli():
    """Runs the mmusim command: returns (exit status, stdout, stderr)."""
    path = cli_path()
    if not path:
        pytest.fail("no mmusim command: set MMUSIM_CLI")

    def run(*args):
        p = subprocess.run([path, *args], capture_output=True, text=True)
        return p.returncode, p.stdout, p.stderr
    return run


@pytest.fixture(scope="session")
def cli_json(cli):
    def run(*args):
        rc, out, err = cli("--json", *args)
        assert rc == 0, err
        return json.loads(out)
    return run
