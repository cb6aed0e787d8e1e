"""Networks driven by what other tools' NWB files recorded: written, rebuilt in a fresh process without the
source file, and re-run bit for bit; the written file says where its inputs came from."""

from __future__ import annotations

import json

import h5py
import numpy as np
import pytest
from brian2 import Network, NeuronGroup, SpikeMonitor, StateMonitor, Synapses, defaultclock, ms, mV, prefs, second
from helpers import SUBJECT, assert_identical, resimulate
from range_server import serving
from resimulate import dump
from source_files import neo_file, neuroconv_file, pynwb_mock_file

import brian2nwb
from brian2nwb import input_source, spikes_from_nwb, timed_array_from_nwb
from brian2nwb.tools.summary import format_summary, summarize

WRITERS = {"pynwb-mock": (pynwb_mock_file, "step"), "neo": (neo_file, None), "neuroconv": (neuroconv_file, None)}


def driven_network(inputs, current=None) -> Network:
    """LIF neurons driven by the input spikes (and a recorded current, if any)."""
    equations = "dv/dt = (-70*mV - v + I_input(t) * 100*Mohm) / (10*ms) : volt" if current is not None else \
        "dv/dt = (-70*mV - v) / (10*ms) : volt"
    neurons = NeuronGroup(8, equations, threshold="v > -62*mV", reset="v = -70*mV", method="exact",
                          namespace={"I_input": current} if current is not None else None, name="neurons")
    neurons.v = -70 * mV
    synapses = Synapses(inputs, neurons, "w : volt", on_pre="v += w", name="synapses")
    synapses.connect(p=0.7)
    synapses.w = "(6 + 6 * rand()) * mV"
    return Network(inputs, neurons, synapses, SpikeMonitor(neurons, name="spikes"),
                   StateMonitor(neurons, "v", record=[0, 3], name="trace"), SpikeMonitor(inputs, name="input_spikes"))


def rows(path) -> list[dict]:
    with h5py.File(path, "r") as file:
        table = file["general/brian2/input_sources"]
        columns = [c.decode() if isinstance(c, bytes) else c for c in table.attrs["colnames"]]
        values = {c: [v.decode() if isinstance(v, bytes) else v for v in table[c][:]] for c in columns}
    return [dict(zip(values, row)) for row in zip(*values.values())]


@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_a_network_driven_by_another_writers_file_resimulates_exactly(tmp_path, writer):
    make, series = WRITERS[writer]
    source = make(tmp_path / "source.nwb")
    inputs = spikes_from_nwb(source, window=(0 * second, 1.5 * second), collisions="shift", name="recorded_units")
    current = timed_array_from_nwb(source, series, dt=defaultclock.dt) if series else None
    net = driven_network(inputs, current)
    brian2nwb.snapshot(net, seed=11)
    net.run(1.5 * second)
    recorded = dump(net)
    assert len(recorded["input_spikes/t"]) == input_source(inputs).selection["spikes"] > 0
    out = brian2nwb.to_nwb(net, tmp_path / "driven.nwb", subject=SUBJECT)
    written = {row["object"]: row for row in rows(out)}
    assert written["recorded_units"]["checksum"] == input_source(inputs).checksum
    assert written["recorded_units"]["source"] == str(source) and written["recorded_units"]["path"] == "/units"
    assert json.loads(written["recorded_units"]["selection"])["ids"] == input_source(inputs).selection["ids"]
    if current is not None:
        assert written["I_input"]["kind"] == "waveform"
        assert written["I_input"]["path"] == "/stimulus/presentation/step"
    with h5py.File(out, "r") as file:  # the model card names the source
        card = file["general/brian2/model_card"][()].decode()
    assert "## Inputs from other NWB files" in card and f"| {source} |" in card
    source.unlink()  # the file alone rebuilds the inputs
    assert_identical(resimulate(out, "numpy"), recorded)


