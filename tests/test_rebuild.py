"""from_nwb beyond the exact re-run: replayed inputs, changed constants, continuing from the
end, Brian2's own store(), functions the file cannot hold, and the plain-pynwb view of the model."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import numpy as np
import pytest
from brian2 import Function, Network, NetworkOperation, NeuronGroup, SpikeGeneratorGroup, SpikeMonitor, check_units, implementation, ms

import brian2nwb
from brian2nwb.verbs.reader import read_file
from helpers import SUBJECT, read_plain, resimulate
from networks import poisson_driven


def test_replay_plays_back_recorded_input(tmp_path):
    net = poisson_driven()
    path = brian2nwb.to_nwb(net, tmp_path / "replay.nwb", subject=SUBJECT)
    result = resimulate(path, "numpy", "--replay", "drive")
    assert len(net["spikes"].t) > 10
    for monitor in ("spikes", "drive_spikes"):
        order = np.lexsort((net[monitor].i[:], net[monitor].t_[:]))
        replay_order = np.lexsort((result[f"{monitor}/i"], result[f"{monitor}/t"]))
        np.testing.assert_array_equal(result[f"{monitor}/t"][replay_order], net[monitor].t_[:][order])
        np.testing.assert_array_equal(result[f"{monitor}/i"][replay_order], net[monitor].i[:][order])
    np.testing.assert_array_equal(result["state/neurons/v"], net["neurons"].v_[:])


def test_replayed_group_is_a_spike_generator_and_others_are_refused(tmp_path):
    path = brian2nwb.to_nwb(poisson_driven(), tmp_path / "replay.nwb", subject=SUBJECT)
    rebuilt = brian2nwb.from_nwb(path, replay=["drive"])
    assert isinstance(rebuilt["drive"], SpikeGeneratorGroup)
    with pytest.raises(ValueError, match="replay takes objects of the kinds PoissonGroup; 'neurons' is NeuronGroup"):
        brian2nwb.from_nwb(path, replay=["neurons"])


def leaky(tau_value):
    group = NeuronGroup(5, "dv/dt = (1.5 - v) / tau : 1", threshold="v > 1", reset="v = 0", method="exact",
                        name="leaky")
    group.v = "i * 0.1"
    net = Network(group, SpikeMonitor(group, name="spikes"))
    brian2nwb.snapshot(net, seed=2)
    tau = tau_value  # noqa: F841 (resolved by Brian2 from this scope)
    net.run(50 * ms)
    return net


def test_namespace_override_simulates_a_variant(tmp_path):
    path = brian2nwb.to_nwb(leaky(10 * ms), tmp_path / "leaky.nwb", subject=SUBJECT)
    variant = brian2nwb.from_nwb(path, namespace={"tau": 4 * ms})
    variant.run_recorded()
    direct = leaky(4 * ms)
    np.testing.assert_array_equal(variant["spikes"].t_[:], direct["spikes"].t_[:])
    np.testing.assert_array_equal(variant["spikes"].i[:], direct["spikes"].i[:])
    same = brian2nwb.from_nwb(path)
    same.run_recorded()
    assert len(same["spikes"].t) < len(variant["spikes"].t)


def test_final_state_continues_the_recording(tmp_path):
    group = NeuronGroup(8, "dv/dt = (I - v) / (10 * ms) : 1\nI : 1", threshold="v > 1", reset="v = 0",
                        method="exact", name="cont")
    group.I = "1.1 + 0.1 * i"
    group.v = "0.1 * i"
    spikes = SpikeMonitor(group, name="spikes")
    net = Network(group, spikes)
    net.run(35 * ms)
    path = brian2nwb.to_nwb(net, tmp_path / "cont.nwb", subject=SUBJECT)
    net.run(40 * ms)  # the truth the continuation must reproduce
    later = spikes.t_[:] >= 0.035
    with pytest.raises(ValueError, match="snapshot"):
        brian2nwb.from_nwb(path)  # no state at t=0 was captured
    continued = brian2nwb.from_nwb(path, state="final")
    assert float(continued.t_) == pytest.approx(0.035)
    continued.run(40 * ms)
    np.testing.assert_array_equal(continued["spikes"].t_[:], spikes.t_[:][later])
    np.testing.assert_array_equal(continued["spikes"].i[:], spikes.i[:][later])
    np.testing.assert_array_equal(continued["cont"].v_[:], group.v_[:])


def test_brian2_store_at_t0_is_honoured(tmp_path):
    group = NeuronGroup(6, "dv/dt = (1.3 - v) / (10 * ms) : 1", threshold="v > 1", reset="v = 0",
                        method="exact", name="stored")
    group.v = "rand()"
    net = Network(group, SpikeMonitor(group, name="spikes"))
    net.store()
    net.run(40 * ms)
    path = brian2nwb.to_nwb(net, tmp_path / "stored.nwb", subject=SUBJECT)
    rebuilt = brian2nwb.from_nwb(path)
    rebuilt.run_recorded()
    np.testing.assert_array_equal(rebuilt["spikes"].t_[:], net["spikes"].t_[:])
    np.testing.assert_array_equal(rebuilt["spikes"].i[:], net["spikes"].i[:])


@implementation("numpy", discard_units=True)
@check_units(x=1, result=1)
def squash(x):
    return np.tanh(x)


def test_python_functions_are_kept_and_those_without_python_code_must_be_supplied(tmp_path):
    """``squash`` (a Python function) is in the file and runs again; ``ufunc_tanh`` calls numpy's ufunc, which is no
    Python code to keep: from_nwb names it and takes it from ``functions=``, which also replaces a kept one."""
    ufunc_tanh = Function(np.tanh, arg_units=[1], return_unit=1)
    group = NeuronGroup(3, "dv/dt = (2 * squash(I) + 0.1 * ufunc_tanh(I) - v) / (5 * ms) : 1\nI : 1", threshold="v > 1",
                        reset="v = 0", method="euler", name="squashed")
    group.I = "i + 1"
    net = Network(group, SpikeMonitor(group, name="spikes"))
    brian2nwb.snapshot(net, seed=4)
    net.run(30 * ms)
    with pytest.warns(brian2nwb.Brian2NWBWarning, match="function 'ufunc_tanh'.*functions="):
        path = brian2nwb.to_nwb(net, tmp_path / "function.nwb", subject=SUBJECT)
    with pytest.raises(ValueError, match="function 'ufunc_tanh'.*functions="):
        brian2nwb.from_nwb(path)
    rebuilt = brian2nwb.from_nwb(path, functions={"ufunc_tanh": ufunc_tanh})
    rebuilt.run_recorded()
    np.testing.assert_array_equal(rebuilt["spikes"].t_[:], net["spikes"].t_[:])
    flat = Function(lambda x: 0 * x, arg_units=[1], return_unit=1)
    replaced = brian2nwb.from_nwb(path, functions={"ufunc_tanh": ufunc_tanh, "squash": flat})
    replaced.run_recorded()
    assert len(replaced["spikes"].t_[:]) < len(net["spikes"].t_[:])


def test_network_operations_are_named_and_can_be_passed_back(tmp_path):
    group = NeuronGroup(2, "v : 1", name="plain")
    calls = []
    operation = NetworkOperation(lambda: calls.append(1), dt=5 * ms, name="python_code")
    net = Network(group, operation)
    brian2nwb.snapshot(net, seed=1)
    net.run(20 * ms)
    with pytest.warns(brian2nwb.Brian2NWBWarning, match="python_code.*operations="):
        path = brian2nwb.to_nwb(net, tmp_path / "operation.nwb", subject=SUBJECT)
    with pytest.warns(brian2nwb.Brian2NWBWarning, match="NetworkOperation 'python_code'.*runs without it.*"
                                                        "operations="):
        without = brian2nwb.from_nwb(path)
    without.run_recorded()
    assert calls.count(1) == 4 and float(without.t_) == pytest.approx(0.02)
    replacement = NetworkOperation(lambda: calls.append(2), dt=5 * ms, name="python_code")
    rebuilt = brian2nwb.from_nwb(path, operations={"python_code": replacement})
    rebuilt.run_recorded()
    assert calls.count(2) == calls.count(1) == 4


MODEL_READER = textwrap.dedent("""
    import sys
    from pynwb import NWBHDF5IO
    with NWBHDF5IO(sys.argv[1], "r") as io:
        simulation = io.read().lab_meta_data["brian2"]
        objects = simulation.objects
        neurons = objects["neurons"]
        print("MODEL", neurons.model.replace(chr(10), " | "))
        print("THRESHOLD", neurons.threshold)
        print("TYPES", sorted(type(o).__name__ for o in objects.brian2_object_models.values()))
        connectivity = objects["synapses"].brian2_tables["connectivity"].vector_datas
        print("SYNAPSES", len(connectivity["i"].data), [int(i) for i in connectivity["i"].data[:5]])
        print("TABLES", sorted(simulation.brian2_tables))
        runs = simulation.brian2_tables["runs"]
        print("RUNS", {name: runs.vector_datas[name].data[:].tolist() for name in runs.colnames})
    assert "brian2nwb" not in sys.modules
