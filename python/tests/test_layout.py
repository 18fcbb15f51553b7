"""The ctypes structures of mmusim._lib against include/mmusim.h, as a C compiler lays them out.

_lib.py repeats the C API's structs by hand: a field added to one side only would
make the library write past a Python buffer, or read fields at the wrong place.
Each structure's size and every field's offset (in nested arrays, element 1's)
are compared with what `cc` computes from the header itself.
"""
import ctypes
import os
import shutil
import subprocess

import pytest

from mmusim import _lib

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# ctypes structure -> C type; Python field names that differ from C's.
STRUCTS = {
    _lib.Error_: "mmusim_error",
    _lib.Request: "mmusim_request",
    _lib.WalkStep: "mmusim_walk_step",
    _lib.Translation: "mmusim_translation",
    _lib.Mapping: "mmusim_mapping",
    _lib.MmuOptions: "mmusim_mmu_options",
    _lib.PagingStats: "mmusim_paging_stats",
    _lib.DataCacheStats: "mmusim_data_cache_stats",
    _lib.Stats: "mmusim_stats",
    _lib.CacheStats: "mmusim_cache_stats",
    _lib.NestedStats: "mmusim_nested_stats",
    _lib.AccessDetail: "mmusim_access_detail",
}
C_NAME = {"from_": "from"}


def designators(cls, prefix=""):
    """(C member designator, ctypes offset) of every field, element 1 of arrays of structures included."""
    out = []
    for name, ftype in cls._fields_:
        off = getattr(cls, name).offset
        path = prefix + C_NAME.get(name, name)
        out.append((path, off))
        elem = getattr(ftype, "_type_", None)
        if isinstance(elem, type) and issubclass(elem, ctypes.Structure) and ftype._length_ > 1:
            for sub, suboff in designators(elem, path + "[1]."):
                out.append((sub, off + ctypes.sizeof(elem) + suboff))
        elif isinstance(ftype, type) and issubclass(ftype, ctypes.Structure):
            for sub, suboff in designators(ftype, path + "."):
                out.append((sub, off + suboff))
    return out


def test_structs_match_the_header(tmp_path):
    cc = shutil.which("cc") or shutil.which("gcc") or shutil.which("clang")
    if not cc:
        pytest.skip("no C compiler to read include/mmusim.h with")
    lines = ["#include <stddef.h>", "#include <stdio.h>", '#include "mmusim.h"', "int main(void) {"]
    expect = []
    for cls, ctype in STRUCTS.items():
        lines.append(f'printf("%zu\\n", sizeof({ctype}));')
        expect.append((f"sizeof({ctype})", ctypes.sizeof(cls)))
        for path, off in designators(cls):
            lines.append(f'printf("%zu\\n", offsetof({ctype}, {path}));')
            expect.append((f"offsetof({ctype}, {path})", off))
    lines += ["return 0;", "}"]
    src, exe = tmp_path / "layout.c", tmp_path / "layout"
    src.write_text("\n".join(lines) + "\n")
    built = subprocess.run([cc, "-std=c17", "-I", os.path.join(ROOT, "include"), "-o", str(exe), str(src)],
                           capture_output=True, text=True)
    # A field the header does not have fails here, the compiler naming it.
    assert built.returncode == 0, built.stderr
    got = subprocess.run([str(exe)], check=True, capture_output=True, text=True).stdout.split()
    assert len(got) == len(expect)
    wrong = [f"{what}: C {c}, ctypes {py}" for (what, py), c in zip(expect, map(int, got)) if py != c]
    assert not wrong, "\n".join(wrong)
