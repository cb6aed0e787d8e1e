"""Where a streamed recording keeps its pieces until the file is completed: a folder beside the target.

``sim.nwb.stream/`` holds

- ``pieces.h5``: one group per monitor, one dataset per recorded variable, grown along axis 0 (time or spikes)
  by each piece;
- ``model-<k>.nwb``: the file ``to_nwb`` would have written after piece ``k``, without the monitors' results
  (the model, the timeline so far and the state at the end of piece ``k``).

A piece is *committed* when, after its columns and its model were written, the file attributes ``pieces`` (k)
and ``t_end`` and each group's ``rows`` are set and the file flushed. Only committed rows are read back, with
the model of the same piece: a process killed at any moment leaves every piece committed before it whole, and a
model that matches them (the previous model is deleted only after the next commit).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

#: Rows of a dataset's chunk (times a row's width).
CHUNK_ROWS = 1 << 14


def store_path(target: str | os.PathLike) -> Path:
    """The stream's folder for the NWB file ``target`` (``sim.nwb`` -> ``sim.nwb.stream``)."""
    return Path(str(target) + ".stream")


class StreamStore:
    """Pieces of each monitor's recorded variables, appended in time order, and the model after each piece.

    Parameters
    ----------
    folder : path-like
        The stream's folder (`store_path`).
    mode : {"w-", "r"}
        Start a new stream (the folder must not exist) or read one.
    """

    def __init__(self, folder: str | os.PathLike, mode: str = "w-"):
        import h5py

        self.path = Path(folder)
        if mode == "w-":
            self.path.mkdir()
        elif not (self.path / "pieces.h5").is_file():
            raise FileNotFoundError(f"{self.path} holds no stream ({self.path / 'pieces.h5'} is missing).")
        self.file = h5py.File(self.path / "pieces.h5", mode)
        self._pending: dict[str, dict[str, int]] = {}  # monitor -> variable -> rows written, not committed

    @property
    def pieces(self) -> int:
        """Committed pieces."""
        return int(self.file.attrs.get("pieces", 0))

    @property
    def t_end(self) -> float:
        """Simulated time (seconds) at the end of the last committed piece."""
        return float(self.file.attrs.get("t_end", 0.0))

    def monitors(self) -> list[str]:
        """The monitors with committed rows."""
        return [name for name in self.file if self.rows(name)]

    def rows(self, monitor: str) -> dict[str, int]:
        """Committed rows of each variable of ``monitor``."""
        group = self.file.get(monitor)
        if group is None:
            return {}
        return {str(name): int(count) for name, count in zip(group.attrs.get("variables", []),
                                                              group.attrs.get("rows", []))}

    def append(self, monitor: str, arrays: dict) -> None:
        """Write a piece of ``monitor``'s variables (arrays with time, or spikes, on axis 0); `commit` keeps it."""
        group = self.file.require_group(monitor)
        rows = self._pending.setdefault(monitor, self.rows(monitor))
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

    def model_path(self, piece: int) -> Path:
        """Where the model after ``piece`` is written."""
        return self.path / f"model-{piece}.nwb"

    def commit(self, t_end: float) -> None:
        """Keep every piece appended since the last commit, ending at ``t_end`` (its model is written)."""
        for monitor, rows in self._pending.items():
            group = self.file[monitor]
            group.attrs["variables"] = list(rows)
            group.attrs["rows"] = np.asarray(list(rows.values()), dtype=np.int64)
        self._pending = {}
        self.file.attrs["t_end"] = float(t_end)
        self.file.attrs["pieces"] = self.pieces + 1
        self.file.flush()
        for older in self.path.glob("model-*.nwb"):
            if older != self.model_path(self.pieces):
                older.unlink()

    def values(self, monitor: str, variable: str, like: np.ndarray) -> np.ndarray:
        """The committed pieces of a variable (an empty array shaped and typed ``like`` if none)."""
        rows = self.rows(monitor).get(variable, 0)
        if not rows:
            return np.zeros((0,) + like.shape[1:], dtype=like.dtype)
        return self.file[monitor][variable][:rows]

    def close(self) -> None:
        if self.file.id.valid:
            self.file.close()

    def remove(self) -> None:
        """Delete the stream's folder (its pieces are in a completed file)."""
        import shutil

        self.close()
        shutil.rmtree(self.path, ignore_errors=True)
