"""mmusim.replay / sweep / Replay: dicts equal to `mmusim --json replay`, counts by the counting rule."""
import glob
import os
import threading
import warnings

import numpy as np
import pytest

import mmusim
from conftest import TRACES

BUNDLED = [os.path.join(TRACES, n) for n in ("example.trace", "tlb-demo.trace", "lackey-sample.txt")]
FIXTURES = sorted(glob.glob(os.path.join(TRACES, "fixtures", "loop.*")))


@pytest.mark.parametrize("trace", BUNDLED + FIXTURES, ids=os.path.basename)
@pytest.mark.parametrize("config", ["x86_64", "sv48"])
def test_replay_equals_cli_json(trace, config, cli_json):
    assert mmusim.replay(trace, config=config) == cli_json("--config", config, "replay", "--demand-paging", trace)


@pytest.mark.parametrize("config", ["x86_64_ept", "aarch64", "sv48"])
def test_replay_equals_cli_json_other_machines(config, cli_json):
    trace = BUNDLED[2]
    assert mmusim.replay(trace, config=config) == cli_json("--config", config, "replay", "--demand-paging", trace)


def test_data_caches_equal_cli_json(cli_json, tmp_path):
    """A config with a caches: block: the "caches" dict is the CLI's."""
    config = tmp_path / "caches.yaml"
    config.write_text("extends: x86_64\ncaches: {l1d: {sets: 64, ways: 8, latency: 4}, "
                      "llc: {sets: 1024, ways: 16, latency: 40}, data: true}\n")
    trace = BUNDLED[0]
    out = mmusim.replay(trace, config=str(config))
    assert out == cli_json("--config", str(config), "replay", "--demand-paging", trace)
    assert out["caches"]["l1d"]["hits"] > 0


def test_vm_data_caches_equal_cli_json(cli_json, tmp_path):
    """A VM's 2-D walks through the caches: "stage2_found" too is the CLI's."""
    config = tmp_path / "vm_caches.yaml"
    config.write_text("extends: x86_64_ept\ncaches: {l1d: {sets: 64, ways: 8, latency: 4}}\n")
    trace = BUNDLED[2]
    out = mmusim.replay(trace, config=str(config))
    assert out == cli_json("--config", str(config), "replay", "--demand-paging", trace)
    assert sum(out["caches"]["stage2_found"]["1"].values()) > 0


def test_tlb_prefetch_equals_cli_json(tmp_path, cli_json):
    """A prefetching TLB: its "prefetch" counters and "tlb_prefetch" are the CLI's (8 issued, 3 walks: by hand)."""
    cfg = tmp_path / "pf.yaml"
    cfg.write_text("extends: x86_64\ntlb:\n  - {name: l1d, level: 1, kind: data, entries: 64, page_sizes: [4K],"
                   " prefetch: {kind: next, degree: 2}, line_prefetch: true}\n")
    got = mmusim.replay(BUNDLED[0], config=str(cfg))
    assert got == cli_json("--config", str(cfg), "replay", "--demand-paging", BUNDLED[0])
    assert got["tlb"]["l1d"]["prefetch"] == {"issued": 8, "useful": 0, "useless": 0}
    assert got["tlb_prefetch"] == {"walks": 3, "pte_reads": 8}


def test_tlb_prefetch_counters_at_zero_equal_cli_json(tmp_path, cli_json):
    """A TLB that prefetches has its counters even when nothing was prefetched (one miss: sequential waits)."""
    cfg = tmp_path / "pf0.yaml"
    cfg.write_text("extends: x86_64\ntlb:\n  - {name: l1d, level: 1, kind: data, entries: 64, page_sizes: [4K],"
                   " prefetch: {kind: sequential}}\n")
    trace = tmp_path / "one.trace"
    trace.write_text("map 0x400000 0x10000000 4K rwu\nr 0x400000\n")
    got = mmusim.replay(str(trace), config=str(cfg), demand_paging=False)
    assert got == cli_json("--config", str(cfg), "replay", str(trace))
    assert got["tlb"]["l1d"]["prefetch"] == {"issued": 0, "useful": 0, "useless": 0}
    assert got["tlb_prefetch"] == {"walks": 0, "pte_reads": 0}


