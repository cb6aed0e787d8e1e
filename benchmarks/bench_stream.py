"""Streaming recordings (issue 22): peak memory (RSS) against simulated duration for (a) Brian2 alone,
(b) ``to_nwb`` at the end, (c) ``brian2nwb.stream`` then ``to_nwb``; each case in a fresh process.

    .venv/bin/python benchmarks/bench_stream.py --quick    # 10 and 40 s simulated, ~2 min
    .venv/bin/python benchmarks/bench_stream.py            # 20, 80 and 320 s, ~10 min

The network: 10,000 Poisson neurons at 50 Hz (500,000 spikes per simulated second, 6 MB of SpikeMonitor
arrays) and a StateMonitor of 500 leaky neurons driven by them (4 MB per second), dt = 1 ms, pieces of 5 s.
For each case: the peak RSS when the runs end (before any writing) and at the end of the process, and the
seconds spent. Writes ``results/stream.json`` (``stream_quick.json``).

Step 3 of issue 22 streams while the network runs but still gathers each monitor's pieces in memory to complete
the file: (c) stays flat until ``to_nwb``, whose peak then grows like (b)'s. The out-of-core completion is
the next step; this benchmark is where it will show.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

CASE = r"""
import resource, sys, time
from brian2 import *
import brian2nwb
prefs.codegen.target = "numpy"
defaultclock.dt = 1 * ms
case, duration, out = sys.argv[1], float(sys.argv[2]), sys.argv[3]
seed(1)
inputs = PoissonGroup(10000, 50 * Hz, name="inputs")
cells = NeuronGroup(500, "dv/dt = -v / (20*ms) : 1", threshold="v > 1", reset="v = 0", method="exact", name="cells")
synapses = Synapses(inputs, cells, on_pre="v += 0.02", name="synapses")
synapses.connect(j="i % 500")
net = Network(inputs, cells, synapses, SpikeMonitor(inputs, name="spikes"), StateMonitor(cells, "v", record=True, name="trace"))
if case == "stream":
    brian2nwb.stream(net, out, every=5 * second, seed=1)
elif case == "to_nwb":
    brian2nwb.snapshot(net, seed=1)
start = time.perf_counter()
net.run(duration * second)
ran = time.perf_counter() - start
peak_run = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
if case != "brian2":
    brian2nwb.to_nwb(net, out, subject=dict(subject_id="bench", species="Mus musculus", sex="U", age="P90D"))
total = time.perf_counter() - start
print(f"{peak_run:.0f} {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} {ran:.2f} {total:.2f}")
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10 and 40 s simulated")
    args = parser.parse_args()
    durations = [10.0, 40.0] if args.quick else [20.0, 80.0, 320.0]
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for duration in durations:
            for case in ("brian2", "to_nwb", "stream"):
                out = Path(folder) / f"{case}_{duration:g}.nwb"
                result = subprocess.run([sys.executable, "-c", CASE, case, str(duration), str(out)],
                                        capture_output=True, text=True)
                if result.returncode != 0:
                    raise SystemExit(result.stderr[-2000:])
                peak_run, peak_end, ran, total = map(float, result.stdout.split()[-4:])
                rows.append({"duration_s": duration, "case": case, "peak_after_run_mb": peak_run,
                             "peak_end_mb": peak_end, "run_s": ran, "total_s": total,
                             "file_mb": out.stat().st_size / 1e6 if out.exists() else 0.0})
    print(f"\n{'simulated':>9s} {'case':>7s} {'peak RSS after run':>18s} {'peak RSS at end':>16s} {'run':>7s} "
          f"{'total':>7s} {'file':>8s}")
    for row in rows:
        print(f"{row['duration_s']:8.0f}s {row['case']:>7s} {row['peak_after_run_mb']:16.0f}MB "
              f"{row['peak_end_mb']:14.0f}MB {row['run_s']:6.1f}s {row['total_s']:6.1f}s {row['file_mb']:6.0f}MB")
    out = HERE / "results" / ("stream_quick.json" if args.quick else "stream.json")
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"measured": time.strftime("%Y-%m-%d"), "rows": rows}, indent=1))
    print(f"\nwritten: {out.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
