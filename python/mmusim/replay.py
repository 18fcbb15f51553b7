"""Trace replay through the TLBs, paging-structure caches and walker: replay, sweep, Replay."""
import contextlib
import ctypes
import os
import stat
import warnings
import weakref

from . import _lib
from ._lib import lib
from .errors import Error, WarmupWarning, check, error_from
from .machine import ACCESSES, Machine, _access, _address_array, _c_string, _locked, _unsigned, fault_kind_name

FAULT_KINDS = [fault_kind_name(k) for k in range(_lib.FAULT_KIND_COUNT)]


def _size_key(nbytes):
    """A page size as the CLI's JSON names it: 4K, 2M, 1G (bytes when not a multiple of 1 KiB)."""
    if nbytes == 0 or nbytes % 1024:
        return str(nbytes)
    units, u = "KMGTPE", 0
    while nbytes % 1024 == 0 and nbytes >= 1024 and u < len(units):
        nbytes //= 1024
        u += 1
    return f"{nbytes}{units[u - 1]}"


def _by_size(by_shift):
    return {_size_key(1 << s): n for s, n in enumerate(by_shift) if n}


def _ratio(a, b):
    # The CLI prints ratios with %.4f; the same rounding keeps the dicts equal.
    return float(f"{a / b:.4f}") if b else 0.0


def _nested(n):
    """A VM's 2-D walks, keyed as `mmusim --json replay` keys them."""
    grid = [[n.reads[g][h] for h in range(n.host_levels, 0, -1)] + [n.reads[g][0]]
            for g in range(n.guest_levels, 0, -1)]
    grid.append([n.reads[0][h] for h in range(n.host_levels, 0, -1)])
    out = {"walks": n.walks, "guest_pte_reads": n.guest_reads, "host_pte_reads": n.host_reads,
           "references_per_walk": _ratio(n.guest_reads + n.host_reads, n.walks), "grid": grid,
           "guest_faults": n.guest_faults, "host_faults": n.host_faults,
           "host_demand_paged": n.host_demand_paged, "vms": n.vms}
    if n.has_tlb:
        out["nested_tlb"] = {"hits": n.tlb_hits, "misses": n.tlb_misses}
    if n.nr_pwc:
        out["stage2_pwc"] = {str(n.pwc_level[i]): {"hits": n.pwc_hits[i], "misses": n.pwc_misses[i]}
                             for i in range(n.nr_pwc)}
    return out


def _cpus(mmu, config_handle):
    """Each selected CPU's counters, as the "cpus" array of `mmusim --json replay`."""
    out = []
    for cpu in range(lib.mmusim_mmu_nr_cpus(mmu)):
        s = _lib.Stats()
        if lib.mmusim_mmu_cpu_stats(mmu, cpu, ctypes.byref(s)) != 0:
            continue  # never selected
        caches = {False: {}, True: {}}
        for pwc, count in ((False, lib.mmusim_config_nr_tlbs(config_handle)),
                           (True, lib.mmusim_config_nr_pwcs(config_handle))):
            for i in range(count):
                c = _lib.CacheStats()
                if lib.mmusim_mmu_cpu_cache_stats(mmu, cpu, pwc, i, ctypes.byref(c)) == 0:
                    key = str(c.level) if pwc else c.name.decode()
                    caches[pwc][key] = {"hits": c.hits, "misses": c.misses}
        out.append({"cpu": cpu,
                    "accesses": {"total": sum(s.accesses), "read": s.accesses[0], "write": s.accesses[1],
                                 "exec": s.accesses[2]},
                    "walks": s.walks, "pte_reads": s.pte_reads,
                    "faults": {FAULT_KINDS[k]: s.faults[k] for k in range(1, _lib.FAULT_KIND_COUNT)},
                    "shootdowns": s.shootdowns, "cycles": s.cycles, "tlb": caches[False], "pwc": caches[True]})
    return out


_THREAD_IDS = 1 << 20  # thread ids a trace may carry (the CLI's bound)
_MAX_CPUS = 1024       # MMUSIM_MAX_CPUS


