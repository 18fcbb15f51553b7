"""Errors: one Python class per mmusim status, carrying the C message whole."""


class Error(Exception):
    """An mmusim call failed; ``message`` is the library's one line ("file:line: ..." where it has one)."""

    code = -1

    def __init__(self, message, code=None):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class InvalidError(Error, ValueError):
    """Bad argument or malformed input (config, trace, flags): MMUSIM_EINVAL."""
    code = 1


class RangeError(Error, ValueError):
    """VA outside the table's index range, or non-canonical: MMUSIM_ERANGE."""
    code = 2


class UnalignedError(Error, ValueError):
    """VA, PA or length not aligned to the base page: MMUSIM_EUNALIGNED."""
    code = 3


class AddressOverflowError(Error, ValueError):
    """va + len wraps or leaves the address space: MMUSIM_EOVERFLOW."""
    code = 4


class OutOfMemoryError(Error, MemoryError):
    """Simulated (or host) memory exhausted: MMUSIM_ENOMEM."""
    code = 5


class BusError(Error):
    """Physical address outside simulated memory: MMUSIM_EBUS."""
    code = 6


class FileError(Error, OSError):
    """Reading or writing a file failed: MMUSIM_EIO."""
    code = 7


_BY_CODE = {cls.code: cls for cls in (InvalidError, RangeError, UnalignedError, AddressOverflowError,
                                      OutOfMemoryError, BusError, FileError)}


def error_from(code, message):
    """The exception for a status code and its message."""
    return _BY_CODE.get(code, Error)(message, code)


def check(code, err):
    """Raises for a failed call whose mmusim_error is err."""
    if code != 0:
        raise error_from(code, err.message.decode("utf-8", "replace"))


class WarmupWarning(UserWarning):
    """A replay's warm-up never ended (the trace was shorter: nothing was reset, the statistics
    include it) or took the whole trace (nothing is left after it): as `mmusim replay --warmup`'s note."""
