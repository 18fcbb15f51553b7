"""Machine: one simulated machine — physical memory, page tables and the hardware walk."""
import ctypes
import functools
import numbers
import operator
import os
import shutil
import subprocess
import tempfile
import threading
from collections import namedtuple

from . import _lib
from ._lib import lib
from .errors import Error, FileError, InvalidError, RangeError, check, error_from

ACCESSES = {"r": 0, "w": 1, "x": 2}
# enum mmusim_prop: map's and protect's flags as bits (or as the letters "rwxugad").
PROP_R, PROP_W, PROP_X, PROP_U, PROP_G, PROP_A, PROP_D, PROP_AVAIL1, PROP_AVAIL2 = (1 << i for i in range(9))
CACHES = {"wb": 0, "wt": 1, "uc": 2, "wc": 3, "wp": 4}
CACHE_NAMES = {v: k for k, v in CACHES.items()}

Fault = namedtuple("Fault", "kind level code")
Fault.__doc__ = "A page fault: kind ('not-present', 'permission', ...), the level that faulted, the arch's code."
WalkStep = namedtuple("WalkStep", "level table index pte_addr pte")
WalkStep.__doc__ = "One PTE the walk read: its level, the node's PA, the index, the PTE's address and value."
Mapping = namedtuple("Mapping", "va pa size level pte flags cache perms")
Mapping.__doc__ = "One leaf: VA, PA, page size, level, raw PTE, flag letters, cache policy, effective perms."


class Translation:
    """The outcome of one walk: ``pa`` (None on a fault), ``fault`` (None on success), ``steps``;
    ``fault_stage2``: on a VM's fault, True when stage 2 refused (``fault.code`` is then the
    hypervisor's: ESR_EL2, the EPT exit qualification, EXITINFO1, scause), None on success;
    ``reason``: on a fault, why, in the words `mmusim translate` prints ("the PDPTE is not
    present (P/V bit clear)"), None on success."""

    __slots__ = ("va", "pa", "level", "page_size", "perms", "fault", "fault_stage2", "reason", "steps")

    def __init__(self, va, t, reason=None):
        self.va = va
        self.reason = reason
        self.steps = [WalkStep(s.level, s.table, s.index, s.pte_addr, s.pte) for s in t.steps[:t.nr_steps]]
        if t.ok:
            self.pa, self.level, self.page_size = t.pa, t.level, t.page_size
            self.perms = perms_string(t.perms)
            self.fault = self.fault_stage2 = None
        else:
            self.pa = self.level = self.page_size = self.perms = None
            self.fault = Fault(fault_kind_name(t.fault_kind), t.fault_level, t.fault_code)
            self.fault_stage2 = bool(t.fault_stage2)

    def __repr__(self):
        if self.fault:
            stage = "stage-2 " if self.fault_stage2 else ""
            return f"<Translation {self.va:#x}: {stage}fault {self.fault.kind} level {self.fault.level} code {self.fault.code:#x}>"
        return f"<Translation {self.va:#x} -> {self.pa:#x} ({self.page_size} bytes, {self.perms})>"


def fault_kind_name(kind):
    """'none', 'non-canonical', 'not-present', ... for an enum mmusim_fault_kind value."""
    return lib.mmusim_fault_kind_name(int(kind)).decode()


def perms_string(perms):
    buf = ctypes.create_string_buffer(6)
    lib.mmusim_perms_string(perms, buf)
    return buf.value.decode()


def _unsigned(name, value, bits=64):
    """value as a C uint64_t (uint32_t): ctypes would wrap -1 or 2**64 + x into another number silently."""
    value = operator.index(value)
    if not 0 <= value < 1 << bits:
        raise RangeError(f"{name} {value:#x} does not fit in {bits} bits (0 to 2**{bits} - 1)")
    return value


