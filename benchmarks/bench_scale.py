"""Scale benchmark: to_nwb / from_nwb against the disk's floor and the tools users would pick instead.

Run from the repository root (after ``pip install -e ".[bench]"``)::

    python benchmarks/bench_scale.py                     # all cases
    python benchmarks/bench_scale.py --cases ei --quick  # a smaller version of one case

For each case it simulates a network, then measures on the same data: writing with
plain h5py (the floor the disk allows), Brian2's ``Network.store(filename)`` (a
pickle), neo's ``NWBIO`` (the route PyNN users take to NWB), ``to_nwb`` without and
with the default compression (time, file size, peak memory above the baseline),
``from_nwb`` against the original construction time, and the usual reads. It prints
a table and writes ``benchmarks/results/<case>.json``.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np

RESULTS = Path(__file__).parent / "results"
SUBJECT = dict(subject_id="bench", species="Mus musculus", sex="U", age="P90D")


# --- measuring -----------------------------------------------------------------------------------------

def rss_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


@contextmanager
def measured(results: dict, key: str):
    """Wall time and peak resident memory above the start, sampled every millisecond."""
    gc.collect()
    baseline = rss_bytes()
    peak = [baseline]
    done = threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], rss_bytes())
            time.sleep(0.001)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    start = time.perf_counter()
    try:
        yield
    finally:
        elapsed = time.perf_counter() - start
        done.set()
        sampler.join()
        peak[0] = max(peak[0], rss_bytes())
        results[f"{key}_s"] = round(elapsed, 3)
        results[f"{key}_peak_mb"] = round((peak[0] - baseline) / 1e6, 1)


def best_of(function, repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return round(min(times), 6)


def size_mb(path: Path) -> float:
    return round(path.stat().st_size / 1e6, 1)


# --- the cases -----------------------------------------------------------------------------------------

def case_ei(quick: bool):
    """10,000-neuron E/I (CUBA) network, ~1,000,000 synapses with weights and delays, 1 s."""
    from brian2 import Network, NeuronGroup, SpikeMonitor, StateMonitor, Synapses, ms, second

    n, p, duration = (2000, 0.05, 0.2 * second) if quick else (10000, 0.01, 1 * second)
    start = time.perf_counter()
    eqs = """dv/dt = (ge + gi - (v + 49 * mV)) / (20 * ms) : volt (unless refractory)
             dge/dt = -ge / (5 * ms) : volt
             dgi/dt = -gi / (10 * ms) : volt"""
    neurons = NeuronGroup(n, eqs, threshold="v > -50 * mV", reset="v = -60 * mV", refractory=5 * ms,
                          method="exact", name="neurons")
    neurons.v = "-60 * mV + rand() * 10 * mV"
    n_exc = int(0.8 * n)
    exc = Synapses(neurons[:n_exc], neurons, "w : volt", on_pre="ge += w", name="exc")
    exc.connect(p=p)
    exc.w = "(1.62 + 0.2 * randn()) * mV"
    exc.delay = "rand() * 2 * ms"
    inh = Synapses(neurons[n_exc:], neurons, "w : volt", on_pre="gi += w", name="inh")
    inh.connect(p=p)
    inh.w = "-9 * mV"
    inh.delay = "rand() * 2 * ms"
    monitors = [SpikeMonitor(neurons, name="spikes"), StateMonitor(neurons, "v", record=range(100), name="trace")]
    net = Network(neurons, exc, inh, *monitors)
    construct = time.perf_counter() - start
    return net, duration, construct


def case_long_trace(quick: bool):
    """1,000 neurons' v recorded for 100,000 steps (800 MB of float64)."""
    from brian2 import Network, NeuronGroup, SpikeMonitor, StateMonitor, second

    n, duration = (200, 1 * second) if quick else (1000, 10 * second)
    start = time.perf_counter()
    neurons = NeuronGroup(n, "dv/dt = (1.05 - v) / (10 * ms) + 0.2 * xi / sqrt(ms) : 1", threshold="v > 1",
                          reset="v = 0", method="euler", name="neurons")
    neurons.v = "rand()"
    net = Network(neurons, SpikeMonitor(neurons, name="spikes"), StateMonitor(neurons, "v", record=True,
                                                                              name="trace"))
    construct = time.perf_counter() - start
    return net, duration, construct


def case_connectivity(quick: bool):
    """A large connectivity: 20,000 neurons and ~10,000,000 synapses with weights and delays."""
    from brian2 import Network, NeuronGroup, SpikeMonitor, Synapses, second

    n, p, duration = (5000, 0.04, 0.05 * second) if quick else (20000, 0.025, 0.1 * second)
    start = time.perf_counter()
    neurons = NeuronGroup(n, "dv/dt = (1.1 - v) / (10 * ms) : 1", threshold="v > 1", reset="v = 0",
                          method="exact", name="neurons")
    neurons.v = "rand()"
    synapses = Synapses(neurons, neurons, "w : 1", on_pre="v_post += w", name="synapses")
    synapses.connect(p=p)
    synapses.w = "rand() * 0.001"
    synapses.delay = "rand() * 3 * ms"
    net = Network(neurons, synapses, SpikeMonitor(neurons, name="spikes"))
    construct = time.perf_counter() - start
    return net, duration, construct


