"""Large columns read straight into the memory that will hold them.

A rebuilt network's big arrays (synapse ends, per-synapse and per-neuron state) end
up in Brian2's own arrays. Reading them into arrays of our own first and copying
them over touches twice the memory, and touching fresh memory is what a rebuild
mostly costs at 10^7 and more synapses (``benchmarks/bench_growth.py``). So
`brian2nwb.nwb.mapping` leaves such a column in its HDF5 file as a `StoredColumn`
(shape and type known, values not read) and the code that places it calls
`place`, which reads it with h5py's ``read_direct`` into Brian2's array. Anything
else may treat a `StoredColumn` as an array (``np.asarray`` reads it).
"""

from __future__ import annotations

import os

import numpy as np

from ..errors import InvalidFileError, reading

#: Columns of at least this many rows are left in the file until they are placed.
DIRECT_MIN_ROWS = 1 << 16
#: Rows read per block when a column has to be converted on the way (another type than its destination).
BLOCK_ROWS = 1 << 20


class StoredColumn:
    """A 1-D numeric HDF5 dataset of a file, not read yet.

    Parameters
    ----------
    path : str or path-like
        The HDF5 file.
    name : str
        The dataset's path inside the file.
    shape, dtype
        What the dataset held when the file was checked; reading checks they still hold.
    """

    ndim = 1

    def __init__(self, path: str | os.PathLike, name: str, shape: tuple, dtype: np.dtype):
        self.path, self.name, self.shape, self.dtype = str(path), name, tuple(shape), np.dtype(dtype)

    def __len__(self) -> int:
        return self.shape[0]

    @property
    def size(self) -> int:
        return self.shape[0]

    def __repr__(self) -> str:
        return f"StoredColumn({self.path!r}, {self.name!r}, shape={self.shape}, dtype={self.dtype})"

    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        values = np.empty(self.shape, dtype=self.dtype)
        self.read_into(values)
        return values if dtype is None else values.astype(dtype, copy=False)

    def read_into(self, out: np.ndarray) -> None:
        """Fill ``out`` (as many rows, any numeric type) with the column's values, converted as ``astype``
        converts them."""
        import h5py

        if out.shape != self.shape:
            raise ValueError(f"{self.name} has {self.shape[0]} values; its destination holds {out.size}.")
        with reading(self.path, "read"), h5py.File(self.path, "r") as file:
            dataset = file.get(self.name)
            if not isinstance(dataset, h5py.Dataset) or dataset.shape != self.shape or dataset.dtype != self.dtype \
                    or dataset.is_virtual or dataset.external:
                raise InvalidFileError(f"{self.path}: {self.name} changed while it was read.")
            if not len(out):
                return
            if out.dtype == self.dtype and out.flags.c_contiguous:
                dataset.read_direct(out)
                return
            for start in range(0, len(out), BLOCK_ROWS):  # converted block by block, as astype does
                out[start:start + BLOCK_ROWS] = dataset[start:start + BLOCK_ROWS]


def stored_column(data) -> StoredColumn | None:
    """``data`` left in its file when it is a large 1-D numeric HDF5 dataset (None otherwise: read it)."""
    import h5py

    if not isinstance(data, h5py.Dataset) or len(data.shape) != 1 or data.shape[0] < DIRECT_MIN_ROWS \
            or data.dtype.kind not in "iuf":
        return None
    return StoredColumn(data.file.filename, data.name, data.shape, data.dtype)


def place(values, out: np.ndarray) -> None:
    """Put ``values`` (an array, a Quantity - its SI values - or a `StoredColumn`) into ``out``."""
    if isinstance(values, StoredColumn):
        values.read_into(out)
    else:
        out[:] = np.asarray(values)
