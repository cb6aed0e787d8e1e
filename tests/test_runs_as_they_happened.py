"""Runs as they really happen in scripts: magic run() with start_scope() or rebound names, the script's own
seeding, NetworkOperations that stop(), several networks, store/restore (networks.py: store_restore_loop,
store_before_snapshot, changed_between_runs run in the re-simulation matrix). Scripts run in their own
process, as users run them; every file is re-run in a fresh process and compared bit for bit."""

from __future__ import annotations

from pathlib import Path

import h5py
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
    assert "Not written" not in recorded.stderr  # the operation is kept as code
    path = tmp_path / "recorded" / "stopped.nwb"
    rebuilt = brian2nwb.from_nwb(path)
    assert "networkoperation" in {obj.name for obj in rebuilt.objects}  # signed with the tests' key: it runs
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


RESTORED_FROM_A_FILE = """
    def build():
        \"\"\"The same network, built again: a periodic spike generator (restored past its first period), synapses
        with delays of 1 to 9 ms (spikes in flight when the state is stored).\"\"\"
        inp = SpikeGeneratorGroup(3, [0, 1, 2, 0, 1, 2], [0.5, 1, 1.5, 2.5, 3, 3.5] * ms, period=4 * ms, name="inp")
        cells = NeuronGroup(4, "dv/dt = -v / (5 * ms) : 1", threshold="v > 0.5", reset="v = 0", method="exact",
                            name="cells")
        syn = Synapses(inp, cells, "w : 1", on_pre="v_post += w", name="syn")
        syn.connect()
        syn.w = "0.3 + 0.1 * j"
        syn.delay = "(1 + i + 2 * j) * ms"
        return Network(inp, cells, syn, SpikeMonitor(inp, name="sent"), SpikeMonitor(cells, name="received"),
                       StateMonitor(cells, "v", record=[0, 3], name="trace"))

    first = build()
    first.store("start", filename="state.pkl")   # Brian2 stores to a file: at 0 ms ...
    first.run(5 * ms)
    first.store("warm", filename="state.pkl")    # ... and at 5 ms
    for where in ("before", "after"):           # snapshot() before or after the restore
        start_scope()
        net = build()                            # the same network again, the same names
        if RECORD and where == "before":
            brian2nwb.snapshot(net)
        net.restore("warm", filename="state.pkl")
        if RECORD and where == "after":
            brian2nwb.snapshot(net)
        held = {name: len(net[name].t[:]) for name in ("sent", "received", "trace")}
        net.run(10 * ms)
        print(where, held, net.t)
        if RECORD:
            brian2nwb.to_nwb(net, f"{OUT}/{where}.nwb", subject=SUBJECT)
        keep(where, *net.objects)
        np.savez(f"{OUT}/{where}_held.npz", **held)
"""


def test_a_state_restored_from_a_file_into_a_new_network(tmp_path):
    """Network.store(filename=...) at 0 and 5 ms, the network built again with the same names, restore() of the
    5-ms state and snapshot() before or after it: the file holds what the recording recorded (from 5 ms on:
    what the monitors held from the earlier runs is not part of it, and obs_intervals contain every spike) and
    re-runs bit for bit in a fresh process, spikes in flight and the generator's place in its period included."""
    recorded = run_script(tmp_path, RESTORED_FROM_A_FILE)
    plain = run_script(tmp_path, RESTORED_FROM_A_FILE, record=False)
    assert recorded.stdout == plain.stdout
    for where in ("before", "after"):
        reference = load(tmp_path / "recorded" / f"{where}.npz")
        assert_same(reference, load(tmp_path / "plain" / f"{where}.npz"))
        held = load(tmp_path / "recorded" / f"{where}_held.npz")
        assert held["sent"] > 0 and held["received"] > 0 and held["trace"] > 0
        since = {key: values[int(held[key.split("/")[0]]):] if not key.startswith("state/") else values
                 for key, values in reference.items()}  # what the monitors recorded since the restore
        path = tmp_path / "recorded" / f"{where}.nwb"
        assert_same(resimulate(path, "numpy"), since)
        with h5py.File(path, "r") as file:
            assert len(file["general/brian2/objects/syn/initial_in_flight/synapse"]) > 5
            times = np.sort(file["units/spike_times"][:])
            intervals = file["units/obs_intervals"][:]
        np.testing.assert_array_equal(times, np.sort(np.concatenate([since["sent/t"], since["received/t"]])))
        assert intervals.min() == 0.005 and intervals.max() == 0.015 and times.min() >= 0.005


