"""What a monitor recorded: its own arrays, after the pieces already streamed to disk (`brian2nwb.verbs.stream`).

Every writer of results reads a monitor's recorded variables through `recorded_values`, so a streamed monitor,
which holds only the current piece, is written whole: the earlier pieces come from where the stream keeps them.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable

import numpy as np

#: Monitor -> a function giving the values of a variable recorded in the pieces streamed so far.
_EARLIER: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def stream_earlier(monitor, earlier: Callable[[str], np.ndarray]) -> None:
    """Say where the pieces of ``monitor`` streamed so far are (``earlier(variable)`` -> their values)."""
    _EARLIER[monitor] = earlier


def recorded_values(monitor, variable: str) -> np.ndarray:
    """The raw values (SI, no units; time on axis 0) a monitor recorded for ``variable``, streamed pieces first."""
    current = np.asarray(monitor.variables[variable].get_value())
    earlier = _EARLIER.get(monitor)
    if earlier is None:
        return current
    before = earlier(variable)
    return np.concatenate([before, current], axis=0) if len(before) else current