CASES = {"ei": case_ei, "long_trace": case_long_trace, "connectivity": case_connectivity}


# --- the competitors -----------------------------------------------------------------------------------

def datasets_of(path: Path) -> dict:
    """Every dataset of an HDF5 file, in memory: the arrays a writer of that file has to write."""
    import h5py

    arrays = {}
    with h5py.File(path, "r") as file:
        def visit(name, node):
            if isinstance(node, h5py.Dataset) and not name.startswith("specifications"):
                arrays[name] = node[()]
        file.visititems(visit)
    return arrays


def results_mb(path: Path) -> float:
    """Stored size of the recorded results (what neo also writes): /units, /acquisition, /stimulus, /events."""
    import h5py

    total = [0]
    with h5py.File(path, "r") as file:
        def visit(name, node):
            if isinstance(node, h5py.Dataset) and name.split("/")[0] in ("units", "acquisition", "stimulus",
                                                                           "events"):
                total[0] += node.id.get_storage_size()
        file.visititems(visit)
    return round(total[0] / 1e6, 1)


def write_h5py(arrays: dict, path: Path) -> None:
    import h5py

    with h5py.File(path, "w") as file:
        for name, array in arrays.items():
            file.create_dataset(name, data=array)  # contiguous, uncompressed: the disk's floor


def write_neo(net, path: Path) -> None:
    """Spike trains and signals through neo's NWBIO, as a PyNN user would."""
    import neo
    import quantities as pq
    from brian2 import SpikeMonitor, StateMonitor
    from datetime import datetime, timezone
    from neo.io import NWBIO

    block = neo.Block(name="bench", session_start_time=datetime.now(timezone.utc), identifier="bench",
                      session_description="benchmark")
    segment = neo.Segment(name="run")
    block.segments.append(segment)
    t_stop = float(net.t_)
    for obj in net.objects:
        if isinstance(obj, SpikeMonitor):
            trains = obj.spike_trains()
            for k in range(len(obj.source)):
                segment.spiketrains.append(neo.SpikeTrain(np.asarray(trains[k]) * pq.s, t_stop=t_stop * pq.s,
                                                          name=f"{obj.name}_{k}"))
        elif isinstance(obj, StateMonitor):
            for variable in obj.record_variables:
                segment.analogsignals.append(neo.AnalogSignal(
                    obj.variables[variable].get_value(), units="V",
                    sampling_rate=(1 / float(obj.clock.dt_)) * pq.Hz, name=f"{obj.name}_{variable}"))
    NWBIO(str(path), mode="w").write_all_blocks([block])


# --- reading -------------------------------------------------------------------------------------------