def test_replay_options_equal_cli_options(cli_json):
    trace = BUNDLED[0]
    assert mmusim.replay(trace, demand_paging=False) == cli_json("replay", trace)
    assert (mmusim.replay(trace, check_stale=True, no_auto_flush=True, warmup=3)
            == cli_json("replay", "--demand-paging", "--check-stale", "--no-auto-flush", "--warmup", "3", trace))
    lackey = BUNDLED[2]
    assert (mmusim.replay(lackey, demand_paging="2M", format="lackey")
            == cli_json("replay", "--demand-paging=2M", "--format", "lackey", lackey))


def test_os_layer_options_equal_cli_options(cli_json):
    """The OS layer (limited memory, replacement, swap): the "paging" dict is the CLI's."""
    trace = os.path.join(TRACES, "os", "ostep_policies.trace")
    for policy in ("fifo", "lru", "clock", "opt", "random"):
        got = mmusim.replay(trace, resident_pages=3, replacement=policy, seed=7)
        assert got == cli_json("replay", "--resident-pages", "3", "--replacement", policy, "--seed", "7", trace)
        assert got["paging"]["page_faults"] >= 5
    got = mmusim.replay(trace, resident_pages=3, replacement="clock", clock_flush=False)
    assert got == cli_json("replay", "--resident-pages", "3", "--replacement", "clock", "--no-clock-flush", trace)


def test_sweep_with_opt_reads_the_future_as_replay_does():
    """sweep() with replacement="opt" gives replay()'s OPT (OSTEP: 5 faults), not an error."""
    trace = os.path.join(TRACES, "os", "ostep_policies.trace")
    got = mmusim.sweep(["x86_64", "sv39"], trace, resident_pages=3, replacement="opt")
    assert [g["paging"]["page_faults"] for g in got] == [5, 5]
    assert got[0] == mmusim.replay(trace, resident_pages=3, replacement="opt")


def test_clock_flush_overrides_the_config(tmp_path, cli_json):
    """clock_flush=True wins over the config's os: { clock_flush: false }, as --clock-flush does."""
    trace = os.path.join(TRACES, "os", "clock_flush.trace")
    cfg = tmp_path / "noflush.yaml"
    cfg.write_text("extends: x86_64\nos: { clock_flush: false, replacement: clock, resident_pages: 3 }\n")
    assert mmusim.replay(trace, config=str(cfg))["paging"]["page_faults"] == 6
    got = mmusim.replay(trace, config=str(cfg), clock_flush=True)
    assert got["paging"]["page_faults"] == 5
    assert got == cli_json("--config", str(cfg), "replay", "--clock-flush", trace)


def test_seed_zero_overrides_the_config(tmp_path, cli_json):
    """seed=0 is the generator's seed 1 and wins over the config's os: { seed: 3 }, as --seed 0 does;
    seed=None (the default) leaves the config's.  Belady's string, random, 3 frames: 8 faults with
    seed 1, 10 with seed 3."""
    trace = os.path.join(TRACES, "os", "belady.trace")
    cfg = tmp_path / "seeded.yaml"
    cfg.write_text("extends: x86_64\nos: { replacement: random, resident_pages: 3, seed: 3 }\n")
    assert mmusim.replay(trace, config=str(cfg))["paging"]["page_faults"] == 10
    got = mmusim.replay(trace, config=str(cfg), seed=0)
    assert got["paging"]["page_faults"] == 8
    assert got == cli_json("--config", str(cfg), "replay", "--seed", "0", trace)


