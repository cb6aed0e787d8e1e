"""Where a streamed recording keeps its pieces until the file is completed: an HDF5 file beside the target.

One group per monitor, one dataset per recorded variable, grown along axis 0 (time or spikes) by each piece.
After every column of a piece is written, the group's ``rows`` attribute (one per variable) is set and the
file flushed: a process killed while writing a piece leaves longer datasets than ``rows`` says, and only
``rows`` are read back, so every flushed piece is kept whole.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

#: Rows of a dataset's chunk (times a row's width).
CHUNK_ROWS = 1 << 14


def store_path(target: str | os.PathLike) -> Path:
    """The stream's file for the NWB file ``target`` (``sim.nwb`` -> ``sim.nwb.stream.h5``)."""
    return Path(str(target) + ".stream.h5")


class StreamStore:
    """Pieces of each monitor's recorded variables, appended in time order."""

    def __init__(self, path: str | os.PathLike, mode: str = "w-"):
        import h5py

        self.path = Path(path)
        self.file = h5py.File(self.path, mode)

    def append(self, monitor: str, arrays: dict) -> None:
        """Add a piece of ``monitor``'s variables (arrays with time, or spikes, on axis 0)."""
        group = self.file.require_group(monitor)
        rows = dict(zip(group.attrs.get("variables", []), group.attrs.get("rows", [])))
        for name, values in arrays.items():
            values = np.asarray(values)
            if name not in group:
                width = int(np.prod(values.shape[1:], dtype=np.int64)) or 1
                group.create_dataset(name, shape=(0,) + values.shape[1:], maxshape=(None,) + values.shape[1:],
                                     dtype=values.dtype, chunks=(max(CHUNK_ROWS // width, 1),) + values.shape[1:])
            dataset = group[name]
            start = rows.get(name, 0)
            dataset.resize((start + len(values),) + dataset.shape[1:])
            dataset[start:] = values
            rows[name] = start + len(values)
        group.attrs["variables"] = list(rows)
        group.attrs["rows"] = np.asarray(list(rows.values()), dtype=np.int64)
        self.file.flush()

    def values(self, monitor: str, variable: str, like: np.ndarray) -> np.ndarray:
        """The flushed pieces of a variable (an empty array shaped and typed ``like`` if none)."""
        group = self.file.get(monitor)
        if group is None or variable not in group:
            return np.zeros((0,) + like.shape[1:], dtype=like.dtype)
        rows = dict(zip(group.attrs.get("variables", []), group.attrs.get("rows", [])))
        return group[variable][:int(rows.get(variable, 0))]

    def close(self) -> None:
        if self.file.id.valid:
            self.file.close()