def test_a_brian2nwb_file_by_url_drives_another_network(tmp_path):
    """The spikes one simulation recorded (one of its monitors, selected by the Units 'monitor' column) drive
    the next one; its file is read by URL, and the driven network's file keeps where they came from."""
    first = driven_network(spikes_from_nwb(pynwb_mock_file(tmp_path / "source.nwb"), collisions="merge",
                                           name="recorded_units"))
    first.run(1 * second)
    (tmp_path / "served").mkdir()
    upstream = brian2nwb.to_nwb(first, tmp_path / "served" / "upstream.nwb", subject=SUBJECT)
    with serving(upstream.parent) as server:
        url = server.redirect_url("upstream.nwb")
        inputs = spikes_from_nwb(url, where={"monitor": "spikes"}, name="upstream")
    spikes = first["spikes"]
    for neuron in range(8):
        np.testing.assert_array_equal(np.sort(np.asarray(inputs._spike_time[:])[np.asarray(inputs._neuron_index[:]) == neuron]),
                                      np.sort(np.asarray(spikes.t_[:])[np.asarray(spikes.i[:]) == neuron]))
    assert input_source(inputs).source == url and len(input_source(inputs).selection["ids"]) == 8
    with serving(upstream.parent) as server:  # the generator's own trains: an EventsTable in /events
        replayed = spikes_from_nwb(server.url("upstream.nwb"), table="recorded_units")
    upstream_generator = first["recorded_units"]
    np.testing.assert_array_equal(replayed._spike_time[:], upstream_generator._spike_time[:])
    np.testing.assert_array_equal(replayed._neuron_index[:], upstream_generator._neuron_index[:])
    prefs.codegen.target = "cython"
    second_net = driven_network(inputs)
    brian2nwb.snapshot(second_net, seed=3)
    second_net.run(1 * second)
    recorded = dump(second_net)
    out = brian2nwb.to_nwb(second_net, tmp_path / "downstream.nwb", subject=SUBJECT)
    assert rows(out)[0]["source"] == url
    summary = summarize(out)
    assert summary["input_sources"] == [{"object": "upstream", "kind": "spikes", "source": url,
                                         "identifier": rows(out)[0]["identifier"], "path": "/units"}]
    assert f"upstream (spikes): /units of {url}" in format_summary(summary)
    rebuilt = brian2nwb.from_nwb(out)
    assert rebuilt.input_sources["upstream"].checksum == input_source(inputs).checksum
    again = brian2nwb.to_nwb(rebuilt, tmp_path / "rewritten.nwb", subject=SUBJECT)  # a re-run's file keeps them
    assert rows(again) == rows(out)
    assert_identical(resimulate(out, "cython"), recorded)


def test_input_sources_are_checked_by_their_declared_roles(tmp_path):
    source = pynwb_mock_file(tmp_path / "source.nwb")
    net = driven_network(spikes_from_nwb(source, collisions="shift", name="recorded_units"))
    brian2nwb.snapshot(net)
    net.run(10 * ms)
    out = brian2nwb.to_nwb(net, tmp_path / "driven.nwb", subject=SUBJECT)
    assert brian2nwb.from_nwb(out).input_sources["recorded_units"].path == "/units"
    with h5py.File(out, "r+") as file:  # a kind the table does not declare
        file["general/brian2/input_sources/kind"][0] = "exploit"
    with pytest.raises(brian2nwb.InvalidFileError, match="input_sources.*kind"):
        brian2nwb.from_nwb(out)


def test_a_zarr_store_is_a_source_too(tmp_path):
    source = pynwb_mock_file(tmp_path / "source.nwb")
    net = driven_network(spikes_from_nwb(source, collisions="shift", name="recorded_units"))
    net.run(2 * second)
    store = brian2nwb.to_nwb(net, tmp_path / "upstream.nwb.zarr", backend="zarr", subject=SUBJECT)
    inputs = spikes_from_nwb(store, where={"monitor": "spikes"})
    spikes = net["spikes"]
    assert len(inputs._spike_time[:]) == spikes.num_spikes > 0
    np.testing.assert_array_equal(np.sort(np.asarray(inputs._spike_time[:])), np.sort(np.asarray(spikes.t_[:])))