def test_malformed_trace_raises_with_cli_message_and_partial_stats(tmp_path, cli):
    bad = tmp_path / "bad.trace"
    bad.write_text("map 0x400000 0x200000 4K rwu\nr 0x400000\nfrobnicate 1\n")
    rc, out, err = cli("--json", "replay", "--demand-paging", str(bad))
    assert rc == 2
    with pytest.raises(mmusim.InvalidError) as e:
        mmusim.replay(str(bad))
    assert "mmusim: " + e.value.message + "\n" == err
    assert e.value.message.startswith(f"{bad}:3: ")
    import json
    assert e.value.stats == json.loads(out)
    assert e.value.stats["accesses"]["total"] == 1


def test_missing_trace_raises_file_error(tmp_path, cli):
    missing = str(tmp_path / "none.trace")
    rc, _, err = cli("replay", missing)
    assert rc == 2
    with pytest.raises(mmusim.FileError) as e:
        mmusim.replay(missing)
    assert "mmusim: " + e.value.message + "\n" == err


def test_bad_demand_page_size():
    with pytest.raises(mmusim.InvalidError, match=r"^--demand-paging size 12288 is not a page size of x86_64$"):
        mmusim.replay(BUNDLED[0], demand_paging=12288)


def test_sweep_is_a_list_of_replays(tmp_path):
    small = tmp_path / "small-l2.yaml"
    small.write_text("extends: x86_64\nname: small\n")
    configs = ["x86_64", str(small), "sv39"]
    got = mmusim.sweep(configs, BUNDLED[2])
    assert [d["config"] for d in got] == ["x86_64", "small", "sv39"]
    assert got == [mmusim.replay(BUNDLED[2], config=c) for c in configs]


def _write_trace(path, vas, kinds):
    with open(path, "w") as f:
        for va, k in zip(vas.tolist(), kinds.tolist()):
            f.write(f"{'rwx'[k]} {va:#x}\n")


def test_replay_from_numpy_equals_the_same_trace_file(tmp_path, cli_json):
    rng = np.random.default_rng(7)
    vas = rng.integers(0x10000000, 0x10400000, 3000, dtype=np.uint64) & ~np.uint64(7)
    kinds = rng.integers(0, 2, 3000, dtype=np.uint8)
    path = tmp_path / "same.trace"
    _write_trace(path, vas, kinds)
    want = cli_json("replay", "--demand-paging", str(path))
    with mmusim.Replay("x86_64") as r:
        r.feed(vas[:1000], kinds[:1000])
        mid = r.stats()
        assert mid["accesses"]["total"] == 1000  # readable at any time
        r.feed(vas[1000:], kinds[1000:])
        got = r.stats()
    for d in (want, got):
        d.pop("trace"), d.pop("format")
    assert got == want


def test_replay_counts_by_the_counting_rule():
    # Two pages, each read twice: 4 accesses, 2 misses and 2 hits in the L1 dTLB, 2 demand-paged
    # pages (one minor fault each, not counted again on the retry), no faults left.
    with mmusim.Replay("x86_64") as r:
        pa, fault = r.feed(np.array([0x1000, 0x1008, 0x2000, 0x2010], dtype=np.uint64), "r")
        s = r.stats()
    assert s["accesses"] == {"total": 4, "read": 4, "write": 0, "exec": 0}
    assert s["demand_paged"] == 2
    assert sum(s["faults"].values()) == 0
    assert s["tlb"]["l1d"]["misses"] == 2 and s["tlb"]["l1d"]["hits"] == 2
    assert pa[1] == pa[0] + 8 and (fault == 0).all()


def test_replay_feed_errors():
    with mmusim.Replay("x86_64", demand_paging=False) as r:
        with pytest.raises(mmusim.InvalidError) as e:
            r.feed(np.array([0x1000, 0x2000], dtype=np.uint64), np.array([0, 9], dtype=np.uint8))
        assert e.value.message.startswith("access 1: ")
        assert r.stats()["accesses"]["total"] == 1
        with pytest.raises(ValueError, match="shape"):
            r.feed(np.zeros(3, dtype=np.uint64), np.zeros(2, dtype=np.uint8))
        r.reset_stats()
        assert r.stats()["accesses"]["total"] == 0
    with pytest.raises(mmusim.Error, match="closed"):
        r.feed(np.zeros(1, dtype=np.uint64))


