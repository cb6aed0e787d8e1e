"""What a monitor recorded: its own arrays, after the pieces already streamed to disk (`brian2nwb.verbs.stream`).

Every writer of results reads a monitor's recorded variables through `recorded_values`, so a streamed monitor,
which holds only the current piece, is written whole: the earlier pieces come from where the stream keeps them.
When the whole recording is on disk (`on_disk`: a stream being completed), writers of large recordings read it
from there piece by piece instead of gathering it in memory. What a monitor held before the recording started
(restored by ``Network.restore()`` from a state of runs the recording did not see, `recorded_before`) is not
part of it: those first rows are left out.
"""

from __future__ import annotations

import weakref
from typing import Protocol

import numpy as np

#: Monitor -> a function giving the values of a variable recorded in the pieces streamed so far.
_EARLIER: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
#: Monitor -> how many of its first rows were recorded before the recording started (`recorded_before`).
_BEFORE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


class Pieces(Protocol):
    """Where a monitor's streamed pieces are (`brian2nwb.verbs.stream`)."""

    def values(self, variable: str) -> np.ndarray:
        """The values of ``variable`` in the pieces, in memory."""

    def dataset(self, variable: str):
        """``(dataset, rows)``: the array on disk (h5py) holding them in its first ``rows`` rows."""

    def scratch(self):
        """An empty h5py group for the temporary datasets of a writer."""


def stream_earlier(monitor, earlier: Pieces) -> None:
    """Say where the pieces of ``monitor`` streamed so far are."""
    _EARLIER[monitor] = earlier


def recorded_before(monitor, rows: int) -> None:
    """Say that the first ``rows`` rows ``monitor`` holds were recorded before the recording started (by runs it
    did not see: a state restored from a file), so that they are not taken for part of it."""
    if rows:
        _BEFORE[monitor] = int(rows)
    else:
        _BEFORE.pop(monitor, None)


def rows_before(monitor) -> int:
    """How many of the first rows ``monitor`` holds were recorded before the recording started."""
    return _BEFORE.get(monitor, 0)


def own_values(monitor, variable: str) -> np.ndarray:
    """The raw values of ``variable`` the monitor itself holds (not streamed yet) that belong to the recording."""
    return np.asarray(monitor.variables[variable].get_value())[_BEFORE.get(monitor, 0):]


def recorded_values(monitor, variable: str) -> np.ndarray:
    """The raw values (SI, no units; time on axis 0) a monitor recorded for ``variable``, streamed pieces first."""
    current = own_values(monitor, variable)
    earlier = _EARLIER.get(monitor)
    if earlier is None:
        return current
    before = earlier.values(variable)
    return np.concatenate([before, current], axis=0) if len(before) else current


def on_disk(monitor) -> Pieces | None:
    """The pieces of a streamed monitor that holds nothing itself (its whole recording is on disk), else None."""
    earlier = _EARLIER.get(monitor)
    if earlier is None or np.asarray(monitor.variables["N"].get_value()).item() != 0:  # (an array of one)
        return None
    return earlier