def _threads_to_cpus(spec):
    """None (the library's default), or (round_robin, cpu_of table) for mmusim_mmu_set_threads_to_cpus;
    checked as the CLI checks --threads-to-cpus."""
    if spec is None or spec == "one-each":
        return None
    if isinstance(spec, str):
        k = spec[len("round-robin:"):] if spec.startswith("round-robin:") else None
        if k is None:
            raise error_from(1, f"threads_to_cpus {spec!r}: one-each, round-robin:K or a dict {{thread: cpu}}")
        if not (k.isascii() and k.isdigit()) or not 1 <= int(k) <= _MAX_CPUS:
            raise error_from(1, f"threads_to_cpus {spec!r}: round-robin:K needs K from 1 to {_MAX_CPUS} CPUs")
        return int(k), []
    if not isinstance(spec, dict):
        raise TypeError(f"threads_to_cpus takes 'one-each', 'round-robin:K' or a dict, not {type(spec).__name__}")
    table = []
    for thread, cpu in spec.items():
        if (isinstance(thread, bool) or isinstance(cpu, bool) or not isinstance(thread, int) or
                not isinstance(cpu, int) or not 0 <= thread < _THREAD_IDS or not 0 <= cpu < _MAX_CPUS):
            raise error_from(1, f"threads_to_cpus {thread!r}: {cpu!r}: expected a thread below {_THREAD_IDS} "
                                f"and a CPU below {_MAX_CPUS}")
        table.extend([0xffff] * (thread + 1 - len(table)))
        table[thread] = cpu
    return 0, table


def statistics(mmu, config_handle, trace, fmt, check_stale):
    """The statistics of an mmu as the dict `mmusim --json replay` prints (same keys, same order)."""
    s = _lib.Stats()
    lib.mmusim_mmu_stats(mmu, ctypes.byref(s))
    total = sum(s.accesses)
    tlbs = {}
    for i in range(lib.mmusim_config_nr_tlbs(config_handle)):
        c = _lib.CacheStats()
        if lib.mmusim_mmu_cache_stats(mmu, False, i, ctypes.byref(c)) == 0:
            tlbs[c.name.decode()] = {"hits": c.hits, "misses": c.misses, "evictions": c.evictions,
                                     "hits_by_page_size": _by_size(c.hits_by_page_shift)}
            if lib.mmusim_config_tlb_prefetches(config_handle, i) or c.prefetches or c.prefetch_useless:
                tlbs[c.name.decode()]["prefetch"] = {"issued": c.prefetches, "useful": c.prefetch_useful,
                                                     "useless": c.prefetch_useless}
    pwcs = {}
    for i in range(lib.mmusim_config_nr_pwcs(config_handle)):
        c = _lib.CacheStats()
        if lib.mmusim_mmu_cache_stats(mmu, True, i, ctypes.byref(c)) == 0:
            pwcs[str(c.level)] = {"hits": c.hits, "misses": c.misses}
    walks_by_size = _by_size(s.walks_by_page_shift)
    walks_by_size["fault"] = s.walks - sum(s.walks_by_page_shift)
    out = {"trace": trace, "format": fmt, "config": lib.mmusim_config_name(config_handle).decode(),
           "accesses": {"total": total, "read": s.accesses[0], "write": s.accesses[1], "exec": s.accesses[2]},
           "tlb": tlbs, "pwc": pwcs, "walks": s.walks, "walks_by_page_size": walks_by_size,
           "pte_reads": s.pte_reads, "pte_reads_per_walk": _ratio(s.pte_reads, s.walks),
           "faults": {FAULT_KINDS[k]: s.faults[k] for k in range(1, _lib.FAULT_KIND_COUNT)},
           "demand_paged": s.demand_paged, "shootdowns": s.shootdowns, "dirty_rewalks": s.dirty_rewalks}
    if check_stale:
        out["stale_hits"] = s.stale_hits
    if s.prefetch_walks or any("prefetch" in t for t in tlbs.values()):
        out["tlb_prefetch"] = {"walks": s.prefetch_walks, "pte_reads": s.prefetch_pte_reads}
    out["page_table"] = {"nodes": s.page_table_nodes, "bytes": s.page_table_bytes}
    out["cycles"] = s.cycles
    out["cycles_per_access"] = _ratio(s.cycles, total)
    cpus = _cpus(mmu, config_handle)
    if len(cpus) > 1:  # a single-CPU report has no per-CPU part
        out["cpus"] = cpus
    n = _lib.NestedStats()
    if lib.mmusim_mmu_nested_stats(mmu, ctypes.byref(n)) == 0:
        out["nested"] = _nested(n)
    p = _lib.PagingStats()
    if lib.mmusim_mmu_paging_stats(mmu, ctypes.byref(p)):
        out["paging"] = {k: getattr(p, k) for k, _ in _lib.PagingStats._fields_}
    d = _lib.DataCacheStats()
    if lib.mmusim_mmu_data_cache_stats(mmu, ctypes.byref(d)):
        out["caches"] = _data_caches(d)
    requested, left = _warmup_state(mmu)
    if requested:
        out["warmup"] = {"accesses": requested, "ended": not left}
    return out


