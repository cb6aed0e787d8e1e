"""Runs made in pieces and streamed recordings (issue 22): bit-identical to the whole run on numpy and
Cython, monitors emptied between pieces record the rest exactly, the recorder sees one run, and the file
written from it re-simulates as the whole run's does."""

from __future__ import annotations

import datetime

import numpy as np
import pytest
from brian2 import (Hz, Network, NeuronGroup, PoissonGroup, PopulationRateMonitor, SpikeMonitor, StateMonitor, Synapses, ms,
                    network_operation, prefs, run, second, seed, start_scope)
from helpers import SUBJECT, assert_identical, assert_same, read_plain, resimulate
from resimulate import dump

import brian2nwb
from brian2nwb.brian.internals import forget_recorded
from brian2nwb.brian.pieces import piece_ends
from brian2nwb.kinds import spikemonitor
from brian2nwb.verbs.stream import split_runs

tau = 10 * ms
SAME = {"identifier": "one-recording", "session_start_time": datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)}  # found in this module's namespace by Brian2, through the pieces' extra frames


def noisy_network():
    seed(1)  # the same connectivity and delays each time
    inputs = PoissonGroup(40, 50 * Hz, name="inputs")
    neurons = NeuronGroup(20, "dv/dt = (-v + 0.3 * xi * sqrt(ms)) / tau : 1", threshold="v > 0.5", reset="v = 0",
                          method="euler", name="neurons")
    synapses = Synapses(inputs, neurons, "w : 1", on_pre="v += w", delay=2 * ms, name="synapses")
    synapses.connect(p=0.3)
    synapses.w = 0.12
    recurrent = Synapses(neurons, neurons, on_pre="v -= 0.05", name="recurrent")
    recurrent.connect(p=0.2)
    recurrent.delay = "rand() * 3 * ms"
    return Network(inputs, neurons, synapses, recurrent, SpikeMonitor(neurons, name="spikes"),
                   StateMonitor(neurons, "v", record=[0, 5], name="trace"), name="net")


def recorded(net) -> dict:
    return {"i": np.array(net["spikes"].i[:]), "t": np.array(net["spikes"].t_[:]), "v": np.array(net["trace"].v[:]),
            "trace_t": np.array(net["trace"].t_[:])}


def test_piece_ends_fall_on_whole_steps():
    assert piece_ends(0.0, 1.0, 0.3, [1e-4]) == pytest.approx([0.3, 0.6, 0.9, 1.0])
    assert piece_ends(0.5, 0.2, 1.0, [1e-4]) == [0.7]
    assert piece_ends(0.0, 1e-3, 1e-5, [1e-4, 5e-4]) == pytest.approx([5e-4, 1e-3])  # at least one step of each clock


@pytest.mark.parametrize("target", ["numpy", "cython"])
def test_a_run_in_pieces_equals_the_whole_run(tmp_path, target):
    prefs.codegen.target = target
    whole = noisy_network()
    brian2nwb.snapshot(whole, seed=5)
    whole.run(300 * ms)
    expected = recorded(whole)
    written_whole = brian2nwb.to_nwb(whole, tmp_path / "whole.nwb", subject=SUBJECT)

    pieces, kept = noisy_network(), []

    def between(net):  # what streaming will write: each piece's data, then the monitors emptied
        kept.append(recorded(net))
        forget_recorded(net["spikes"])
        forget_recorded(net["trace"])

    recorder = brian2nwb.snapshot(pieces, seed=5)
    split_runs(pieces, 70 * ms, between)
    pieces.run(300 * ms)
    kept.append(recorded(pieces))
    assert len(kept) == 5  # 70, 140, 210, 280, 300 ms
    for key, values in expected.items():
        np.testing.assert_array_equal(np.concatenate([piece[key] for piece in kept], axis=-1), values, err_msg=key)
    assert len(expected["i"]) > 20
    assert [(run.start, run.duration, run.seed) for run in recorder.runs] == [(0.0, pytest.approx(0.3), 5)]
    # the model and the runs recorded are those of the whole run: the two files rebuild the same network
    written = brian2nwb.to_nwb(pieces, tmp_path / "pieces.nwb", subject=SUBJECT)
    for path in (written_whole, written):
        rebuilt = brian2nwb.from_nwb(path)
        rebuilt.run_recorded()
        np.testing.assert_array_equal(rebuilt["spikes"].t_[:], expected["t"])


