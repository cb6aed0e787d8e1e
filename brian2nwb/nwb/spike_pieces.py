"""Spikes kept on disk in time order, piece by piece, and regrouped by neuron without holding them in memory.

The first step of streaming recordings (issue 22): a SpikeMonitor's new spikes are
appended to an HDF5 group as they come (`SpikePieces.append`: resizable ``neuron``
and ``time`` datasets, plus any recorded variable, and the running count per
neuron), so that what was flushed survives the process. `regroup` then writes the
spikes grouped by neuron (time order kept within a neuron: NWB's Units layout)
into destination datasets in two passes over the data on disk, whatever its size:

1. distribute: read the pieces in slices of at most ``memory`` bytes and append
   each slice's spikes to the bucket (a consecutive range of neurons holding at
   most ``memory`` bytes) they belong to;
2. order: read one bucket at a time, order it by neuron with the in-memory
   block sort of `brian2nwb.nwb.by_neuron` (stable: time order kept), and write
   it where its neurons' rows start.

The extra disk traffic is one read and one write of the spikes (the floor of an
out-of-core sort), the memory about ``memory`` bytes; a bucket that fits the
whole recording skips the first pass.
"""

from __future__ import annotations

import numpy as np

from .by_neuron import block_order, neuron_blocks

#: Rows added to the resizable datasets at a time (their chunk length).
CHUNK = 1 << 16


class SpikePieces:
    """Spikes appended in time order to an HDF5 group (``neuron`` int32, ``time`` float64, variables).

    Parameters
    ----------
    group : h5py.Group
        Where the pieces live: its datasets are created if it is empty, else those a previous process left
        are used (``variables`` is then ignored).
    size : int
        Number of neurons of the monitored group.
    variables : dict of str to numpy.dtype
        Recorded variables besides the time.
    """

    def __init__(self, group, size: int, variables: dict | None = None):
        self.group, self.size = group, int(size)
        columns = {"neuron": np.int32, "time": np.float64, **(variables or {})}
        for name, dtype in columns.items():
            if name not in group:
                group.create_dataset(name, shape=(0,), maxshape=(None,), dtype=dtype, chunks=(CHUNK,))
        if "counts" not in group:
            group.create_dataset("counts", data=np.zeros(self.size, dtype=np.int64))
        # a group a previous process left keeps its own columns
        self.columns = ["neuron", "time"] + sorted(name for name in group if name not in ("neuron", "time", "counts"))

    def __len__(self) -> int:
        return len(self.group["neuron"])

    @property
    def counts(self) -> np.ndarray:
        """Spikes per neuron so far."""
        return self.group["counts"][:]

    def append(self, neurons: np.ndarray, times: np.ndarray, **variables) -> None:
        """Add a piece (in time order, after every earlier piece); the counts are updated last, so a piece cut
        short by a crash is recognised by `trusted_length`."""
        values = {"neuron": np.asarray(neurons, dtype=np.int32), "time": np.asarray(times, dtype=np.float64),
                  **{name: np.asarray(value) for name, value in variables.items()}}
        if set(values) != set(self.columns):
            raise ValueError(f"A piece needs the columns {self.columns}, not {sorted(values)}.")
        count = len(values["neuron"])
        if any(len(value) != count for value in values.values()):
            raise ValueError("Every column of a piece needs one value per spike.")
        if count and (values["neuron"].min() < 0 or values["neuron"].max() >= self.size):
            raise ValueError(f"Neuron indices must be within 0..{self.size - 1}.")
        start = len(self)
        for name, value in values.items():
            dataset = self.group[name]
            dataset.resize((start + count,))
            dataset[start:] = value
        self.group["counts"][:] = self.counts + np.bincount(values["neuron"], minlength=self.size)

    def trusted_length(self) -> int:
        """The spikes of every complete piece: those the counts account for (a crash between writing a piece's
        columns and its counts leaves a tail that is not trusted)."""
        return int(min(self.counts.sum(), *(len(self.group[name]) for name in self.columns)))


def regroup(pieces: SpikePieces, destinations: dict, memory: int = 256 * 2**20, scratch=None) -> np.ndarray:
    """Write the pieces' spikes grouped by neuron (time order within a neuron) into ``destinations``
    (column name -> a dataset, or array, of `trusted_length` values); return the spikes per neuron.

    ``scratch`` is an h5py group for the buckets of the first pass (needed when the spikes take more than
    ``memory`` bytes).
    """
    length = pieces.trusted_length()
    counts = pieces.counts
    if counts.sum() != length:
        raise ValueError("The counts do not match the spikes kept; recover the pieces first.")
    columns = [name for name in pieces.columns if name != "neuron"]
    width = sum(pieces.group[name].dtype.itemsize for name in pieces.columns)
    most = max(1, memory // max(width, 1))
    starts = np.concatenate([[0], np.cumsum(counts, dtype=np.int64)])
    if length <= most:  # it fits: order it in memory straight from the pieces
        data = {name: pieces.group[name][:length] for name in pieces.columns}
        neurons = data["neuron"].astype(np.int64)
        for first, stop in neuron_blocks(counts, max(length, 1)):  # blocks of at most 65,536 neurons
            order = block_order(neurons, first, stop, pieces.size)
            for name in columns:
                destinations[name][int(starts[first]):int(starts[stop])] = data[name][order]
        return counts
    if scratch is None:
        raise ValueError("The spikes take more than `memory` bytes: pass a scratch group for the buckets.")
    buckets = neuron_blocks(counts, most)
    for (first, stop), source in zip(buckets, _distribute(pieces, buckets, most, scratch)):
        neurons = source["neuron"][:].astype(np.int64)  # renumbered from the bucket's first neuron
        order = block_order(neurons, 0, stop - first, stop - first)
        for name in columns:
            destinations[name][int(starts[first]):int(starts[stop])] = source[name][:][order]
    return counts


def _distribute(pieces: SpikePieces, buckets: list, most: int, scratch) -> list[dict]:
    """First pass: each slice of the pieces split into the buckets its spikes belong to (neurons renumbered
    from each bucket's first)."""
    bounds = np.asarray([first for first, _ in buckets] + [buckets[-1][1]])
    out = []
    for k, _ in enumerate(buckets):
        group = scratch.require_group(f"bucket_{k}")
        out.append({name: group.create_dataset(name, shape=(0,), maxshape=(None,), chunks=(CHUNK,),
                                               dtype=pieces.group[name].dtype) for name in pieces.columns})
    length = pieces.trusted_length()
    for start in range(0, length, most):
        stop = min(start + most, length)
        neurons = pieces.group["neuron"][start:stop]
        bucket = np.searchsorted(bounds, neurons, side="right") - 1
        order = np.argsort(bucket, kind="stable")
        edges = np.searchsorted(bucket[order], np.arange(len(buckets) + 1))
        slice_values = {name: pieces.group[name][start:stop][order] for name in pieces.columns}
        for k, (first, _) in enumerate(buckets):
            a, b = edges[k], edges[k + 1]
            if a == b:
                continue
            for name, values in slice_values.items():
                dataset = out[k][name]
                size = len(dataset)
                dataset.resize((size + b - a,))
                dataset[size:] = values[a:b] - first if name == "neuron" else values[a:b]
    return out
