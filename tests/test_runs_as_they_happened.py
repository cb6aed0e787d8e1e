"""Runs as they really happen in scripts: magic run() with start_scope() or rebound names, the script's own
seeding, NetworkOperations that stop(), several networks, store/restore (networks.py: store_restore_loop,
store_before_snapshot, changed_between_runs run in the re-simulation matrix). Scripts run in their own
process, as users run them; every file is re-run in a fresh process and compared bit for bit."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from brian2 import Network, NeuronGroup, SpikeMonitor, ms, seed

import brian2nwb
from helpers import SUBJECT, assert_same, load, resimulate, run_script

HERE = Path(__file__).parent

MAGIC_LOOP = """
    if RECORD:
        brian2nwb.snapshot()   # once: it follows every simulation of the script
    seed(7)                    # the script's own seeding
    for k, tau in enumerate([10 * ms, 5 * ms, 8 * ms]):
        if k == 2:
            start_scope()
        G = NeuronGroup(5, "dv/dt = (1.2 - v) / tau + 0.3 * xi / sqrt(ms) : 1", threshold="v > 1",
                        reset="v = 0", method="euler")
        M = SpikeMonitor(G)
        run(20 * ms)
        if RECORD:
            brian2nwb.to_nwb(None, f"{OUT}/sim{k}.nwb", subject=SUBJECT)
        keep(f"ref{k}", G, M)
"""


@pytest.mark.parametrize("target", ["numpy", "cython"])
def test_magic_simulations_one_after_another(tmp_path, target):
    """One snapshot() follows three magic simulations (names rebound without start_scope(), then with it);
    the recorded spikes are those of the same script without brian2nwb, and each file re-runs exactly."""
    run_script(tmp_path, MAGIC_LOOP, target)
    run_script(tmp_path, MAGIC_LOOP, target, record=False)
    for k in range(3):
        recorded = load(tmp_path / "recorded" / f"ref{k}.npz")
        assert_same(recorded, load(tmp_path / "plain" / f"ref{k}.npz"))
        assert sum(len(v) for key, v in recorded.items() if key.endswith("/t")) > 0
        assert_same(resimulate(tmp_path / "recorded" / f"sim{k}.nwb", target), recorded)


NETWORK_OPERATION_STOP = """
    seed(11)
    G = NeuronGroup(10, "dv/dt = (1.5 - v) / (10 * ms) : 1", threshold="v > 1", reset="v = 0", method="exact")
    G.v = "rand()"
    spikes = SpikeMonitor(G)

    @network_operation(dt=1 * ms)
    def check_spikes():
        if spikes.num_spikes >= 20:
            stop()

    if RECORD:
        brian2nwb.snapshot()
    run(100 * ms)
    print("STOPPED AT", defaultclock.t)
    if RECORD:
        brian2nwb.to_nwb(None, f"{OUT}/stopped.nwb", subject=SUBJECT)
    keep("stopped", G, spikes)
"""


def test_network_operation_that_stops_the_run(tmp_path):
    recorded = run_script(tmp_path, NETWORK_OPERATION_STOP)
    plain = run_script(tmp_path, NETWORK_OPERATION_STOP, record=False)
    assert "STOPPED AT" in recorded.stdout and recorded.stdout == plain.stdout
    reference = load(tmp_path / "recorded" / "stopped.npz")
    assert_same(reference, load(tmp_path / "plain" / "stopped.npz"))
    assert "calls check_spikes(); it runs Python code" in recorded.stderr and "operations=" in recorded.stderr
    path = tmp_path / "recorded" / "stopped.nwb"
    with pytest.warns(brian2nwb.Brian2NWBWarning, match="NetworkOperation 'networkoperation'.*operations="):
        rebuilt = brian2nwb.from_nwb(path)
    assert rebuilt.recorded_runs[0].duration < 0.1  # the stopped run, as long as it really was
    assert_same(resimulate(path, "numpy"), reference)


STORE_IN_MAGIC_SCRIPT = """
    seed(5)
    G = NeuronGroup(4, "dv/dt = (I - v) / (10 * ms) + 0.2 * xi / sqrt(ms) : 1\\nI : 1", threshold="v > 1",
                    reset="v = 0", method="euler")
    spikes = SpikeMonitor(G)
    store()                    # before snapshot(): the recorder adopts it
    if RECORD:
        brian2nwb.snapshot()
    for I in (1.1, 1.3):
        restore()
        G.I = I
        run(20 * ms)
    if RECORD:
        brian2nwb.to_nwb(None, f"{OUT}/trials.nwb", subject=SUBJECT)
    keep("trials", G, spikes)
"""


def test_store_and_restore_in_a_magic_script(tmp_path):
    run_script(tmp_path, STORE_IN_MAGIC_SCRIPT)
    run_script(tmp_path, STORE_IN_MAGIC_SCRIPT, record=False)
    reference = load(tmp_path / "recorded" / "trials.npz")
    assert_same(reference, load(tmp_path / "plain" / "trials.npz"))
    assert_same(resimulate(tmp_path / "recorded" / "trials.nwb", "numpy"), reference)


def test_user_seed_is_not_overridden(tmp_path):
    """snapshot() without seed= records the random state instead of seeding: same spikes as without it."""
    def simulate(record: bool):
        group = NeuronGroup(20, "dv/dt = (1 - v) / (10 * ms) + 0.5 * xi / sqrt(ms) : 1",
                                      threshold="v > 1", reset="v = 0", method="euler", name="noisy")
        spikes = SpikeMonitor(group, name="spikes")
        net = Network(group, spikes)
        if record:
            brian2nwb.snapshot(net)
        seed(123)
        net.run(30 * ms)
        seed(456)  # the script reseeds between runs
        net.run(30 * ms)
        return net

    plain = simulate(record=False)
    from helpers import reset_brian
    reset_brian("numpy")
    recorded = simulate(record=True)
    assert len(plain["spikes"].t) > 10
    np.testing.assert_array_equal(recorded["spikes"].t_[:], plain["spikes"].t_[:])
    np.testing.assert_array_equal(recorded["spikes"].i[:], plain["spikes"].i[:])
    path = brian2nwb.to_nwb(recorded, tmp_path / "seeded_by_user.nwb", subject=SUBJECT)
    again = resimulate(path, "numpy")
    np.testing.assert_array_equal(again["spikes/t"], plain["spikes"].t_[:])


def test_several_networks_in_one_script(tmp_path):
    """Two explicit networks, each with its own snapshot, run alternately; each file holds its own."""
    networks = []
    for k in range(2):
        group = NeuronGroup(6, "dv/dt = (1.3 - v) / tau + 0.2 * xi / sqrt(ms) : 1", threshold="v > 1",
                            reset="v = 0", method="euler", namespace={"tau": (8 + 4 * k) * ms}, name=f"group{k}")
        net = Network(group, SpikeMonitor(group, name=f"spikes{k}"), name=f"net{k}")
        brian2nwb.snapshot(net)
        networks.append(net)
    for _ in range(2):
        for net in networks:
            net.run(10 * ms)
    for k, net in enumerate(networks):
        path = brian2nwb.to_nwb(net, tmp_path / f"net{k}.nwb", subject=SUBJECT)
        again = resimulate(path, "numpy")
        assert set(again) == {f"spikes{k}/i", f"spikes{k}/t", f"state/group{k}/v"}
        np.testing.assert_array_equal(again[f"spikes{k}/t"], net[f"spikes{k}"].t_[:])
        np.testing.assert_array_equal(again[f"state/group{k}/v"], net[f"group{k}"].v_[:])
