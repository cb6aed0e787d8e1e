"""A stream's pieces on disk (issue 22): only committed rows are trusted; spikes regrouped by neuron out of core
equal a stable in-memory sort by neuron, whatever the memory allowed; columns on disk are handed to hdmf a slice at
a time; what ``recover`` refuses (no stream, nothing committed, a damaged store) - no simulation."""

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
        if memory < count * (2 * 16 + 16):  # the first pass ran: the spikes went through buckets (16 bytes each)
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
    assert len(kept["t"]) == 600 and store.commits == 3 and store.t_end == times[599]
    out = {"t": np.zeros(600), "v": np.zeros(600, dtype=np.float32)}
    regroup(kept, "i", np.bincount(kept["i"], minlength=20), out)
    np.testing.assert_array_equal(out["t"], times[:600][np.argsort(neurons[:600], kind="stable")])


def test_too_many_spikes_for_memory_need_a_scratch_group():
    with pytest.raises(ValueError, match="scratch group"):
        regroup({"i": np.arange(5), "t": np.zeros(5)}, "i", np.ones(5), {"t": np.zeros(5)}, memory=16)


def test_columns_on_disk_are_handed_over_a_slice_at_a_time(tmp_path, monkeypatch):
    """What completes a stream from disk: a column already in neuron order (`ByNeuron` with no index) next to one
    ordered in memory, and the committed rows of a 2-D dataset (`RowSlices`), in slices, equal the arrays."""
    from brian2nwb.nwb import by_neuron, datasets
    from brian2nwb.nwb.by_neuron import ByNeuron
    from brian2nwb.nwb.datasets import RowSlices

    monkeypatch.setattr(by_neuron, "ORDERED_BLOCK_VALUES", 100)
    monkeypatch.setattr(datasets, "SLICE_BYTES", 1000)
    neurons, times, _ = recorded(30, 2000)
    per_neuron = np.bincount(neurons, minlength=30)
    in_order = times[np.argsort(neurons, kind="stable")]
    with h5py.File(tmp_path / "columns.h5", "w") as file:
        on_disk = file.create_dataset("t", data=in_order)
        column = ByNeuron([(on_disk, None, per_neuron), (times, neurons, per_neuron)], np.float64)
        assert column.blocks > 20 and len(column) == 4000
        pieces = list(column)
        assert all(len(piece.data) <= 100 for piece in pieces[:-1] if piece.selection.stop <= 2000)
        assembled = np.empty(len(column))
        for piece in pieces:
            assembled[piece.selection] = piece.data
        np.testing.assert_array_equal(assembled, np.concatenate([in_order, in_order]))
        np.testing.assert_array_equal(ByNeuron([(on_disk, None, per_neuron)], np.float64).array(), in_order)

        values = np.random.default_rng(1).random((500, 7)) > 0.5  # booleans, stored as uint8
        grown = file.create_dataset("v", data=np.vstack([values, np.ones((40, 7), bool)]))  # a piece not committed
        rows = RowSlices(grown, 500, slice(2, 6), lambda block: block.astype(np.uint8))
        assert rows.recommended_data_shape() == (500, 4) and rows.dtype == np.uint8
        assembled = np.full((500, 4), 9, dtype=np.uint8)
        slices = list(rows)
        for piece in slices:
            assembled[piece.selection] = piece.data
        assert len(slices) > 1
        np.testing.assert_array_equal(assembled, values[:, 2:6])


def test_recover_says_what_is_missing(tmp_path):
    """No stream, a stream killed before its first commit, a damaged store: clear errors, nothing written; the
    command line says the same (exit 2 for a missing stream, 3 for a bad one)."""
    import subprocess
    import sys

    import brian2nwb
    from brian2nwb.errors import InvalidFileError

    with pytest.raises(FileNotFoundError, match="no stream of"):
        brian2nwb.recover(tmp_path / "never.nwb")
    store = StreamStore(tmp_path / "early.nwb.stream")
    store.append("spikes", {"i": np.arange(3, dtype=np.int32), "t": np.zeros(3)})  # appended, never committed
    store.close()
    with pytest.raises(InvalidFileError, match="nothing to recover"):
        brian2nwb.recover(tmp_path / "early.nwb")
    store = StreamStore(tmp_path / "early.nwb.stream", mode="r+")
    store.commit(0.1)  # a commit whose model is gone
    store.close()
    with pytest.raises(InvalidFileError, match="model-1.nwb is missing"):
        brian2nwb.recover(tmp_path / "early.nwb")
    (tmp_path / "bad.nwb.stream").mkdir()
    (tmp_path / "bad.nwb.stream" / "pieces.h5").write_bytes(b"not HDF5 at all" * 10)
    with pytest.raises(InvalidFileError, match="pieces.h5"):
        brian2nwb.recover(tmp_path / "bad.nwb")
    assert not any(path.suffix == ".nwb" for path in tmp_path.iterdir())
    command = [sys.executable, "-m", "brian2nwb", "recover"]
    missing = subprocess.run([*command, str(tmp_path / "never.nwb")], capture_output=True, text=True)
    assert missing.returncode == 2 and "no stream of" in missing.stderr
    bad = subprocess.run([*command, str(tmp_path / "bad.nwb")], capture_output=True, text=True)
    assert bad.returncode == 3 and "InvalidFileError" in bad.stderr and "Traceback" not in bad.stderr