def test_stop_inside_a_piece_ends_the_run(tmp_path):
    net = noisy_network()

    @network_operation(dt=1 * ms)
    def halt(t):
        if t >= 95 * ms:
            net.stop()

    net.add(halt)
    brian2nwb.snapshot(net, seed=1)
    calls = []
    split_runs(net, 40 * ms, lambda n: calls.append(float(n.t / second)))
    net.run(1 * second)
    assert calls == [pytest.approx(0.04), pytest.approx(0.08)] and float(net.t / second) < 0.1


@pytest.mark.parametrize("target", ["numpy", "cython"])
def test_a_streamed_recording_writes_the_same_file(tmp_path, target, monkeypatch):
    """... completed from disk: spikes grouped by neuron through buckets (a tiny memory budget), traces a slice
    of rows at a time."""
    monkeypatch.setattr(spikemonitor, "REGROUP_BYTES", 4096)
    prefs.codegen.target = target
    def more_monitors(net):  # a StateMonitor with more elements than samples is split into parts
        net.add(PopulationRateMonitor(net["neurons"], name="rate"), SpikeMonitor(net["inputs"], name="input_spikes"),
                StateMonitor(net["neurons"], "v", record=True, dt=20 * ms, name="wide"))

    whole = noisy_network()
    more_monitors(whole)
    brian2nwb.snapshot(whole, seed=5)
    whole.run(250 * ms)
    expected = dump(whole)
    brian2nwb.to_nwb(whole, tmp_path / "whole.nwb", subject=SUBJECT, **SAME)

    net = noisy_network()
    more_monitors(net)
    streaming = brian2nwb.stream(net, tmp_path / "streamed.nwb", every=60 * ms, seed=5)
    net.run(250 * ms)
    assert streaming.store.path.exists()
    assert float(net["trace"].t[0] / ms) == pytest.approx(240.0)  # the monitors hold the last piece
    assert net["spikes"].count[:].sum() == len(expected["spikes/i"])  # count keeps counting every spike
    written = brian2nwb.to_nwb(net, tmp_path / "streamed.nwb", subject=SUBJECT, **SAME)
    assert not streaming.store.path.exists()
    assert len(net["spikes"].t) == len(net["trace"].t) == 0  # completed from disk: the last piece was written too
    assert_same(read_plain(written), read_plain(tmp_path / "whole.nwb"))
    assert_identical(resimulate(written, "numpy" if target == "numpy" else "cython"), expected)


def test_monitors_can_keep_nothing_between_runs(tmp_path):
    """keep="nothing": after each run the monitors hold nothing; two runs with a value set between them write
    the file the same runs write without streaming."""
    def two_runs(net):
        net.run(70 * ms)
        net["neurons"].v = 0.25
        net.run(50 * ms)

    whole = noisy_network()
    brian2nwb.snapshot(whole, seed=2)
    two_runs(whole)
    brian2nwb.to_nwb(whole, tmp_path / "whole.nwb", subject=SUBJECT, **SAME)
    net = noisy_network()
    brian2nwb.stream(net, tmp_path / "streamed.nwb", every=30 * ms, seed=2, keep="nothing")
    net.run(70 * ms)
    assert len(net["spikes"].t) == len(net["trace"].t) == 0 and net["spikes"].count[:].sum() > 0
    net["neurons"].v = 0.25
    net.run(50 * ms)
    assert len(net["trace"].t) == 0
    written = brian2nwb.to_nwb(net, tmp_path / "streamed.nwb", subject=SUBJECT, **SAME)
    assert_same(read_plain(written), read_plain(tmp_path / "whole.nwb"))


