"""How large arrays are stored: the default compression, the options, and chunk shapes."""

from __future__ import annotations

import h5py
import pytest
from brian2 import Hz, Network, NeuronGroup, PoissonGroup, SpikeMonitor, StateMonitor, Synapses, ms

import brian2nwb
from helpers import SUBJECT


@pytest.fixture(scope="module")
def network():
    from helpers import reset_brian

    reset_brian("numpy")
    drive = PoissonGroup(200, 300 * Hz, name="drive")  # > 64 kB of spike times
    group = NeuronGroup(200, "dv/dt = -v / (10 * ms) : 1", method="exact", name="group")
    synapses = Synapses(drive, group, "w : 1", on_pre="v_post += w", name="synapses")
    synapses.connect(p=0.5)
    synapses.w = "rand()"
    net = Network(drive, group, synapses, SpikeMonitor(drive, name="spikes"),
                  StateMonitor(group, "v", record=True, name="trace"))
    net.run(200 * ms)
    return net


def filters(path, name):
    with h5py.File(path, "r") as file:
        dataset = file[name]
        return dataset.compression, dataset.chunks


@pytest.mark.parametrize("compression, trace, spikes, indices", [
    ("auto", None, "gzip", "gzip"),
    ("gzip", "gzip", "gzip", "gzip"),
    (None, None, None, None),
])
def test_compression_modes(network, tmp_path, compression, trace, spikes, indices):
    path = brian2nwb.to_nwb(network, tmp_path / "c.nwb", subject=SUBJECT, compression=compression)
    assert filters(path, "acquisition/trace_v/data")[0] == trace
    assert filters(path, "units/spike_times")[0] == spikes
    assert filters(path, "general/brian2/objects/synapses/connectivity/i")[0] == indices
    assert filters(path, "general/brian2/objects/synapses/final_state/w")[0] == trace


def test_trace_chunks_are_narrow_and_waste_little(network, tmp_path):
    path = brian2nwb.to_nwb(network, tmp_path / "c.nwb", subject=SUBJECT)
    _, (rows, columns) = filters(path, "acquisition/trace_v/data")
    assert columns <= 32
    assert (-200 % columns) / 200 < 0.05  # edge chunks are stored whole
    assert rows * columns * 8 <= 1 << 20


def test_unknown_compression_is_refused_before_writing(network, tmp_path):
    with pytest.raises(ValueError, match="compression must be"):
        brian2nwb.to_nwb(network, tmp_path / "c.nwb", subject=SUBJECT, compression="lzf")
    assert not list(tmp_path.iterdir())
