"""Write the fixture of the ndx-brian2 format version this brian2nwb writes (run once per released version).

    python tests/formats/write_fixture.py [FOLDER]

FOLDER (default ``tests/formats/<ndx-brian2 version>``) gets:

- ``model.nwb``: a small network that uses every kind and every part of the timeline that brian2nwb writes
  (groups, a subgroup, a multicompartment neuron, Poisson groups and inputs, a periodic spike generator,
  plastic synapses with per-synapse delays, 1-D and 2-D TimedArrays, every monitor, a named clock, a linked
  variable, custom events, noise, values changed between runs, store and restore, a NetworkOperation and a
  function written in Python), recorded with
  ``snapshot(seed=...)`` and written with ``to_nwb``;
- ``recorded.npz``: what the monitors held when the file was written (the recording, from the process that ran
  it, not from the file);
- ``continued.npz``: what they recorded when the same process then ran ``CONTINUATION`` more (what the
  monitors of ``from_nwb(path, state="final")`` must record in ``run(CONTINUATION)``);
- ``versions.json``: the brian2nwb, ndx-brian2, Brian2, numpy and Python versions that wrote them.

The test of the format's promise (``tests/test_formats.py``) reads every fixture with the brian2nwb under test,
re-runs it and continues it, and compares with these. A fixture is written by the release that introduces its
format version and never rewritten: the file must stay what that release wrote.
"""

from __future__ import annotations

import json
import platform
import sys
from pathlib import Path

import numpy as np
from brian2 import (
    Clock,
    Cylinder,
    EventMonitor,
    Hz,
    Network,
    NetworkOperation,
    NeuronGroup,
    PoissonGroup,
    PoissonInput,
    PopulationRateMonitor,
    Soma,
    SpatialNeuron,
    SpikeGeneratorGroup,
    SpikeMonitor,
    StateMonitor,
    Synapses,
    TimedArray,
    check_units,
    cm,
    defaultclock,
    implementation,
    linked_var,
    ms,
    mV,
    nA,
    ohm,
    prefs,
    seed,
    start_scope,
    uF,
    um,
)

import brian2nwb

#: How long the fixture's network runs after the file is written, in the process that wrote it.
CONTINUATION = 10 * ms

SUBJECT = dict(subject_id="format-fixture", species="Mus musculus", sex="U", age="P90D",
               description="A simulated network.")


@implementation("numpy", discard_units=True)
@check_units(x=1, result=1)
def soft(x):
    """A function with a Python implementation, in the mirror's equations."""
    return x / (1 + np.abs(x))


def nudges(group):
    """A NetworkOperation's function: a closure over the group, numpy's random numbers and an array it fills."""
    history = np.zeros(8)

    def nudge(t):
        history[int(round(t / (2 * ms))) % 8] = np.random.rand()
        group.I_syn += 0.01 * nA * history.mean()

    return nudge


