"""The ctypes view of libmmusim: struct layouts and prototypes of include/mmusim.h.

Only this module knows the C API; the rest of the package speaks Python.  The
library is the one shipped inside the package (setup.py copies it here), or the
one MMUSIM_LIBRARY names (a build tree, for tests).
"""
import ctypes
import glob
import os
from ctypes import (POINTER, Structure, c_bool, c_char, c_char_p, c_int, c_size_t, c_uint, c_uint32,
                    c_uint64, c_void_p)

MAX_LEVELS = 5
FAULT_KIND_COUNT = 9
ERROR_MESSAGE_SIZE = 1024


class Error_(Structure):
    _fields_ = [("code", c_int), ("message", c_char * ERROR_MESSAGE_SIZE)]


class Request(Structure):
    _fields_ = [("va", c_uint64), ("access", c_int), ("priv", c_int), ("smap_ac", c_bool),
                ("no_ad_update", c_bool)]


class WalkStep(Structure):
    _fields_ = [("level", c_uint), ("table", c_uint64), ("index", c_uint), ("pte_addr", c_uint64),
                ("pte", c_uint64)]


class Translation(Structure):
    _fields_ = [("ok", c_bool), ("fault_stage2", c_bool), ("pa", c_uint64), ("level", c_uint), ("page_size", c_uint64),
                ("perms", c_uint), ("leaf_pte", c_uint64), ("fault_kind", c_int), ("fault_level", c_uint),
                ("fault_code", c_uint64), ("fault_reason", c_int), ("refused_level", c_uint),
                ("refused_pte_addr", c_uint64), ("nr_steps", c_uint), ("steps", WalkStep * MAX_LEVELS)]


class Mapping(Structure):
    _fields_ = [("va", c_uint64), ("pa", c_uint64), ("size", c_uint64), ("level", c_uint), ("pte", c_uint64),
                ("flags", c_uint32), ("cache", c_int), ("perms", c_uint)]


class MmuOptions(Structure):
    _fields_ = [("demand_page_size", c_uint64), ("no_auto_flush", c_bool), ("check_stale", c_bool),
                ("interval", c_uint64), ("interval_csv", c_void_p),
                ("resident_pages", c_uint64), ("replacement", c_char_p), ("seed", c_uint64),
                ("no_clock_flush", c_bool), ("clock_flush", c_bool)]


class PagingStats(Structure):
    _fields_ = [("page_faults", c_uint64), ("major_faults", c_uint64), ("evictions", c_uint64),
                ("swap_ins", c_uint64), ("swap_outs", c_uint64), ("cow_copies", c_uint64), ("segfaults", c_uint64)]


class DataCache(Structure):
    _fields_ = [("name", c_char_p), ("present", c_bool), ("sets", c_uint), ("ways", c_uint),
                ("latency", c_uint), ("hits", c_uint64), ("misses", c_uint64), ("evictions", c_uint64)]


DATA_CACHES, DATA_WHERE = 3, 4


class DataCacheStats(Structure):
    _fields_ = [("cache", DataCache * DATA_CACHES), ("line", c_uint), ("memory_latency", c_uint),
                ("pte_found", (c_uint64 * DATA_WHERE) * (MAX_LEVELS + 1)), ("pte_cycles", c_uint64),
                ("data", c_bool), ("data_found", c_uint64 * DATA_WHERE), ("data_cycles", c_uint64),
                ("stage2_found", (c_uint64 * DATA_WHERE) * (MAX_LEVELS + 1))]


class Stats(Structure):
    _fields_ = [("accesses", c_uint64 * 3), ("walks", c_uint64), ("walks_by_page_shift", c_uint64 * 64),
                ("pte_reads", c_uint64), ("faults", c_uint64 * FAULT_KIND_COUNT), ("demand_paged", c_uint64),
                ("shootdowns", c_uint64), ("stale_hits", c_uint64), ("dirty_rewalks", c_uint64),
                ("cycles", c_uint64), ("page_table_nodes", c_uint64), ("page_table_bytes", c_uint64),
                ("prefetch_walks", c_uint64), ("prefetch_pte_reads", c_uint64)]


