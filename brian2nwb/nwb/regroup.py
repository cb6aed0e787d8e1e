"""Spikes kept on disk in time order (a stream's pieces, `brian2nwb.nwb.stream_store`) written grouped by neuron
without holding them in memory: NWB's Units layout, for completing a streamed recording (issue 22).

`regroup` writes the columns of recorded spikes (the neuron index column, the times, any recorded variable)
grouped by neuron, time order kept within a neuron, into destination datasets, in two passes over the data on
disk, whatever its size:

1. distribute: read the columns in slices of at most ``memory`` bytes and append each slice's spikes to the
   bucket (a consecutive range of neurons holding at most ``memory`` bytes) they belong to;
2. order: read one bucket at a time, order it by neuron with the in-memory block sort of
   `brian2nwb.nwb.by_neuron` (stable: time order kept), and write it where its neurons' rows start.

The extra disk traffic is one read and one write of the spikes (the floor of an out-of-core sort), the memory
about ``memory`` bytes (the values read, their ordered copy and two int64 arrays per spike: ``memory / (2 x
bytes per spike + 16)`` spikes at a time); spikes that fit skip the first pass. Only the first ``counts.sum()``
values of each column are read: a stream's datasets may hold the tail of a piece cut short by a crash.
"""

from __future__ import annotations

import numpy as np

from .by_neuron import block_order, neuron_blocks

#: Values added to a bucket's datasets at a time (their chunk length).
CHUNK = 1 << 16


def regroup(columns: dict, index: str, counts: np.ndarray, destinations: dict, memory: int = 256 * 2**20,
            scratch=None) -> None:
    """Write ``columns`` (name -> a dataset or array of spikes in time order; ``columns[index]`` the neuron of
    each) grouped by neuron into ``destinations`` (name -> a dataset or array of ``counts.sum()`` values, for
    every column but the index). ``counts`` holds the spikes of each neuron; ``scratch`` is an h5py group for the
    buckets of the first pass (needed when the spikes take more than ``memory`` bytes)."""
    counts = np.asarray(counts, dtype=np.int64)
    length = int(counts.sum())
    values = [name for name in columns if name != index]
    width = sum(np.dtype(columns[name].dtype).itemsize for name in columns)
    # per spike in memory: its values read, their gathered copy, and two int64 arrays (the neuron or bucket of
    # each, the order): a slice or bucket of `most` spikes then takes about `memory` bytes
    most = max(1, memory // (2 * width + 16))
    starts = np.concatenate([[0], np.cumsum(counts)])
    if length <= most:  # it fits: order it in memory straight from the columns
        data = {name: np.asarray(columns[name][:length]) for name in columns}
        neurons = data[index].astype(np.int64)
        for first, stop in neuron_blocks(counts, max(length, 1)):  # blocks of at most 65,536 neurons
            order = block_order(neurons, first, stop, len(counts))
            for name in values:
                destinations[name][starts[first]:starts[stop]] = data[name][order]
        return
    if scratch is None:
        raise ValueError("The spikes take more than `memory` bytes: pass a scratch group for the buckets.")
    buckets = neuron_blocks(counts, most)
    for (first, stop), bucket in zip(buckets, _distribute(columns, index, length, buckets, most, scratch)):
        neurons = bucket[index][:].astype(np.int64)  # renumbered from the bucket's first neuron
        order = block_order(neurons, 0, stop - first, stop - first)
        for name in values:
            destinations[name][starts[first]:starts[stop]] = bucket[name][:][order]


def _distribute(columns: dict, index: str, length: int, buckets: list, most: int, scratch) -> list[dict]:
    """First pass: each slice of the columns split into the buckets its spikes belong to (neurons renumbered
    from each bucket's first)."""
    bounds = np.asarray([first for first, _ in buckets] + [buckets[-1][1]])
    out = []
    for k in range(len(buckets)):
        group = scratch.require_group(f"bucket_{k}")
        out.append({name: group.create_dataset(name, shape=(0,), maxshape=(None,), chunks=(CHUNK,),
                                               dtype=columns[name].dtype) for name in columns})
    for start in range(0, length, most):
        piece = {name: np.asarray(columns[name][start:min(start + most, length)]) for name in columns}
        bucket = np.searchsorted(bounds, piece[index], side="right") - 1
        order = np.argsort(bucket, kind="stable")
        edges = np.searchsorted(bucket[order], np.arange(len(buckets) + 1))
        piece = {name: column[order] for name, column in piece.items()}
        for k, (first, _) in enumerate(buckets):
            a, b = edges[k], edges[k + 1]
            if a == b:
                continue
            for name, column in piece.items():
                dataset = out[k][name]
                size = len(dataset)
                dataset.resize((size + b - a,))
                dataset[size:] = column[a:b] - first if name == index else column[a:b]
    return out
