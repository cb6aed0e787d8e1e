"""What recording costs per run: the same network run in short runs with and without ``brian2nwb.snapshot``.

Run from the repository root::

    python benchmarks/bench_recording.py                    # 10^5, 10^6, 10^7 synapses
    python benchmarks/bench_recording.py --synapses 100000 --repetitions 1

The recorder does its work between runs: it notes what the script changed since
the last run (every variable and setting is hashed once before a run and once
after it) and captures the random state. Its cost is per run, not per time step,
so it shows best in short runs: each size runs ``--runs`` runs of one time step
(0.1 ms), in a fresh process per side and repetition (interleaved), and the
median time of a run after the first is taken. The floor is hashing with
blake2b the network's variables twice, once after a run and once before the
next, and the per-synapse delays (which no run changes) once: what detecting
any change the script made needs without keeping a copy of the state. Writes ``benchmarks/results/recording.json``.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
from pathlib import Path

RESULTS = Path(__file__).parent / "results"

CHILD = """
import hashlib, json, sys, time
import numpy as np
from brian2 import Network, NeuronGroup, Synapses, ms, prefs
import brian2nwb

prefs.codegen.target = "numpy"
synapses, runs, record = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3] == "1"
neurons = max(100, int(np.sqrt(synapses)))
rng = np.random.default_rng(1)
group = NeuronGroup(neurons, "dv/dt = -v / (10 * ms) : 1", threshold="v > 1", reset="v = 0", method="exact")
group.v = "rand()"
connections = Synapses(group, group, "w : 1", on_pre="v_post += w")
connections.connect(i=rng.integers(0, neurons, synapses), j=rng.integers(0, neurons, synapses))
connections.w = 0.1
net = Network(group, connections)
if record:
    brian2nwb.snapshot(net)
times = []
for _ in range(runs):
    start = time.perf_counter()
    net.run(0.1 * ms)
    times.append(time.perf_counter() - start)
from brian2nwb.verbs.network_model import capture_states  # the variables the recorder watches
arrays = [values for tables in capture_states(net.objects, copy=False).values() for table in tables
          for values in table.values()]
delays = [pathway.variables["delay"].get_value() for pathway in connections._pathways]
start = time.perf_counter()
for array in arrays + arrays + delays:  # variables before and after a run; delays (no run changes them) once
    hashlib.blake2b(np.ascontiguousarray(array).view(np.uint8), digest_size=16).hexdigest()
floor = time.perf_counter() - start
print(json.dumps({"run": sorted(times[1:])[len(times[1:]) // 2], "floor": floor}))
"""


def measure(synapses: int, runs: int, record: bool) -> dict:
    result = subprocess.run([sys.executable, "-c", CHILD, str(synapses), str(runs), "1" if record else "0"],
                            capture_output=True, text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--synapses", type=int, nargs="+", default=[10**5, 10**6, 10**7])
    parser.add_argument("--runs", type=int, default=6)
    parser.add_argument("--repetitions", type=int, default=3)
    args = parser.parse_args()
    rows = []
    print(f"{'synapses':>10} {'plain s/run':>12} {'recorded s/run':>15} {'cost s/run':>11} {'hash floor s':>13} "
          f"{'cost/floor':>11}")
    for synapses in args.synapses:
        plain, recorded, floors = [], [], []
        for _ in range(args.repetitions):
            plain.append(measure(synapses, args.runs, False)["run"])
            found = measure(synapses, args.runs, True)
            recorded.append(found["run"])
            floors.append(found["floor"])
        row = {"synapses": synapses, "plain": statistics.median(plain), "recorded": statistics.median(recorded),
               "floor": statistics.median(floors), "plain_runs": plain, "recorded_runs": recorded}
        row["cost"] = row["recorded"] - row["plain"]
        rows.append(row)
        print(f"{synapses:>10} {row['plain']:>12.4f} {row['recorded']:>15.4f} {row['cost']:>11.4f} "
              f"{row['floor']:>13.4f} {row['cost'] / row['floor']:>11.2f}")
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / "recording.json"
    out.write_text(json.dumps({"python": platform.python_version(), "runs": args.runs, "rows": rows}, indent=1))
    print(f"written {out}")


if __name__ == "__main__":
    main()
