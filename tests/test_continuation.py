"""A file is a checkpoint: from_nwb(state="final") continues the recording bit for bit in a fresh process."""

from __future__ import annotations

import subprocess
import sys

import h5py
import numpy as np
import pytest
from brian2 import Network, NeuronGroup, SpikeMonitor, Synapses, ms, seed

import brian2nwb
from helpers import HERE, SUBJECT, read_plain, reset_brian, resimulate, spikes_of
from networks import everything, periodic_generator
from resimulate import dump


def delayed_network(target: str) -> Network:
    """Recurrent synapses with per-synapse delays of 3-15 ms: at any moment spikes are in flight."""
    reset_brian(target)
    seed(1)
    group = NeuronGroup(30, "dv/dt = (1.1 - v) / (10*ms) : 1", threshold="v > 1", reset="v = 0", method="exact",
                        name="neurons")
    group.v = "rand()"
    synapses = Synapses(group, group, "w : 1", on_pre="v_post += w", name="synapses")
    synapses.connect(p=0.3)
    synapses.w = "0.2 * rand() - 0.1"
    synapses.delay = "3*ms + 0.4*ms * j"
    return Network(group, synapses, SpikeMonitor(group, name="spikes"))


@pytest.mark.parametrize("target", ["numpy", "cython"])
def test_spikes_in_flight_are_continued(tmp_path, target):
    whole = delayed_network(target)
    brian2nwb.snapshot(whole, seed=5)
    whole.run(50 * ms)
    whole.run(50 * ms)
    expected_i, expected_t = np.array(whole["spikes"].i[:]), np.array(whole["spikes"].t_[:])

    half = delayed_network(target)
    brian2nwb.snapshot(half, seed=5)
    half.run(50 * ms)
    path = brian2nwb.to_nwb(half, tmp_path / "checkpoint.nwb", subject=SUBJECT)
    with h5py.File(path, "r") as file:
        assert len(file["general/brian2/objects/synapses/in_flight/synapse"]) > 10

    out = tmp_path / "continued.npz"
    subprocess.run([sys.executable, str(HERE / "continue_run.py"), str(path), str(out), target, "0.05"], check=True,
                   capture_output=True, text=True)
    later = expected_t >= 0.05 - 1e-12
    with np.load(out) as continued:
        np.testing.assert_array_equal(continued["spikes/t"], expected_t[later])
        np.testing.assert_array_equal(continued["spikes/i"], expected_i[later])
    assert later.sum() > 20


@pytest.mark.parametrize("edit", ["synapse past the last", "negative synapse", "steps out of range",
                                  "unknown pathway"])
def test_spikes_in_flight_from_a_file_are_checked(tmp_path, edit):
    """The synapse of a spike in flight is an offset into Brian2's arrays (compiled code writes through it)."""
    import shutil

    net = delayed_network("numpy")
    brian2nwb.snapshot(net, seed=5)
    net.run(50 * ms)
    valid = brian2nwb.to_nwb(net, tmp_path / "checkpoint.nwb", subject=SUBJECT)
    path = tmp_path / "hostile.bin"  # not *.nwb: the conftest validates those
    shutil.copy(valid, path)
    table = "general/brian2/objects/synapses/in_flight"
    with h5py.File(path, "r+") as file:
        if edit == "synapse past the last":
            file[f"{table}/synapse"][0] = 10**6
        elif edit == "negative synapse":
            file[f"{table}/synapse"][0] = -1
        elif edit == "steps out of range":
            file[f"{table}/steps"][0] = 10**9
        else:
            file[f"{table}/pathway"][0] = "elsewhere"
    with pytest.raises(brian2nwb.UnsafeModelError, match="in.flight"):
        brian2nwb.from_nwb(path, state="final")


