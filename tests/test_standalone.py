"""to_nwb after a C++ standalone run (values exist once the generated program has run)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import numpy as np
import pytest
from brian2 import ms

import brian2nwb
from helpers import by_neuron, read_plain, spikes_of

SCRIPT = textwrap.dedent("""
    import sys
    import numpy as np
    from brian2 import *
    import brian2nwb

    set_device("cpp_standalone", directory=sys.argv[3])
    group = NeuronGroup(40, "dv/dt = (1.2 - v) / (10 * ms) + 0.1 * xi / sqrt(ms) : 1", threshold="v > 1",
                        reset="v = 0", method="euler", name="group")
    group.v = "rand()"
    synapses = Synapses(group, group, "w : 1", on_pre="v_post += w", delay=1 * ms, name="synapses")
    synapses.connect(p=0.1)
    synapses.w = "rand() * 0.1"
    spikes = SpikeMonitor(group, variables="v", name="spikes")
    trace = StateMonitor(group, "v", record=[0, 1], name="trace")
    net = Network(group, synapses, spikes, trace)
    brian2nwb.snapshot(net, seed=3)
    net.run(50 * ms)
    brian2nwb.to_nwb(net, sys.argv[1], subject=dict(subject_id="s", species="Mus musculus", sex="U",
                                                      age="P1D"))
    np.savez(sys.argv[2], i=spikes.i[:], t=spikes.t_[:], v=spikes.v_[:], trace=trace.v_[:],
             w=synapses.w[:], final_v=group.v_[:])
""")


@pytest.fixture(scope="module")
def standalone_file(tmp_path_factory):
    folder = tmp_path_factory.mktemp("standalone")
    path, expected = folder / "standalone.nwb", folder / "expected.npz"
    subprocess.run([sys.executable, "-c", SCRIPT, str(path), str(expected), str(folder / "build")], check=True,
                   capture_output=True, cwd=folder)
    with np.load(expected) as data:
        return path, dict(data)


def test_standalone_results_are_written(standalone_file):
    path, truth = standalone_file
    data = read_plain(path)
    assert data["brian2/device"] == "cpp_standalone"
    assert data["brian2/codegen_target"] == "cpp_standalone"
    index, times, _ = spikes_of(data, "spikes")
    expected_index, expected_times, expected_v = by_neuron(truth["i"], truth["t"], truth["v"])
    assert len(times) > 20
    np.testing.assert_array_equal(index, expected_index)
    np.testing.assert_array_equal(times, expected_times)
    np.testing.assert_array_equal(data["units/v"], expected_v)
    np.testing.assert_array_equal(data["acquisition/trace_v/data"], truth["trace"].T)


def test_standalone_model_continues_in_runtime(standalone_file):
    path, truth = standalone_file
    with pytest.raises(ValueError, match="snapshot"), pytest.warns(brian2nwb.Brian2NWBWarning):
        brian2nwb.from_nwb(path)  # no values exist before a standalone run: no state at t=0
    with pytest.warns(brian2nwb.Brian2NWBWarning, match="'cpp_standalone' code-generation target"):
        net = brian2nwb.from_nwb(path, state="final")
    np.testing.assert_array_equal(net["synapses"].w[:], truth["w"])
    np.testing.assert_array_equal(net["group"].v_[:], truth["final_v"])
    net.run(10 * ms)
    assert float(net.t_) == pytest.approx(0.06)
