"""Small networks whose behaviour lives in Python code: NetworkOperations and functions with a Python
implementation, one Brian2 feature each. Each ``build_<name>()`` returns ``(network, duration)``; the network's
monitors are what a re-run must reproduce bit for bit."""

import numpy as np
from brian2 import (
    Function,
    Hz,
    Network,
    NetworkOperation,
    NeuronGroup,
    PoissonGroup,
    SpikeMonitor,
    StateMonitor,
    Synapses,
    check_units,
    defaultclock,
    implementation,
    ms,
    mV,
    network_operation,
    stop,
    volt,
)

GAIN = 0.02  # a global of the module, read by operations


def leaky(n: int, name: str = "neurons") -> NeuronGroup:
    group = NeuronGroup(n, "dv/dt = (I - v) / (10*ms) : 1\nI : 1", threshold="v > 1", reset="v = 0",
                        method="exact", name=name)
    group.v = "i / (2.0 * N)"
    return group


def build_adds_every_ms():
    """An operation that adds to a group's variable every ms (a global constant and the group by name)."""
    group = leaky(4)

    @network_operation(dt=1 * ms)
    def kick():
        group.v += GAIN * (1 + np.arange(4))

    return Network(group, kick, SpikeMonitor(group, name="spikes"), StateMonitor(group, "v", record=True,
                                                                              name="trace")), 30 * ms


def build_poisson_resampled():
    """One that re-samples a PoissonGroup's rates from numpy's random numbers every 5 ms."""
    inputs = PoissonGroup(6, rates=np.full(6, 80.0) * Hz, name="inputs")
    group = leaky(6)
    synapses = Synapses(inputs, group, on_pre="v += 0.3", name="feed")
    synapses.connect(j="i")

    @network_operation(dt=5 * ms)
    def resample():
        inputs.rates = np.random.uniform(20, 200, size=6) * Hz

    return Network(inputs, group, synapses, resample, SpikeMonitor(inputs, name="input_spikes"),
                   SpikeMonitor(group, name="spikes")), 40 * ms


def build_monitor_stops():
    """One that reads a monitor and the clock and calls stop() (a decision criterion)."""
    group = leaky(3)
    group.I = 1.5
    spikes = SpikeMonitor(group, name="spikes")

    @network_operation(dt=0.5 * ms)
    def decide():
        if spikes.num_spikes >= 7 and defaultclock.t > 2 * ms:
            stop()

    return Network(group, spikes, decide, StateMonitor(group, "v", record=[0], name="trace")), 100 * ms


def lookup_operations(group):
    """A closure writes numpy's random numbers into an array, ahead of time; another reads it back as a table
    (a TimedArray-like lookup) to drive the group."""
    table = np.zeros(64)
    filled = [0]

    def fill(t):
        k = int(round(t / ms))
        table[k % 64] = np.random.rand()
        filled[0] += 1

    def drive(t):
        group.I = 1.2 * table[int(round(t / ms)) % 64] + 0.1 * (filled[0] % 3)

    return (NetworkOperation(fill, dt=1 * ms, when="start", name="fill"),
            NetworkOperation(drive, dt=1 * ms, when="end", name="drive"))


def build_closure_array():
    group = leaky(2)
    fill, drive = lookup_operations(group)
    return Network(group, fill, drive, StateMonitor(group, ["v", "I"], record=True, name="trace")), 25 * ms


@implementation("numpy", discard_units=True)
@check_units(v=volt, result=volt)
def squash(v):
    return 10 * mV * np.tanh(v / (10 * mV))


def build_implementation():
    """A function with ``@implementation('numpy', discard_units=True)`` in the model's equations."""
    group = NeuronGroup(3, "dv/dt = (squash(v) + 15*mV - v) / (10*ms) : volt", method="euler", name="neurons",
                        namespace={"squash": squash})
    group.v = "i * 4 * mV"
    return Network(group, StateMonitor(group, "v", record=True, name="trace")), 20 * ms


def ripple(x):
    return SCALE * np.sin(x) + offset(x)


def offset(x):
    return 0.1 * np.cos(3 * x)


SCALE = 0.7
wave = Function(ripple, arg_units=[1], return_unit=1, stateless=True)


def build_python_function():
    """A ``Function`` with a Python implementation, which calls a helper of the script."""
    group = NeuronGroup(2, "dv/dt = (wave(t/ms) - v) / (5*ms) : 1", method="euler", name="neurons",
                        namespace={"wave": wave})
    return Network(group, StateMonitor(group, "v", record=True, name="trace")), 20 * ms


def build_two_whens():
    """Two operations with different when, order and dt that act on the same variable."""
    group = leaky(2)
    first = NetworkOperation(lambda_free_double(group), dt=2 * ms, when="before_groups", order=1, name="double")
    second = NetworkOperation(lambda_free_shift(group), dt=3 * ms, when="after_thresholds", order=-1, name="shift")
    return Network(group, first, second, StateMonitor(group, "v", record=True, name="trace")), 24 * ms


def lambda_free_double(group):
    def double():
        group.v *= 1.5

    return double


def lambda_free_shift(group):
    def shift():
        group.v -= 0.05

    return shift


def build_learning():
    """A readout trained by a NetworkOperation (FORCE-style): every 2 ms the weights move toward a target, by
    the error of the monitor's recent values."""
    inputs = PoissonGroup(20, rates=60 * Hz, name="inputs")
    readout = NeuronGroup(1, "dz/dt = -z / (5*ms) : 1", method="exact", name="readout")
    synapses = Synapses(inputs, readout, "w : 1", on_pre="z_post += w", name="weights")
    synapses.connect()
    synapses.w = 0.01
    trace = StateMonitor(readout, "z", record=True, name="trace")
    rate = 0.05

    @network_operation(dt=2 * ms)
    def learn(t):
        recent = trace.z[0, -20:]
        if len(recent):
            error = np.mean(recent) - 0.5 * (1 + np.sin(2 * np.pi * t / (20 * ms)))
            synapses.w[:] = synapses.w[:] - rate * error * np.linspace(0.5, 1.5, 20)

    return Network(inputs, readout, synapses, trace, learn, SpikeMonitor(inputs, name="input_spikes")), 40 * ms


NETWORKS = [name[len("build_"):] for name in sorted(globals()) if name.startswith("build_")]