@pytest.mark.parametrize("target", ["numpy", "cython"])
def test_a_periodic_spike_generator_continues_mid_period(tmp_path, target):
    """Continued at 46 ms, in the second 30 ms period: Brian2 alone would place the generator by absolute time
    and re-send the period's spikes at 5 and 10 ms at once."""
    whole = periodic_generator(target)
    brian2nwb.snapshot(whole)
    for _ in range(4):
        whole.run(23 * ms)
    expected = dump(whole)
    half = periodic_generator(target)
    brian2nwb.snapshot(half)
    for _ in range(2):
        half.run(23 * ms)
    path = brian2nwb.to_nwb(half, tmp_path / "checkpoint.nwb", subject=SUBJECT)
    out = tmp_path / "continued.npz"
    result = subprocess.run([sys.executable, str(HERE / "continue_run.py"), str(path), str(out), target, "0.023",
                             "2"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    with np.load(out) as continued:
        for monitor in ("sent", "received"):
            later = expected[f"{monitor}/t"] >= 0.046 - 1e-12
            assert later.sum() >= 5
            np.testing.assert_array_equal(continued[f"{monitor}/t"], expected[f"{monitor}/t"][later])
            np.testing.assert_array_equal(continued[f"{monitor}/i"], expected[f"{monitor}/i"][later])


@pytest.mark.parametrize("seeded", [True, False], ids=["snapshot-seed", "random-states"])
@pytest.mark.parametrize("target", ["numpy", "cython"])
def test_four_runs_equal_two_plus_two_in_another_process(tmp_path, target, seeded):
    """4 x 50 ms in one process == 2 x 50 ms, to_nwb, from_nwb(state="final") + 2 x 50 ms in a fresh one:
    spikes and final state (weights, traces, bias) bit-identical, seeds continued (snapshot(seed=...)) or the
    random state at the end restored (no seed)."""
    whole = everything(target)
    brian2nwb.snapshot(whole, seed=5 if seeded else None)
    for _ in range(4):
        whole.run(50 * ms)
    expected = dump(whole)

    half = everything(target)
    brian2nwb.snapshot(half, seed=5 if seeded else None)
    for _ in range(2):
        half.run(50 * ms)
    path = brian2nwb.to_nwb(half, tmp_path / "checkpoint.nwb", subject=SUBJECT)
    out = tmp_path / "continued.npz"
    result = subprocess.run([sys.executable, str(HERE / "continue_run.py"), str(path), str(out), target, "0.05", "2"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    later = expected["spikes/t"] >= 0.1 - 1e-12
    with np.load(out) as continued:
        np.testing.assert_array_equal(continued["spikes/t"], expected["spikes/t"][later])
        np.testing.assert_array_equal(continued["spikes/i"], expected["spikes/i"][later])
        for key in ("state/stdp/w", "state/stdp/apre", "state/neurons/v", "state/neurons/bias"):
            np.testing.assert_array_equal(continued[key], expected[key], err_msg=key)
    assert later.sum() > 20


def test_a_killed_checkpointed_run_resumes_to_the_same_result(tmp_path):
    """kill -9 of a checkpointed run (at any moment, a write included), resumed from the newest checkpoint in
    a fresh process: the same spikes and final state as the run that was not killed."""
    import os
    import signal
    import time

    script = [sys.executable, str(HERE / "checkpointed.py")]
    subprocess.run([*script, str(tmp_path / "whole.nwb"), str(tmp_path / "whole.npz"), "numpy"], check=True,
                   capture_output=True, text=True)
    checkpoint = tmp_path / "killed.nwb"
    victim = subprocess.Popen([*script, str(checkpoint), str(tmp_path / "never.npz"), "numpy"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and victim.poll() is None:
        if checkpoint.exists():
            with h5py.File(checkpoint, "r") as file:
                if len(file["general/brian2/runs/duration"]) >= 3:
                    break
        time.sleep(0.05)
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait()
    assert victim.returncode == -signal.SIGKILL and not (tmp_path / "never.npz").exists()
    with h5py.File(checkpoint, "r") as file:  # the newest complete checkpoint, partway
        killed_at = float(file["general/brian2"].attrs["t_end"])
    assert 0.05 <= killed_at < 0.2
    resumed = subprocess.run([*script, str(checkpoint), str(tmp_path / "resumed.npz"), "numpy", "--resume"],
                             capture_output=True, text=True)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    with np.load(tmp_path / "whole.npz") as whole, np.load(tmp_path / "resumed.npz") as again:
        later = whole["spikes/t"] >= killed_at - 1e-12
        np.testing.assert_array_equal(again["spikes/t"], whole["spikes/t"][later])
        np.testing.assert_array_equal(again["spikes/i"], whole["spikes/i"][later])
        for key in ("state/stdp/w", "state/neurons/v", "state/neurons/bias"):
            np.testing.assert_array_equal(again[key], whole[key], err_msg=key)
        assert later.sum() > 10


def test_a_killed_stream_is_recovered_and_resumed(tmp_path):
    """kill -9 of a streamed run whose checkpoints (``run_with_checkpoints``) are its stream's commits; ``brian2nwb
    recover`` (a fresh process) writes a valid file of every committed piece, which re-runs bit for bit and is
    continued from its end into a second streamed file: both files together hold the whole run's spikes, traces
    and rates, and the continuation ends in the same state."""
    import os
    import signal
    import time

    script = [sys.executable, str(HERE / "checkpointed.py")]
    subprocess.run([*script, str(tmp_path / "whole.nwb"), str(tmp_path / "whole.npz"), "numpy", "--stream"],
                   check=True, capture_output=True, text=True)
    killed = tmp_path / "killed.nwb"
    victim = subprocess.Popen([*script, str(killed), str(tmp_path / "never.npz"), "numpy", "--stream"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and victim.poll() is None and not any(
            int(model.stem.split("-")[1]) >= 4 for model in tmp_path.glob("killed.nwb.stream/model-*.nwb")):
        time.sleep(0.02)  # (commit 1 comes after the first piece, at 5 ms: 3 commits reach 50 ms at least)
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait()
    assert victim.returncode == -signal.SIGKILL and not killed.exists()
    recovered = subprocess.run([sys.executable, "-m", "brian2nwb", "recover", str(killed)], capture_output=True,
                               text=True)
    assert recovered.returncode == 0, recovered.stderr[-3000:]
    assert not (tmp_path / "killed.nwb.stream").exists()
    with h5py.File(killed, "r") as file:
        killed_at = float(file["general/brian2"].attrs["t_end"])
        assert "Recovered by brian2nwb.recover" in file["general/notes"][()].decode()
    assert 0.05 <= killed_at < 0.2 and abs(killed_at / 0.005 - round(killed_at / 0.005)) < 1e-6  # whole pieces
    assert f"{killed_at:g} s" in recovered.stdout
    resumed = subprocess.run([*script, str(tmp_path / "continued.nwb"), str(tmp_path / "resumed.npz"), "numpy",
                              "--stream", "--resume-from", str(killed)], capture_output=True, text=True)
    assert resumed.returncode == 0, resumed.stderr[-3000:]

    whole, before, after = (read_plain(tmp_path / name) for name in ("whole.nwb", "killed.nwb", "continued.nwb"))
    (neurons, times, _), *parts = (spikes_of(data, "spikes") for data in (whole, before, after))
    cut = times < killed_at - 1e-12
    for (part_neurons, part_times, _), kept in zip(parts, (cut, ~cut)):  # rows by neuron, each in time order
        np.testing.assert_array_equal(part_neurons, neurons[kept])
        np.testing.assert_array_equal(part_times, times[kept])
    assert cut.sum() > 10 and (~cut).sum() > 10
    for series in ("acquisition/trace_v/data", "acquisition/rate/data"):
        np.testing.assert_array_equal(np.concatenate([before[series], after[series]]), whole[series], err_msg=series)
    with np.load(tmp_path / "whole.npz") as ended, np.load(tmp_path / "resumed.npz") as again:
        for key in ("state/stdp/w", "state/neurons/v", "state/neurons/bias"):
            np.testing.assert_array_equal(again[key], ended[key], err_msg=key)
    rerun = resimulate(killed, "numpy")
    np.testing.assert_array_equal(np.sort(rerun["spikes/t"]), np.sort(times[cut]))