TWO_SIMULATIONS_WITH_OPERATIONS = """
    import gc
    from brian2.core.base import BrianObject

    gc.disable()  # objects die when their last reference goes, as in most scripts: nothing may hold them longer
    np.random.seed(3)
    seed(4)
    if RECORD:
        brian2nwb.snapshot()
    for k in range(2):
        start_scope()                   # the second simulation: new objects, named by Brian2
        P1, P2, P3 = [PoissonGroup(50, rates=20 * Hz) for _ in range(3)]
        G = NeuronGroup(120, "dv/dt = (-60 * mV - v + ge * (0 * mV - v)) / (20 * ms) : volt\\n"
                             "dge/dt = -ge / (5 * ms) : 1", threshold="v > -50 * mV", reset="v = -60 * mV",
                        method="euler")
        G.v = -60 * mV
        S1 = Synapses(P1, G, on_pre="ge += 0.1")   # three pathways adding to ge: their order in the schedule
        S1.connect(p=0.2)                          # (by name, within a slot) is the order of the additions
        S2 = Synapses(P2, G, on_pre="ge += 0.07")
        S2.connect(p=0.2)
        S3 = Synapses(P3, G, on_pre="ge += 0.03")
        S3.connect(p=0.2)

        @network_operation(dt=30 * ms)
        def resample():
            P1.rates = np.random.uniform(5, 40, size=50) * Hz
            P2.rates = np.random.uniform(5, 40, size=50) * Hz
            P3.rates = np.random.uniform(5, 40, size=50) * Hz

        M = StateMonitor(G, "v", record=True)
        run(100 * ms)
        print(k, "names", sorted(o.name for o in (P1, P2, P3, G, S1, S2, S3, M, resample)))
        print(k, "living", sorted(o.name for o in (r() for r in BrianObject.__instances__()) if o is not None))
        if RECORD:
            brian2nwb.to_nwb(None, f"{OUT}/simulation{k}.nwb", subject=SUBJECT)
        keep(f"simulation{k}", P1, P2, P3, G, S1, S2, S3, M)
"""


def test_a_second_magic_simulation_with_operations_sees_no_recorder(tmp_path):
    """Two magic simulations one after the other, each with a NetworkOperation that re-samples Poisson rates from
    numpy's random numbers: neither the recorder nor what to_nwb leaves (the frames a cycle in Brian2's parser
    would keep) holds the first simulation's objects once the script lets go of them (automatic garbage collection
    is off, so nothing depends on when it runs), so the second simulation's objects get the names they get without brian2nwb, its pathways run in the
    same order and its values are the same to the last bit; each file re-runs exactly."""
    recorded = run_script(tmp_path, TWO_SIMULATIONS_WITH_OPERATIONS)
    plain = run_script(tmp_path, TWO_SIMULATIONS_WITH_OPERATIONS, record=False)
    assert recorded.stdout == plain.stdout
    assert "Not written" not in recorded.stderr  # the operations are kept as code
    for k in range(2):
        reference = load(tmp_path / "recorded" / f"simulation{k}.npz")
        assert_same(reference, load(tmp_path / "plain" / f"simulation{k}.npz"))
    assert_same(resimulate(tmp_path / "recorded" / "simulation1.nwb", "numpy"), reference)