def test_bulk_calls_release_the_gil():
    # While one thread is inside a long C call, another thread keeps running Python.
    vas = np.arange(0, 1 << 31, 64, dtype=np.uint64)  # 33 M accesses
    ticks = []
    with mmusim.Replay("x86_64") as r:
        done = threading.Event()

        def ticker():
            while not done.is_set():
                ticks.append(1)
                done.wait(0.001)
        t = threading.Thread(target=ticker)
        t.start()
        r.feed(vas[: 2_000_000])
        done.set()
        t.join()
    assert len(ticks) > 5


def test_sweep_of_a_malformed_trace_raises_with_each_machines_stats(tmp_path):
    bad = tmp_path / "bad.trace"
    bad.write_text("r 0x1000\nr 0x2000\nbogus\n")
    with pytest.raises(mmusim.InvalidError) as e:
        mmusim.sweep(["x86_64", "sv39"], str(bad))
    assert e.value.message.startswith(f"{bad}:3: ")
    assert [s["accesses"]["total"] for s in e.value.stats] == [2, 2]
    assert mmusim.sweep([], str(bad)) == []


def test_sweep_threads_do_not_change_the_answer():
    trace = os.path.join(TRACES, "working-set.trace.xz")
    configs = ["x86_64", "sv39", "sv48"]
    assert mmusim.sweep(configs, trace, threads=1) == mmusim.sweep(configs, trace, threads=3)


def test_per_cpu_equals_cli_json(tmp_path, cli_json):
    """A two-CPU trace: the "cpus" list is the CLI's, each CPU's counters worked out by hand."""
    trace = tmp_path / "two.trace"
    trace.write_text("map 0x400000 0x10000000 16K rwu\nr 0x400000\nr 0x400000\ncpu 1\nr 0x400000\n"
                     "w 0x401000\nr 0x900000\ncpu 0\nr 0x401000\n")
    cfg = tmp_path / "one-tlb.yaml"
    cfg.write_text("extends: x86_64\ntlb: [{name: l1d, level: 1, kind: data, entries: 4, page_sizes: [4K, 2M, 1G]}]\n"
                   "pwc: []\nmemory_latency: 100\n")
    got = mmusim.replay(str(trace), config=str(cfg))
    assert got == cli_json("--config", str(cfg), "replay", "--demand-paging", str(trace))
    assert [(c["cpu"], c["accesses"]["total"], c["walks"], c["pte_reads"], c["cycles"], c["tlb"]["l1d"])
            for c in got["cpus"]] == [(0, 3, 2, 8, 803, {"hits": 1, "misses": 2}),
                                     (1, 3, 3, 11, 1103, {"hits": 0, "misses": 3})]
    assert [c["shootdowns"] for c in got["cpus"]] == [0, 0]
    assert "cpus" not in mmusim.replay(BUNDLED[0], config=str(cfg))


def test_access_log_records_by_hand(tmp_path):
    """One record per translation (by hand: a walk 1 + 2 + 4 x 100, a hit 1, a fault 1 + 2 + 100)."""
    config = tmp_path / "small.yaml"
    config.write_text("extends: x86_64\n"
                      "tlb: [{name: dtlb, level: 1, kind: data, entries: 4, page_sizes: [4K], latency: 1}]\n"
                      "pwc: [{level: 2, entries: 4, latency: 2}]\nmemory_latency: 100\n")
    records = []
    with mmusim.Replay(str(config), demand_paging=False) as r:
        r.machine.map(0x400000, 0x10000000, 0x2000, "rwu")
        r.access_log(records.append)
        r.feed(np.array([0x400000, 0x400008, 0x402000], dtype=np.uint64))
        r.access_log(None)
        r.feed(np.array([0x400000], dtype=np.uint64))
        stats = r.stats()
    assert [d["cycles"] for d in records] == [403, 1, 103]
    assert [d["served"] for d in records] == ["walk", "l1", "walk"]
    assert records[1]["tlb"] == "dtlb" and records[1]["pa"] == 0x10000008
    assert [p["level"] for p in records[0]["ptes"]] == [4, 3, 2, 1]
    assert records[0]["pwc"] == [{"level": 2, "hit": False}] and records[2]["pwc"] == [{"level": 2, "hit": True}]
    assert records[2]["fault"] == "not-present" and records[2]["pa"] is None
    assert stats["cycles"] == 403 + 1 + 103 + 1


