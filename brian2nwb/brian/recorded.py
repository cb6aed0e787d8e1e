"""What a monitor recorded: its own arrays, after the pieces already streamed to disk (`brian2nwb.verbs.stream`).

Every writer of results reads a monitor's recorded variables through `recorded_values`, so a streamed monitor,
which holds only the current piece, is written whole: the earlier pieces come from where the stream keeps them.
When the whole recording is on disk (`on_disk`: a stream being completed), writers of large recordings read it
from there piece by piece instead of gathering it in memory.
"""

from __future__ import annotations

import weakref
from typing import Protocol

import numpy as np

#: Monitor -> a function giving the values of a variable recorded in the pieces streamed so far.
_EARLIER: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


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


def recorded_values(monitor, variable: str) -> np.ndarray:
    """The raw values (SI, no units; time on axis 0) a monitor recorded for ``variable``, streamed pieces first."""
    current = np.asarray(monitor.variables[variable].get_value())
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
