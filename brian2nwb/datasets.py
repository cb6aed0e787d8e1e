"""How arrays are laid out on disk: chunk shapes for the usual reads, and compression."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from hdmf.backends.hdf5 import H5DataIO

#: Target size of one chunk in bytes.
CHUNK_BYTES = 1 << 20
#: Columns (neurons) per chunk of a 2-D series: one neuron's trace reads this many.
CHUNK_COLUMNS = 32
#: Arrays smaller than this are stored contiguous and uncompressed.
SMALL_BYTES = 1 << 16


@dataclass(frozen=True)
class StorageOptions:
    """Compression settings for large arrays.

    Parameters
    ----------
    compression : str or None
        An HDF5 filter every HDF5 reader has (``"gzip"``), or None for none.
    compression_opts : int or None
        The filter's level (gzip: 0-9).
    """

    compression: str | None = "gzip"
    compression_opts: int | None = 4

    def wrap(self, array: np.ndarray) -> np.ndarray | H5DataIO:
        """``array`` as it should be written: wrapped with chunks and filter when large."""
        array = np.asarray(array)
        if array.nbytes < SMALL_BYTES or array.ndim == 0 or array.size == 0:
            return array
        kwargs = {"data": array, "chunks": chunk_shape(array.shape, array.dtype.itemsize)}
        if self.compression is not None:
            kwargs.update(compression=self.compression, compression_opts=self.compression_opts)
        return H5DataIO(**kwargs)


def chunk_shape(shape: tuple[int, ...], itemsize: int) -> tuple[int, ...]:
    """Chunks of about `CHUNK_BYTES`, narrow in columns so that one column reads cheaply.

    For time-by-neuron data, reading one neuron's full trace touches ``shape[0]``
    rows of `CHUNK_COLUMNS` columns; reading a time window of every neuron touches
    one or two chunk rows.
    """
    if len(shape) == 1:
        return (max(1, min(shape[0], CHUNK_BYTES // itemsize)),)
    columns = max(1, min(shape[1], CHUNK_COLUMNS))
    rest = int(np.prod(shape[2:], dtype=np.int64)) if len(shape) > 2 else 1
    rows = max(1, min(shape[0], CHUNK_BYTES // (itemsize * columns * rest)))
    return (rows, columns) + tuple(shape[2:])
