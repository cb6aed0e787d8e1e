"""Every error and warning type of brian2nwb, and the one place that turns a reading library's failure into them.

Every problem with a file's content reaches the user as an `InvalidFileError`
(or its subclass `UnsafeModelError` for model code that brian2nwb refuses),
with the object and the field, what is wrong, and what was expected. Reading
a corrupted file makes h5py, hdmf, zarr and numcodecs raise whatever they
raise; `reading` converts that into an `InvalidFileError` that names the file.
"""

from __future__ import annotations

import inspect
import os
import warnings
from contextlib import contextmanager


class InvalidFileError(ValueError):
    """The file is not a brian2nwb file brian2nwb can read: corrupted, inconsistent or out of its limits."""


class UnsafeModelError(InvalidFileError):
    """The file's model holds something brian2nwb will not hand to Brian2 (code, names, units)."""


#: The libraries that read files: an exception raised inside them while they read a file is the file's fault.
READING_LIBRARIES = frozenset({"h5py", "hdmf", "hdmf_zarr", "pynwb", "zarr", "numcodecs"})


@contextmanager
def reading(path: str | os.PathLike, what: str = "read as a brian2nwb file"):
    """Turn a reading library's failure into an `InvalidFileError` that names ``path``.

    Only exceptions raised inside the libraries that read files (`READING_LIBRARIES`) are converted, and
    ``MemoryError``; brian2nwb's own errors and bugs, and everything else, raise as themselves.
    """
    try:
        yield
    except MemoryError:
        raise InvalidFileError(f"{path}: cannot be {what}: it needs more memory than this machine has.") from None
    except Exception as error:
        if isinstance(error, (InvalidFileError, FileNotFoundError)) or not raised_in(error, READING_LIBRARIES):
            raise
        raise InvalidFileError(f"{path}: cannot be {what}: {failure_text(error)}") from error


def raised_in(error: BaseException, packages: frozenset) -> bool:
    """Whether the traceback of ``error`` passes through the code of one of ``packages`` (top-level names)."""
    traceback = error.__traceback__
    while traceback is not None:
        if str(traceback.tb_frame.f_globals.get("__name__", "")).partition(".")[0] in packages:
            return True
        traceback = traceback.tb_next
    return False


class Brian2NWBWarning(UserWarning):
    """Something the user should know about a file written or read: what was left out and why, what will not
    re-run exactly."""


#: The packages whose frames a warning skips: it names the line of the user's code that called them.
CALLED_PACKAGES = frozenset({"brian2nwb", "brian2"})


def warn(message: str, category: type[Warning] = Brian2NWBWarning) -> None:
    """Warn at the line of the user's code that called brian2nwb (or Brian2, when a warning comes from inside a
    run): the first frame outside `CALLED_PACKAGES`, however deep the call."""
    frame, level = inspect.currentframe().f_back, 2  # level 2: the caller of this function
    while frame is not None and str(frame.f_globals.get("__name__", "")).partition(".")[0] in CALLED_PACKAGES:
        frame, level = frame.f_back, level + 1
    warnings.warn(message, category, stacklevel=level)


def failure_text(error: BaseException) -> str:
    """One line: the exception's type and the first line of its message, without control characters; for an
    exception that wraps another (Brian2's ``BrianObjectException``), the one it wraps too."""
    message = str(error).strip().splitlines()[0] if str(error).strip() else ""
    text = f"{type(error).__name__}: {message}"[:300]
    cause = error.__cause__ or error.__context__
    if cause is not None and type(error).__name__ == "BrianObjectException":
        text += f" ({failure_text(cause)})"
    return printable(text)


def printable(text: str) -> str:
    """``text`` without control characters (a file's strings may hold terminal escape sequences)."""
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in str(text))
