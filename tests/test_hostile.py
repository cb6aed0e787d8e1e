"""A hand-crafted hostile file gets a clear error and runs nothing."""

from __future__ import annotations

import shutil

import h5py
import numpy as np
import pytest
from brian2 import Network, NeuronGroup, SpikeMonitor, Synapses, ms

import brian2nwb
from brian2nwb import UnsafeModelError
from helpers import SUBJECT, reset_brian

OBJECTS = "general/brian2/objects"


@pytest.fixture(scope="module")
def valid_file(tmp_path_factory):
    reset_brian("numpy")
    group = NeuronGroup(4, "dv/dt = (I - v) / tau : 1\nI : 1", threshold="v > 1", reset="v = 0",
                        method="exact", name="neurons")
    group.I = 2
    synapses = Synapses(group, group, "w : 1", on_pre="v_post += w", name="synapses")
    synapses.connect(p=0.5)
    net = Network(group, synapses, SpikeMonitor(group, name="spikes"))
    brian2nwb.snapshot(net)  # random states recorded, not seeds
    tau = 10 * ms  # noqa: F841
    net.store("start")
    net.run(5 * ms)
    group.I = 2.5
    net.run(5 * ms)
    return brian2nwb.to_nwb(net, tmp_path_factory.mktemp("valid") / "valid.nwb", subject=SUBJECT)


def tampered(valid_file, tmp_path, edit):
    path = tmp_path / "hostile.nwb"
    shutil.copy(valid_file, path)
    with h5py.File(path, "r+") as file:
        edit(file)
    return path


MARKER = "brian2nwb_pwned"

ATTACKS = {
    "import in reset": lambda f: f[f"{OBJECTS}/neurons"].attrs.__setitem__(
        "reset", f"__import__('os').system('touch {MARKER}')"),
    "attribute access in threshold": lambda f: f[f"{OBJECTS}/neurons"].attrs.__setitem__(
        "threshold", "v.__class__.__bases__ > 0"),
    "string literal in reset": lambda f: f[f"{OBJECTS}/neurons"].attrs.__setitem__("reset", "v = 'x'"),
    "python call in pathway": lambda f: f[f"{OBJECTS}/synapses/pathways/code"].__setitem__(
        0, "v_post += eval('1')"),
    "code in a unit": lambda f: f[f"{OBJECTS}/neurons"].attrs.__setitem__(
        "model", "dv/dt = (I - v) / tau : __import__('os').system('touch x') or 1\nI : 1"),
    "lambda in model": lambda f: f[f"{OBJECTS}/neurons"].attrs.__setitem__(
        "model", "dv/dt = (lambda: 1)() : 1\nI : 1"),
    "dunder identifier": lambda f: f[f"{OBJECTS}/neurons"].attrs.__setitem__("reset", "v = __builtins__"),
    "unknown identifier": lambda f: f[f"{OBJECTS}/neurons"].attrs.__setitem__("reset", "v = open"),
    "absurd size": lambda f: f[f"{OBJECTS}/neurons"].attrs.__setitem__("N", np.int64(10**15)),
    "negative size": lambda f: f[f"{OBJECTS}/neurons"].attrs.__setitem__("N", np.int64(-3)),
    "size not matching state": lambda f: f[f"{OBJECTS}/neurons"].attrs.__setitem__("N", np.int64(2_000_000_000)),
    "unknown method": lambda f: f[f"{OBJECTS}/neurons"].attrs.__setitem__("method", "os.system"),
    "bad object name": lambda f: f.move(f"{OBJECTS}/neurons", f"{OBJECTS}/__neurons"),
    "synapse index out of range": lambda f: f[f"{OBJECTS}/synapses/connectivity/i"].__setitem__(0, 10**6),
    "negative dt": lambda f: f["general/brian2/clocks/dt"].__setitem__(0, -1.0),
    "temporary named like a dunder": lambda f: f[f"{OBJECTS}/neurons"].attrs.__setitem__(
        "reset", "__class__ = v\nv = 0"),
    "unknown step action": lambda f: f["general/brian2/steps/action"].__setitem__(0, "exec"),
    "step on an object the file lacks": lambda f: f["general/brian2/steps/target"].__setitem__(2, "os"),
    "step running a run the file lacks": lambda f: f["general/brian2/steps/run"].__setitem__(1, 99),
    "stored state with a code name": lambda f: f["general/brian2/steps/target"].__setitem__(0, "__import__"),
    "random state position out of range": lambda f: f["general/brian2/random_states/mt_pos"].__setitem__(0, 10**6),
    "random block that does not exist": lambda f: f["general/brian2/random_states/rand_block"].__setitem__(0, 7),
    "values set for too many neurons": lambda f: _replace(f, f"{OBJECTS}/neurons/step_2_state/I", np.zeros(10**4)),
}


def _replace(file, path, values):
    attributes = dict(file[path].attrs)
    del file[path]
    file[path] = values
    file[path].attrs.update(attributes)


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_hostile_file_is_refused(valid_file, tmp_path, attack, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = tampered(valid_file, tmp_path, ATTACKS[attack])
    with pytest.raises(UnsafeModelError) as error:
        brian2nwb.from_nwb(path)
    print(attack, "->", error.value)
    assert not (tmp_path / MARKER).exists()
    assert not (tmp_path / "x").exists()


def test_untampered_file_rebuilds(valid_file):
    net = brian2nwb.from_nwb(valid_file)
    net.run_recorded()
    assert len(net["spikes"].t) > 0
