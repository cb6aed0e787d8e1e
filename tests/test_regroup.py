"""Spikes a stream kept on disk, regrouped by neuron out of core (for completing streamed recordings, issue
22): the result equals a stable in-memory sort by neuron, whatever the memory allowed."""

from __future__ import annotations

import h5py
import numpy as np
import pytest

from brian2nwb.nwb.regroup import regroup
from brian2nwb.nwb.stream_store import StreamStore


def recorded(size: int, count: int, seed: int = 0):
    """Spikes in time order (as a SpikeMonitor records them), with a recorded variable."""
    rng = np.random.default_rng(seed)
    times = np.sort(rng.uniform(0, 10, count))
    neurons = rng.integers(0, size, count).astype(np.int32)
    return neurons, times, rng.normal(size=count).astype(np.float32)


def streamed(folder, neurons, times, v, pieces: int):
    store = StreamStore(folder)
    for part in np.array_split(np.arange(len(times)), pieces):
        store.append("spikes", {"i": neurons[part], "t": times[part], "v": v[part]})
        store.commit(times[part][-1] if len(part) else 0.0)
    store.close()
    return folder / "pieces.h5"


@pytest.mark.parametrize("size, count, memory", [(50, 20_000, 1 << 30), (50, 20_000, 2_000), (70_000, 50_000, 1 << 30),
                                                 (70_000, 50_000, 40_000), (10, 0, 1 << 30)])
def test_regrouped_spikes_equal_a_stable_sort_by_neuron(tmp_path, size, count, memory):
    neurons, times, v = recorded(size, count)
    pieces = streamed(tmp_path / "sim.nwb.stream", neurons, times, v, pieces=7)
    order = np.argsort(neurons, kind="stable")
    with h5py.File(pieces, "a") as file:
        out = {"t": file.create_dataset("time_by_neuron", shape=(count,), dtype=np.float64),
               "v": np.zeros(count, dtype=np.float32)}
        regroup(dict(file["spikes"]), "i", np.bincount(neurons, minlength=size), out, memory=memory,
                scratch=file.create_group("scratch"))
        np.testing.assert_array_equal(file["time_by_neuron"][:], times[order])
        np.testing.assert_array_equal(out["v"], v[order])
        if memory < count * 16:  # the first pass ran: the spikes went through buckets of at most `memory` bytes
            assert len(file["scratch"]) > 1


def test_a_piece_cut_short_is_not_trusted(tmp_path):
    neurons, times, v = recorded(20, 1000)
    folder = tmp_path / "sim.nwb.stream"
    with h5py.File(streamed(folder, neurons[:600], times[:600], v[:600], pieces=3), "a") as file:
        for name, values in (("i", neurons), ("t", times), ("v", v)):  # a crash after the columns grew, before
            file["spikes"][name].resize((1000,))                       # the commit
            file["spikes"][name][600:] = values[600:]
    store = StreamStore(folder, mode="r")
    kept = {name: store.values("spikes", name, np.zeros(0)) for name in ("i", "t", "v")}
    assert len(kept["t"]) == 600 and store.pieces == 3 and store.t_end == times[599]
    out = {"t": np.zeros(600), "v": np.zeros(600, dtype=np.float32)}
    regroup(kept, "i", np.bincount(kept["i"], minlength=20), out)
    np.testing.assert_array_equal(out["t"], times[:600][np.argsort(neurons[:600], kind="stable")])


def test_too_many_spikes_for_memory_need_a_scratch_group():
    with pytest.raises(ValueError, match="scratch group"):
        regroup({"i": np.arange(5), "t": np.zeros(5)}, "i", np.ones(5), {"t": np.zeros(5)}, memory=16)
