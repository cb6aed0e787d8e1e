"""Streaming recordings (issue 22): peak memory (RSS) against simulated duration for (a) Brian2 alone,
(b) ``to_nwb`` at the end, (c) ``brian2nwb.stream`` then ``to_nwb``; and a streamed recording 4x larger than the
address-space limit its process is given. Each case runs in a fresh process.

    .venv/bin/python benchmarks/bench_stream.py --quick    # 10x and 40x the piece (2 s), a 6 GiB recording: ~7 min
    .venv/bin/python benchmarks/bench_stream.py            # 10x and 100x the piece (5 s), the same:       ~15 min

The network: 10,000 Poisson neurons at 50 Hz (SpikeMonitor: 500,000 spikes, 6 MB, per simulated second) driving
leaky neurons whose ``v`` a StateMonitor records at dt = 1 ms: 500 of them (4 MB per second) in (a)-(c), 5,000
(40 MB per second) in the limited case. For each case: the peak RSS when the runs end (before any writing) and
at the end of the process, the peak virtual size (VmPeak), the seconds spent and the file's size. The limited
case sets ``RLIMIT_AS`` (virtual memory: the limit Linux enforces) before importing anything and records 4x that
many bytes (as Brian2's monitors would hold them). Writes ``results/stream.json`` (``stream_quick.json``).
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
import resource, sys
case, duration, out, recorded, piece, limit = sys.argv[1], float(sys.argv[2]), sys.argv[3], int(sys.argv[4]), float(sys.argv[5]), int(sys.argv[6])
if limit:
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
import time
from brian2 import *
import brian2nwb
prefs.codegen.target = "numpy"
defaultclock.dt = 1 * ms
seed(1)
inputs = PoissonGroup(10000, 50 * Hz, name="inputs")
cells = NeuronGroup(recorded, "dv/dt = -v / (20*ms) : 1", threshold="v > 1", reset="v = 0", method="exact", name="cells")
synapses = Synapses(inputs, cells, on_pre="v += 0.02", name="synapses")
synapses.connect(j=f"i % {recorded}")
spikes, trace = SpikeMonitor(inputs, name="spikes"), StateMonitor(cells, "v", record=True, name="trace")
net = Network(inputs, cells, synapses, spikes, trace)
if case == "stream":
    brian2nwb.stream(net, out, every=piece * second, seed=1)
elif case == "to_nwb":
    brian2nwb.snapshot(net, seed=1)
start = time.perf_counter()
net.run(duration * second)
ran = time.perf_counter() - start
peak_run = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
held = int(spikes.count[:].sum()) * 12 + int(round(duration * 1000)) * (recorded + 1) * 8  # i, t; t and v
if case != "brian2":
    brian2nwb.to_nwb(net, out, subject=dict(subject_id="bench", species="Mus musculus", sex="U", age="P90D"))
total = time.perf_counter() - start
vm_peak = int(open("/proc/self/status").read().split("VmPeak:")[1].split()[0]) / 1024
print(f"{peak_run:.0f} {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} {vm_peak:.0f} {ran:.2f} {total:.2f} {held}")
"""

#: The address-space limit of the limited case, and how much it records (as a multiple of it).
LIMIT = 3 << 29  # 1.5 GiB: the process alone reserves about 0.6 GiB of address space
TIMES_THE_LIMIT = 4
#: Bytes per simulated second of the limited case's monitors (spikes about 6 MB, v of 5,001 values x 8 B x 1000).
DENSE_BYTES_PER_SECOND = 500_000 * 12 + 1000 * 5001 * 8


def run_case(case: str, duration: float, out: Path, recorded: int, piece: float, limit: int = 0) -> dict:
    result = subprocess.run([sys.executable, "-c", CASE, case, str(duration), str(out), str(recorded), str(piece),
                             str(limit)], capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"{case} {duration:g} s failed:\n{result.stderr[-3000:]}")
    peak_run, peak_end, vm_peak, ran, total, held = result.stdout.split()[-6:]
    return {"duration_s": duration, "case": case, "piece_s": piece, "peak_after_run_mb": float(peak_run),
            "peak_end_mb": float(peak_end), "vm_peak_mb": float(vm_peak), "run_s": float(ran),
            "total_s": float(total), "recorded_mb": int(held) / 1e6,
            "file_mb": out.stat().st_size / 1e6 if out.exists() else 0.0, "limit_mb": limit / 1e6}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10x and 40x the piece")
    args = parser.parse_args()
    piece = 2.0 if args.quick else 5.0
    durations = [10 * piece, 40 * piece] if args.quick else [10 * piece, 100 * piece]
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for duration in durations:
            for case in ("brian2", "to_nwb", "stream"):
                rows.append(run_case(case, duration, Path(folder) / f"{case}_{duration:g}.nwb", 500, piece))
                Path(folder, f"{case}_{duration:g}.nwb").unlink(missing_ok=True)
        limited = float(int(TIMES_THE_LIMIT * LIMIT / DENSE_BYTES_PER_SECOND) + 1)
        rows.append(run_case("stream", limited, Path(folder) / "limited.nwb", 5000, piece, LIMIT))
    print(f"\n{'simulated':>9s} {'case':>7s} {'recorded':>9s} {'peak RSS after run':>18s} {'peak RSS at end':>16s} "
          f"{'VmPeak':>8s} {'run':>7s} {'total':>7s} {'file':>8s}")
    for row in rows:
        limit = f"  (RLIMIT_AS {row['limit_mb']:.0f} MB)" if row["limit_mb"] else ""
        print(f"{row['duration_s']:8.0f}s {row['case']:>7s} {row['recorded_mb']:7.0f}MB {row['peak_after_run_mb']:16.0f}MB "
              f"{row['peak_end_mb']:14.0f}MB {row['vm_peak_mb']:6.0f}MB {row['run_s']:6.1f}s {row['total_s']:6.1f}s "
              f"{row['file_mb']:6.0f}MB{limit}")
    first, last = ([r for r in rows if r["case"] == "stream" and r["duration_s"] == d][0] for d in durations)
    print(f"\nstream, {durations[-1] / piece:.0f}x vs {durations[0] / piece:.0f}x the piece: peak RSS at end "
          f"x{last['peak_end_mb'] / first['peak_end_mb']:.2f}")
    for duration in durations:
        by_case = {r["case"]: r for r in rows if r["duration_s"] == duration and not r["limit_mb"]}
        print(f"{duration:g} s: stream total / to_nwb total = x{by_case['stream']['total_s'] / by_case['to_nwb']['total_s']:.2f}")
    out = HERE / "results" / ("stream_quick.json" if args.quick else "stream.json")
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"measured": time.strftime("%Y-%m-%d"), "rows": rows}, indent=1))
    print(f"\nwritten: {out.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
