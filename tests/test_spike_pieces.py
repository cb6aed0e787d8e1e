"""Spikes appended to disk piece by piece and regrouped by neuron out of core (the first step of streaming
recordings, issue 22): the result equals a stable in-memory sort by neuron, whatever the memory allowed."""

from __future__ import annotations

import h5py
import numpy as np
import pytest

from brian2nwb.nwb.spike_pieces import SpikePieces, regroup


def recorded(size: int, count: int, seed: int = 0):
    """Spikes in time order (as a SpikeMonitor records them), with a recorded variable."""
    rng = np.random.default_rng(seed)
    times = np.sort(rng.uniform(0, 10, count))
    neurons = rng.integers(0, size, count).astype(np.int32)
    return neurons, times, rng.normal(size=count).astype(np.float32)


def stored(path, size, neurons, times, v, pieces: int) -> None:
    with h5py.File(path, "w") as file:
        store = SpikePieces(file.create_group("spikes"), size, {"v": np.float32})
        for part in np.array_split(np.arange(len(times)), pieces):
            store.append(neurons[part], times[part], v=v[part])


@pytest.mark.parametrize("size, count, memory", [(50, 20_000, 1 << 30), (50, 20_000, 2_000), (70_000, 50_000, 1 << 30),
                                                 (70_000, 50_000, 40_000), (10, 0, 1 << 30)])
def test_regrouped_spikes_equal_a_stable_sort_by_neuron(tmp_path, size, count, memory):
    neurons, times, v = recorded(size, count)
    stored(tmp_path / "pieces.h5", size, neurons, times, v, pieces=7)
    order = np.argsort(neurons, kind="stable")
    with h5py.File(tmp_path / "pieces.h5", "a") as file:
        pieces = SpikePieces(file["spikes"], size)
        assert len(pieces) == pieces.trusted_length() == count
        out = {"time": file.create_dataset("time_by_neuron", shape=(count,), dtype=np.float64),
               "v": np.zeros(count, dtype=np.float32)}
        per_neuron = regroup(pieces, out, memory=memory, scratch=file.create_group("scratch"))
        np.testing.assert_array_equal(file["time_by_neuron"][:], times[order])
        np.testing.assert_array_equal(out["v"], v[order])
        np.testing.assert_array_equal(per_neuron, np.bincount(neurons, minlength=size))
        if memory < count * 16:  # the first pass ran: the spikes went through buckets of at most `memory` bytes
            assert len(file["scratch"]) > 1


def test_a_piece_cut_short_is_not_trusted(tmp_path):
    neurons, times, v = recorded(20, 1000)
    stored(tmp_path / "pieces.h5", 20, neurons[:600], times[:600], v[:600], pieces=3)
    with h5py.File(tmp_path / "pieces.h5", "a") as file:  # a crash after the columns grew, before the counts
        for name, values in (("neuron", neurons), ("time", times), ("v", v)):
            file["spikes"][name].resize((1000,))
            file["spikes"][name][600:] = values[600:]
        pieces = SpikePieces(file["spikes"], 20)
        assert pieces.trusted_length() == 600
        out = {"time": np.zeros(600), "v": np.zeros(600, dtype=np.float32)}
        regroup(pieces, out)
        np.testing.assert_array_equal(out["time"], times[:600][np.argsort(neurons[:600], kind="stable")])


def test_bad_pieces_are_refused(tmp_path):
    with h5py.File(tmp_path / "pieces.h5", "w") as file:
        pieces = SpikePieces(file.create_group("spikes"), 5)
        with pytest.raises(ValueError, match="within 0..4"):
            pieces.append(np.array([5]), np.array([0.1]))
        with pytest.raises(ValueError, match="one value per spike"):
            pieces.append(np.array([1, 2]), np.array([0.1]))
        with pytest.raises(ValueError, match="columns"):
            pieces.append(np.array([1]), np.array([0.1]), v=np.array([1.0]))
        pieces.append(np.arange(5), np.full(5, 0.1))
        with pytest.raises(ValueError, match="scratch group"):
            regroup(pieces, {"time": np.zeros(5)}, memory=16)
