#!/usr/bin/env python3
"""TLB miss rate against the size of the L2 TLB (the STLB) for a bundled trace, as a PNG.

    PYTHONPATH=python /usr/bin/python3 examples/tlb_miss_rate.py [TRACE] [OUT.png]

Each point is one machine: the x86_64 preset with its 4K/2M STLB resized (4-way), replayed
with demand paging through mmusim.sweep.  Defaults: traces/working-set.trace.xz (20,000
reads over a 2,500-page working set) and docs/python-tlb-miss-rate.png.
"""
import os
import sys
import tempfile

import matplotlib

matplotlib.use("Agg")  # no display needed: write a file
import matplotlib.pyplot as plt  # noqa: E402

import mmusim  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SIZES = [64, 128, 256, 512, 1024, 2048, 4096]

# The preset's TLBs with the STLB's entries as a parameter (a list replaces the preset's whole list).
CONFIG = """extends: x86_64
name: stlb-{entries}
tlb:
  - {{ name: l1i, level: 1, kind: instruction, entries: 128, ways: 8, page_sizes: [4K], replacement: lru, latency: 1 }}
  - {{ name: l1d, level: 1, kind: data, entries: 64, ways: 4, page_sizes: [4K], replacement: lru, latency: 1 }}
  - {{ name: stlb, level: 2, kind: unified, entries: {entries}, ways: 4, page_sizes: [4K, 2M], replacement: lru, latency: 9 }}
"""


def miss_rates(trace):
    with tempfile.TemporaryDirectory() as tmp:
        configs = []
        for n in SIZES:
            path = os.path.join(tmp, f"stlb-{n}.yaml")
            with open(path, "w") as f:
                f.write(CONFIG.format(entries=n))
            configs.append(path)
        results = mmusim.sweep(configs, trace)
    l1, l2 = [], []
    for r in results:
        accesses = r["accesses"]["total"]
        l1.append(100.0 * r["tlb"]["l1d"]["misses"] / accesses)
        # Misses of both levels: the accesses that walk the page table.
        l2.append(100.0 * r["tlb"]["stlb"]["misses"] / accesses)
    return l1, l2


def main():
    trace = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "traces", "working-set.trace.xz")
    out = sys.argv[2] if len(sys.argv) > 2 else os.path.join(ROOT, "docs", "python-tlb-miss-rate.png")
    l1, l2 = miss_rates(trace)
    fig, ax = plt.subplots(figsize=(6.4, 4.0), dpi=100)
    ax.plot(SIZES, l2, "o-", label="L2 TLB miss (page walk)")
    ax.plot(SIZES, l1, "s--", label="L1 dTLB miss (64 entries)")
    ax.set_xscale("log", base=2)
    ax.set_xticks(SIZES, [str(s) for s in SIZES])
    ax.set_xlabel("L2 TLB entries (4-way)")
    ax.set_ylabel("misses per access (%)")
    ax.set_title(f"x86_64, {os.path.basename(trace)}")
    ax.grid(True, alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(out)
    for n, a, b in zip(SIZES, l1, l2):
        print(f"stlb {n:5d} entries: L1 miss {a:6.2f} %, L2 miss {b:6.2f} %")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