def _address_array(values):
    """values as a C array of uint64_t: a negative or fractional address is refused, not cast into another one."""
    import numpy as np
    a = np.asarray(values)
    if a.dtype.kind not in "iuO" and a.size:
        raise RangeError(f"addresses of dtype {a.dtype} are not integers (expected uint64)")
    if a.dtype.kind == "O":  # each element its own Python object: each must be an integer
        for v in a.flat:
            if not isinstance(v, numbers.Integral) or isinstance(v, bool):
                raise RangeError(f"address {v!r} is not an integer")
    if a.dtype.kind in "iO" and a.size:
        for v in (a.min(), a.max()):
            _unsigned("address", int(v))
        a = a.astype(np.uint64)
    return np.ascontiguousarray(a, dtype=np.uint64)


def _c_string(name, value, path=False):
    """value as the bytes of a C string: one with a NUL byte would end there, and name another
    file or preset (Python's open() refuses it too)."""
    data = os.fsencode(value) if path else str(value).encode()
    if b"\0" in data:
        raise InvalidError(f"{name} {value!r} holds a NUL byte")
    return data


def _flags(flags):
    """Flag letters ('rwxu', as traces write them) or MMUSIM_PROP_* bits -> bits."""
    if isinstance(flags, int):
        return _unsigned("flags", flags, 32)
    out = ctypes.c_uint32()
    err = _lib.Error_()
    check(lib.mmusim_parse_flags(_c_string("flags", flags), ctypes.byref(out), ctypes.byref(err)), err)
    return out.value


def _cache(cache):
    if cache not in CACHES:
        raise InvalidError(f"bad cache policy {cache!r} (expected one of {', '.join(CACHES)})")
    return CACHES[cache]


def _access(access):
    if access not in ACCESSES:
        raise InvalidError(f"bad access {access!r} (expected 'r', 'w' or 'x')")
    return ACCESSES[access]


def _locked(method):
    """Runs method holding the object's lock.  ctypes releases the GIL in every C call, and a
    C object is for one thread at a time: two Python threads on one machine (or one closing it
    while another translates) would run the model at once.  Re-entrant: an access-log callback
    may call back into the object from the thread that holds it."""
    @functools.wraps(method)
    def run(self, *args, **kwargs):
        with self._lock:
            return method(self, *args, **kwargs)
    return run


def load_config(config):
    """A config handle for a preset name or a YAML path; the caller frees it."""
    cfg = ctypes.c_void_p()
    err = _lib.Error_()
    check(lib.mmusim_config_load(_c_string("config", config, path=True), ctypes.byref(cfg), ctypes.byref(err)), err)
    return cfg


def _config_and_text(path):
    """(config, text) of a YAML file read once: the config is made of exactly that text."""
    with open(path, "rb") as f:
        text = f.read()
    cfg = ctypes.c_void_p()
    err = _lib.Error_()
    check(lib.mmusim_config_parse(text, len(text), _c_string("config", path, path=True), ctypes.byref(cfg),
                                  ctypes.byref(err)), err)
    return cfg, text


# A relative MMUSIM_CLI (README: MMUSIM_CLI=build/mmusim) names the command from where the
# package was imported, as MMUSIM_LIBRARY did: an os.chdir since must not lose it.
try:
    _START_DIR = os.getcwd()
except OSError:  # imported from a removed directory: a relative name is then taken as it is
    _START_DIR = ""


def _cli():
    """The mmusim command shipped beside the library (or MMUSIM_CLI, or the one on PATH)."""
    shipped = os.path.join(os.path.dirname(os.path.abspath(__file__)), "mmusim")
    given = os.environ.get("MMUSIM_CLI")
    found = (given and os.path.join(_START_DIR, given)) or (shipped if os.access(shipped, os.X_OK) else shutil.which("mmusim"))
    if not found:
        raise Error("the mmusim command is not installed (explain runs its text renderer)")
    return found