def reads(path: Path, results: dict, net) -> None:
    from pynwb import NWBHDF5IO

    start = time.perf_counter()
    io = NWBHDF5IO(str(path), mode="r")
    nwbfile = io.read()
    results["open_s"] = round(time.perf_counter() - start, 3)
    try:
        if "trace_v" in nwbfile.acquisition:
            series = nwbfile.acquisition["trace_v"]
            columns = series.data.shape[1]
            rows = int(0.1 * series.rate)
            results["read_one_trace_s"] = best_of(lambda: series.data[:, columns // 2])
            results["read_100ms_window_s"] = best_of(lambda: series.data[1000:1000 + rows, :])
        units = nwbfile.units
        if units is not None:
            ragged = units["spike_times"]
            results["read_one_neuron_spikes_s"] = best_of(lambda: ragged[len(units) // 2])
            results["read_all_spikes_s"] = best_of(lambda: ragged.target.data[:])
    finally:
        io.close()


# --- the run -------------------------------------------------------------------------------------------

def run_case(name: str, quick: bool, target: str, folder: Path) -> dict:
    import brian2
    import brian2nwb

    brian2.start_scope()
    brian2.prefs.codegen.target = target
    brian2.defaultclock.dt = 0.1 * brian2.ms
    results = {"case": name, "quick": quick, "target": target}
    net, duration, construct = CASES[name](quick)
    results["construct_s"] = round(construct, 3)
    brian2nwb.snapshot(net, seed=1)
    start = time.perf_counter()
    net.run(duration)
    results["simulate_s"] = round(time.perf_counter() - start, 3)
    results["spikes"] = int(len(net["spikes"].t))
    synapses = [obj for obj in net.objects if isinstance(obj, brian2.Synapses)]
    results["synapses"] = int(sum(len(s) for s in synapses))

    for label, compression in (("raw", None), ("default", "auto"), ("gzip", "gzip")):
        path = folder / f"{name}_{label}.nwb"
        with measured(results, f"to_nwb_{label}"):
            brian2nwb.to_nwb(net, path, subject=SUBJECT, compression=compression)
        results[f"to_nwb_{label}_mb"] = size_mb(path)

    results["to_nwb_default_results_mb"] = results_mb(folder / f"{name}_default.nwb")
    arrays = datasets_of(folder / f"{name}_raw.nwb")  # the same arrays, for the disk's floor
    results["data_mb"] = round(sum(np.asarray(a).nbytes for a in arrays.values()) / 1e6, 1)
    h5_path = folder / f"{name}.h5"
    with measured(results, "h5py"):
        write_h5py(arrays, h5_path)
    results["h5py_mb"] = size_mb(h5_path)
    del arrays

    store_path = folder / f"{name}.store"
    with measured(results, "brian_store"):
        net.store("bench", filename=str(store_path))
    results["brian_store_mb"] = size_mb(store_path)

    if name != "connectivity":
        neo_path = folder / f"{name}_neo.nwb"
        try:
            with measured(results, "neo"):
                write_neo(net, neo_path)
            results["neo_mb"] = size_mb(neo_path)
        except Exception as error:  # noqa: BLE001 - report, do not abort the other measurements
            results["neo_error"] = f"{type(error).__name__}: {error}"[:200]

    brian2.start_scope()
    with measured(results, "from_nwb"):
        rebuilt = brian2nwb.from_nwb(folder / f"{name}_default.nwb")
    del rebuilt
    reads(folder / f"{name}_default.nwb", results, net)
    return results


RATIOS = [
    ("to_nwb raw / h5py", "to_nwb_raw_s", "h5py_s"),
    ("to_nwb raw - 1.5 h5py (s)", None, None),
    ("to_nwb default / simulation", "to_nwb_default_s", "simulate_s"),
    ("to_nwb peak / data", "to_nwb_raw_peak_mb", "data_mb"),
    ("to_nwb default peak / data", "to_nwb_default_peak_mb", "data_mb"),
    ("to_nwb gzip / simulation", "to_nwb_gzip_s", "simulate_s"),
    ("neo / to_nwb default (time)", "neo_s", "to_nwb_default_s"),
    ("neo / to_nwb default (size)", "neo_mb", "to_nwb_default_mb"),
    ("neo / to_nwb results (size)", "neo_mb", "to_nwb_default_results_mb"),
    ("from_nwb / construction", "from_nwb_s", "construct_s"),
]


def print_table(all_results: list[dict]) -> None:
    keys = [k for k in all_results[0] if k not in ("case", "quick", "target")]
    for result in all_results[1:]:
        keys += [k for k in result if k not in keys and k not in ("case", "quick", "target")]
    width = max(len(k) for k in keys + [r[0] for r in RATIOS]) + 2
    print("".ljust(width) + "".join(r["case"].rjust(14) for r in all_results))
    for key in keys:
        print(key.ljust(width) + "".join(str(r.get(key, "-"))[:13].rjust(14) for r in all_results))
    print("ratios".ljust(width))
    for label, numerator, denominator in RATIOS:
        cells = []
        for r in all_results:
            if numerator is None:  # the fixed cost beyond 1.5x the floor
                cells.append(f"{r['to_nwb_raw_s'] - 1.5 * r['h5py_s']:.2f}".rjust(14))
            elif r.get(numerator) is not None and r.get(denominator):
                cells.append(f"{r[numerator] / r[denominator]:.2f}".rjust(14))
            else:
                cells.append("-".rjust(14))
        print(label.ljust(width) + "".join(cells))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", nargs="*", default=list(CASES), choices=list(CASES))
    parser.add_argument("--quick", action="store_true", help="smaller networks (minutes, not tens of minutes)")
    parser.add_argument("--target", default="cython", choices=["cython", "numpy"])
    parser.add_argument("--keep", help="folder to keep the files in (default: a temporary folder)")
    args = parser.parse_args()
    machine = {"python": platform.python_version(), "machine": platform.machine(), "cpus": os.cpu_count(),
               "command": " ".join([Path(sys.executable).name] + sys.argv)}
    all_results = []
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(args.keep or temporary)
        folder.mkdir(parents=True, exist_ok=True)
        for name in args.cases:
            results = run_case(name, args.quick, args.target, folder)
            results["machine"] = machine
            all_results.append(results)
            RESULTS.mkdir(exist_ok=True)
            suffix = "_quick" if args.quick else ""
            (RESULTS / f"{name}{suffix}.json").write_text(json.dumps(results, indent=2) + "\n")
            for path in folder.iterdir():
                if not args.keep:
                    path.unlink()
    print_table([{k: v for k, v in r.items() if k != "machine"} for r in all_results])


if __name__ == "__main__":
    main()
