"""Plain run() scripts, NWB metadata, warnings about what is left out, the cached spec."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import warnings
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pytest
from brian2 import Network, NetworkOperation, NeuronGroup, SpikeMonitor, StateMonitor, ms, run

import brian2nwb
from helpers import SUBJECT, check_valid, every_finding, read_plain, resimulate, spikes_of

ROOT = Path(__file__).resolve().parents[1]

SCRIPT = textwrap.dedent("""
    import sys
    import numpy as np
    from brian2 import *
    import brian2nwb

    prefs.codegen.target = "numpy"
    group = NeuronGroup(20, "dv/dt = (1.2 - v) / (10 * ms) + 0.2 * xi / sqrt(ms) : 1", threshold="v > 1",
                        reset="v = 0", method="euler", name="group")
    spikes = SpikeMonitor(group, name="spikes")
    trace = StateMonitor(group, "v", record=[0, 19], name="trace")
    group.v = "rand()"
    brian2nwb.snapshot(seed=11)
    run(30 * ms)
    run(20 * ms)
    brian2nwb.to_nwb(None, sys.argv[1], subject=dict(subject_id="m", species="Mus musculus", sex="U",
                                                       age="P1D"))
    np.savez(sys.argv[2], i=spikes.i[:], t=spikes.t_[:], v=trace.v_[:], final_v=group.v_[:])
