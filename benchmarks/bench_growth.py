"""Growth benchmark: how to_nwb and from_nwb scale with spikes and synapses, next to their floors.

Run from the repository root (after ``pip install -e ".[bench]"``)::

    python benchmarks/bench_growth.py                          # 1e5..3e7 spikes, 1e6..5e7 synapses (~15 min)
    python benchmarks/bench_growth.py --quick                  # small sizes only (~1 min)
    python benchmarks/bench_growth.py --series spikes --sizes 1e7 3e7

Every size runs in a fresh process (so peak memory is that size's own). In it the
measured steps alternate (floor, ours, floor, ours, ...) and the medians are kept.

- **spikes**: a real SpikeMonitor of 100,000 neurons holding n spikes (random
  neurons, times in time order as Brian2 records them). Floor: the unavoidable sort
  by neuron done with the fastest numpy primitives (stable radix argsort of 16-bit
  keys, one gather) plus plain h5py writing the sorted times and the per-neuron
  index, fsync included. Ours: ``to_nwb(net, compression=None)``.
- **synapses**: n synapses among 10,000 neurons with a weight and a delay each, built
  the way a user does (``connect(p=...)``, values from expressions). Floor for
  writing: plain h5py writing ``i``, ``j``, ``w`` and ``delay``, fsync included; for
  reading: plain h5py reading our file's synapse arrays in a fresh process (a fresh
  process), and the same read into zero-filled arrays, which is what a rebuild must
  do: Brian2 allocates its arrays with ``np.zeros``, and on the standard machine the
  first write to such fresh pages costs ~1-2 s/GB, while numpy's own ``np.empty``
  arrays (what h5py reads into) get cheap huge pages. ``from_nwb``, the original
  construction and both reads each run in a fresh process, interleaved.
- **tiny**: the fixed cost of ``to_nwb`` on a 10-neuron network after imports.

Peak memory is the resident memory above the start of the step, sampled every
millisecond, divided by the bytes the step writes (``*_peak_ratio``). Growth
exponents are least-squares slopes of log(time) against log(size). The table is
printed and written to ``benchmarks/results/growth_<series>.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from bench_scale import RESULTS, SUBJECT, measured

SIZES = {"spikes": [1e5, 1e6, 1e7, 3e7], "synapses": [1e6, 1e7, 5e7], "tiny": [10]}
QUICK = {"spikes": [1e5, 1e6], "synapses": [1e6], "tiny": [10]}
NEURONS = {"spikes": 100_000, "synapses": 10_000}


def fsync(path: Path) -> None:
    with open(path, "rb") as file:
        os.fsync(file.fileno())


def repeated(repeats: int, steps: dict) -> dict:
    """Run each step ``repeats`` times, interleaved; medians of times, maxima of peaks."""
    runs: dict[str, list] = {}
    for _ in range(repeats):
        for name, step in steps.items():
            results: dict = {}
            with measured(results, name):
                step()
            for key, value in results.items():
                runs.setdefault(key, []).append(value)
    return {key: (max(values) if key.endswith("_peak_mb") else round(statistics.median(values), 4))
            for key, values in runs.items()}


# --- spikes --------------------------------------------------------------------------------------------

def spike_network(n: int):
    """A SpikeMonitor filled with n spikes of random neurons at random (sorted) times within a 1 s run."""
    from brian2 import Network, NeuronGroup, SpikeMonitor, ms, second

    neurons = NeuronGroup(NEURONS["spikes"], "v : 1", threshold="False", name="neurons", dt=1 * ms)
    monitor = SpikeMonitor(neurons, name="spikes")
    net = Network(neurons, monitor)
    net.run(1 * second)
    rng = np.random.default_rng(1)
    monitor.resize(n)
    monitor.variables["N"].set_value(n)
    monitor.variables["i"].get_value()[:] = rng.integers(0, NEURONS["spikes"], n, dtype=np.int32)
    monitor.variables["t"].get_value()[:] = np.sort(rng.integers(0, 1000, n)) * 1e-3
    monitor.variables["count"].set_value(np.bincount(monitor.variables["i"].get_value(),
                                                     minlength=NEURONS["spikes"]).astype(np.int32))
    return net, monitor


def sort_floor(index: np.ndarray, times: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Times sorted by neuron (stable) with numpy's fastest primitives, and the ragged index."""
    order = np.argsort((index & 0xFFFF).astype(np.uint16), kind="stable")
    order = order[np.argsort((index >> 16).astype(np.uint16)[order], kind="stable")]
    return np.take(times, order), np.cumsum(np.bincount(index), dtype=np.uint64)