def fixture_network() -> Network:
    """The network of every fixture: small (a few hundred KB of file) and touching every kind."""
    start_scope()
    defaultclock.dt = 0.1 * ms
    prefs.codegen.target = "numpy"
    seed(5)  # the random connectivity and initial values: every fixture written by one version is the same
    slow = Clock(dt=0.5 * ms, name="slow_clock")
    drive = TimedArray(np.r_[np.zeros(5), np.linspace(0, 25, 30), 25 * np.ones(40)] * mV, dt=1 * ms, name="drive")
    pattern = TimedArray(np.random.default_rng(3).uniform(0, 0.2, size=(80, 12)) * nA, dt=1 * ms, name="pattern")
    neurons = NeuronGroup(
        24,
        """dv/dt = (drive(t) + pattern(t, i % 12) * 20 * Mohm + I_syn * 20 * Mohm - v) / tau
                   + 2 * mV * xi / sqrt(ms) : volt (unless refractory)
           I_syn : amp
           gain : 1 (constant)
           counter : integer
           bias : 1""",
        threshold="v > 15 * mV", reset="v = 0 * mV", refractory=2 * ms, method="euler",
        events={"high": "v > 12 * mV"}, dtype={"bias": np.float32}, namespace={"drive": drive, "pattern": pattern},
        name="neurons")
    neurons.run_on_event("high", "counter += 1")
    neurons.run_regularly("bias = 0.9 * bias + 0.01", dt=2 * ms, name="neurons_drift")
    neurons.v = "rand() * 10 * mV"
    neurons.gain = "1 + i / 24"
    exc, inh = neurons[:18], neurons[18:]
    mirror = NeuronGroup(6, "v_seen : volt (linked)\ndu/dt = (v_seen - u) * soft(2) / (3 * ms) : volt",
                         method="exact", clock=slow, namespace={"soft": soft}, name="mirror")
    mirror.v_seen = linked_var(neurons, "v", index=np.arange(6) * 4)
    poisson = PoissonGroup(10, 40 * Hz, name="poisson")
    stimulus = SpikeGeneratorGroup(4, [0, 1, 2, 3, 1], [1, 2, 3, 5, 7] * ms, period=9 * ms, name="stimulus")
    feed = Synapses(poisson, neurons, "w : amp", on_pre="I_syn_post += w", name="feed")
    feed.connect(p=0.4)
    feed.w = "(0.1 + 0.1 * rand()) * nA"
    feed.delay = "rand() * 2 * ms"
    plastic = Synapses(stimulus, exc, """w : volt
                                         dapre/dt = -apre / (10 * ms) : 1 (event-driven)
                                         dg/dt = -g / (4 * ms) : 1 (clock-driven)""",
                       on_pre={"pre": "v_post += w\napre += 0.1\ng += 1", "late": "w = clip(w * 1.02, 0 * mV, 5 * mV)"},
                       on_post="w = clip(w - 0.05 * mV * apre, 0 * mV, 5 * mV)", method="exact", name="plastic")
    plastic.connect(p=0.5)
    plastic.w = "2 * mV + rand() * mV"
    plastic.late.delay = 3 * ms
    inhibition = Synapses(inh, neurons, on_pre="v_post -= 1 * mV", delay=1 * ms, name="inhibition")
    inhibition.connect(p=0.3)
    noise = PoissonInput(neurons, "v", 5, 20 * Hz, weight="0.5 * mV * gain")
    morphology = Soma(diameter=20 * um)
    morphology.dendrite = Cylinder(diameter=2 * um, length=60 * um, n=3)
    cell = SpatialNeuron(morphology, "Im = gl * (El - v) : amp/meter**2\nI_inj : amp (point current)",
                         Cm=1 * uF / cm**2, Ri=100 * ohm * cm, method="exponential_euler",
                         namespace={"gl": 1e-4 * 1e4 * Hz * uF / cm**2, "El": -65 * mV}, name="cell")
    cell.v = -65 * mV
    cell.I_inj[0] = 0.05 * nA
    monitors = [
        SpikeMonitor(neurons, variables="v", name="spikes"),
        SpikeMonitor(exc, name="exc_spikes"),
        SpikeMonitor(stimulus, name="stimulus_spikes"),
        SpikeMonitor(poisson, name="poisson_spikes"),
        EventMonitor(neurons, "high", variables="v", name="high"),
        StateMonitor(neurons, ["v", "I_syn"], record=[0, 5, 20], name="trace"),
        StateMonitor(plastic, "w", record=[0, 1], name="weights"),
        StateMonitor(mirror, "u", record=True, name="mirror_u"),
        StateMonitor(cell, "v", record=[0, 3], dt=1 * ms, name="cell_v"),
        PopulationRateMonitor(neurons, name="rate"),
        PopulationRateMonitor(inh, name="inh_rate"),
    ]
    nudge = NetworkOperation(nudges(neurons), dt=2 * ms, when="before_synapses", name="nudge")
    return Network(neurons, exc, inh, mirror, poisson, stimulus, feed, plastic, inhibition, noise, cell, nudge,
                   *monitors)


def record(net: Network) -> None:
    """The recording: three runs, values changed between them, a stored state restored."""
    brian2nwb.snapshot(net, seed=41)
    tau = 10 * ms
    net.run(15 * ms, namespace={"tau": tau})
    net["neurons"].bias = "0.1 * i / 24"
    net["feed"].w = "0.15 * nA"
    net.store("before_trial")
    net.run(10 * ms, namespace={"tau": tau})
    net.restore("before_trial")
    tau = 8 * ms
    net.run(12 * ms, namespace={"tau": tau})


def monitor_arrays(net: Network, since: dict | None = None) -> dict[str, np.ndarray]:
    """Every monitor's recording as plain arrays (copies); with ``since`` (``{array name: length}``), only what
    each recorded after it had that many values."""
    out = {}
    for obj in net.objects:
        if isinstance(obj, (SpikeMonitor, EventMonitor)):
            arrays = {"i": obj.i[:], "t": obj.t_[:]}
        elif isinstance(obj, StateMonitor):
            arrays = {"t": obj.t_[:], **{variable: obj.variables[variable].get_value()
                                         for variable in obj.record_variables}}
        elif isinstance(obj, PopulationRateMonitor):
            arrays = {"t": obj.t_[:], "rate": obj.rate_[:]}
        else:
            continue
        for variable, values in arrays.items():
            name = f"{obj.name}/{variable}"
            out[name] = np.array(values[(since or {}).get(name, 0):], copy=True)
    return out


def main(folder: Path | None = None) -> Path:
    import brian2

    from brian2nwb.nwb.extension import namespace_version

    version = namespace_version()
    folder = folder or Path(__file__).parent / version
    folder.mkdir(parents=True, exist_ok=True)
    net = fixture_network()
    record(net)
    brian2nwb.to_nwb(net, folder / "model.nwb", session_description="The ndx-brian2 format fixture.",
                     subject=SUBJECT, overwrite=True)
    recorded = monitor_arrays(net)
    np.savez(folder / "recorded.npz", **recorded)
    net.run(CONTINUATION, namespace={"tau": 8 * ms})
    np.savez(folder / "continued.npz", **monitor_arrays(net, since={k: len(v) for k, v in recorded.items()}))
    (folder / "versions.json").write_text(json.dumps({
        "ndx-brian2": version, "brian2nwb": brian2nwb.__version__, "brian2": brian2.__version__,
        "numpy": np.__version__, "python": platform.python_version(), "continuation_seconds": float(CONTINUATION),
        "continuation_namespace": {"tau": 8e-3}}, indent=2) + "\n")
    return folder


if __name__ == "__main__":
    print(main(Path(sys.argv[1]) if len(sys.argv) > 1 else None))
