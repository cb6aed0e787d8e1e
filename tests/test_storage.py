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


FULL_DISK_WRITER = """
import resource, signal, sys, warnings
import brian2 as b, brian2nwb
b.prefs.codegen.target = "numpy"
group = b.NeuronGroup(2000, "dv/dt = -v / (10*ms) : 1", method="exact", name="neurons")
net = b.Network(group, b.StateMonitor(group, "v", record=True, name="trace"))
brian2nwb.snapshot(net)
net.run(20 * b.ms)
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG, as on a full disk
resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))  # any file, chunk files of a store too
warnings.simplefilter("ignore")
try:
    brian2nwb.to_nwb(net, sys.argv[1], overwrite=True, compression=None, backend=sys.argv[2])
except OSError as error:
    print("OSError:", error)
"""


@pytest.mark.parametrize("backend", ["hdf5", "zarr"])
def test_full_disk_gives_a_clear_error_and_keeps_the_old_file(tmp_path, backend):
    """A write that runs out of space (here: the process's file size limit) says so in one sentence, leaves no
    partial file and leaves the file already at the target as it was."""
    import subprocess
    import sys

    target = tmp_path / ("sim.nwb" if backend == "hdf5" else "sim.nwb.zarr")
    if backend == "hdf5":
        target.write_bytes(b"the user's previous file")
    else:
        target.mkdir()
        (target / "kept").write_text("the user's previous store")
    result = subprocess.run([sys.executable, "-c", FULL_DISK_WRITER, str(target), backend], capture_output=True,
                            text=True, timeout=600)
    message = result.stdout.strip()
    assert message.startswith("OSError:") and "could not be written (File too large)" in message, result
    assert "unchanged" in message and len(message.splitlines()) == 1
    if backend == "hdf5":
        assert target.read_bytes() == b"the user's previous file"
    else:
        assert (target / "kept").read_text() == "the user's previous store"
    assert sorted(p.name for p in tmp_path.iterdir()) == [target.name]
