"""Small networks, each exercising one Brian2 feature a run depends on that happens outside the network's
objects or between runs (issue 18): the recording must replay it, or the file must say it cannot. Each builds
its network, calls ``brian2nwb.snapshot``, runs it and returns it (tests/README.md lists feature -> network)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
from brian2 import (
    Clock,
    Hz,
    Network,
    NeuronGroup,
    PoissonGroup,
    SpikeGeneratorGroup,
    SpikeMonitor,
    StateMonitor,
    Synapses,
    TimedArray,
    defaultclock,
    ms,
    prefs,
)
from brian2.input.binomial import BinomialFunction
from brian2.stateupdaters.explicit import euler

import brian2nwb


def _leaky(name: str, n: int = 5, **kwargs) -> NeuronGroup:
    return NeuronGroup(n, "dv/dt = (1.2 - v) / (10 * ms) : 1", threshold="v > 1", reset="v = 0", method="exact",
                       name=name, **kwargs)


def dt_changed() -> Network:
    """defaultclock.dt and a Clock's dt changed between runs, and once more after the last run."""
    slow = Clock(dt=0.5 * ms, name="slow")
    cells = NeuronGroup(4, "dv/dt = (1.1 + 0.1 * i - v) / (10 * ms) : 1", threshold="v > 1", reset="v = 0",
                        method="euler", name="cells")
    net = Network(cells, SpikeMonitor(cells, name="spikes"), StateMonitor(cells, "v", record=[0, 3], name="trace"),
                  StateMonitor(cells, "v", record=[1], clock=slow, name="slow_trace"))
    brian2nwb.snapshot(net)
    net.run(10 * ms)
    defaultclock.dt = 0.05 * ms
    slow.dt = 1 * ms
    net.run(10 * ms)
    defaultclock.dt = 0.2 * ms
    net.run(10 * ms)
    defaultclock.dt = 0.1 * ms  # after the last run: the state the file continues from
    return net


def custom_schedule() -> Network:
    """net.schedule set before the first run, changed between runs (synapses before thresholds, then back) and
    after the last run."""
    source = _leaky("source")
    target = NeuronGroup(5, "v : 1", threshold="v > 0.5", reset="v = 0", name="target")
    synapses = Synapses(source, target, on_pre="v_post += 0.6", name="synapses")
    synapses.connect(j="i")
    net = Network(source, target, synapses, SpikeMonitor(target, name="received"),
                  StateMonitor(target, "v", record=True, name="trace"))
    brian2nwb.snapshot(net)
    net.schedule = ["start", "groups", "synapses", "thresholds", "resets", "end"]
    net.run(20 * ms)
    net.schedule = None  # back to Brian2's default
    net.run(20 * ms)
    net.schedule = ["start", "groups", "synapses", "thresholds", "resets", "end"]  # for what comes next
    return net


def spikes_replaced() -> Network:
    """SpikeGeneratorGroup.set_spikes() between runs: new spikes, then a period."""
    generator = SpikeGeneratorGroup(3, [0, 1, 2], [1, 2, 3] * ms, name="generator")
    cells = NeuronGroup(3, "v : 1", threshold="v > 0.5", reset="v = 0", name="cells")
    synapses = Synapses(generator, cells, on_pre="v += 1", name="synapses")
    synapses.connect(j="i")
    net = Network(generator, cells, synapses, SpikeMonitor(generator, name="sent"),
                  SpikeMonitor(cells, name="received"))
    brian2nwb.snapshot(net)
    net.run(10 * ms)
    generator.set_spikes([2, 0, 1, 2], [12, 13, 15, 18] * ms)
    net.run(10 * ms)
    generator.set_spikes([0, 1], [1, 4] * ms, period=5 * ms)
    net.run(20 * ms)
    return net


def single_timesteps() -> Network:
    """StateMonitor.record_single_timestep() between runs (then values set) and after the last run."""
    cells = _leaky("cells")
    trace = StateMonitor(cells, "v", record=[0, 2], name="trace")
    net = Network(cells, trace, SpikeMonitor(cells, name="spikes"))
    brian2nwb.snapshot(net)
    net.run(15 * ms)
    trace.record_single_timestep()
    cells.v = 0.5
    net.run(15 * ms)
    trace.record_single_timestep()
    return net


