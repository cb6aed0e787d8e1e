"""The run timeline (issue 18): every network of timeline_networks.py is recorded here, written, rebuilt in a
fresh process, re-run and compared bit for bit (monitors and final state); files pass pynwb and nwbinspector
(the autouse check in conftest.py)."""

from __future__ import annotations


import numpy as np
import pytest
from brian2 import ms, prefs

import brian2nwb
from brian2nwb.brian.preferences import RECORDED
from helpers import SUBJECT, assert_identical, continue_in_fresh_process, resimulate
from resimulate import dump
from timeline_networks import NETWORKS


@pytest.fixture
def default_preferences():
    """Networks that change preferences leave this process as it was."""
    saved = {name: prefs[name] for name in RECORDED}
    yield
    for name, value in saved.items():
        prefs[name] = value


def record(name: str, tmp_path, **kwargs):
    net = NETWORKS[name]()
    path = brian2nwb.to_nwb(net, tmp_path / f"{name}.nwb", subject=SUBJECT, **kwargs)
    return net, path


@pytest.mark.parametrize("name", sorted(NETWORKS))
def test_replayed_exactly(name, tmp_path, default_preferences):
    net, path = record(name, tmp_path)
    assert_identical(resimulate(path, "numpy"), dump(net))


@pytest.mark.parametrize("name", ["binomial_functions", "spikes_replaced", "synapses_changed",
                                  "restored_from_file_stored_before_snapshot"])
def test_replayed_exactly_on_cython(name, tmp_path, cython_target):
    """The causes whose code or random numbers differ on Cython (its own binomial code and blocks of random
    numbers, synapses created by generated code)."""
    net, path = record(name, tmp_path)
    assert_identical(resimulate(path, "cython"), dump(net))


def after(data: dict, t_end: float) -> dict:
    """What each monitor recorded from ``t_end`` on (rows of its time array), and the state."""
    kept = {}
    for key, values in data.items():
        monitor, _, column = key.rpartition("/")
        if key.startswith("state/"):
            kept[key] = values
        else:
            times = data[f"{monitor}/t"]
            kept[key] = values[times >= t_end - 1e-12]
    return kept


@pytest.mark.parametrize("name", ["dt_changed", "custom_schedule", "spikes_replaced", "synapses_changed",
                                  "preferences_changed"])
def test_continued_exactly(name, tmp_path, default_preferences):
    """from_nwb(state="final") in a fresh process continues with the settings in force at the end (dt, schedule,
    spikes, synapses, preferences): the same as the original network running on."""
    net, path = record(name, tmp_path)
    t_end = float(net.t_)
    net.run(20 * ms)
    continued = continue_in_fresh_process(path, "numpy", 0.02)
    expected = after(dump(net), t_end)
    assert set(continued) == set(expected)
    for key, values in expected.items():
        np.testing.assert_array_equal(continued[key], values, err_msg=key)