def _warmup_state(mmu):
    """(accesses the warm-up asked for or 0, those the trace did not have: 0 once it ended)."""
    requested, left = ctypes.c_uint64(), ctypes.c_uint64()
    lib.mmusim_mmu_warmup_state(mmu, ctypes.byref(requested), ctypes.byref(left))
    return requested.value, left.value


def _warmup_note(mmu, trace, total, config=None):
    """The note `mmusim replay --warmup` prints on stderr, or None: the warm-up never ended (nothing
    was reset) or took the whole trace (nothing after it)."""
    requested, left = _warmup_state(mmu)
    if not requested or (not left and total):
        return None
    where = f"{os.fsdecode(trace)}: " + (f"{config}: " if config else "")
    if left:
        return (f"{where}the warm-up (warmup={requested}) never ended: the trace has only {requested - left} "
                "accesses, so nothing was reset and these statistics include the warm-up")
    return f"{where}the warm-up (warmup={requested}) took the whole trace: no access is left after it, " \
           "these statistics are empty"


_WHERE = ("l1d", "l2", "llc", "memory")


def _data_caches(d):
    """The "caches" object of `mmusim --json replay` (a config with a caches: block)."""
    out = {"line": d.line, "memory_latency": d.memory_latency}
    for c in d.cache:
        if c.present:
            out[c.name.decode()] = {"sets": c.sets, "ways": c.ways, "latency": c.latency, "hits": c.hits,
                                    "misses": c.misses, "evictions": c.evictions}
    out["pte_found"] = {str(level): dict(zip(_WHERE, d.pte_found[level]))
                        for level in range(_lib.MAX_LEVELS, 0, -1) if sum(d.pte_found[level])}
    stage2 = {str(level): dict(zip(_WHERE, d.stage2_found[level]))
              for level in range(_lib.MAX_LEVELS, 0, -1) if sum(d.stage2_found[level])}
    if stage2:  # a VM's 2-D walks read stage-2 entries
        out["stage2_found"] = stage2
    out["pte_cycles"] = d.pte_cycles
    if d.data:
        out["data"] = dict(zip(_WHERE, d.data_found), cycles=d.data_cycles)
    return out


def _page_size(text):
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    given, text = text, str(text).strip()
    try:
        if text and text[-1].upper() in units:
            return int(text[:-1], 0) * units[text[-1].upper()]
        return int(text, 0)
    except ValueError:
        raise error_from(1, f"demand_paging {given!r}: expected True, False or a page size such as 4096 or '2M'") \
            from None


