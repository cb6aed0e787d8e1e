"""Where a streamed recording keeps its pieces until the file is completed: a folder beside the target.

``sim.nwb.stream/`` holds

- ``pieces.h5``: one group per monitor, one dataset per recorded variable, grown along axis 0 (time or spikes)
  by each piece;
- ``model-<k>.nwb``: the file ``to_nwb`` would have written at commit ``k``, without the monitors' results
  (the model, the timeline so far and the state at the end of the last piece committed).

Pieces are *committed* when, after their columns and the model were written, the file attributes ``commits`` (k)
and ``t_end`` and each group's ``rows`` are set and the file flushed. A later process reads only committed rows,
with the model of the same commit: a process killed at any moment leaves every piece committed before it whole,
and a model that matches them (the previous model is deleted only after the next commit). The process writing
the stream reads what it appended too.
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
    mode : {"w-", "r", "r+"}
        Start a new stream (the folder must not exist), read one, or read and commit to one.
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
        self._scratch = None

    @property
    def commits(self) -> int:
        """Commits made (0: nothing can be recovered)."""
        return int(self.file.attrs.get("commits", 0))

    @property
    def t_end(self) -> float:
        """Simulated time (seconds) at the end of the last committed piece."""
        return float(self.file.attrs.get("t_end", 0.0))

    def monitors(self) -> list[str]:
        """The monitors with committed rows."""
        return [name for name in self.file if self.rows(name)]

    def rows(self, monitor: str) -> dict[str, int]:
        """Rows of each variable of ``monitor``: committed, and, in the process writing the stream, appended."""
        if monitor in self._pending:
            return dict(self._pending[monitor])
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

    def model_path(self, commit: int) -> Path:
        """Where the model of commit ``commit`` is written."""
        return self.path / f"model-{commit}.nwb"

    def commit(self, t_end: float) -> None:
        """Keep every piece appended since the last commit, ending at ``t_end`` (its model is written)."""
        for monitor, rows in self._pending.items():
            group = self.file[monitor]
            group.attrs["variables"] = list(rows)
            group.attrs["rows"] = np.asarray(list(rows.values()), dtype=np.int64)
        self._pending = {}
        self.file.attrs["t_end"] = float(t_end)
        self.file.attrs["commits"] = self.commits + 1
        self.file.flush()
        for older in self.path.glob("model-*.nwb"):
            if older != self.model_path(self.commits):
                older.unlink()

    def values(self, monitor: str, variable: str, like: np.ndarray) -> np.ndarray:
        """The committed pieces of a variable (an empty array shaped and typed ``like`` if none)."""
        rows = self.rows(monitor).get(variable, 0)
        if not rows:
            return np.zeros((0,) + like.shape[1:], dtype=like.dtype)
        return self.file[monitor][variable][:rows]

    def pieces_of(self, monitor: str, like) -> MonitorPieces:
        """``monitor``'s committed pieces (``like(variable)``: an array of the variable's type and row shape)."""
        return MonitorPieces(self, monitor, like)

    def scratch(self):
        """An empty group in ``scratch.h5`` of the folder, for a writer's temporary datasets."""
        import uuid

        import h5py

        if self._scratch is None or not self._scratch.id.valid:
            self._scratch = h5py.File(self.path / "scratch.h5", "w", rdcc_nbytes=0)  # (HDF5 caches of partly
            # written chunks grew with the data: 190 MB for 20 million spikes, none without)
        return self._scratch.create_group(uuid.uuid4().hex)

    def close(self) -> None:
        for file in (self.file, self._scratch):
            if file is not None and file.id.valid:
                file.close()

    def remove(self) -> None:
        """Delete the stream's folder (its pieces are in a completed file)."""
        import shutil

        self.close()
        shutil.rmtree(self.path, ignore_errors=True)


class MonitorPieces:
    """The committed pieces of one monitor (what `brian2nwb.brian.recorded.Pieces` describes)."""

    def __init__(self, store: StreamStore, monitor: str, like):
        self.store, self.monitor, self._like = store, monitor, like

    def values(self, variable: str) -> np.ndarray:
        self._check_open()
        return self.store.values(self.monitor, variable, self._like(variable))

    def dataset(self, variable: str):
        rows = self.store.rows(self.monitor).get(variable, 0) if self._check_open() else 0
        if not rows:
            return self.values(variable), 0
        return self.store.file[self.monitor][variable], rows

    def scratch(self):
        self._check_open()
        return self.store.scratch()

    def _check_open(self) -> bool:
        if not self.store.file.id.valid:
            raise RuntimeError(f"The earlier pieces of '{self.monitor}' were in {self.store.path}, which is closed "
                               "(to_nwb wrote them into the file and removed it): read the file.")
        return True