def preferences_changed() -> Network:
    """Preferences that change results: float32 as the default type and no loop-invariant optimisations before
    the first run, Brian2's older refractoriness timing switched on between runs (the test resets them)."""
    prefs.core.default_float_dtype = np.float32
    prefs.codegen.loop_invariant_optimisations = False
    cells = NeuronGroup(20, "dv/dt = (1.5 + 0.05 * i - v) / (5 * ms) : 1 (unless refractory)", threshold="v > 1",
                        reset="v = 0", refractory=1.05 * ms, method="exact", name="cells")
    net = Network(cells, SpikeMonitor(cells, name="spikes"), StateMonitor(cells, "v", record=[0, 7], name="trace"))
    brian2nwb.snapshot(net)
    net.run(20 * ms)
    prefs.legacy.refractory_timing = True
    net.run(20 * ms)
    return net


def one_spike_per_neuron() -> Network:
    """SpikeGeneratorGroups with as many spikes as neurons (Brian2's spike arrays then look like variables)."""
    many = SpikeGeneratorGroup(5, np.arange(5), np.arange(1, 6) * ms, name="many")
    single = SpikeGeneratorGroup(1, [0], [2] * ms, name="single")
    cells = NeuronGroup(5, "v : 1", threshold="v > 0.5", reset="v = 0", name="cells")
    synapses = Synapses(many, cells, on_pre="v += 1", name="synapses")
    synapses.connect(j="i")
    other = Synapses(single, cells, on_pre="v += 1", name="other")
    other.connect()
    net = Network(many, single, cells, synapses, other, SpikeMonitor(cells, name="received"))
    brian2nwb.snapshot(net)
    net.run(10 * ms)
    return net


def method_object() -> Network:
    """method= given as Brian2's state updater object (``euler``) rather than its name."""
    cells = NeuronGroup(4, "dv/dt = (1.2 - v) / (10 * ms) + 0.2 * xi / sqrt(ms) : 1", threshold="v > 1",
                        reset="v = 0", method=euler, name="cells")
    net = Network(cells, SpikeMonitor(cells, name="spikes"))
    brian2nwb.snapshot(net)
    net.run(20 * ms)
    return net


def method_options_given() -> Network:
    """method_options= (``exact`` without simplification changes the last bits of v)."""
    cells = NeuronGroup(3, "dv/dt = (1.2 + 0.3 * i - v) / (7 * ms) + w / (3 * ms) : 1\ndw/dt = -w / (11 * ms) : 1",
                        threshold="v > 1", reset="v = 0; w += 0.1", method="exact", method_options={"simplify": False},
                        name="cells")
    net = Network(cells, SpikeMonitor(cells, name="spikes"), StateMonitor(cells, "v", record=True, name="trace"))
    brian2nwb.snapshot(net)
    net.run(30 * ms)
    return net


def record_nothing() -> Network:
    """StateMonitor(record=False): it records times only."""
    cells = _leaky("cells")
    net = Network(cells, SpikeMonitor(cells, name="spikes"), StateMonitor(cells, "v", record=False, name="times"))
    brian2nwb.snapshot(net)
    net.run(30 * ms)
    return net


def timed_array_rebound() -> Network:
    """One identifier bound to a new TimedArray between runs (``inp = TimedArray(...)``; run; rebind; run)."""
    cells = NeuronGroup(3, "dv/dt = (inp(t) - v) / (5 * ms) : 1", threshold="v > 1", reset="v = 0",
                        method="euler", name="cells")
    net = Network(cells, SpikeMonitor(cells, name="spikes"))
    brian2nwb.snapshot(net)
    inp = TimedArray([1.5, 0.5], dt=5 * ms)
    net.run(10 * ms, namespace={"inp": inp})
    inp = TimedArray([0.2, 2.0, 1.1], dt=4 * ms)
    net.run(12 * ms, namespace={"inp": inp})
    return net


def group_namespace_read_by_monitor() -> Network:
    """A group's own namespace={...} used by a subexpression that only a StateMonitor reads, run with
    run(namespace={})."""
    cells = NeuronGroup(3, "dv/dt = (1.5 - v) / (10 * ms) : 1\nscaled = v * gain : 1", threshold="v > 1",
                        reset="v = 0", method="exact", namespace={"gain": 1.5}, name="cells")
    net = Network(cells, StateMonitor(cells, "scaled", record=True, name="trace"), SpikeMonitor(cells, name="spikes"))
    brian2nwb.snapshot(net)
    net.run(20 * ms, namespace={})
    return net


