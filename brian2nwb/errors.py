"""The errors a file can cause, and the one place that turns a reader's failure into them.

Every problem with a file's content reaches the user as an `InvalidFileError`
(or its subclass `UnsafeModelError` for model code that brian2nwb refuses),
with the object and the field, what is wrong, and what was expected. Reading
a corrupted file makes h5py, hdmf, zarr and numcodecs raise whatever they
raise; `reading` converts that into an `InvalidFileError` that names the file.
"""

from __future__ import annotations

import os
from contextlib import contextmanager


class InvalidFileError(ValueError):
    """The file is not a brian2nwb file brian2nwb can read: corrupted, inconsistent or out of its limits."""


class UnsafeModelError(InvalidFileError):
    """The file's model holds something brian2nwb will not hand to Brian2 (code, names, units)."""


@contextmanager
def reading(path: str | os.PathLike, what: str = "read as a brian2nwb file"):
    """Turn a reading library's failure into an `InvalidFileError` that names ``path`` (ours pass through)."""
    try:
        yield
    except InvalidFileError:
        raise
    except FileNotFoundError:
        raise
    except MemoryError:
        raise InvalidFileError(f"{path}: cannot be {what}: it needs more memory than this machine has.") from None
    except Exception as error:  # noqa: BLE001 - h5py, hdmf, zarr and numcodecs raise dozens of types
        raise InvalidFileError(f"{path}: cannot be {what}: {describe_failure(error)}") from error


def describe_failure(error: BaseException) -> str:
    """One line: the exception's type and the first line of its message, without control characters; for an
    exception that wraps another (Brian2's ``BrianObjectException``), the one it wraps too."""
    message = str(error).strip().splitlines()[0] if str(error).strip() else ""
    text = f"{type(error).__name__}: {message}"[:300]
    cause = error.__cause__ or error.__context__
    if cause is not None and type(error).__name__ == "BrianObjectException":
        text += f" ({describe_failure(cause)})"
    return printable(text)


def printable(text: str) -> str:
    """``text`` without control characters (a file's strings may hold terminal escape sequences)."""
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in str(text))