def _trace_format(name):
    """A trace format's enum value; mmusim_trace_format_parse says only that it failed."""
    fmt = ctypes.c_int()
    if lib.mmusim_trace_format_parse(_c_string("format", name), ctypes.byref(fmt)) != 0:
        names = []
        while lib.mmusim_trace_format_name(len(names)) != b"unknown":
            names.append(lib.mmusim_trace_format_name(len(names)).decode())
        raise error_from(1, f"bad format '{name}' (expected {', '.join(names[:-1])} or {names[-1]})")
    return fmt.value


_SERVED = ("l1", "l2", "walk", "none")
_REWALK = (None, "dirty", "refused")
_ACCESS_NAMES = {v: k for k, v in ACCESSES.items()}


def _access_record(d):
    """A mmusim_access_detail as the dict of a `mmusim replay --log` line."""
    return {"i": d.index, "cpu": d.cpu, "vm": d.vmid, "asid": d.asid, "priv": ("user", "supervisor")[d.priv],
            "va": d.va, "access": _ACCESS_NAMES[d.access], "served": _SERVED[d.served],
            "tlb": d.tlb_name.decode() if d.tlb_name else None, "rewalk": _REWALK[d.rewalk],
            "pwc": [{"level": d.pwc[i].level, "hit": d.pwc[i].hit} for i in range(d.nr_pwc)],
            "ptes": [{"level": d.pte[i].level, "addr": d.pte[i].addr, "from": d.pte[i].from_.decode()}
                     for i in range(d.nr_ptes)],
            "walks": d.walks, "pte_reads": d.pte_reads, "cycles": d.cycles,
            "set_a": d.set_accessed, "set_d": d.set_dirty,
            "pa": d.pa if d.ok else None, "page_size": d.page_size if d.ok else None,
            "fault": None if d.ok else FAULT_KINDS[d.fault_kind], "paged_in": d.paged_in}