""")


def test_model_is_readable_with_plain_pynwb(tmp_path):
    net = poisson_driven()
    path = brian2nwb.to_nwb(net, tmp_path / "model.nwb", subject=SUBJECT)
    output = subprocess.run([sys.executable, "-c", MODEL_READER, str(path)], check=True, capture_output=True,
                            text=True).stdout
    assert "MODEL dv/dt = -v / (10 * ms) : 1" in output
    assert "THRESHOLD v > 1" in output
    assert "'NeuronGroupModel'" in output and "'PoissonGroupModel'" in output and "'SynapsesModel'" in output
    assert f"SYNAPSES {len(net['synapses'])} {[int(i) for i in net['synapses'].i[:5]]}" in output
    # no external identifiers: no such table
    assert "TABLES ['clocks', 'preferences', 'runs', 'schedule', 'slots', 'steps']" in output
    assert "'seed': [1]" in output
    data = read_plain(path)
    assert data["brian2/codegen_target"] == "numpy"


def test_variables_named_like_table_fields_round_trip(tmp_path):
    group = NeuronGroup(4, "dv/dt = (2 - v) / (10 * ms) : 1\nid : 1\ndescription : integer",
                        threshold="v > 1", reset="v = 0", method="exact", name="clash")
    group.id = "i * 2"
    group.description = "i + 10"
    group.v = "rand()"
    net = Network(group, SpikeMonitor(group, name="spikes"))
    brian2nwb.snapshot(net, seed=1)
    net.run(20 * ms)
    path = brian2nwb.to_nwb(net, tmp_path / "clash.nwb", subject=SUBJECT)
    rebuilt = brian2nwb.from_nwb(path)
    values = rebuilt["clash"].variables  # ``.id`` is the object's own UUID attribute in Brian2
    np.testing.assert_array_equal(values["id"].get_value(), [0, 2, 4, 6])
    np.testing.assert_array_equal(values["description"].get_value(), [10, 11, 12, 13])
    rebuilt.run_recorded()
    np.testing.assert_array_equal(rebuilt["spikes"].t_[:], net["spikes"].t_[:])


@pytest.mark.parametrize("target, direct", [("numpy", False), ("numpy", True), ("cython", True)])
def test_synapses_between_subgroups_are_rebuilt_exactly(tmp_path, target, direct, monkeypatch):
    """Synapses from a subgroup to a subgroup, several per pair (a multisynaptic index), per-synapse delays:
    the rebuilt connectivity arrays, per-neuron counts and synapse numbers are Brian2's own - also when the
    large columns are read straight into Brian2's arrays (``direct``: every column counts as large)."""
    from brian2 import Network, NeuronGroup, Synapses, prefs, start_scope

    from brian2nwb.brian import stored

    if direct:
        monkeypatch.setattr(stored, "DIRECT_MIN_ROWS", 1)
    start_scope()
    prefs.codegen.target = target
    group = NeuronGroup(20, "v : 1", threshold="v > 1", reset="v = 0", name="group")
    synapses = Synapses(group[5:12], group[10:], "w : 1", on_pre="v_post += w", multisynaptic_index="k",
                        name="synapses")
    synapses.connect(p=0.5, n=2)
    synapses.w = "rand()"
    synapses.delay = "rand() * ms"
    net = Network(group, synapses)
    brian2nwb.snapshot(net)
    net.run(0 * ms)
    path = brian2nwb.to_nwb(net, tmp_path / "subgroups.nwb", subject=SUBJECT)
    model = read_file(path, [])[0]
    tables = next(d.tables for d in model.objects if d.name == "synapses")
    left_in_file = [type(tables[table][column]) is stored.StoredColumn
                    for table, column in (("connectivity", "i"), ("connectivity", "delay_pre"), ("final_state", "w"))]
    assert left_in_file == [direct] * 3
    rebuilt_net = brian2nwb.from_nwb(path)
    rebuilt = rebuilt_net["synapses"]
    np.testing.assert_array_equal(rebuilt.delay_[:], synapses.delay_[:])
    for name in ("_synaptic_pre", "_synaptic_post", "N_incoming", "N_outgoing", "k", "w"):
        np.testing.assert_array_equal(rebuilt.variables[name].get_value(), synapses.variables[name].get_value(),
                                      err_msg=name)
    np.testing.assert_array_equal(rebuilt.i[:], synapses.i[:])
    np.testing.assert_array_equal(rebuilt.j[:], synapses.j[:])
    assert len(rebuilt) == len(synapses) > 10 and rebuilt._connect_called
