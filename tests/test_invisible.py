"""Recording changes nothing a script can observe (issue 18): the same scripts run with and without
``snapshot()`` print the same objects, names, schedules, profiling entries, stored states, log lines about the
network, random numbers, results and exceptions; and what they record re-runs exactly in a fresh process."""

from __future__ import annotations

from helpers import assert_same, load, resimulate, run_script

OBSERVE = """
    import gc, logging, pickle
    from brian2.core.base import BrianObject

    class Lines(logging.Handler):
        def __init__(self):
            super().__init__(logging.DEBUG)
            self.lines = []
        def emit(self, record):
            message = record.getMessage()
            if "took" not in message and "brian_debug" not in message and "%" not in message:
                # (Brian2 lists objects from sets: their order changes from run to run)
                self.lines.append(f"{record.name}: {sorted(message.replace(',', ' ').split())}")
    lines = Lines()
    logging.getLogger("brian2").addHandler(lines)
    logging.getLogger("brian2").setLevel(logging.DEBUG)

    def show(what, value):
        print(what, "=", value)

    def living_objects():
        gc.collect()
        return sorted(o.name for o in (ref() for ref in BrianObject.__instances__()) if o is not None)
"""

EXPLICIT = OBSERVE + """
    seed(3)
    cells = NeuronGroup(6, "dv/dt = (I - v) / (10 * ms) + 0.2 * xi / sqrt(ms) : 1\\nI : 1", threshold="v > 1",
                        reset="v = 0", method="euler", name="cells")
    cells.I = 1.2
    spikes = SpikeMonitor(cells, name="spikes")
    net = Network({"cells": cells, "spikes": spikes}.values())
    net.store("before", filename="before.pkl")   # stored before snapshot(), to a file
    net.store("early")                           # ... and in memory
    if RECORD:
        brian2nwb.snapshot(net)
    net.t_ = 0.002                               # the network's time set before its first run
    show("objects", (len(net.objects), sorted(o.name for o in net.objects)))
    show("living", living_objects())
    net.run(10 * ms, profile=True)
    show("schedule", net.scheduling_summary())
    show("profiling", sorted(name for name, _ in net.profiling_info))
    net.store()
    with open("before.pkl", "rb") as f:
        show("stored in file", sorted(pickle.load(f)["before"]))
    show("stored", sorted(net._stored_state["default"]))
    for k in range(2):
        net.restore("before", filename="before.pkl")
        cells.I = 1.1 + 0.2 * k
        net.run(5 * ms)
    net.restore("early", restore_random_state=True)  # the random numbers go back too
    net.run(5 * ms)
    net.restore()
    net.run(5 * ms)
    show("objects after", sorted(o.name for o in net.objects))
    try:
        broken = NeuronGroup(2, "dv/dt = -v / undefined_tau : 1", name="broken")
        net.add(broken)
        net.run(1 * ms)
    except Exception as error:
        show("raised", (type(error).__name__, str(error).splitlines()[0]))
        net.remove(broken)
    show("spikes", (spikes.i[:].tolist(), [round(float(t), 6) for t in spikes.t_[:]]))
    show("random", np.random.rand(3))
    if RECORD:
        brian2nwb.to_nwb(net, f"{OUT}/explicit.nwb", subject=SUBJECT)
    show("random after", np.random.rand(3))
    show("log", lines.lines)
    keep("explicit", cells, spikes)
"""

MAGIC = OBSERVE + """
    seed(4)
    cells = NeuronGroup(4, "dv/dt = (I - v) / (10 * ms) + 0.2 * xi / sqrt(ms) : 1\\nI : 1", threshold="v > 1",
                        reset="v = 0", method="euler", name="cells")
    spikes = SpikeMonitor(cells, name="spikes")
    trace = StateMonitor(cells, "v", record=[0], name="trace")
    store()                    # before snapshot(): the usual trial loop
    if RECORD:
        brian2nwb.snapshot()
    for I in (1.1, 1.3):
        restore()
        cells.I = I
        run(10 * ms)
        trace.record_single_timestep()
    show("collected", sorted(o.name for o in collect()))
    show("living", living_objects())
    show("magic", (len(magic_network.objects), sorted(k for k in vars() if k.startswith("_brian2nwb"))))
    show("spikes", (spikes.i[:].tolist(), [round(float(t), 6) for t in spikes.t_[:]]))
    show("random", np.random.rand(3))
    if RECORD:
        brian2nwb.to_nwb(None, f"{OUT}/magic.nwb", subject=SUBJECT)
    show("log", lines.lines)
    keep("magic", cells, spikes, trace)
"""