def measure_spikes(n: int, repeats: int, folder: Path) -> dict:
    import h5py

    import brian2nwb

    net, monitor = spike_network(n)
    index, times = monitor.variables["i"].get_value(), monitor.variables["t"].get_value()

    def floor():
        sorted_times, ends = sort_floor(index, times)
        with h5py.File(folder / "floor.h5", "w") as file:
            file.create_dataset("spike_times", data=sorted_times)
            file.create_dataset("spike_times_index", data=ends)
        fsync(folder / "floor.h5")

    def sort_only():
        sort_floor(index, times)

    def ours():
        brian2nwb.to_nwb(net, folder / "ours.nwb", compression=None, overwrite=True, subject=SUBJECT)

    results = {"size": n, "data_mb": round((times.nbytes + 8 * NEURONS["spikes"]) / 1e6, 1)}
    results.update(repeated(repeats, {"sort": sort_only, "floor": floor, "to_nwb": ours}))
    results["to_nwb_over_floor"] = round(results["to_nwb_s"] / results["floor_s"], 2)
    results["to_nwb_peak_ratio"] = round(results["to_nwb_peak_mb"] / results["data_mb"], 2)
    results["floor_peak_ratio"] = round(results["floor_peak_mb"] / results["data_mb"], 2)
    return results


# --- synapses ------------------------------------------------------------------------------------------

def synapse_network(n: int):
    from brian2 import Network, NeuronGroup, Synapses, ms

    size = NEURONS["synapses"]
    neurons = NeuronGroup(size, "v : 1", threshold="False", name="neurons")
    synapses = Synapses(neurons, neurons, "w : 1", on_pre="v += w", name="synapses")
    synapses.connect(p=n / size**2)
    synapses.w = "rand()"
    synapses.delay = "rand() * ms"
    net = Network(neurons, synapses)
    net.run(1 * ms)
    return net, synapses


REBUILD = """
import json, sys, time
from brian2 import prefs
prefs.codegen.target = sys.argv[2]
import brian2nwb, h5py, numpy as np
def status(key):  # resident memory in MB (ru_maxrss would count the parent's)
    return int(next(line for line in open("/proc/self/status") if line.startswith(key)).split()[1]) / 1e3
before = status("VmRSS")
start = time.perf_counter()
net = brian2nwb.from_nwb(sys.argv[1], state="final")
assert len(net["synapses"]) > 0
print(json.dumps({"from_nwb_s": time.perf_counter() - start, "from_nwb_peak_mb": status("VmHWM") - before}))
"""

#: The floors of a rebuild: a fresh process reading the same arrays, into arrays numpy allocates (``node[()]``:
#: ``np.empty``, which Linux backs with huge pages) or into zero-filled ones as Brian2 allocates its own
#: (``np.zeros``: the first write touches every page).
READ = """
import json, sys, time
import h5py, numpy as np
start = time.perf_counter()
with h5py.File(sys.argv[1], "r") as file:
    arrays = {{}}
    def visit(name, node):
        if isinstance(node, h5py.Dataset) and "objects/synapses/" in name:
            {read}
    file.visititems(visit)
print(json.dumps({{"{key}": time.perf_counter() - start}}))
"""
READ_PLAIN = READ.format(read="arrays[name] = node[()]", key="h5py_read_s")
READ_INTO_ZEROS = READ.format(read="arrays[name] = np.zeros(node.shape, node.dtype); node.read_direct(arrays[name])",
                              key="h5py_read_into_zeros_s")

