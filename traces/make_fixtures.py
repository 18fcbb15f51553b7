#!/usr/bin/env python3
"""Writes the small fixtures of traces/fixtures/ from the layouts documented in
traces/README.md: one made-up program (a loop that sums an array and spills to
the stack) as a ChampSim trace, a DineroIV din trace and a Pin pinatrace trace,
each also compressed with gzip, xz and zstd.  The ChampSim and din fixtures hold
the same accesses (fetches, loads, stores); pinatrace has no fetches, so its
fixture holds the same loads and stores.

Run from the repository root: python3 traces/make_fixtures.py
(needs the zstd command for the .zst files)."""
import gzip
import lzma
import os
import struct
import subprocess

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures")


def program():
    """Yields (ip, is_branch, taken, loads, stores) per instruction."""
    array, stack, code = 0x600000, 0x7FFD3A8C3000, 0x401000
    for i in range(240):
        slot = i % 12
        ip = code + 4 * slot
        loads, stores = [], []
        if slot in (1, 5):
            loads.append(array + 64 * i)             # walks 15 KiB: 4 pages
        if slot == 5:
            loads.append(array + 0x200000 + 8 * i)   # a second array, another 2M region
        if slot == 7:
            stores.append(stack - 8 * (i % 40))
        if slot == 9:                                # a push that also writes a spill slot
            stores += [stack - 0x100, stack - 0x2000]
        branch = slot == 11
        yield ip, int(branch), int(branch and i < 239), loads, stores


def champsim(instrs):
    out = bytearray()
    for ip, br, taken, loads, stores in instrs:
        dst = stores + [0] * (2 - len(stores))
        src = loads + [0] * (4 - len(loads))
        out += struct.pack("<QBB2B4B2Q4Q", ip, br, taken, 0, 0, 0, 0, 0, 0, *dst, *src)
    assert len(out) == 64 * len(instrs)
    return bytes(out)


def din(instrs):
    lines = []
    for ip, _, _, loads, stores in instrs:
        lines.append("2 %x" % ip)
        lines += ["0 %x" % a for a in loads]
        lines += ["1 %x" % a for a in stores]
    return ("\n".join(lines) + "\n").encode()


def pinatrace(instrs):
    lines = []
    for ip, _, _, loads, stores in instrs:
        lines += ["%#x: R %#x" % (ip, a) for a in loads]
        lines += ["%#x: W %#x" % (ip, a) for a in stores]
    return ("\n".join(lines) + "\n#eof\n").encode()


def write(name, data):
    path = os.path.join(OUT, name)
    with open(path, "wb") as f:
        f.write(data)
    with open(path + ".gz", "wb") as f:
        f.write(gzip.compress(data, mtime=0))
    with open(path + ".xz", "wb") as f:
        f.write(lzma.compress(data))
    subprocess.run(["zstd", "-q", "-f", "-19", path, "-o", path + ".zst"], check=True)


def main():
    os.makedirs(OUT, exist_ok=True)
    instrs = list(program())
    write("loop.champsim", champsim(instrs))
    write("loop.din", din(instrs))
    write("loop.pinatrace", pinatrace(instrs))


if __name__ == "__main__":
    main()