""")


def test_magic_network_script(tmp_path):
    script = tmp_path / "my_simulation.py"
    script.write_text(SCRIPT)
    path, expected = tmp_path / "magic.nwb", tmp_path / "expected.npz"
    subprocess.run([sys.executable, str(script), str(path), str(expected)], check=True, cwd=tmp_path)
    check_valid(path)
    data = read_plain(path)
    with np.load(expected) as truth:
        index, times, _ = spikes_of(data, "spikes")
        order = np.lexsort((truth["t"], truth["i"]))
        assert len(times) > 20
        np.testing.assert_array_equal(index, truth["i"][order])
        np.testing.assert_array_equal(times, truth["t"][order])
        np.testing.assert_array_equal(data["acquisition/trace_v/data"], truth["v"].T)
    resimulated = resimulate(path, "numpy")
    with np.load(expected) as truth:
        np.testing.assert_array_equal(resimulated["spikes/i"], truth["i"])
        np.testing.assert_array_equal(resimulated["spikes/t"], truth["t"])
        np.testing.assert_array_equal(resimulated["state/group/v"], truth["final_v"])
    assert data["file/source_script"] == SCRIPT
    assert data["file/source_script_file_name"] == "my_simulation.py"
    assert data["brian2/network"] == "magicnetwork"
    np.testing.assert_allclose(data["epochs/start_time"], [0.0, 0.03])  # one epoch per run()
    np.testing.assert_allclose(data["epochs/stop_time"], [0.03, 0.05])


def test_magic_network_in_a_function(tmp_path):
    group = NeuronGroup(2, "dv/dt = (2 - v) / (10 * ms) : 1", threshold="v > 1", reset="v = 0", method="exact",
                        name="g")
    spikes = SpikeMonitor(group, name="s")
    run(20 * ms)
    path = brian2nwb.to_nwb(None, tmp_path / "f.nwb", subject=SUBJECT, source_script=None)
    index, _, _ = spikes_of(read_plain(path), "s")
    np.testing.assert_array_equal(np.sort(index), np.sort(spikes.i[:]))


def test_magic_network_without_run_is_a_clear_error(tmp_path):
    group = NeuronGroup(2, "v : 1", name="g")  # noqa: F841 (visible to the magic network, never run)
    with pytest.raises(ValueError, match="run"):
        brian2nwb.to_nwb(None, tmp_path / "f.nwb", subject=SUBJECT)
    assert not list(tmp_path.iterdir())


def small_net():
    group = NeuronGroup(2, "dv/dt = (2 - v) / (10 * ms) : 1", threshold="v > 1", reset="v = 0", method="exact",
                        name="g")
    net = Network(group, SpikeMonitor(group, name="s"))
    brian2nwb.snapshot(net)
    net.run(10 * ms)
    return net


def test_missing_dandi_subject_fields_are_named_once(tmp_path):
    with pytest.warns(brian2nwb.Brian2NWBWarning) as caught:
        brian2nwb.to_nwb(small_net(), tmp_path / "a.nwb", subject=dict(subject_id="x", species="Mus musculus"))
    messages = [str(w.message) for w in caught if issubclass(w.category, brian2nwb.Brian2NWBWarning)]
    assert len(messages) == 1
    assert "'sex'" in messages[0] and "'age' (or 'date_of_birth')" in messages[0]
    assert "'species'" not in messages[0]


def test_subject_values_are_checked_as_dandi_does(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bad_subject")  # not tmp_path: this file is meant to fail nwbinspector
    with pytest.warns(brian2nwb.Brian2NWBWarning) as caught:
        brian2nwb.to_nwb(small_net(), folder / "a.nwb",
                         subject=dict(subject_id="x", species="mouse", sex="male", age="90 days"))
    message = "\n".join(str(w.message) for w in caught if issubclass(w.category, brian2nwb.Brian2NWBWarning))
    assert "CRITICAL: Subject age, '90 days', does not follow ISO 8601" in message
    assert "'mouse' should either be in Latin binomial form" in message
    assert "'M' (male)" in message and "has no" not in message


def test_spike_times_of_whole_seconds_are_named_as_nwbinspector_reports_them(tmp_path_factory):
    """A neuron that fires at t = 0 (its initial value above threshold) and not again: the Units table's first
    spike times are whole numbers, which nwbinspector's check_spike_times_not_in_samples takes for sample indices
    (CRITICAL, DANDI refuses the file). to_nwb says so where it is called, with the cause and what to do, and
    writes the times unchanged; once the neuron fires again (a time with a fraction among the first), nothing."""
    folder = tmp_path_factory.mktemp("whole_seconds")  # not tmp_path: the first file is meant to fail nwbinspector
    for duration, expected in ((5, [0.0]), (25, None)):
        group = NeuronGroup(3, "dv/dt = (1.2 - v) / (10 * ms) : 1", threshold="v > 1", reset="v = 0",
                            method="exact", name="cells")
        group.v = [1.5, 0, 0]  # neuron 0 fires at t = 0, then at 17.9 ms; the others later
        spikes = SpikeMonitor(group, name="spikes")
        net = Network(group, spikes)
        brian2nwb.snapshot(net)
        net.run(duration * ms)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", brian2nwb.Brian2NWBWarning)
            path = brian2nwb.to_nwb(net, folder / f"run_{duration}ms.nwb", subject=SUBJECT)
        named = [w for w in caught if issubclass(w.category, brian2nwb.Brian2NWBWarning)]
        findings = [f.split(" ")[:2] for f in every_finding(path) if f.startswith(("CRITICAL", "BEST_PRACTICE_V"))]
        if expected is None:
            assert named == [] and findings == []
            continue
        assert len(named) == 1 and named[0].filename == __file__
        message = str(named[0].message)
        for said in ("DANDI will not accept this file", "check_spike_times_not_in_samples (CRITICAL)",
                     "whole numbers of seconds (0 s; here neuron 0 of 'cells' fired at t = 0 s", "heuristic",
                     "written unchanged", "Nothing to do if the file is not for DANDI", "justify"):
            assert said in message, said
        assert findings == [["CRITICAL", "check_spike_times_not_in_samples"]]  # exactly what was predicted
        np.testing.assert_array_equal(spikes_of(read_plain(path), "spikes")[1], expected)


def test_no_subject_names_every_field(tmp_path):
    with pytest.warns(brian2nwb.Brian2NWBWarning, match="'subject_id', 'species', 'sex'"):
        brian2nwb.to_nwb(small_net(), tmp_path / "a.nwb")


def test_full_subject_gives_no_warning(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("error", brian2nwb.Brian2NWBWarning)
        brian2nwb.to_nwb(small_net(), tmp_path / "a.nwb", subject=SUBJECT)


def test_without_snapshot_the_missing_start_is_named(tmp_path):
    group = NeuronGroup(2, "dv/dt = (2 - v) / (10 * ms) : 1", threshold="v > 1", reset="v = 0", method="exact")
    net = Network(group)
    net.run(5 * ms)
    with pytest.warns(brian2nwb.Brian2NWBWarning, match="the state at t=0 .*snapshot.*state='final'"):
        brian2nwb.to_nwb(net, tmp_path / "results_only.nwb", subject=SUBJECT)


def test_metadata_defaults_and_overrides(tmp_path):
    first = read_plain(brian2nwb.to_nwb(small_net(), tmp_path / "a.nwb", subject=SUBJECT, source_script=None))
    second = read_plain(brian2nwb.to_nwb(small_net(), tmp_path / "b.nwb", subject=SUBJECT, source_script=None))
    assert first["file/identifier"] != second["file/identifier"], "identifiers must be unique"
    assert "'network" in str(first["file/session_description"]) and "1 NeuronGroup, 1 SpikeMonitor" in str(
        first["file/session_description"])
    assert "file/source_script" not in first
    start = datetime(2024, 5, 1, 12, tzinfo=timezone.utc)
    path = brian2nwb.to_nwb(small_net(), tmp_path / "c.nwb", subject=SUBJECT, identifier="my-id",
                            session_description="mine", session_start_time=start, experimenter=["Doe, Jane"])
    data = read_plain(path)
    assert data["file/identifier"] == "my-id" and data["file/session_description"] == "mine"
    check_valid(path)


def test_naive_start_time_is_refused(tmp_path):
    with pytest.raises(ValueError, match="timezone-aware"):
        brian2nwb.to_nwb(small_net(), tmp_path / "a.nwb", subject=SUBJECT, session_start_time=datetime.now())
    assert not list(tmp_path.iterdir())


def test_unsupported_objects_are_listed_and_the_rest_is_written(tmp_path):
    group = NeuronGroup(2, "dv/dt = (2 - v) / (10 * ms) : 1", threshold="v > 1", reset="v = 0", method="exact",
                        name="g")
    calls = []
    operation = NetworkOperation(lambda: calls.append(1), dt=1 * ms, name="python_code")
    idle = SpikeMonitor(group, record=False, name="counts_only")
    net = Network(group, operation, idle, SpikeMonitor(group, name="s"), StateMonitor(group, "v", record=0,
                                                                                      name="trace"))
    net.run(10 * ms)
    with pytest.warns(brian2nwb.Brian2NWBWarning) as caught:
        path = brian2nwb.to_nwb(net, tmp_path / "a.nwb", subject=SUBJECT)
    message = "\n".join(str(w.message) for w in caught)
    assert "python_code (NetworkOperation: its Python code cannot be kept: a lambda" in message
    assert "counts_only (SpikeMonitor with record=False" in message
    data = read_plain(path)
    assert set(data["units/monitor"]) == {"s"}
    assert "acquisition/trace_v/data" in data


def test_spec_is_cached_in_the_file(tmp_path):
    import h5py

    path = brian2nwb.to_nwb(small_net(), tmp_path / "a.nwb", subject=SUBJECT)
    with h5py.File(path, "r") as file:
        assert "ndx-brian2" in file["specifications"]
        assert file["general/brian2"].attrs["neurodata_type"] == "Brian2Simulation"
        assert file["general/brian2"].attrs["namespace"] == "ndx-brian2"


def test_readme_example_runs(tmp_path):
    result = subprocess.run([sys.executable, "-m", "brian2nwb.tools.example", str(tmp_path / "example.nwb"),
                             "--target", "numpy"], check=True, capture_output=True, text=True, cwd=tmp_path)
    assert "all in the file: True" in result.stdout
    assert "identical to the recording: True" in result.stdout
    check_valid(tmp_path / "example.nwb")
    # nothing else at any importance under DANDI's configuration; keywords would make the file unreadable by
    # neo's NWBIO 0.14 (neo issue #1413), so brian2nwb adds none and nwbinspector suggests them
    assert [f.split(" ")[:2] for f in every_finding(tmp_path / "example.nwb")] == [
        ["BEST_PRACTICE_SUGGESTION", "check_keywords"]]
    again = subprocess.run([sys.executable, "-m", "brian2nwb.tools.example", str(tmp_path / "example.nwb"),
                            "--target", "numpy"], capture_output=True, text=True, cwd=tmp_path)
    assert again.returncode != 0 and "overwrite" in again.stderr


def test_readme_loop_runs(tmp_path):
    readme = (ROOT / "README.md").read_text()
    loop, readers = [block.split("```", 1)[0] for block in readme.split("```python\n")[1:3]]
    script = tmp_path / "readme_loop.py"
    script.write_text("from brian2 import prefs\nprefs.codegen.target = 'numpy'\n" + loop + readers
                      + "\nprint(len(segment.spiketrains), len(units), sorting.get_num_units())\n")
    result = subprocess.run([sys.executable, str(script)], check=True, cwd=tmp_path, capture_output=True, text=True)
    assert result.stdout.split()[-3:] == ["100", "100", "100"]  # every neuron, in every reader
    assert [f.split(" ")[:2] for f in every_finding(tmp_path / "sim.nwb")] == [
        ["BEST_PRACTICE_SUGGESTION", "check_keywords"]]  # the README's metadata (keywords: see the example test)


def test_other_pynwb_files_do_not_get_our_namespace(tmp_path):
    import h5py
    from pynwb import NWBHDF5IO
    from pynwb.testing.mock.file import mock_NWBFile

    assert "brian2nwb" in sys.modules
    with NWBHDF5IO(str(tmp_path / "other.nwb"), mode="w") as io:
        io.write(mock_NWBFile())
    with h5py.File(tmp_path / "other.nwb", "r") as file:
        assert "ndx-brian2" not in file["specifications"]