#: The original construction, in a fresh process like the rebuild.
CONSTRUCT = """
import json, sys, time
sys.path.insert(0, sys.argv[3])
from brian2 import prefs
prefs.codegen.target = sys.argv[2]
from bench_growth import synapse_network
start = time.perf_counter()
net, synapses = synapse_network(int(sys.argv[1]))
print(json.dumps({"construct_s": time.perf_counter() - start}))
"""


def in_fresh_process(script: str, *args: str) -> dict:
    result = subprocess.run([sys.executable, "-c", script, *args], check=True, capture_output=True, text=True)
    return json.loads(result.stdout.splitlines()[-1])


def measure_synapses(n: int, repeats: int, folder: Path, target: str) -> dict:
    import h5py
    from brian2 import prefs

    import brian2nwb

    prefs.codegen.target = target
    net, synapses = synapse_network(n)
    arrays = {"i": np.asarray(synapses.i[:]), "j": np.asarray(synapses.j[:]), "w": np.asarray(synapses.w[:]),
              "delay": np.asarray(synapses.delay_[:])}
    data_bytes = sum(a.nbytes for a in arrays.values())

    def floor():
        with h5py.File(folder / "floor.h5", "w") as file:
            for name, array in arrays.items():
                file.create_dataset(name, data=array)
        fsync(folder / "floor.h5")

    def ours():
        brian2nwb.to_nwb(net, folder / "ours.nwb", compression=None, overwrite=True, subject=SUBJECT)

    results = {"size": len(synapses), "data_mb": round(data_bytes / 1e6, 1)}
    results.update(repeated(repeats, {"floor": floor, "to_nwb": ours}))
    results["to_nwb_over_floor"] = round(results["to_nwb_s"] / results["floor_s"], 2)
    results["to_nwb_peak_ratio"] = round(results["to_nwb_peak_mb"] / results["data_mb"], 2)
    with h5py.File(folder / "ours.nwb", "r") as file:
        group = file["general/brian2/objects/synapses"]
        stored = [0]
        group.visititems(lambda name, node: stored.__setitem__(0, stored[0] + node.id.get_storage_size())
                         if isinstance(node, h5py.Dataset) else None)
    results["model_stored_mb"] = round(stored[0] / 1e6, 1)
    results["stored_over_data"] = round(stored[0] / data_bytes, 3)
    del net, synapses, arrays
    os.sync()  # the file on disk, so that its write-back does not slow the rebuilds down
    fresh: dict[str, list] = {}
    for _ in range(repeats):  # interleaved, each in a fresh process
        for script, args in ((CONSTRUCT, (str(n), target, str(Path(__file__).parent))),
                             (REBUILD, (str(folder / "ours.nwb"), target)),
                             (READ_PLAIN, (str(folder / "ours.nwb"),)), (READ_INTO_ZEROS, (str(folder / "ours.nwb"),))):
            for key, value in in_fresh_process(script, *args).items():
                fresh.setdefault(key, []).append(value)
    results.update({key: round(statistics.median(values), 3) for key, values in fresh.items()})
    results["runs"] = {key: [round(value, 3) for value in values] for key, values in fresh.items()}  # the spread
    results["from_nwb_over_construct"] = round(results["from_nwb_s"] / results["construct_s"], 2)
    results["from_nwb_over_read"] = round(results["from_nwb_s"] / results["h5py_read_s"], 2)
    results["from_nwb_peak_ratio"] = round(results["from_nwb_peak_mb"] / results["data_mb"], 2)
    results["from_nwb_over_read_into_zeros"] = round(results["from_nwb_s"] / results["h5py_read_into_zeros_s"], 2)
    return results


# --- the fixed cost ------------------------------------------------------------------------------------