class Replay:
    """A machine with its TLB model, fed events step by step; statistics readable at any time.

    ``config``: preset name or YAML path.  ``demand_paging``: True (base pages), False, or a page
    size (2 << 20, "2M").  ``no_auto_flush``, ``check_stale``, ``warmup`` as the CLI's options;
    the OS layer as replay's: ``resident_pages``, ``replacement`` ("fifo", "lru", "clock",
    "opt", "random"), ``seed``, ``clock_flush`` (None: the config's os: block decides, else
    True or False wins over it; ``opt`` needs the trace: replay_trace reads it ahead).
    ``threads_to_cpus``: the CPU each ``thread N`` of a trace runs on, as the CLI's
    --threads-to-cpus: None or "one-each" (thread N on CPU N), "round-robin:K" (CPU N mod K),
    or a dict {thread: cpu} (a FILE's 'THREAD CPU' lines; threads not in it on their own CPU).
    The page tables are ``self.machine`` (map before feeding, or let demand paging fill them).
    Owns C memory: use it as a context manager or call close().
    """

    def __init__(self, config="x86_64", demand_paging=True, no_auto_flush=False, check_stale=False, warmup=0,
                 resident_pages=0, replacement=None, seed=None, clock_flush=None, threads_to_cpus=None):
        self.machine = None
        threads = _threads_to_cpus(threads_to_cpus)
        for name, value in (("warmup", warmup), ("resident_pages", resident_pages), ("seed", seed)):
            if value is not None or name != "seed":
                _unsigned(name, value)
        # None: the config's os: block decides; 0 is the generator's 1, given as 1 so that it wins over it.
        seed = 0 if seed is None else seed or 1
        self.machine = Machine(config)
        self.check_stale = check_stale
        self._mmu = None
        page = self.machine.page_size
        size = 0 if demand_paging is False else page if demand_paging is True else _page_size(demand_paging)
        cfg = lib.mmusim_machine_config(self.machine.handle)
        if size and size not in [lib.mmusim_config_leaf_size(cfg, lv)
                                 for lv in range(1, lib.mmusim_config_levels(cfg) + 1)]:
            name = lib.mmusim_config_name(cfg).decode()
            self.machine.close()
            raise error_from(1, f"--demand-paging size {size} is not a page size of {name}")
        opt = _lib.MmuOptions(demand_page_size=size, no_auto_flush=no_auto_flush, check_stale=check_stale,
                              resident_pages=resident_pages,
                              replacement=_c_string("replacement", replacement) if replacement else None, seed=seed,
                              no_clock_flush=clock_flush is False, clock_flush=clock_flush is True)
        mmu = ctypes.c_void_p()
        err = _lib.Error_()
        try:
            check(lib.mmusim_mmu_create(self.machine.handle, ctypes.byref(opt), ctypes.byref(mmu),
                                        ctypes.byref(err)), err)
        except Error:
            self.machine.close()
            raise
        self._mmu = mmu
        # The mmu borrows the machine: closing r.machine on its own closes the mmu first
        # (it freed the machine under the mmu, and the next feed crashed).
        self.machine._before_close = weakref.WeakMethod(self._close_mmu)
        lib.mmusim_mmu_warmup(mmu, warmup)
        if threads is not None:
            round_robin, table = threads
            cpu_of = (ctypes.c_uint16 * max(1, len(table)))(*table)
            try:
                check(lib.mmusim_mmu_set_threads_to_cpus(mmu, round_robin, cpu_of, len(table), ctypes.byref(err)),
                      err)
            except Error:
                self.close()
                raise

    def _close_mmu(self):
        if getattr(self, "_running", False):
            # Called back from the C call that runs the model: freeing it there crashes on return.
            raise Error("cannot close the replay from its access log (the feed or replay_trace that calls it "
                        "is running)")
        if self._mmu is not None:
            lib.mmusim_mmu_destroy(self._mmu)
            self._mmu = None

    @_locked
    def close(self):
        """Frees the TLB model and the machine (idempotent)."""
        self._close_mmu()
        self.machine.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        if getattr(self, "machine", None) is not None:
            self.close()

    __reduce_ex__ = Machine.__reduce_ex__

    def __repr__(self):
        config = getattr(self.machine, "config", "?")
        return f"<mmusim.Replay {config}{' (closed)' if getattr(self, '_mmu', None) is None else ''}>"

    @property
    def _lock(self):
        return self.machine._lock  # the mmu works on the machine: one lock for both

    @property
    def mmu(self):
        """The C mmusim_mmu pointer (a ctypes c_void_p); Error once the replay is closed."""
        if self._mmu is None:
            raise Error("the replay is closed")
        return self._mmu

    @_locked
    def feed(self, addresses, kinds=None):
        """Replays one access per element of ``addresses`` (numpy uint64) in one C call.

        ``kinds``: None (all reads), one of 'r' 'w' 'x', or an array of 0 (read), 1 (write),
        2 (exec).  Returns (pa, fault kind) arrays as Machine.translate_many does.
        """
        import numpy as np
        vas = _address_array(addresses)
        if kinds is None or isinstance(kinds, str):
            acc = np.full(vas.shape, _access(kinds or "r"), dtype=np.uint8)
        else:
            k = np.asarray(kinds)
            # uint8 would wrap 256 into 0 (a read): what the cast would change is refused before it
            # (3..255 reach the C library, which names the access).
            if k.size and k.dtype.kind not in "iu":
                raise error_from(1, f"access kinds of dtype {k.dtype} are not integers (expected 0 read, 1 write "
                                    "or 2 exec)")
            if k.size and (k.min() < 0 or k.max() > 255):
                bad = k.min() if k.min() < 0 else k.max()
                raise error_from(1, f"bad access kind {int(bad)} (expected 0 read, 1 write or 2 exec)")
            acc = np.ascontiguousarray(k, dtype=np.uint8)
            if acc.shape != vas.shape:
                raise error_from(1, f"kinds has shape {acc.shape}, addresses {vas.shape}")
        pa = np.empty(vas.shape, dtype=np.uint64)
        fault = np.empty(vas.shape, dtype=np.uint8)
        done = ctypes.c_size_t()
        err = _lib.Error_()
        with self._run("feed"):
            rc = lib.mmusim_mmu_translate_many(self.mmu, vas.ctypes.data, acc.ctypes.data, vas.size,
                                               pa.ctypes.data, fault.ctypes.data, ctypes.byref(done),
                                               ctypes.byref(err))
        self._raise_from_log()
        check(rc, err)
        return pa, fault

    @contextlib.contextmanager
    def _run(self, what):
        """Marks a C call that may call the access log back: the model is not re-entrant."""
        if getattr(self, "_running", False):
            raise Error(f"cannot {what} the replay from its access log (the feed or replay_trace that calls it "
                        "is running)")
        self._running = True
        try:
            yield
        finally:
            self._running = False

    def _raise_from_log(self):
        raised = getattr(self, "_log_raised", None)
        if raised:
            e = raised.pop()
            raise e

    def _read_future(self, path, fmt):
        """opt: the whole future first, from a reading of its own (nothing for other policies)."""
        if not lib.mmusim_mmu_needs_future(self.mmu):
            return
        # The replay opens it again: a FIFO would then wait for a writer for ever.
        try:
            regular = stat.S_ISREG(os.stat(path).st_mode)
        except (OSError, TypeError, ValueError):
            regular = True  # mmusim_trace_open names what is wrong with it
        if not regular:
            raise error_from(1, f"replacement opt reads the whole trace before the replay: {path} is a pipe or a "
                                "device, which can be read once: give a regular file")
        err = _lib.Error_()
        t = ctypes.c_void_p()
        check(lib.mmusim_trace_open(_c_string("trace", path, path=True), fmt, ctypes.byref(t), ctypes.byref(err)), err)
        try:
            rc = lib.mmusim_mmu_read_future(self.mmu, t, ctypes.byref(err))
        finally:
            lib.mmusim_trace_close(t)
        check(rc, err)

    @_locked
    def replay_trace(self, path, format="auto"):
        """Streams a trace file through the model (any format the CLI reads)."""
        fmt = _trace_format(format)
        err = _lib.Error_()
        t = ctypes.c_void_p()
        self._read_future(path, fmt)
        check(lib.mmusim_trace_open(_c_string("trace", path, path=True), fmt, ctypes.byref(t), ctypes.byref(err)), err)
        try:
            self._format = lib.mmusim_trace_format_name(lib.mmusim_trace_format(t)).decode()
            self._trace = os.fsdecode(path)
            with self._run("replay a trace through"):
                rc = lib.mmusim_mmu_replay(self.mmu, t, ctypes.byref(err))
        finally:
            lib.mmusim_trace_close(t)
        self._raise_from_log()
        check(rc, err)

    @_locked
    def access_log(self, fn):
        """Calls fn(record) after every translation from now on (None stops): a dict with the
        keys of a `mmusim replay --log` line, "i" ... "paged_in" (absent ones None / False).
        An exception fn raises stops the calls; the feed or replay_trace that ran it raises it
        once its C call has returned (the accesses it was given are all counted)."""
        if fn is None:
            lib.mmusim_mmu_set_access_log(self.mmu, _lib.ACCESS_LOG_FN(), None)
            self._log_cb = None
            return
        # ctypes can only print an exception raised inside a callback and go on: it is kept
        # here (not on self: no reference cycle through the callback) and raised after the call.
        raised = self._log_raised = []

        def forward(_arg, p):
            if raised:
                return
            try:
                fn(_access_record(p.contents))
            except BaseException as e:
                raised.append(e)
        self._log_cb = _lib.ACCESS_LOG_FN(forward)  # kept: the library holds only the pointer
        lib.mmusim_mmu_set_access_log(self.mmu, self._log_cb, None)

    @_locked
    def reset_stats(self):
        """Zeroes the statistics; the TLBs and caches stay warm."""
        lib.mmusim_mmu_stats_reset(self.mmu)

    @_locked
    def stats(self, trace=None, format=None):
        """The statistics so far, as the dict `mmusim --json replay` prints.  ``trace`` and
        ``format`` name the input: by default the last replay_trace's, else "<numpy>", "numpy"."""
        return statistics(self.mmu, lib.mmusim_machine_config(self.machine.handle),
                          trace if trace is not None else getattr(self, "_trace", "<numpy>"),
                          format if format is not None else getattr(self, "_format", "numpy"), self.check_stale)