OWN_DEVICE = """
    from brian2.devices.device import RuntimeDevice, all_devices

    class NoSeedDevice(RuntimeDevice):
        '''A user's device that does not implement seed().'''
        def seed(self, seed=None):
            raise NotImplementedError("this device has no seed()")

    all_devices["no_seed"] = NoSeedDevice()
    set_device("no_seed")
    cells = NeuronGroup(3, "dv/dt = (1.3 - v) / (10 * ms) + 0.3 * xi / sqrt(ms) : 1", threshold="v > 1",
                        reset="v = 0", method="euler", name="cells")
    spikes = SpikeMonitor(cells, name="spikes")
    net = Network(cells, spikes)
    np.random.seed(8)
    if RECORD:
        brian2nwb.snapshot(net, seed=5)  # asks for seeds: the device cannot, so its random state is recorded
    net.run(20 * ms)
    print("spikes", spikes.i[:].tolist(), [round(float(t), 6) for t in spikes.t_[:]])
    if RECORD:
        brian2nwb.to_nwb(net, f"{OUT}/own_device.nwb", subject=SUBJECT)
    keep("own_device", cells, spikes)
"""


def same_script_with_and_without(tmp_path, body: str, name: str) -> dict:
    recorded = run_script(tmp_path, body)
    plain = run_script(tmp_path, body, record=False)
    assert recorded.stdout == plain.stdout
    reference = load(tmp_path / "recorded" / f"{name}.npz")
    assert_same(reference, load(tmp_path / "plain" / f"{name}.npz"))
    assert_same(resimulate(tmp_path / "recorded" / f"{name}.nwb", "numpy"), reference)
    return recorded


def test_explicit_network_sees_no_recorder(tmp_path):
    recorded = same_script_with_and_without(tmp_path, EXPLICIT, "explicit")
    for seen in ("objects = (2, ['cells', 'spikes'])", "profiling = [", "raised = (", "Preparing"):
        assert seen in recorded.stdout


def test_magic_network_sees_no_recorder(tmp_path):
    recorded = same_script_with_and_without(tmp_path, MAGIC, "magic")
    assert "magic = (0, [])" in recorded.stdout


def test_device_without_seed(tmp_path):
    """A device whose seed() raises: the run goes on unseeded, as without brian2nwb, and its random state is
    recorded instead."""
    same_script_with_and_without(tmp_path, OWN_DEVICE, "own_device")


def _brian2_warnings(tmp_path, record: bool) -> list[str]:
    """The WARNING records of Brian2's loggers while a small network (synapses with delays, so spikes in flight at
    the end; a subgroup's PopulationRateMonitor; two runs) is simulated, with or without ``snapshot()`` (then
    written by ``to_nwb``)."""
    import logging

    import brian2nwb
    from brian2 import Network, NeuronGroup, PopulationRateMonitor, SpikeMonitor, Synapses, ms, seed
    from helpers import SUBJECT

    class Records(logging.Handler):
        def __init__(self):
            super().__init__(logging.WARNING)
            self.seen = []

        def emit(self, record):
            self.seen.append(f"{record.name}: {record.getMessage()}")

    records = Records()
    logging.getLogger("brian2").addHandler(records)
    try:
        seed(5)
        cells = NeuronGroup(20, "dv/dt = (1.1 - v) / (10 * ms) : 1", threshold="v > 1", reset="v = 0",
                            method="exact")
        cells.v = "rand()"
        synapses = Synapses(cells, cells, "w : 1", on_pre="v_post += w", delay=2 * ms)
        synapses.connect(p=0.3)
        synapses.w = 0.05
        net = Network(cells, synapses, SpikeMonitor(cells), PopulationRateMonitor(cells[5:15]))
        if record:
            brian2nwb.snapshot(net)
        net.run(4 * ms)
        net.run(3 * ms)
        if record:
            brian2nwb.to_nwb(net, tmp_path / "logged.nwb", subject=SUBJECT)
    finally:
        logging.getLogger("brian2").removeHandler(records)
    return records.seen


def test_recording_logs_no_brian2_warning(tmp_path):
    """snapshot() and to_nwb insert no device code on the runtime device, which would log "Ignoring device code,
    unknown slot: main": Brian2 logs the same warnings (none here) as without brian2nwb."""
    plain = _brian2_warnings(tmp_path, record=False)
    assert _brian2_warnings(tmp_path, record=True) == plain == []


def test_device_code_goes_only_into_a_standalone_program():
    """brian2nwb's C++ for the standalone program (saving the initial state and the spikes in flight, putting
    back the time and the queues) is handed to no other device (Brian2's would log "Ignoring device code"):
    what only saves is left out, what a run needs is refused."""
    import logging

    import pytest
    from brian2 import Network, NeuronGroup, Synapses

    from brian2nwb.brian import standalone

    cells = NeuronGroup(2, "v : 1", threshold="v > 1")
    synapses = Synapses(cells, cells, on_pre="v_post += 1")
    synapses.connect()
    seen = []
    handler = logging.Handler(logging.WARNING)
    handler.emit = seen.append
    logging.getLogger("brian2").addHandler(handler)
    try:
        standalone.save_initial_state([])  # nothing to save: no code at all
        standalone.save_initial_state([cells])
        standalone.record_in_flight(synapses.pre)
        with pytest.raises(NotImplementedError, match="time of 'network'"):
            standalone.set_time(Network(cells, name="network"), 0.001)
    finally:
        logging.getLogger("brian2").removeHandler(handler)
    assert [record.getMessage() for record in seen] == []
