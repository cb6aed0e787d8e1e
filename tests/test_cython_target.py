"""The same guarantees on Brian2's default (Cython) code-generation target."""

from __future__ import annotations

import numpy as np
from brian2 import Network, NeuronGroup, PopulationRateMonitor, SpikeMonitor, StateMonitor, Synapses, TimedArray, ms, mV

import brian2nwb
from helpers import SUBJECT, by_neuron, check_valid, read_plain, spikes_of


def test_cython_network_round_trip(tmp_path, cython_target):
    drive = TimedArray(np.linspace(10, 30, 40) * mV, dt=1 * ms)
    group = NeuronGroup(30, "dv/dt = (drive(t) - v) / (8 * ms) + 2 * mV * xi / sqrt(ms) : volt",
                        threshold="v > 15 * mV", reset="v = rand() * 5 * mV", method="euler", name="cy_group")
    synapses = Synapses(group, group, "w : volt", on_pre="v_post += w", name="cy_syn")
    synapses.connect(p=0.2)
    synapses.w = "rand() * 0.5 * mV"
    spikes = SpikeMonitor(group, variables="v", name="cy_spikes")
    trace = StateMonitor(group, "v", record=[1, 2], name="cy_trace")
    rate = PopulationRateMonitor(group, name="cy_rate")
    net = Network(group, synapses, spikes, trace, rate)
    net.run(40 * ms)

    path = brian2nwb.to_nwb(net, tmp_path / "cython.nwb", subject=SUBJECT)
    check_valid(path)
    data = read_plain(path)
    assert data["brian2/codegen_target"] == "cython"
    index, times, rows = spikes_of(data, "cy_spikes")
    expected_index, expected_times, expected_v = by_neuron(spikes.i[:], spikes.t_[:], spikes.v_[:])
    assert len(times) > 30
    np.testing.assert_array_equal(index, expected_index)
    np.testing.assert_array_equal(times, expected_times)
    np.testing.assert_array_equal(data["units/v"], expected_v)
    np.testing.assert_array_equal(data["acquisition/cy_trace_v/data"], trace.v_[:].T)
    np.testing.assert_array_equal(data["acquisition/cy_rate/data"], rate.rate_[:])
    np.testing.assert_array_equal(data["stimulus/drive/data"], drive.values)
