"""A small example: an E/I network with a Poisson drive, written to NWB and re-simulated.

Run it with::

    python -m brian2nwb.tools.example example.nwb

It simulates 80 excitatory and 20 inhibitory neurons for 200 ms, writes the
results and the model to ``example.nwb``, prints what a plain pynwb reader finds
there, then rebuilds the network from the file with ``from_nwb``, re-runs it and
checks that every spike is reproduced exactly.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

EXAMPLE_SUBJECT = dict(subject_id="ei-network-1", species="Mus musculus", sex="U", age="P90D",
                       description="A simulated E/I network (brian2nwb example).")


def build_and_run(duration_ms: float = 200.0):
    """Build the example network, run it, and return it."""
    from brian2 import (
        Hz,
        Network,
        NeuronGroup,
        PoissonGroup,
        PopulationRateMonitor,
        SpikeMonitor,
        StateMonitor,
        Synapses,
        TimedArray,
        ms,
        mV,
        seed,
    )

    from brian2nwb import snapshot

    seed(2024)
    drive = TimedArray(np.r_[np.zeros(50), np.full(100, 6.0), np.zeros(50)] * mV, dt=1 * ms)
    neurons = NeuronGroup(
        100, "dv/dt = (-60*mV + drive(t) - v) / (10*ms) : volt (unless refractory)",
        threshold="v > -50*mV", reset="v = -60*mV", refractory=2 * ms, method="exact", name="neurons",
    )
    neurons.v = "-60*mV + rand() * 10*mV"
    exc, inh = neurons[:80], neurons[80:]
    poisson = PoissonGroup(50, rates=40 * Hz, name="poisson")
    feedforward = Synapses(poisson, neurons, on_pre="v_post += 1.2*mV", name="feedforward")
    feedforward.connect(p=0.3)
    recurrent_e = Synapses(exc, neurons, "w : volt", on_pre="v_post += w", name="exc_syn")
    recurrent_e.connect(p=0.1)
    recurrent_e.w = "rand() * 0.5*mV"
    recurrent_i = Synapses(inh, neurons, on_pre="v_post -= 2*mV", delay=1 * ms, name="inh_syn")
    recurrent_i.connect(p=0.1)
    net = Network(
        neurons, exc, inh, poisson, feedforward, recurrent_e, recurrent_i,
        SpikeMonitor(neurons, name="spikes"),
        SpikeMonitor(poisson, name="input_spikes"),
        StateMonitor(neurons, "v", record=[0, 1, 85], name="voltage"),
        PopulationRateMonitor(exc, name="exc_rate"),
        PopulationRateMonitor(inh, name="inh_rate"),
    )
    snapshot(net, seed=2024)  # state at t=0 and reproducible random numbers for the re-run
    net.run(duration_ms * ms)
    return net


def summarize(path: Path) -> str:
    """What a plain pynwb reader finds in the file."""
    from pynwb import NWBHDF5IO

    with NWBHDF5IO(str(path), mode="r") as io:
        nwbfile = io.read()
        units = nwbfile.units
        lines = [f"{path}: {nwbfile.session_description}",
                 f"  units: {len(units)} rows, {len(units['spike_times'].target.data)} spikes "
                 f"(monitors: {', '.join(sorted(set(units['monitor'].data[:])))})"]
        for name, series in nwbfile.acquisition.items():
            lines.append(f"  acquisition/{name}: {series.neurodata_type} {series.data.shape} {series.unit}")
        for name, stimulus in nwbfile.stimulus.items():
            lines.append(f"  stimulus/{name}: {stimulus.neurodata_type}")
        simulation = nwbfile.lab_meta_data["brian2"]
        lines.append(f"  brian2 {simulation.brian2_version}, target {simulation.codegen_target}, "
                     f"{simulation.t_end:g} s simulated")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", nargs="?", default="example.nwb", help="the .nwb file to write")
    parser.add_argument("--overwrite", action="store_true", help="replace an existing file")
    parser.add_argument("--target", default="auto", choices=["auto", "cython", "numpy"],
                        help="Brian2 code-generation target (default: Brian2's own choice, Cython if it compiles)")
    args = parser.parse_args(argv)

    from brian2 import prefs

    prefs.codegen.target = args.target

    from brian2nwb import from_nwb, to_nwb

    net = build_and_run()
    spikes = net["spikes"]
    path = to_nwb(net, args.output, overwrite=args.overwrite, subject=EXAMPLE_SUBJECT, source_script=__file__,
                  experimenter=["Doe, Jane"], institution="brian2nwb example")
    print(summarize(path))
    print(f"  {len(spikes.t)} spikes of 'neurons' recorded; all in the file: "
          f"{_same_spikes(path, spikes)}")
    rebuilt = from_nwb(path)
    rebuilt.run_recorded()
    again = rebuilt["spikes"]
    identical = np.array_equal(again.i[:], spikes.i[:]) and np.array_equal(again.t_[:], spikes.t_[:])
    print(f"re-simulated from the file: {len(again.t)} spikes, identical to the recording: {identical}")
    if not identical:
        raise SystemExit(1)


def _same_spikes(path: Path, spikes) -> bool:
    from pynwb import NWBHDF5IO

    from brian2nwb.kinds.spikemonitor import spikes_by_monitor

    with NWBHDF5IO(str(path), mode="r") as io:
        index, times = spikes_by_monitor(io.read().units)["spikes"]
    order = np.lexsort((spikes.t_[:], spikes.i[:]))
    return bool(np.array_equal(index, spikes.i[:][order]) and np.array_equal(times, spikes.t_[:][order]))


if __name__ == "__main__":
    main()
