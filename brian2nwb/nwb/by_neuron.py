"""Values recorded in time order, grouped by neuron (time order kept within a neuron), block by block.

A SpikeMonitor records in time order; NWB's Units table keeps spikes by neuron. Sorting
a whole column at once costs about three times its size (the int64 permutation, the
keys, the gathered copy). Here the neurons are split into consecutive blocks holding
about an eighth of the spikes (at most 65,536 neurons, so that one pass of numpy's
16-bit radix sort orders a block); each block's spikes are found with one mask,
ordered and gathered, and handed to the writer on their own as an hdmf
``AbstractDataChunkIterator``. The extra memory is about one block; the time is
that of sorting the whole column with two radix passes (``benchmarks/bench_growth.py``).
"""

from __future__ import annotations

import numpy as np
from hdmf.data_utils import AbstractDataChunkIterator, DataChunk

#: A block holds about this share of the spikes (the extra memory is ~4 bytes per spike of a block).
BLOCKS = 8
#: Columns with fewer values than this are ordered in one block and written as one array.
MIN_BLOCK_VALUES = 1 << 20
#: Values of a block read from a column in neuron order already (on disk: 32 MiB of float64).
ORDERED_BLOCK_VALUES = 1 << 22
#: A block spans at most this many neurons: one 16-bit radix pass orders it.
MAX_BLOCK_NEURONS = 1 << 16


def neuron_blocks(per_neuron: np.ndarray, most: int) -> list[tuple[int, int]]:
    """Consecutive neuron ranges ``[a, b)`` covering every neuron, each with at most ``most`` values (a
    single neuron may hold more) and at most `MAX_BLOCK_NEURONS` neurons."""
    ends = np.cumsum(per_neuron, dtype=np.int64)
    blocks, first, size = [], 0, len(per_neuron)
    while first < size:
        before = int(ends[first - 1]) if first else 0
        stop = int(np.searchsorted(ends, before + most, side="right"))
        stop = min(max(stop, first + 1), first + MAX_BLOCK_NEURONS, size)
        blocks.append((first, stop))
        first = stop
    return blocks


def block_order(index: np.ndarray, first: int, stop: int, size: int) -> np.ndarray:
    """Positions of the values of neurons ``first <= i < stop``, ordered by neuron and, within a neuron,
    as recorded (a stable sort). ``size`` is the number of neurons."""
    if first == 0 and stop >= size:
        selected, keys = None, index
    else:
        mask = np.greater_equal(index, first)
        mask &= np.less(index, stop)
        selected = np.flatnonzero(mask)
        del mask
        keys = index[selected]
        keys -= first
    order = np.argsort(keys.astype(np.uint16, copy=False), kind="stable")
    return order if selected is None else selected[order]


class ByNeuron(AbstractDataChunkIterator):
    """One ragged column of a table with a row per neuron (several monitors' rows one after another),
    produced block by block in row order.

    Parameters
    ----------
    parts : list of (values or None, index, per_neuron)
        Per monitor, in row order: the recorded values (None: this monitor's rows have
        none), the neuron of each recorded value (None: the values are in neuron order
        already, e.g. a dataset on disk, read a block at a time), and the number of values
        per neuron.
    dtype : numpy.dtype
        The column's type.
    """

    def __init__(self, parts: list[tuple], dtype):
        self._dtype = np.dtype(dtype)
        self._tasks = []
        position = 0
        for values, index, per_neuron in parts:
            if values is None:
                continue
            size = len(per_neuron)
            starts = np.concatenate([[0], np.cumsum(per_neuron, dtype=np.int64)])
            most = ORDERED_BLOCK_VALUES if index is None else max(MIN_BLOCK_VALUES, -(-len(index) // BLOCKS))
            for first, stop in neuron_blocks(per_neuron, most):
                count = int(starts[stop] - starts[first])
                if count:
                    where = (int(starts[first]), int(starts[stop])) if index is None else (first, stop, size)
                    self._tasks.append((values, index, where, position, position + count))
                    position += count
        self._length = position
        self._next = 0

    @property
    def blocks(self) -> int:
        return len(self._tasks)

    def __len__(self) -> int:
        return self._length

    def array(self) -> np.ndarray:
        """The whole column in memory."""
        data = np.empty(self._length, dtype=self._dtype)
        for task in self._tasks:
            data[task[3]:task[4]] = self._block(*task[:3])
        return data

    @staticmethod
    def _block(values, index, where) -> np.ndarray:
        if index is None:  # in order already
            return np.asarray(values[where[0]:where[1]])
        return np.take(values, block_order(index, *where))

    def __iter__(self):
        return self

    def __next__(self) -> DataChunk:
        if self._next >= len(self._tasks):
            raise StopIteration
        values, index, where, start, end = self._tasks[self._next]
        self._next += 1
        data = self._block(values, index, where).astype(self._dtype, copy=False)
        return DataChunk(data=data, selection=np.s_[start:end])

    def recommended_chunk_shape(self):
        return None

    def recommended_data_shape(self):
        return (self._length,)

    @property
    def dtype(self):
        return self._dtype

    @property
    def maxshape(self):
        return (self._length,)