def test_a_byte_budget_sets_the_pieces(tmp_path):
    """max_bytes: after a short first piece that measures the rate, each piece holds about 80% of the budget
    (here the traces, 24 bytes a step, dominate); the file is the one the whole run writes."""
    whole = noisy_network()
    brian2nwb.snapshot(whole, seed=4)
    whole.run(300 * ms)
    brian2nwb.to_nwb(whole, tmp_path / "whole.nwb", subject=SUBJECT, **SAME)
    net = noisy_network()
    streaming = brian2nwb.stream(net, tmp_path / "streamed.nwb", every=1 * second, seed=4, max_bytes=20_000)
    net.run(300 * ms)
    ends = [end for end, _ in streaming.pieces]
    assert ends[0] == pytest.approx(0.01) and len(ends) >= 4
    assert all(10_000 < size <= 20_000 for _, size in streaming.pieces[1:])
    written = brian2nwb.to_nwb(net, tmp_path / "streamed.nwb", subject=SUBJECT, **SAME)
    assert_same(read_plain(written), read_plain(tmp_path / "whole.nwb"))


def test_what_cannot_be_streamed_is_refused_before_it_runs(tmp_path):
    net = noisy_network()
    net.store()
    brian2nwb.stream(net, tmp_path / "sim.nwb", every=20 * ms)
    with pytest.raises(RuntimeError, match="cannot restore"):
        net.restore()
    with pytest.raises(FileExistsError, match="earlier stream"):  # its pieces are not overwritten
        brian2nwb.stream(noisy_network(), tmp_path / "sim.nwb")
    with pytest.raises(ValueError, match="positive"):
        brian2nwb.stream(noisy_network(), tmp_path / "other.nwb", every=0 * ms)
    with pytest.raises(ValueError, match="'piece' or 'nothing'"):
        brian2nwb.stream(noisy_network(), tmp_path / "other.nwb", keep="all")
    with pytest.raises(ValueError, match="max_bytes"):
        brian2nwb.stream(noisy_network(), tmp_path / "other.nwb", max_bytes=0)
    with pytest.raises(TypeError, match="pass it to to_nwb"):
        brian2nwb.stream(noisy_network(), tmp_path / "other.nwb", backend="zarr")
    streamed = noisy_network()
    brian2nwb.stream(streamed, tmp_path / "third.nwb")
    with pytest.raises(ValueError, match="checkpoints are that stream's commits"):
        brian2nwb.run_with_checkpoints(streamed, 100 * ms, 10 * ms, tmp_path / "elsewhere.nwb")


def magic_simulation(stream_to=None):
    """A magic simulation (a group on a clock 10x slower than the default one) whose run ends at 100 ms."""
    start_scope()
    seed(2)
    group = NeuronGroup(5, "dv/dt = (1.1 - v) / tau : 1", threshold="v > 1", reset="v = 0", method="exact",
                        dt=1 * ms)
    group.v = "rand()"
    spikes, trace = SpikeMonitor(group), StateMonitor(group, "v", record=True)
    if stream_to is not None:
        brian2nwb.stream(None, stream_to, every=25.5 * ms)  # pieces of 25 ms: whole steps of the slow clock
    run(100 * ms)
    return spikes, trace


def recorded_magic_simulation(path):
    start_scope()
    group = NeuronGroup(2, "v : 1", threshold="v > 1")  # in the namespace: a new magic simulation
    spikes = SpikeMonitor(group)
    brian2nwb.snapshot()
    run(20 * ms)
    brian2nwb.to_nwb(None, path, subject=SUBJECT)
    return spikes


def test_a_magic_network_streams_too(tmp_path):
    spikes, trace = magic_simulation()  # not streamed
    expected = {"t": np.array(spikes.t_[:]), "v": np.array(trace.v[:])}
    recorded_magic_simulation(tmp_path / "before.nwb")  # the streamed simulation then starts again at t = 0
    spikes, trace = magic_simulation(stream_to=tmp_path / "magic.nwb")
    assert trace.t[0] == 75 * ms and trace.t[-1] == 99 * ms  # the last piece only, on the slow clock's steps
    path = brian2nwb.to_nwb(None, tmp_path / "magic.nwb", subject=SUBJECT)
    values = read_plain(path)
    assert np.array_equal(np.sort(values["units/spike_times"]), np.sort(expected["t"]))
    trace_data = [values[key] for key in values if key.startswith("acquisition/statemonitor") and key.endswith("/data")]
    assert len(trace_data) == 1 and np.array_equal(trace_data[0], expected["v"].T)
    assert len(expected["t"]) >= 15
    with pytest.raises(RuntimeError, match="magic.nwb.stream, which is closed .to_nwb wrote them"):
        brian2nwb.to_nwb(None, tmp_path / "again.nwb")