class CacheStats(Structure):
    _fields_ = [("name", c_char_p), ("level", c_uint), ("entries", c_uint), ("ways", c_uint), ("hits", c_uint64),
                ("misses", c_uint64), ("evictions", c_uint64), ("hits_by_page_shift", c_uint64 * 64),
                ("prefetches", c_uint64), ("prefetch_useful", c_uint64), ("prefetch_useless", c_uint64)]


class NestedStats(Structure):
    _fields_ = [("guest_levels", c_uint), ("host_levels", c_uint), ("walks", c_uint64), ("guest_reads", c_uint64),
                ("host_reads", c_uint64), ("reads", (c_uint64 * (MAX_LEVELS + 1)) * (MAX_LEVELS + 1)),
                ("guest_faults", c_uint64), ("host_faults", c_uint64), ("host_demand_paged", c_uint64),
                ("has_tlb", c_bool), ("tlb_hits", c_uint64), ("tlb_misses", c_uint64), ("nr_pwc", c_uint),
                ("pwc_level", c_uint * MAX_LEVELS), ("pwc_hits", c_uint64 * MAX_LEVELS),
                ("pwc_misses", c_uint64 * MAX_LEVELS), ("vms", c_uint)]


MAPPING_FN = ctypes.CFUNCTYPE(c_int, c_void_p, POINTER(Mapping))


class PwcProbe(Structure):
    _fields_ = [("level", c_uint), ("hit", c_bool)]


class PteRead(Structure):
    _fields_ = [("level", c_uint), ("addr", c_uint64), ("from_", c_char_p)]


class AccessDetail(Structure):
    """mmusim_access_detail: one translation's record (mmusim_mmu_set_access_log)."""
    _fields_ = [("index", c_uint64), ("cpu", c_uint), ("vmid", c_uint), ("asid", c_uint), ("priv", c_int),
                ("va", c_uint64), ("access", c_int), ("served", c_int), ("tlb", c_int), ("tlb_name", c_char_p),
                ("rewalk", c_int), ("nr_pwc", c_uint), ("pwc", PwcProbe * MAX_LEVELS),
                ("nr_ptes", c_uint), ("pte", PteRead * MAX_LEVELS),
                ("walks", c_uint64), ("pte_reads", c_uint64), ("cycles", c_uint64),
                ("set_accessed", c_bool), ("set_dirty", c_bool), ("ok", c_bool),
                ("pa", c_uint64), ("page_size", c_uint64), ("fault_kind", c_int), ("paged_in", c_bool)]


ACCESS_LOG_FN = ctypes.CFUNCTYPE(None, c_void_p, POINTER(AccessDetail))
P = c_void_p
E = POINTER(Error_)