def replay(trace, config="x86_64", demand_paging=True, format="auto", **options):
    """Replays a trace file: the dict `mmusim --config CONFIG --json replay [--demand-paging] TRACE` prints.

    options: no_auto_flush, check_stale, warmup (as the CLI's --no-auto-flush, --check-stale,
    --warmup N), resident_pages, replacement, seed, clock_flush (--resident-pages N,
    --replacement P, --seed S, --no-clock-flush), threads_to_cpus (--threads-to-cpus).  A malformed trace raises Error; its ``stats`` holds the statistics so far.
    A warm-up that never ended (a shorter trace: nothing was reset) or took the whole trace warns
    (mmusim.WarmupWarning, the CLI's note); the dict's "warmup" says {"accesses": N, "ended": bool}.
    """
    with Replay(config, demand_paging, **options) as r:
        try:
            r.replay_trace(trace, format)
        except Error as e:
            e.stats = r.stats(os.fsdecode(trace))
            raise
        stats = r.stats(os.fsdecode(trace))
        note = _warmup_note(r.mmu, trace, stats["accesses"]["total"])
        if note:
            warnings.warn(note, WarmupWarning, stacklevel=2)
        return stats


def sweep(configs, trace, demand_paging=True, format="auto", threads=None, **options):
    """replay() of one trace on every config: a list of dicts, in the order of configs.

    The trace is read and decoded once, each batch of events going to every machine, on
    ``threads`` threads (default: one per config, at most the CPUs); each dict is what
    replay() gives for its config.  A malformed trace raises Error with ``stats``, the list
    of the statistics so far.
    """
    if isinstance(configs, (str, bytes, os.PathLike)):
        raise TypeError(f"sweep takes a list of configs, not one: {configs!r} (replay() takes one)")
    configs = list(configs)
    if threads is None:
        threads = min(len(configs), os.cpu_count() or 1, 256)
    threads = _unsigned("threads", threads, 32)  # ctypes would wrap 2**32 + 1 into 1
    replays = []
    t = ctypes.c_void_p()
    err = _lib.Error_()
    try:
        for c in configs:
            replays.append(Replay(c, demand_paging, **options))
        if not replays:
            return []
        fmt = _trace_format(format)
        for r in replays:
            r._read_future(trace, fmt)
        check(lib.mmusim_trace_open(_c_string("trace", trace, path=True), fmt, ctypes.byref(t), ctypes.byref(err)), err)
        name = lib.mmusim_trace_format_name(lib.mmusim_trace_format(t)).decode()
        for r in replays:
            r._format = name
        mmus = (ctypes.c_void_p * len(replays))(*[r.mmu for r in replays])
        mmu_errs = (_lib.Error_ * len(replays))()
        rc = lib.mmusim_mmu_replay_many(ctypes.cast(mmus, ctypes.c_void_p), len(replays), t, max(1, threads),
                                        mmu_errs, ctypes.byref(err))
        stats = [r.stats(os.fsdecode(trace)) for r in replays]
        failed = err if rc != 0 else next((e for e in mmu_errs if e.code != 0), None)
        if failed is not None:
            e = error_from(failed.code if failed.code > 0 else 1, failed.message.decode("utf-8", "replace"))
            e.stats = stats
            raise e
        # Once for the trace when every config agrees (as `mmusim sweep`), else per config.
        states = [(_warmup_state(r.mmu), s["accesses"]["total"]) for r, s in zip(replays, stats)]
        named = len(set(states)) > 1
        for r, s in zip(replays, stats):
            note = _warmup_note(r.mmu, trace, s["accesses"]["total"], s["config"] if named else None)
            if note:
                warnings.warn(note, WarmupWarning, stacklevel=2)
            if not named:
                break
        return stats
    finally:
        lib.mmusim_trace_close(t)
        for r in replays:
            r.close()
