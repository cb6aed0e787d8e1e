"""Checks of what is read from another tool's NWB file before it drives a Brian2 model.

The file's container is checked first, as for `from_nwb` (`brian2nwb.trust.container.open_untrusted`).
These checks cover the values read from it: every one that fails raises an `InvalidFileError`
naming the file, the object and the field, what is wrong and what was expected.
"""

from __future__ import annotations

import numpy as np

from ..errors import InvalidFileError, printable
from .container import memory_limit


def bad_file(source: str, where: str, problem: str) -> InvalidFileError:
    return InvalidFileError(f"{source}: {printable(where)} {problem}")


def numeric(values, source: str, where: str) -> np.ndarray:
    """``values`` as a numpy array of numbers (integers, floats or booleans)."""
    array = np.asarray(values)
    if array.dtype.kind not in "biuf":
        raise bad_file(source, where, f"holds {array.dtype} values, not numbers.")
    return array


def times(values, source: str, where: str) -> np.ndarray:
    """Times in seconds: finite and not negative, as float64."""
    array = numeric(values, source, where).astype(np.float64, copy=False)
    bad = ~np.isfinite(array) | (array < 0)
    if bad.any():
        k = int(np.argmax(bad))
        raise bad_file(source, where, f"holds a time that is negative or not a number ({array.flat[k]!r} at "
                                      f"position {k}); times must be finite seconds from the session start.")
    return array


def increasing(array: np.ndarray, source: str, where: str, strictly: bool = False) -> np.ndarray:
    steps = np.diff(array)
    bad = steps <= 0 if strictly else steps < 0
    if bad.any():
        k = int(np.argmax(bad)) + 1
        raise bad_file(source, where, f"is not {'strictly ' if strictly else ''}increasing (position {k}).")
    return array


def finite_number(value, source: str, where: str, positive: bool = False) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise bad_file(source, where, f"is {printable(repr(value))[:80]}, not a number.") from None
    if not np.isfinite(number) or (positive and number <= 0):
        raise bad_file(source, where, f"is {number!r}; expected a finite{' positive' if positive else ''} number.")
    return number


def ragged_index(index, length: int, rows: int, source: str, where: str) -> np.ndarray:
    """The index column of a ragged column of ``length`` values in a table of ``rows`` rows: one entry per
    row, increasing, within the values."""
    array = numeric(index, source, where)
    if array.dtype.kind == "f" or array.ndim != 1 or len(array) != rows:
        raise bad_file(source, where, f"has shape {array.shape} and type {array.dtype}; expected {rows} whole "
                                      "numbers (one per row).")
    array = array.astype(np.int64)
    increasing(array, source, where)
    if len(array) and (array[0] < 0 or array[-1] > length):
        raise bad_file(source, where, f"points outside its column of {length} values (from {array[0]} to "
                                      f"{array[-1]}).")
    return array


def affordable(count: int, width: int, source: str, where: str, cause: str) -> None:
    """Refuse an array of ``count`` x ``width`` float64 values that would not fit in memory."""
    need = count * max(width, 1) * 8
    if need > memory_limit():
        raise bad_file(source, where, f"would need {need / 2**30:.1f} GiB of memory ({count} samples x {width}): "
                                      f"{cause}")
