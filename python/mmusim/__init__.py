"""mmusim: an MMU simulator and page-walk emulator (x86-64, RISC-V, AArch64), from Python.

    import mmusim, numpy as np
    with mmusim.Machine("x86_64") as m:
        m.map(0x400000, 0x200000, 0x2000, "rwu")
        m.translate(0x400123).pa                          # 0x200123
        pa, fault = m.translate_many(np.arange(0x400000, 0x402000, 8, dtype=np.uint64))
    stats = mmusim.replay("traces/example.trace", config="x86_64")   # == mmusim --json replay

The bindings are ctypes over libmmusim's public C API; bulk calls are one C call per array and
release the GIL.
"""
from ._lib import lib as _lib_handle
from .errors import (AddressOverflowError, BusError, Error, FileError, InvalidError, OutOfMemoryError,
                     RangeError, UnalignedError, WarmupWarning)
from .machine import (PROP_A, PROP_AVAIL1, PROP_AVAIL2, PROP_D, PROP_G, PROP_R, PROP_U, PROP_W, PROP_X, Fault,
                      Machine, Mapping, Translation, WalkStep)
from .replay import FAULT_KINDS, Replay, replay, sweep

__version__ = _lib_handle.mmusim_version().decode()

__all__ = ["Machine", "Translation", "Fault", "WalkStep", "Mapping", "Replay", "replay", "sweep", "FAULT_KINDS",
           "Error", "InvalidError", "RangeError", "UnalignedError", "AddressOverflowError", "OutOfMemoryError",
           "BusError", "FileError", "WarmupWarning", "PROP_R", "PROP_W", "PROP_X", "PROP_U", "PROP_G", "PROP_A", "PROP_D",
           "PROP_AVAIL1", "PROP_AVAIL2"]
