"""to_nwb after a C++ standalone run (values exist once the generated program has run)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import h5py
import numpy as np
import pytest
from brian2 import ms

import brian2nwb
from helpers import HERE, SUBJECT, by_neuron, check_valid, read_plain, spikes_of
from networks import everything

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
    with pytest.warns(brian2nwb.Brian2NWBWarning, match="'cpp_standalone' code-generation target"):
        net = brian2nwb.from_nwb(path, state="final")
    np.testing.assert_array_equal(net["synapses"].w[:], truth["w"])
    np.testing.assert_array_equal(net["group"].v_[:], truth["final_v"])
    net.run(10 * ms)
    assert float(net.t_) == pytest.approx(0.06)


def test_standalone_state_at_t0_is_saved_by_the_program(standalone_file):
    """Values set with code ("rand()") exist only inside the program: it writes them before its first run."""
    path, truth = standalone_file
    with pytest.warns(brian2nwb.Brian2NWBWarning):
        net = brian2nwb.from_nwb(path)
    initial_v = net["group"].v_[:]
    assert np.all((initial_v >= 0) & (initial_v < 1)) and len(np.unique(initial_v)) == len(initial_v)
    assert not np.array_equal(initial_v, truth["final_v"])
    np.testing.assert_array_equal(net["synapses"].w[:], truth["w"])  # not plastic: as at the end


def _standalone(*args: str, cwd, direct: bool = False) -> subprocess.Popen:
    environment = dict(os.environ, BRIAN2NWB_TEST_DIRECT="1" if direct else "0")
    return subprocess.Popen([sys.executable, str(HERE / "standalone_run.py"), *args], cwd=cwd, env=environment,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _finish(*processes: subprocess.Popen) -> None:
    for process in processes:
        output, _ = process.communicate(timeout=900)
        assert process.returncode == 0, output[-3000:]


def test_standalone_continues_and_resimulates_bit_for_bit(tmp_path):
    """networks.everything (xi, rand() resets, per-synapse delays, STDP, PoissonInput, a mid-stream
    SpikeGeneratorGroup, TimedArray, run_regularly), all on C++ standalone, one program per process:
    4 x 50 ms == 2 x 50 ms, to_nwb, from_nwb(state="final") + 2 x 50 ms (spikes in flight included), and
    from_nwb(state="initial") + run_recorded() of the 4-run file == the 4 runs. The continuation reads every
    column the way large ones are read (left in the file until placed), the re-run reads them at once."""
    files = {name: str(tmp_path / name) for name in ("whole.nwb", "half.nwb")}
    _finish(_standalone("record", "4", files["whole.nwb"], str(tmp_path / "whole.npz"), str(tmp_path / "b1"),
                        cwd=tmp_path),
            _standalone("record", "2", files["half.nwb"], str(tmp_path / "half.npz"), str(tmp_path / "b2"),
                        cwd=tmp_path))
    with h5py.File(files["half.nwb"], "r") as file:
        assert len(file["general/brian2/objects/stdp/in_flight/synapse"]) > 5
    _finish(_standalone("continue", "2", files["half.nwb"], str(tmp_path / "continued.npz"), str(tmp_path / "b3"),
                        cwd=tmp_path, direct=True),
            _standalone("resimulate", files["whole.nwb"], str(tmp_path / "again.npz"), str(tmp_path / "b4"),
                        cwd=tmp_path))
    with np.load(tmp_path / "whole.npz") as whole, np.load(tmp_path / "continued.npz") as continued, \
            np.load(tmp_path / "again.npz") as again:
        later = whole["spikes/t"] >= 0.1 - 1e-12
        assert later.sum() > 20 and (~later).sum() > 20
        np.testing.assert_array_equal(continued["spikes/t"], whole["spikes/t"][later])
        np.testing.assert_array_equal(continued["spikes/i"], whole["spikes/i"][later])
        np.testing.assert_array_equal(again["spikes/t"], whole["spikes/t"])
        np.testing.assert_array_equal(again["spikes/i"], whole["spikes/i"])
        for key in ("state/stdp/w", "state/stdp/apre", "state/neurons/v", "state/neurons/bias"):
            np.testing.assert_array_equal(continued[key], whole[key], err_msg=key)
            np.testing.assert_array_equal(again[key], whole[key], err_msg=key)
    check_valid(Path(files["half.nwb"]))


def test_runtime_random_state_on_standalone_is_named(tmp_path):
    """An unseeded runtime recording keeps numpy's random state, which a standalone program cannot take."""
    net = everything("numpy")
    brian2nwb.snapshot(net)
    net.run(20 * ms)
    path = brian2nwb.to_nwb(net, tmp_path / "runtime.nwb", subject=SUBJECT)
    script = textwrap.dedent("""
        import sys, warnings
        from brian2 import ms, set_device
        import brian2nwb
        set_device("cpp_standalone", build_on_run=False)
        net = brian2nwb.from_nwb(sys.argv[1])
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            net.run(5 * ms)
        print("|".join(str(w.message) for w in caught))
    """)
    result = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True, text=True,
                            cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "standalone program cannot take" in result.stdout and "seed=" in result.stdout