# name: (restype, argtypes)
_PROTOTYPES = {
    "mmusim_version": (c_char_p, []),
    "mmusim_config_load": (c_int, [c_char_p, POINTER(P), E]),
    "mmusim_preset_yaml": (c_char_p, [c_char_p]),
    "mmusim_config_parse": (c_int, [c_char_p, c_size_t, c_char_p, POINTER(P), E]),
    "mmusim_config_free": (None, [P]),
    "mmusim_config_name": (c_char_p, [P]),
    "mmusim_config_nr_tlbs": (c_uint, [P]),
    "mmusim_config_nr_pwcs": (c_uint, [P]),
    "mmusim_config_tlb_prefetches": (c_bool, [P, c_uint]),
    "mmusim_config_page_size": (c_uint64, [P]),
    "mmusim_config_leaf_size": (c_uint64, [P, c_uint]),
    "mmusim_config_levels": (c_uint, [P]),
    "mmusim_machine_create": (c_int, [P, POINTER(P), E]),
    "mmusim_machine_destroy": (None, [P]),
    "mmusim_machine_config": (P, [P]),
    "mmusim_machine_last_error": (c_char_p, [P]),
    "mmusim_parse_flags": (c_int, [c_char_p, POINTER(c_uint32), E]),
    "mmusim_map": (c_int, [P, c_uint64, c_uint64, c_uint64, c_uint32, c_int, E]),
    "mmusim_unmap": (c_int, [P, c_uint64, c_uint64, E]),
    "mmusim_protect": (c_int, [P, c_uint64, c_uint64, c_uint32, c_int, E]),
    "mmusim_for_each_mapping": (c_int, [P, MAPPING_FN, P]),
    "mmusim_translate": (c_int, [P, POINTER(Request), POINTER(Translation)]),
    "mmusim_translate_many": (c_int, [P, POINTER(Request), P, c_size_t, P, P]),
    "mmusim_dump_elf": (c_int, [P, c_char_p, E]),
    "mmusim_fault_kind_name": (c_char_p, [c_int]),
    "mmusim_fault_reason_describe": (None, [P, c_uint64, POINTER(Translation), c_char_p, c_size_t]),
    "mmusim_perms_string": (None, [c_uint, c_char_p]),
    "mmusim_trace_open": (c_int, [c_char_p, c_int, POINTER(P), E]),
    "mmusim_trace_format_parse": (c_int, [c_char_p, POINTER(c_int)]),
    "mmusim_trace_format": (c_int, [P]),
    "mmusim_trace_format_name": (c_char_p, [c_int]),
    "mmusim_trace_close": (None, [P]),
    "mmusim_mmu_create": (c_int, [P, POINTER(MmuOptions), POINTER(P), E]),
    "mmusim_mmu_destroy": (None, [P]),
    "mmusim_mmu_warmup": (None, [P, c_uint64]),
    "mmusim_mmu_warmup_state": (None, [P, POINTER(c_uint64), POINTER(c_uint64)]),
    "mmusim_mmu_set_threads_to_cpus": (c_int, [P, c_uint, P, c_size_t, E]),
    "mmusim_mmu_replay": (c_int, [P, P, E]),
    "mmusim_mmu_translate_many": (c_int, [P, P, P, c_size_t, P, P, POINTER(c_size_t), E]),
    "mmusim_mmu_stats": (None, [P, POINTER(Stats)]),
    "mmusim_mmu_stats_reset": (None, [P]),
    "mmusim_mmu_cache_stats": (c_int, [P, c_bool, c_uint, POINTER(CacheStats)]),
    "mmusim_mmu_nr_cpus": (c_uint, [P]),
    "mmusim_mmu_cpu_stats": (c_int, [P, c_uint, POINTER(Stats)]),
    "mmusim_mmu_cpu_cache_stats": (c_int, [P, c_uint, c_bool, c_uint, POINTER(CacheStats)]),
    "mmusim_mmu_nested_stats": (c_int, [P, POINTER(NestedStats)]),
    "mmusim_mmu_replay_many": (c_int, [P, c_size_t, P, c_uint, E, E]),
    "mmusim_mmu_paging_stats": (c_bool, [P, POINTER(PagingStats)]),
    "mmusim_mmu_data_cache_stats": (c_bool, [P, POINTER(DataCacheStats)]),
    "mmusim_mmu_read_future": (c_int, [P, P, E]),
    "mmusim_mmu_needs_future": (c_bool, [P]),
    "mmusim_mmu_set_access_log": (None, [P, ACCESS_LOG_FN, P]),
}


def _find_library():
    explicit = os.environ.get("MMUSIM_LIBRARY")
    if explicit:
        return explicit
    here = os.path.dirname(os.path.abspath(__file__))
    shipped = sorted(glob.glob(os.path.join(here, "libmmusim.so*")))
    if shipped:
        return shipped[0]
    return "libmmusim.so.0.2"  # an installed libmmusim, found by the dynamic loader


def _load():
    # CDLL (not PyDLL): ctypes releases the GIL for the duration of every call.
    lib = ctypes.CDLL(_find_library())
    for name, (res, args) in _PROTOTYPES.items():
        fn = getattr(lib, name)
        fn.restype = res
        fn.argtypes = args
    return lib


lib = _load()