def binomial_functions() -> Network:
    """Brian2's BinomialFunction, exact (small n * p) and approximated by a normal distribution."""
    exact, normal = BinomialFunction(10, 0.05), BinomialFunction(100, 0.1)
    cells = NeuronGroup(5, "dv/dt = -v / (10 * ms) : 1", threshold="v > 0.5", reset="v = 0", method="exact",
                        name="cells")
    cells.run_regularly("v += 0.01 * normal() + 0.1 * exact()", dt=1 * ms, name="kicks")
    net = Network(cells, SpikeMonitor(cells, name="spikes"), StateMonitor(cells, "v", record=[0], name="trace"))
    brian2nwb.snapshot(net)
    net.run(50 * ms, namespace={"exact": exact, "normal": normal})
    return net


def time_set_by_script() -> Network:
    """The network's time set before the first run (after snapshot()) and moved on between runs."""
    drive = PoissonGroup(5, 200 * Hz, name="drive")
    cells = _leaky("cells")
    synapses = Synapses(drive, cells, on_pre="v_post += 0.1", name="synapses")
    synapses.connect(j="i")
    net = Network(drive, cells, synapses, SpikeMonitor(cells, name="spikes"))
    brian2nwb.snapshot(net)
    net.t_ = 0.01
    net.run(10 * ms)
    net.t_ = float(net.t_) + 0.005
    net.run(10 * ms)
    return net


def restored_from_file_stored_before_snapshot() -> Network:
    """Network.store(filename=...) before snapshot(), then restore(filename=...) and a run, twice."""
    cells = NeuronGroup(4, "dv/dt = (I - v) / (10 * ms) + 0.1 * xi / sqrt(ms) : 1\nI : 1", threshold="v > 1",
                        reset="v = 0", method="euler", name="cells")
    cells.v = "0.2 * i"
    net = Network(cells, SpikeMonitor(cells, name="spikes"))
    path = Path(tempfile.mkdtemp()) / "state.pkl"
    net.store("trial", filename=str(path))
    brian2nwb.snapshot(net)
    for current in (1.1, 1.4):
        net.restore("trial", filename=str(path))
        cells.I = current
        net.run(15 * ms)
    return net


def synapses_changed() -> Network:
    """Synapses connected between runs (new ones get values), per-synapse and scalar delays set between runs."""
    source = _leaky("source", 4)
    target = NeuronGroup(4, "v : 1", threshold="v > 0.5", reset="v = 0", name="target")
    per_synapse = Synapses(source, target, "w : 1", on_pre="v_post += w", name="per_synapse")
    per_synapse.connect(j="i")
    per_synapse.w = 1
    per_synapse.delay = "1 * ms + i * ms"
    scalar = Synapses(source, target, on_pre="v_post += 0.3", delay=1 * ms, name="scalar")
    scalar.connect(i=0, j=[1, 2])
    net = Network(source, target, per_synapse, scalar, SpikeMonitor(target, name="received"))
    brian2nwb.snapshot(net)
    net.run(20 * ms)
    per_synapse.connect(i=[0, 3], j=[3, 0])
    per_synapse.w[-2:] = 0.8
    per_synapse.delay[-2:] = 4 * ms
    scalar.delay = 3 * ms
    net.run(20 * ms)
    per_synapse.delay = "2 * ms"
    net.run(20 * ms)
    return net


def operation_added() -> Network:
    """A run_regularly operation added to a group between runs."""
    cells = _leaky("cells")
    net = Network(cells, SpikeMonitor(cells, name="spikes"))
    brian2nwb.snapshot(net)
    net.run(20 * ms)
    cells.run_regularly("v += 0.05", dt=1 * ms, name="kick")
    net.run(20 * ms)
    return net


NETWORKS = {f.__name__: f for f in (dt_changed, custom_schedule, spikes_replaced, single_timesteps,
                                   preferences_changed, one_spike_per_neuron, method_object, method_options_given,
                                   record_nothing,
                                   timed_array_rebound, group_namespace_read_by_monitor, binomial_functions,
                                   time_set_by_script, restored_from_file_stored_before_snapshot, synapses_changed,
                                   operation_added)}
