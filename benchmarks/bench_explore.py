"""Sweep benchmark: ``brian2nwb.explore`` on a local Dask cluster against the same points in a serial loop.

Run from the repository root (after ``pip install -e ".[explore]"``)::

    python benchmarks/bench_explore.py                 # 16 points of a 1,000-neuron network
    python benchmarks/bench_explore.py --points 4 --neurons 200 --duration 0.1

Both sides do the same work per point - rebuild the model from the file with the
point's constants (``from_nwb(namespace=point)``), ``snapshot``, run the recorded
runs, ``to_nwb`` - the serial loop in this process, one point after the other, and
``explore`` in a ``LocalCluster`` of ``--workers`` processes (cluster start-up
included). It prints the wall times, the speed-up and the overhead per point
(explore's wall time times workers, minus the serial time, per point), and writes
``benchmarks/results/explore_<points>x<neurons>n_<duration>s.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import tempfile
import time
import warnings
from pathlib import Path

RESULTS = Path(__file__).parent / "results"
SUBJECT = dict(subject_id="bench", species="Mus musculus", sex="U", age="P90D")


def base_file(folder: Path, neurons: int, duration: float) -> Path:
    """A recorded E/I-style network: leaky neurons, random recurrent synapses, one Poisson input each."""
    from brian2 import Hz, Network, NeuronGroup, PoissonGroup, SpikeMonitor, Synapses, ms, prefs, second

    import brian2nwb

    prefs.codegen.target = "numpy"
    group = NeuronGroup(neurons, "dv/dt = -v / tau : 1", threshold="v > 1", reset="v = 0", refractory=2 * ms,
                        method="exact", name="neurons")
    synapses = Synapses(group, group, "w : 1", on_pre="v_post += w", delay=1.5 * ms, name="synapses")
    synapses.connect(p=min(1.0, 50 / neurons))
    synapses.w = "0.05 - 0.25 * int(i % 5 == 0)"  # one in five inhibitory
    drive = PoissonGroup(neurons, rates="rate", name="drive")
    feed = Synapses(drive, group, on_pre="v_post += 0.3", name="feed")
    feed.connect(j="i")
    net = Network(group, synapses, drive, feed, SpikeMonitor(group, name="spikes"))
    brian2nwb.snapshot(net, seed=1)
    net.run(duration * second, namespace={"tau": 20 * ms, "rate": 40 * Hz})
    return brian2nwb.to_nwb(net, folder / "base.nwb", subject=SUBJECT)


def points(count: int) -> list[dict]:
    from brian2 import Hz, ms

    side = max(1, int(round(count ** 0.5)))
    taus = [(10 + 5 * k) * ms for k in range(side)]
    rates = [(30 + 10 * k) * Hz for k in range(max(1, count // side))]
    return [{"tau": tau, "rate": rate} for tau in taus for rate in rates][:count]


def serial(path: Path, sweep: list[dict], out: Path) -> float:
    from brian2 import start_scope

    import brian2nwb

    start = time.perf_counter()
    for k, values in enumerate(sweep):
        start_scope()
        net = brian2nwb.from_nwb(path, namespace=values, progress=False)
        brian2nwb.snapshot(net)
        net.run_recorded()
        brian2nwb.to_nwb(net, out / f"serial_{k}.nwb", subject=SUBJECT, source_script=None, progress=False)
    return time.perf_counter() - start


def parallel(path: Path, sweep: list[dict], out: Path, workers: int) -> tuple[float, object]:
    import brian2nwb

    start = time.perf_counter()
    table = brian2nwb.explore(path, sweep, out, workers=workers, progress=False)
    return time.perf_counter() - start, table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=16)
    parser.add_argument("--neurons", type=int, default=1000)
    parser.add_argument("--duration", type=float, default=1.0, help="simulated seconds per point")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    folder = Path(tempfile.mkdtemp(prefix="bench_explore_"))
    try:
        path = base_file(folder, args.neurons, args.duration)
        sweep = points(args.points)
        (folder / "serial").mkdir()
        serial_s = serial(path, sweep, folder / "serial")
        parallel_s, table = parallel(path, sweep, folder / "sweep", args.workers)
        assert set(table["status"]) == {"done"}, table[["point", "status", "error"]]
        per_point_work = float(table["wall_time_s"].sum()) / len(sweep)
        result = {
            "points": len(sweep), "neurons": args.neurons, "simulated_s_per_point": args.duration,
            "workers": args.workers, "cpus": os.cpu_count(), "serial_s": round(serial_s, 2),
            "explore_s": round(parallel_s, 2), "speed_up": round(serial_s / parallel_s, 2),
            "serial_s_per_point": round(serial_s / len(sweep), 3),
            "worker_s_per_point": round(per_point_work, 3),
            "overhead_s_per_point": round((parallel_s * args.workers - serial_s) / len(sweep), 3),
            "python": platform.python_version(),
        }
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(f"{'points':>8} {'neurons':>8} {'workers':>8} {'serial s':>10} {'explore s':>10} {'speed-up':>9} "
          f"{'serial s/pt':>12} {'worker s/pt':>12} {'overhead s/pt':>14}")
    print(f"{result['points']:>8} {result['neurons']:>8} {result['workers']:>8} {result['serial_s']:>10} "
          f"{result['explore_s']:>10} {result['speed_up']:>9} {result['serial_s_per_point']:>12} "
          f"{result['worker_s_per_point']:>12} {result['overhead_s_per_point']:>14}")
    RESULTS.mkdir(exist_ok=True)
    name = f"explore_{result['points']}x{result['neurons']}n_{args.duration:g}s.json"
    (RESULTS / name).write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