def test_access_log_exception_is_raised_by_the_call_that_ran_it(tmp_path):
    """ctypes printed "Exception ignored" and feed returned normally: a broken callback went unnoticed."""
    calls = []

    def broken(record):
        calls.append(record["i"])
        raise KeyError("no such column")
    trace = tmp_path / "t.trace"
    trace.write_text("r 0x400000\nr 0x401000\n")
    with mmusim.Replay("x86_64") as r:
        r.access_log(broken)
        with pytest.raises(KeyError, match="no such column"):
            r.feed(np.array([0x400000, 0x401000, 0x402000], dtype=np.uint64))
        assert calls == [0], "the callback is not called again once it raised"
        assert r.stats()["accesses"]["total"] == 3, "the C call ran to its end"
        with pytest.raises(KeyError):
            r.replay_trace(str(trace))
        r.access_log(None)
        r.feed(np.array([0x400000], dtype=np.uint64))  # nothing pending any more
        assert r.stats()["accesses"]["total"] == 6


def test_sweep_threads_that_do_not_fit_are_refused():
    """ctypes passed threads as a C unsigned int: 2**32 became 0 ('thread count 0 is out of range'),
    2**32 + 1 became 1 and ran."""
    trace = os.path.join(TRACES, "example.trace")
    for threads in (2**32, 2**32 + 1, -1):
        with pytest.raises(mmusim.RangeError, match=f"threads {threads:#x} does not fit in 32 bits"):
            mmusim.sweep(["x86_64", "sv48"], trace, threads=threads)


def test_opt_on_a_fifo_is_refused(tmp_path):
    """replacement='opt' opens the trace twice (the future, then the replay): the second open
    of a FIFO waited for a writer for ever."""
    fifo = tmp_path / "trace.fifo"
    os.mkfifo(fifo)

    def write():
        try:
            with open(fifo, "w") as f:
                f.write("r 0x1000\nr 0x2000\n")
        except BrokenPipeError:
            pass
    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    with pytest.raises(mmusim.InvalidError, match=f"{fifo} is a pipe or a device, which can be read once"):
        mmusim.replay(str(fifo), resident_pages=2, replacement="opt")
    with open(fifo, "r") as f:  # let the writer finish if it still waits for a reader
        f.read()
    writer.join(5)


