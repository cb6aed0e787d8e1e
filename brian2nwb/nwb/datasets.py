"""How arrays are laid out on disk: chunk shapes for the usual reads, and compression.

Measured here (``benchmarks/``, 2 cores): gzip shrinks float64 simulation data
(membrane traces, weights, delays) to only 0.87-0.96 of its size at 28-54 MB/s,
while it shrinks integer arrays (indices) to ~0.05 and spike times sorted by
neuron to ~0.43 at 100-280 MB/s. So the default, ``"auto"``, compresses integers
and times (gzip level 1) and writes other floats raw; ``"gzip"`` compresses
everything; ``None`` nothing. In HDF5, integers are shuffled before gzip: on 10^7
random int32 target indices that is smaller (0.43 vs 0.61 of the raw size), faster
to write (0.35 vs 0.52 s) and to read (0.07 vs 0.15 s); sorted source indices
compress to 0.5% either way. Spike times are not shuffled (0.81 vs 0.40 of their
size).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from hdmf.backends.hdf5 import H5DataIO
from hdmf.data_utils import AbstractDataChunkIterator, DataChunk

#: Target size of one chunk in bytes.
CHUNK_BYTES = 1 << 20
#: At most this many columns (neurons) per chunk of a 2-D series: one neuron's trace reads that many.
CHUNK_COLUMNS = 32
#: Arrays smaller than this are stored contiguous and uncompressed.
SMALL_BYTES = 1 << 16


@dataclass(frozen=True)
class StorageOptions:
    """Compression settings for large arrays.

    Parameters
    ----------
    compression : {"auto", "gzip"} or None
        ``"auto"``: gzip for integer arrays and times, raw floats (see the module
        docs for the measurements); ``"gzip"``: gzip for every large array; None:
        no compression. (Only gzip: every HDF5 reader, including Neurosift's, has it.)
    compression_opts : int or None
        The gzip level (0-9); None for the default of the mode (1 for "auto", 4 for "gzip").
    """

    compression: str | None = "auto"
    compression_opts: int | None = None
    backend: str = "hdf5"

    def __post_init__(self):
        if self.compression not in ("auto", "gzip", None):
            raise ValueError(f"compression must be 'auto', 'gzip' or None, not {self.compression!r}.")
        if self.backend not in ("hdf5", "zarr"):
            raise ValueError(f"backend must be 'hdf5' or 'zarr', not {self.backend!r}.")

    def wrap(self, array: np.ndarray, times: bool = False):
        """``array`` as it should be written: chunked, and compressed where it pays, when large.

        ``times`` marks timestamps (sorted within each neuron), which compress well.
        An hdmf ``AbstractDataChunkIterator`` (shape and type known before it runs) is
        wrapped as the same array would be.
        """
        if isinstance(array, AbstractDataChunkIterator):
            return self._wrapped(array, tuple(array.recommended_data_shape()), np.dtype(array.dtype), times)
        array = np.asarray(array)
        if array.nbytes < SMALL_BYTES or array.ndim == 0 or array.size == 0:
            return array
        return self._wrapped(array, array.shape, array.dtype, times)

    def _wrapped(self, data, shape: tuple, dtype: np.dtype, times: bool):
        chunks = chunk_shape(shape, dtype.itemsize)
        compress = self.compression == "gzip" or (
            self.compression == "auto" and (times or not np.issubdtype(dtype, np.floating)))
        level = self.compression_opts if self.compression_opts is not None else (
            1 if self.compression == "auto" else 4)
        if self.backend == "zarr":
            return _zarr_data(data, chunks, level if compress else None)
        if compress:
            return H5DataIO(data=data, chunks=chunks, compression="gzip", compression_opts=level,
                            shuffle=bool(np.issubdtype(dtype, np.integer)))
        return H5DataIO(data=data, chunks=chunks)


def _zarr_data(array, chunks: tuple, gzip_level: int | None):
    """``array`` (or a chunk iterator) for hdmf-zarr: zarr v3 codecs (hdmf-zarr >= 0.14, zarr 3) or a numcodecs compressor (older)."""
    from hdmf_zarr.utils import ZarrDataIO

    if "compressors" in {arg["name"] for arg in ZarrDataIO.__init__.__docval__["args"]}:
        from zarr.codecs import GzipCodec

        return ZarrDataIO(data=array, chunks=chunks,
                          compressors=[GzipCodec(level=gzip_level)] if gzip_level is not None else False)
    from numcodecs import GZip

    return ZarrDataIO(data=array, chunks=chunks, compressor=GZip(gzip_level) if gzip_level is not None else None)


def _even_split(length: int, most: int) -> int:
    """A block size from ``most // 2`` to ``most`` that wastes least at the edge (the largest on ties).

    HDF5 stores edge chunks whole: 1,000 columns in blocks of 32 would store 1,024
    (2.4% more); blocks of 25 store exactly 1,000.
    """
    most = max(1, min(length, most))
    sizes = np.arange(most, max(1, most // 2) - 1, -1, dtype=np.int64)  # largest first: argmin takes the first
    return int(sizes[np.argmin(-length % sizes)])


#: Bytes of a slice `RowSlices` reads at a time.
SLICE_BYTES = 32 * 2**20


class OneChunk(AbstractDataChunkIterator):
    """An array handed to hdmf as a single chunk: hdmf then writes it as it is, without looking at its
    elements one by one (which it does for text arrays: 0.35 s for two columns of 100,000 rows)."""

    def __init__(self, array: np.ndarray):
        self._array, self._done = array, False

    def __iter__(self):
        return self

    def __next__(self) -> DataChunk:
        if self._done:
            raise StopIteration
        self._done = True
        return DataChunk(data=self._array, selection=np.s_[:len(self._array)])

    def recommended_chunk_shape(self):
        return None

    def recommended_data_shape(self):
        return self._array.shape

    @property
    def dtype(self):
        return self._array.dtype

    @property
    def maxshape(self):
        return self._array.shape


class RowSlices(AbstractDataChunkIterator):
    """The first ``rows`` rows of a 2-D array on disk (an h5py dataset: a stream's pieces), columns ``columns``,
    handed to hdmf a slice of about `SLICE_BYTES` at a time (each passed through ``convert``)."""

    def __init__(self, dataset, rows: int, columns: slice, convert=lambda values: values):
        self._dataset, self._rows, self._columns, self._convert = dataset, int(rows), columns, convert
        width = len(range(*columns.indices(dataset.shape[1])))
        self._shape = (self._rows, width)
        self._dtype = np.asarray(convert(np.zeros((0, width), dtype=dataset.dtype))).dtype
        self._step = max(1, SLICE_BYTES // max(1, width * self._dtype.itemsize))
        self._start = 0

    def __iter__(self):
        return self

    def __next__(self) -> DataChunk:
        if self._start >= self._rows:
            raise StopIteration
        start, stop = self._start, min(self._start + self._step, self._rows)
        self._start = stop
        return DataChunk(data=np.asarray(self._convert(self._dataset[start:stop, self._columns])),
                         selection=np.s_[start:stop, :])

    def recommended_chunk_shape(self):
        return None

    def recommended_data_shape(self):
        return self._shape

    @property
    def dtype(self):
        return self._dtype

    @property
    def maxshape(self):
        return self._shape


def chunk_shape(shape: tuple[int, ...], itemsize: int) -> tuple[int, ...]:
    """Chunks of about `CHUNK_BYTES`, narrow in columns so that one column reads cheaply.

    For time-by-neuron data, reading one neuron's full trace touches ``shape[0]``
    rows of at most `CHUNK_COLUMNS` columns; reading a time window of every neuron
    touches one or two chunk rows.
    """
    if len(shape) == 1:
        return (_even_split(shape[0], CHUNK_BYTES // itemsize),)
    columns = _even_split(shape[1], CHUNK_COLUMNS)
    rest = int(np.prod(shape[2:], dtype=np.int64)) if len(shape) > 2 else 1
    rows = _even_split(shape[0], CHUNK_BYTES // (itemsize * columns * rest))
    return (rows, columns) + tuple(shape[2:])


def sampling(times: np.ndarray, dts: Sequence[float]) -> dict:
    """``starting_time`` and ``rate`` when the samples are one time step apart, else ``timestamps``.

    Parameters
    ----------
    times : numpy.ndarray
        The sample times (seconds). Brian2 computes them as ``step * dt``, so a regular recording matches
        ``t[0] + k * dt`` up to rounding (a few ulps of the largest time); a recording with gaps (a monitor
        inactive during some run), going back (a restore) or on several time steps keeps its timestamps.
    dts : sequence of float
        The time steps the monitor's clock had (`brian2nwb.model.timeline.Recording.dts`), the current one
        first: samples taken before the dt changed after the last run are on an earlier one.

    Returns
    -------
    dict
        ``starting_time`` and ``rate`` (``1 / dt``, of the clock's dt as Brian2 holds it), or ``timestamps``.
    """
    dts = [float(dt) for dt in dts]
    if len(times) == 0:
        return {"starting_time": 0.0, "rate": 1.0 / dts[0]} if dts else {"timestamps": times}
    steps = np.arange(len(times))
    rounding = 8 * float(np.spacing(np.max(np.abs(times))))  # t[0] + k * dt against step * dt
    for dt in dts:
        if np.max(np.abs(times - (times[0] + steps * dt))) <= max(1e-6 * dt, rounding):
            return {"starting_time": float(times[0]), "rate": 1.0 / dt}
    return {"timestamps": times}
