#!/usr/bin/env python3
"""Throughput of the Python bulk calls against per-call Python and the mmusim command.

    cd "$(mktemp -d)" && ~/venv-mmusim/bin/python /path/to/python/bench_bulk.py [MMUSIM]

2,000,000 reads (80 % over 256 hot pages, the rest over 64 MiB of 4 KiB pages) through
Machine.translate_many (walk only), Machine.translate (one call each), Replay.feed (TLBs,
demand paging), and mmusim.replay vs `mmusim --json replay` of the same trace as text and
binary.  Writes vas.bin, t.trace and t.bin in the current directory.  Use a Release
libmmusim (a pip-installed package is one).
"""
import os
import subprocess
import sys
import time

import numpy as np

import mmusim

N = 2_000_000
rng = np.random.default_rng(1)
# 80 % of accesses within 256 hot pages, the rest over 64 MiB (16384 4K pages): a TLB mix.
hot = 0x10000000 + rng.integers(0, 256 * 4096, int(N * .8), dtype=np.uint64)
cold = 0x10000000 + rng.integers(0, 64 << 20, N - len(hot), dtype=np.uint64)
vas = np.concatenate([hot, cold]); rng.shuffle(vas); vas &= ~np.uint64(7)
vas.tofile("vas.bin")


def rate(n, dt):
    return f"{n / dt / 1e6:.2f} M/s"


with mmusim.Machine("x86_64") as m:
    m.map(0x10000000, 0x1000, 64 << 20, "rwu")
    t = time.perf_counter(); pa, k = m.translate_many(vas); dt = time.perf_counter() - t
    print("Machine.translate_many:", rate(N, dt), "faults", int((k != 0).sum()))
    n = 100_000; t = time.perf_counter()
    for va in vas[:n].tolist(): m.translate(va)
    print("Machine.translate loop:", rate(n, time.perf_counter() - t))
with mmusim.Replay("x86_64") as r:
    t = time.perf_counter(); r.feed(vas); dt = time.perf_counter() - t
    print("Replay.feed:", rate(N, dt), r.stats()["tlb"]["stlb"])
with open("t.trace", "w") as f: f.write("".join(f"r {v:#x}\n" for v in vas.tolist()))
cli = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(mmusim.__file__), "mmusim")
subprocess.run([cli, "convert", "t.trace", "t.bin"], check=True)
for tr in ("t.trace", "t.bin"):
    t = time.perf_counter(); subprocess.run([cli, "--json", "replay", "--demand-paging", "--no-progress", tr], check=True, capture_output=True); dt = time.perf_counter() - t
    print(f"CLI replay {tr}:", rate(N, dt))
    t = time.perf_counter(); mmusim.replay(tr); dt = time.perf_counter() - t
    print(f"mmusim.replay {tr}:", rate(N, dt))