def test_one_replay_fed_from_two_threads():
    """feed releases the GIL: two threads on one Replay ran the C model at once (one object, one
    thread at a time, says the C API); its frame allocator broke ('out of physical memory' with
    most of the 64 GiB free) and accesses went uncounted.  The calls now take turns."""
    batches = [(np.random.default_rng(seed).integers(0, 1 << 20, 20000, dtype=np.uint64) << np.uint64(12))
               + np.uint64(0x10000000) for seed in range(12)]
    with mmusim.Replay("x86_64") as r:
        def work(mine):
            for b in mine:
                r.feed(b, "w")
        threads = [threading.Thread(target=work, args=(batches[i::2],)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        stats = r.stats()
    assert stats["accesses"]["total"] == 12 * 20000
    assert stats["demand_paged"] == len(np.unique(np.concatenate(batches)))


def test_close_waits_for_a_feed_in_another_thread():
    """close() while another thread is inside feed freed the mmu under it."""
    r = mmusim.Replay("x86_64")
    vas = np.arange(0x10000000, 0x10000000 + (300000 << 12), 4096, dtype=np.uint64)
    result = []
    t = threading.Thread(target=lambda: result.append(r.feed(vas, "r")))
    t.start()
    r.close()
    t.join()
    assert len(result) in (0, 1)  # fed first, or refused as closed: never a crash
    with pytest.raises(mmusim.Error, match="closed"):
        r.feed(vas[:1])


# numpy casts would wrap these into other values: -1 into the top address, kind 256 into a read.
FEED_ERRORS = [
    (lambda r: r.feed(np.array([-1], dtype=np.int64)), mmusim.RangeError,
     "address -0x1 does not fit in 64 bits (0 to 2**64 - 1)"),
    (lambda r: r.feed([2**64]), mmusim.RangeError, "address 0x10000000000000000 does not fit in 64 bits (0 to 2**64 - 1)"),
    (lambda r: r.feed([1.5]), mmusim.RangeError, "addresses of dtype float64 are not integers (expected uint64)"),
    (lambda r: r.feed([0x1000], [256]), mmusim.InvalidError, "bad access kind 256 (expected 0 read, 1 write or 2 exec)"),
    (lambda r: r.feed([0x1000], [-1]), mmusim.InvalidError, "bad access kind -1 (expected 0 read, 1 write or 2 exec)"),
    (lambda r: r.feed([0x1000], [1.0]), mmusim.InvalidError,
     "access kinds of dtype float64 are not integers (expected 0 read, 1 write or 2 exec)"),
    (lambda r: r.machine.translate_many([-4096]), mmusim.RangeError,
     "address -0x1000 does not fit in 64 bits (0 to 2**64 - 1)"),
]


@pytest.mark.parametrize("call,cls,message", FEED_ERRORS)
def test_feed_refuses_values_a_cast_would_wrap(call, cls, message):
    with mmusim.Replay("x86_64") as r:
        with pytest.raises(cls) as e:
            call(r)
        assert e.value.message == message
        assert r.stats()["accesses"]["total"] == 0  # nothing was replayed


def test_feed_bad_access_letter_is_a_value_error():
    with mmusim.Replay("x86_64") as r:
        with pytest.raises(ValueError, match="bad access 'q'"):
            r.feed([0x1000], "q")


@pytest.mark.parametrize("bad", ["yes", None, "2X"])
def test_bad_demand_paging_is_an_mmusim_error(bad):
    """int()'s ValueError ('invalid literal for int() with base 0') escaped instead."""
    with pytest.raises(mmusim.InvalidError, match="expected True, False or a page size"):
        mmusim.replay(BUNDLED[0], demand_paging=bad)


def test_closing_a_replays_machine_closes_the_replay():
    """r.machine.close() freed the machine under the mmu: the next feed was a segfault."""
    r = mmusim.Replay("x86_64")
    r.feed(np.array([0x1000], dtype=np.uint64))
    r.machine.close()
    with pytest.raises(mmusim.Error, match="the replay is closed"):
        r.feed(np.arange(0x1000, 0x100000, 4096, dtype=np.uint64))
    with pytest.raises(mmusim.Error, match="the replay is closed"):
        r.stats()
    r.close()


def test_bad_trace_format_names_it():
    """The prototype of mmusim_trace_format_parse had a third (error) argument the C function
    lacks: the InvalidError's message was empty."""
    message = ("bad format 'zz' (expected auto, text, lackey, binary, champsim, din, pinatrace or "
               "drmemtrace)")
    trace = os.path.join(TRACES, "example.trace")
    for call in (lambda: mmusim.replay(trace, format="zz"),
                 lambda: mmusim.sweep(["x86_64", "sv39"], trace, format="zz")):
        with pytest.raises(mmusim.InvalidError) as e:
            call()
        assert e.value.message == message
    with mmusim.Replay("x86_64") as r:
        with pytest.raises(mmusim.InvalidError) as e:
            r.replay_trace(trace, format="zz")
        assert e.value.message == message


def test_sweep_of_one_config_string_says_so():
    """sweep("x86_64", trace) iterated the string: 'x: no such file or preset'."""
    with pytest.raises(TypeError, match=r"sweep takes a list of configs, not one: 'x86_64' \(replay\(\) takes one\)"):
        mmusim.sweep("x86_64", os.path.join(TRACES, "example.trace"))


def test_trace_named_by_bytes_is_named_as_the_command_names_it(tmp_path, cli_json):
    """A bytes path came back as "b'...'" in the dict's "trace"; the command's JSON names a
    non-UTF-8 byte as Python's surrogateescape does."""
    trace = os.path.join(os.fsencode(tmp_path), b"caf\xe9.trace")
    with open(os.path.join(TRACES, "example.trace"), "rb") as src, open(trace, "wb") as dst:
        dst.write(src.read())
    expected = cli_json("--config", "sv48", "replay", "--demand-paging", os.fsdecode(trace))
    assert mmusim.replay(trace, config="sv48") == expected
    assert mmusim.sweep(["sv48"], trace)[0] == expected
    assert expected["trace"].endswith("caf\udce9.trace")


def test_stats_after_replay_trace_name_the_trace(cli_json):
    """stats() after replay_trace named the trace '<numpy>' (with the trace's format), and a
    format given to stats() was overridden by the trace's."""
    trace = os.path.join(TRACES, "example.trace")
    with mmusim.Replay("sv48") as r:
        r.replay_trace(trace)
        assert r.stats() == cli_json("--config", "sv48", "replay", "--demand-paging", trace)
        assert r.stats(trace="mine", format="mixed")["trace"] == "mine"
        assert r.stats(trace="mine", format="mixed")["format"] == "mixed"
    with mmusim.Replay("sv48") as r:
        assert (r.stats()["trace"], r.stats()["format"]) == ("<numpy>", "numpy")


def test_access_log_cannot_close_or_feed_the_replay_under_it():
    """r.close() (or r.machine.close()) in the access-log callback freed the model in the middle of
    the C call that was calling it: the interpreter crashed (segfault).  A feed from it ran the
    model re-entrantly."""
    vas = np.arange(0x1000, 0x9000, 0x1000, dtype=np.uint64)
    for action, message in ((lambda r: r.close(), "cannot close the replay from its access log"),
                            (lambda r: r.machine.close(), "cannot close the replay from its access log"),
                            (lambda r: r.feed(vas[:1]), "cannot feed the replay from its access log")):
        with mmusim.Replay("x86_64") as r:
            r.access_log(lambda rec, r=r, action=action: action(r))
            with pytest.raises(mmusim.Error, match=message):
                r.feed(vas)
            assert r.stats()["accesses"]["total"] == len(vas)
            r.access_log(None)
            r.feed(vas)
            assert r.stats()["accesses"]["total"] == 2 * len(vas)
        assert repr(r) == "<mmusim.Replay x86_64 (closed)>"


@pytest.mark.parametrize("fmt", ["nope", 5])
def test_a_bad_format_names_itself_and_the_formats(fmt):
    """mmusim_trace_format_parse takes no mmusim_error: the binding passed one anyway, and raised
    InvalidError with an empty message."""
    want = f"bad format '{fmt}' (expected auto, text, lackey, binary, champsim, din, pinatrace or drmemtrace)"
    trace = os.path.join(TRACES, "example.trace")
    for call in (lambda: mmusim.replay(trace, format=fmt), lambda: mmusim.sweep(["x86_64"], trace, format=fmt)):
        with pytest.raises(mmusim.InvalidError) as e:
            call()
        assert e.value.message == want


def test_warmup_at_least_the_trace_warns_as_the_cli_notes(cli, cli_json):
    """A warm-up the trace never finished (nothing was reset: the statistics include it) or that took the
    whole trace (nothing after it): a WarmupWarning with the CLI's note, and the CLI's "warmup" key."""
    trace = BUNDLED[1]  # tlb-demo.trace: 4 accesses
    for n, ended, tail in ((5, False, "never ended: the trace has only 4 accesses, so nothing was reset and these "
                                      "statistics include the warm-up"),
                           (4, True, "took the whole trace: no access is left after it, these statistics are empty")):
        with pytest.warns(mmusim.WarmupWarning) as caught:
            out = mmusim.replay(trace, warmup=n)
        assert [str(w.message) for w in caught] == [f"{trace}: the warm-up (warmup={n}) {tail}"]
        assert out["warmup"] == {"accesses": n, "ended": ended}
        assert out == cli_json("replay", "--demand-paging", "--warmup", str(n), trace)
        rc, _, err = cli("replay", "--demand-paging", "--warmup", str(n), trace)
        assert rc == 0 and err == f"mmusim: {trace}: warning: the warm-up (--warmup {n}) {tail}\n"
        with pytest.warns(mmusim.WarmupWarning) as caught:
            outs = mmusim.sweep(["x86_64", "sv48"], trace, warmup=n)
        assert len(caught) == 1 and [o["warmup"] for o in outs] == [{"accesses": n, "ended": ended}] * 2
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = mmusim.replay(trace, warmup=3)
        assert out["warmup"] == {"accesses": 3, "ended": True} and out["accesses"]["total"] == 1
        assert "warmup" not in mmusim.replay(trace)


def test_threads_to_cpus_as_the_cli(cli_json, tmp_path):
    """threads_to_cpus maps `thread N` lines to CPUs as --threads-to-cpus does (it was missing: a
    threaded trace could only replay one thread per CPU from Python)."""
    trace = tmp_path / "threads.trace"
    trace.write_text("thread 0\nr 0x400000\nthread 1\nr 0x400000\nthread 2\nw 0x401000\nthread 3\nr 0x401000\n"
                     "thread 0\nr 0x401000\n")
    mapping = tmp_path / "map.txt"
    mapping.write_text("3 0\n1 0\n")
    t = str(trace)
    for spec, cli_spec in (("round-robin:2", "round-robin:2"), ({3: 0, 1: 0}, str(mapping)),
                           ("one-each", "one-each")):
        want = cli_json("replay", "--demand-paging", "--threads-to-cpus", cli_spec, t)
        assert mmusim.replay(t, threads_to_cpus=spec) == want
        assert mmusim.sweep(["x86_64"], t, threads_to_cpus=spec) == [want]
    assert len(mmusim.replay(t, threads_to_cpus="round-robin:2")["cpus"]) == 2
    for bad, message in (("round-robin:0", "threads_to_cpus 'round-robin:0': round-robin:K needs K from 1 to 1024 "
                                           "CPUs"),
                         ("rr", "threads_to_cpus 'rr': one-each, round-robin:K or a dict {thread: cpu}"),
                         ({0: 1024}, "threads_to_cpus 0: 1024: expected a thread below 1048576 and a CPU below "
                                     "1024")):
        with pytest.raises(mmusim.InvalidError) as e:
            mmusim.Replay(threads_to_cpus=bad)
        assert str(e.value) == message


@pytest.mark.parametrize("config,line", [("x86_64", " L ffffffffffffffff,8\n"), ("sv32", " S fffffffe,8\n")])
def test_access_past_the_top_goes_on_at_va_0_as_the_cli_counts_it(tmp_path, cli_json, config, line):
    """Address arithmetic wraps (2^64; 2^32 on sv32): the access's last bytes are at VA 0, a second access."""
    trace = tmp_path / "wrap.lackey"
    trace.write_text(line)
    vas = []
    with mmusim.Replay(config) as r:
        r.access_log(lambda rec: vas.append(rec["va"]))
        r.replay_trace(str(trace))
        stats = r.stats()
    assert vas[-1] == 0 and len(vas) == 2
    assert stats["accesses"]["total"] == 2
    assert mmusim.replay(str(trace), config=config) == cli_json("--config", config, "replay", "--demand-paging",
                                                                  str(trace))
