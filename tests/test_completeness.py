"""Nothing is lost silently: every object and part of a network is in the file or named in a warning; wide
StateMonitors keep time on axis 0 (split into parts) and pass nwbinspector; the magic network is written whole
from any scope."""

from __future__ import annotations

import numpy as np
import pytest
from brian2 import (
    Cylinder,
    EventMonitor,
    Hz,
    Network,
    NetworkOperation,
    NeuronGroup,
    PoissonGroup,
    PoissonInput,
    PopulationRateMonitor,
    Soma,
    SpatialNeuron,
    SpikeGeneratorGroup,
    SpikeMonitor,
    StateMonitor,
    Synapses,
    ms,
    um,
)
from pynwb import NWBHDF5IO

import brian2nwb
from brian2nwb.brian.network import walk
from helpers import SUBJECT, assert_same, load, resimulate, run_script


def every_kind() -> Network:
    neurons = NeuronGroup(10, "dv/dt = (I - v) / (10 * ms) : 1\nI : 1\ncount : integer", threshold="v > 1",
                          reset="v = 0", events={"half": "v > 0.5"}, method="exact", name="neurons")
    neurons.run_on_event("half", "count += 1")
    neurons.run_regularly("I = 1.2", dt=5 * ms, name="neurons_drive")
    part = neurons[:5]
    poisson = PoissonGroup(5, 50 * Hz, name="poisson")
    generator = SpikeGeneratorGroup(2, [0, 1], [1, 2] * ms, name="generator")
    synapses = Synapses(poisson, part, "w : 1\nI_post = w : 1 (summed)", on_pre={"pre": "v_post += w"},
                        on_post="w += 0.01", name="synapses")
    synapses.connect(p=0.5)
    morphology = Soma(diameter=20 * um)
    morphology.axon = Cylinder(diameter=1 * um, length=50 * um, n=3)
    cell = SpatialNeuron(morphology, "Im = 1e-4 * siemens / meter**2 * (-70 * mV - v) : amp/meter**2",
                         method="exponential_euler", name="cell")
    net = Network(neurons, poisson, generator, synapses, cell,
                  PoissonInput(neurons, "v", 10, 20 * Hz, weight=0.05),
                  NetworkOperation(lambda: None, dt=1 * ms, name="python_operation"),
                  SpikeMonitor(part, name="spikes"), EventMonitor(neurons, "half", name="halves"),
                  StateMonitor(cell, "v", record=True, name="cell_v"),
                  PopulationRateMonitor(neurons, name="rate"))
    brian2nwb.snapshot(net)
    net.run(10 * ms)
    return net


def test_every_object_and_part_is_in_the_file_or_named(tmp_path):
    net = every_kind()
    with pytest.warns(brian2nwb.Brian2NWBWarning) as caught:
        path = brian2nwb.to_nwb(net, tmp_path / "everything.nwb", subject=SUBJECT)
    warned = "\n".join(str(w.message) for w in caught)
    with NWBHDF5IO(str(path), "r") as io:
        simulation = io.read().lab_meta_data["brian2"]
        scheduled = set(simulation.brian2_tables["schedule"].vector_datas["object"].data[:])
        described = set(simulation.objects.brian2_object_models)
    for obj in net.objects:
        for part in walk(obj):
            assert part.name in scheduled, part.name
        assert obj.name in described or f"{obj.name} (" in warned, obj.name
    assert "python_operation (NetworkOperation" in warned and "operations=" in warned
    assert described >= {"neurons", "neurons_subgroup", "poisson", "generator", "synapses", "cell", "spikes",
                         "halves", "cell_v", "rate"}
    assert any(name.startswith("poissoninput") for name in described)


def weak_descriptions(path) -> list[str]:
    """Typed groups and datasets whose description is missing, empty, a placeholder or just their name."""
    import h5py

    weak = []
    with h5py.File(path, "r") as file:
        def visit(name, obj):
            if name.startswith("specifications") or "neurodata_type" not in obj.attrs:
                return
            description = obj.attrs.get("description")
            description = description.decode() if isinstance(description, bytes) else description
            if description is None:
                if isinstance(obj, h5py.Group) and obj.attrs.get("namespace") == "ndx-brian2":
                    weak.append(f"{name}: none")
            elif description.strip() in ("", name.rsplit("/", 1)[-1], "no description") or len(description) < 12:
                weak.append(f"{name}: {description!r}")
        file.visititems(visit)
    return weak


def test_every_group_and_column_says_what_it_is(tmp_path):
    path = brian2nwb.to_nwb(every_kind(), tmp_path / "described.nwb", subject=SUBJECT)
    assert weak_descriptions(path) == []


def test_wide_state_monitor_is_split_with_time_on_axis_0(tmp_path):
    """50 neurons over 20 samples: three series of at most 20 columns (the autouse fixture runs nwbinspector
    on the file: no CRITICAL finding); together they are the recording."""
    group = NeuronGroup(50, "dv/dt = (1 + 0.01 * i - v) / (10 * ms) : 1", method="exact", name="wide")
    monitor = StateMonitor(group, "v", record=True, name="all_v")
    net = Network(group, monitor)
    brian2nwb.snapshot(net)
    net.run(2 * ms)
    path = brian2nwb.to_nwb(net, tmp_path / "wide.nwb", subject=SUBJECT)
    with NWBHDF5IO(str(path), "r") as io:
        acquisition = io.read().acquisition
        parts = sorted((series for series in acquisition.values() if series.monitor == "all_v"),
                       key=lambda series: series.part)
        assert [series.name for series in parts] == ["all_v_v_part0", "all_v_v_part1", "all_v_v_part2"]
        assert all(series.data.shape[0] == 20 >= series.data.shape[1] for series in parts)
        assert {series.parts for series in parts} == {3}
        indices = np.concatenate([series.recorded_indices[:] for series in parts])
        data = np.concatenate([series.data[:] for series in parts], axis=1)
    np.testing.assert_array_equal(indices, np.arange(50))
    np.testing.assert_array_equal(data, monitor.v_[:].T)


WRITTEN_ELSEWHERE = """
    seed(3)
    group = NeuronGroup(5, "dv/dt = (1.3 - v) / (10 * ms) + 0.2 * xi / sqrt(ms) : 1", threshold="v > 1",
                        reset="v = 0", method="euler")
    spikes = SpikeMonitor(group)

    def save(path):  # a scope where none of the objects is visible
        brian2nwb.to_nwb(None, path, subject=SUBJECT)

    brian2nwb.snapshot()
    run(20 * ms)
    save(f"{OUT}/from_function.nwb")
    brian2nwb.to_nwb(magic_network, f"{OUT}/magic_network.nwb", subject=SUBJECT)
    keep("reference", group, spikes)
"""


def test_magic_network_is_written_whole_from_any_scope(tmp_path):
    run_script(tmp_path, WRITTEN_ELSEWHERE)
    reference = load(tmp_path / "recorded" / "reference.npz")
    assert len(reference["spikemonitor/t"]) > 0
    for name in ("from_function", "magic_network"):
        assert_same(resimulate(tmp_path / "recorded" / f"{name}.nwb", "numpy"), reference)