def measure_tiny(repeats: int, folder: Path) -> dict:
    from brian2 import Network, NeuronGroup, SpikeMonitor, ms

    import brian2nwb

    neurons = NeuronGroup(10, "dv/dt = (1.1 - v) / (10*ms) : 1", threshold="v > 1", reset="v = 0",
                          method="exact", name="neurons")
    net = Network(neurons, SpikeMonitor(neurons, name="spikes"))
    net.run(50 * ms)
    brian2nwb.to_nwb(net, folder / "warm.nwb", subject=SUBJECT)  # first call: lazy imports, extension load
    results = {"size": 10}
    results.update(repeated(max(repeats, 5), {"to_nwb": lambda: brian2nwb.to_nwb(
        net, folder / "tiny.nwb", overwrite=True, subject=SUBJECT)}))
    return results


# --- driving -------------------------------------------------------------------------------------------

def one(series: str, size: float, repeats: int, target: str) -> dict:
    import warnings

    warnings.simplefilter("ignore")
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_TMP")) as tmp:
        folder = Path(tmp)
        if series == "spikes":
            return measure_spikes(int(size), repeats, folder)
        if series == "synapses":
            return measure_synapses(int(size), repeats, folder, target)
        return measure_tiny(repeats, folder)


def brian2nwb_version() -> str:
    """The brian2nwb the children import (PYTHONPATH may point at another checkout) and its git commit."""
    found = subprocess.run([sys.executable, "-c", "import brian2nwb, os; print(os.path.dirname(brian2nwb.__file__))"],
                           capture_output=True, text=True).stdout.strip()
    commit = subprocess.run(["git", "-C", found, "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    return commit or "unknown"


def exponent(rows: list[dict], key: str) -> float | None:
    points = [(row["size"], row[key]) for row in rows if row.get(key)]
    if len(points) < 2:
        return None
    x, y = np.log([p[0] for p in points]), np.log([p[1] for p in points])
    return round(float(np.polyfit(x, y, 1)[0]), 2)


def print_table(series: str, rows: list[dict], exponents: dict) -> None:
    keys = [key for key in rows[0] if key not in ("size", "runs")]
    print(f"\n{series}: " + ", ".join(f"{row['size']:.0e}" for row in rows))
    print("| measure | " + " | ".join(f"{row['size']:.0e}" for row in rows) + " | growth exponent |")
    print("|---|" + "---|" * (len(rows) + 1))
    for key in keys:
        print(f"| {key} | " + " | ".join(str(row.get(key, "-")) for row in rows)
              + f" | {exponents.get(key, '') if exponents.get(key) is not None else ''} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", nargs="+", choices=list(SIZES), default=list(SIZES))
    parser.add_argument("--sizes", nargs="+", type=float, help="sizes instead of the series' own")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--target", default="numpy", choices=["numpy", "cython"])
    parser.add_argument("--label", default="", help="added to the results' file names (e.g. 'before')")
    parser.add_argument("--one", nargs=2, metavar=("SERIES", "SIZE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args.one[0], float(args.one[1]), args.repeats, args.target)))
        return
    for series in args.series:
        sizes = args.sizes or (QUICK if args.quick else SIZES)[series]
        rows = []
        for size in sizes:
            result = subprocess.run([sys.executable, __file__, "--one", series, str(size), "--repeats",
                                     str(args.repeats), "--target", args.target], capture_output=True, text=True)
            if result.returncode != 0:
                print(result.stderr[-3000:], file=sys.stderr)
                raise SystemExit(f"{series} at {size:g} failed")
            rows.append(json.loads(result.stdout.splitlines()[-1]))
        time_keys = [key for key in rows[0] if key.endswith("_s")]
        exponents = {key: exponent(rows, key) for key in time_keys}
        print_table(series, rows, exponents)
        suffix = ("_quick" if args.quick else "") + (f"_{args.label}" if args.label else "")
        target = "" if series != "synapses" else f"_{args.target}"
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / f"growth_{series}{target}{suffix}.json").write_text(json.dumps(
            {"series": series, "target": args.target, "python": sys.version.split()[0], "rows": rows,
             "exponents": exponents, "date": time.strftime("%Y-%m-%d"), "label": args.label,
             "brian2nwb": brian2nwb_version()}, indent=1))


if __name__ == "__main__":
    main()