class Machine:
    """A machine of ``config`` (a preset name such as "x86_64" or "sv39", or a YAML path).

    Owns C memory: use it as a context manager or call close(); a closed machine raises Error.
    """

    def __init__(self, config="x86_64"):
        self._lock = threading.RLock()
        if not isinstance(config, (str, bytes, os.PathLike)):
            raise TypeError(f"config must be a preset name or a path, not {type(config).__name__}")
        # A path's bytes as os.fsdecode gives them back (str(b"x86_64") would be "b'x86_64'").
        self.config = os.fsdecode(config) if isinstance(config, (bytes, os.PathLike)) else str(config)
        self._handle = None
        cfg = load_config(self.config)
        # explain() hands the config to the command: a YAML file as the text this machine was
        # made of, so that a later os.chdir, edit or removal does not explain it as another config.
        self._config_text = None
        self._config_file = None  # (st_dev, st_ino) of a YAML config: dump_elf does not write over it
        if not lib.mmusim_preset_yaml(_c_string("config", self.config, path=True)):
            # Loaded first for mmusim_config_load's refusals (no such file, a FIFO, too large).
            try:
                reloaded, self._config_text = _config_and_text(self.config)
                st = os.stat(self.config)
                self._config_file = (st.st_dev, st.st_ino)
            finally:
                lib.mmusim_config_free(cfg)
            cfg = reloaded
        try:
            m = ctypes.c_void_p()
            err = _lib.Error_()
            check(lib.mmusim_machine_create(cfg, ctypes.byref(m), ctypes.byref(err)), err)
            self._handle = m
        finally:
            lib.mmusim_config_free(cfg)

    @_locked
    def close(self):
        """Frees the machine (idempotent), and first the Replay model that borrows it, if any."""
        before = getattr(self, "_before_close", None)
        if before is not None and before() is not None:
            before()()
        if self._handle is not None:
            lib.mmusim_machine_destroy(self._handle)
            self._handle = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        if getattr(self, "_handle", None) is not None:
            self.close()

    def __repr__(self):
        return f"<mmusim.Machine {self.config}{' (closed)' if self._handle is None else ''}>"

    def __reduce_ex__(self, protocol):
        # A copy would share the C handle: the first of the two to close frees it under the other.
        raise TypeError(f"cannot copy or pickle a mmusim.{type(self).__name__}: it owns C memory")

    @property
    def handle(self):
        """The C mmusim_machine pointer (a ctypes c_void_p); Error once the machine is closed."""
        if self._handle is None:
            raise Error("the machine is closed")
        return self._handle

    @property
    @_locked
    def page_size(self):
        """Bytes of a base page (4096; the toy config's 64)."""
        return lib.mmusim_config_page_size(lib.mmusim_machine_config(self.handle))

    @_locked
    def map(self, va, pa, length, flags="rw", cache="wb"):
        """Maps [va, va + length) to pa with the largest pages alignment allows; flags as 'rwxu' or bits."""
        err = _lib.Error_()
        check(lib.mmusim_map(self.handle, _unsigned("va", va), _unsigned("pa", pa), _unsigned("length", length), _flags(flags), _cache(cache), ctypes.byref(err)), err)

    @_locked
    def unmap(self, va, length):
        """Unmaps [va, va + length), splitting huge pages it covers in part."""
        err = _lib.Error_()
        check(lib.mmusim_unmap(self.handle, _unsigned("va", va), _unsigned("length", length), ctypes.byref(err)), err)

    @_locked
    def protect(self, va, length, flags, cache="wb"):
        """Replaces the properties of what is mapped in [va, va + length)."""
        err = _lib.Error_()
        check(lib.mmusim_protect(self.handle, _unsigned("va", va), _unsigned("length", length), _flags(flags), _cache(cache), ctypes.byref(err)), err)

    def _request(self, access, user):
        return _lib.Request(access=_access(access), priv=0 if user else 1)

    @_locked
    def translate(self, va, access="r", user=True):
        """Walks va as the hardware would (A/D bits updated); a fault is a result, not an exception."""
        req = self._request(access, user)
        req.va = _unsigned("va", va)
        out = _lib.Translation()
        rc = lib.mmusim_translate(self.handle, ctypes.byref(req), ctypes.byref(out))
        if rc != 0:
            raise error_from(rc, lib.mmusim_machine_last_error(self.handle).decode())
        reason = None
        if not out.ok:
            why = ctypes.create_string_buffer(160)
            lib.mmusim_fault_reason_describe(lib.mmusim_machine_config(self.handle), req.va, ctypes.byref(out),
                                             why, len(why))
            reason = why.value.decode()
        return Translation(va, out, reason)

    @_locked
    def translate_many(self, vas, access="r", user=True):
        """Translates a numpy array of VAs in one C call: returns (pa uint64, fault kind uint8) arrays.

        pa is 0 where the walk faulted; fault kinds are indices into mmusim.FAULT_KINDS (0: none).
        """
        import numpy as np
        vas = _address_array(vas)
        pa = np.empty(vas.shape, dtype=np.uint64)
        kind = np.empty(vas.shape, dtype=np.uint8)
        req = self._request(access, user)
        if lib.mmusim_translate_many(self.handle, ctypes.byref(req), vas.ctypes.data, vas.size,
                                     pa.ctypes.data, kind.ctypes.data) != 0:
            raise Error(lib.mmusim_machine_last_error(self.handle).decode())
        return pa, kind

    @_locked
    def mappings(self):
        """Every leaf of the current address space, in ascending VA order."""
        found = []

        def visit(_arg, mp):
            m = mp.contents
            found.append(Mapping(m.va, m.pa, m.size, m.level, m.pte, _flag_letters(m.flags),
                                 CACHE_NAMES.get(m.cache, "?"), perms_string(m.perms)))
            return 0

        rc = lib.mmusim_for_each_mapping(self.handle, _lib.MAPPING_FN(visit), None)
        if rc == -3:
            raise Error(f"page-table nodes are reached again through too many other entries "
                        f"(mmusim_for_each_mapping: {rc})")
        if rc != 0:
            raise Error(f"the page tables loop back on themselves (mmusim_for_each_mapping: {rc})")
        return found

    @_locked
    def dump_elf(self, path):
        """Writes physical memory as an ELF64 core (what `mmusim dump --elf` writes).

        The machine's own YAML config (through a link too) is refused, as `mmusim dump` refuses
        it: the core replaced the file the machine was made of."""
        c_path = _c_string("path", path, path=True)
        try:
            st = os.stat(c_path)
        except OSError:
            st = None
        if st is not None and self._config_file == (st.st_dev, st.st_ino):
            raise FileError(f"{os.fsdecode(c_path)}: is also an input ({self.config}): choose another output file")
        err = _lib.Error_()
        check(lib.mmusim_dump_elf(self.handle, c_path, ctypes.byref(err)), err)

    def explain(self, va, access="r", user=True):
        """The walk of va told level by level: the text `mmusim explain --color=never` prints.

        The text is the command's own: the machine's memory goes to it as an image.
        """
        va = _unsigned("va", va)
        _access(access)
        with tempfile.TemporaryDirectory(prefix="mmusim-explain-") as tmp:
            image = os.path.join(tmp, "memory.elf")
            self.dump_elf(image)
            config = self.config
            if self._config_text is not None:
                config = os.path.join(tmp, "config.yaml")
                with open(config, "wb") as f:
                    f.write(self._config_text)
            cmd = [_cli(), "--config", config, "explain", "--color=never", "--image", image,
                   "--access", access, "--user" if user else "--supervisor", hex(va)]
            try:
                run = subprocess.run(cmd, capture_output=True, text=True)
            except OSError as e:
                raise Error(f"{cmd[0]}: cannot run the mmusim command: {e.strerror}") from None
        if run.returncode != 0:
            said = run.stderr.strip().removeprefix("mmusim: ")
            if not said:  # killed (the OOM killer's SIGKILL), or not mmusim: the status is all there is
                how = (f"was killed by signal {-run.returncode}" if run.returncode < 0
                       else f"exited with status {run.returncode}")
                said = f"{cmd[0]}: the mmusim command {how} and printed no error"
            raise Error(said)  # an exit status is no mmusim status
        return run.stdout


_FLAG_LETTERS = "rwxuga"


def _flag_letters(flags):
    return "".join(c for i, c in enumerate(_FLAG_LETTERS) if flags & (1 << i)) + ("d" if flags & 64 else "")
