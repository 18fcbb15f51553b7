"""examples/tlb_miss_rate.py: the sweep behind the README's plot."""
import lzma
import os
import runpy

import pytest

from conftest import ROOT

TRACE = os.path.join(ROOT, "traces", "working-set.trace.xz")


def test_l2_miss_rate_falls_to_the_compulsory_misses(tmp_path):
    pytest.importorskip("matplotlib")
    example = runpy.run_path(os.path.join(ROOT, "examples", "tlb_miss_rate.py"))
    l1, l2 = example["miss_rates"](TRACE)
    with lzma.open(TRACE, "rt") as f:
        pages = [int(line.split()[1], 16) >> 12 for line in f if line.startswith("r ")]
    # On this trace a bigger L2 TLB misses less at every step; with room for the whole working
    # set only the first touch of each page misses (demand paging maps it: one walk).
    assert all(a >= b for a, b in zip(l2, l2[1:]))
    assert l2[-1] == pytest.approx(100.0 * len(set(pages)) / len(pages))
    assert len(set(l1)) == 1  # the L1 dTLB does not change with the L2's size
