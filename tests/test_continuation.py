"""A file is a checkpoint: from_nwb(state="final") continues the recording bit for bit in a fresh process."""

from __future__ import annotations

import subprocess
import sys

import h5py
import numpy as np
import pytest
from brian2 import Network, NeuronGroup, SpikeMonitor, Synapses, ms, seed

import brian2nwb
from helpers import HERE, SUBJECT, reset_brian


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
        np.testing.assert_array_equal(continued["spikes/t_"], expected_t[later])
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
    with pytest.raises(brian2nwb.UnsafeModelError, match="in flight"):
        brian2nwb.from_nwb(path, state="final")
