"""Files by URL: bytes fetched and time for ``info``, ``describe`` and ``from_nwb`` on a large file served over
HTTP with Range requests (tests/range_server.py on 127.0.0.1, through a redirect as DANDI's asset URLs do),
next to the floor (plain h5py over remfile opening the file and reading the root's attributes) and the same
calls on the local file.

    .venv/bin/python benchmarks/bench_remote.py            # a 1 GB file (a 1,000 x 125,000 trace), ~3 min
    .venv/bin/python benchmarks/bench_remote.py --quick    # 100 MB

The file is a StateMonitor on 1,000 neurons (the bytes are in one dataset, as for a long recording) plus
spikes; it is written once to a temporary folder. Writes ``results/remote.json`` (``remote_quick.json``).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))  # the tests' Range server


def make_file(path: Path, steps: int) -> None:
    from brian2 import Network, NeuronGroup, SpikeMonitor, StateMonitor, defaultclock, ms, prefs

    import brian2nwb

    prefs.codegen.target = "numpy"
    defaultclock.dt = 0.1 * ms
    group = NeuronGroup(1000, "dv/dt = (1.2 - v) / (10*ms) : 1", threshold="v > 1", reset="v = 0",
                        method="exact", name="neurons")
    group.v = "rand()"
    net = Network(group, SpikeMonitor(group, name="spikes"), StateMonitor(group, "v", record=True, name="trace"))
    brian2nwb.snapshot(net, seed=1)
    net.run(steps * defaultclock.dt)
    brian2nwb.to_nwb(net, path, compression=None, subject={"subject_id": "bench", "species": "Mus musculus",
                                                           "sex": "U", "age": "P90D"})


def measure(server, label: str, call) -> dict:
    server.reset()
    start = time.perf_counter()
    call()
    return {"call": label, "bytes": server.bytes_sent, "seconds": time.perf_counter() - start}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a 100 MB file instead of 1 GB")
    args = parser.parse_args()

    import h5py
    import remfile
    from range_server import serving

    import brian2nwb
    from brian2nwb.tools.summary import summarize
    from brian2nwb.verbs.card import card_of_file

    steps = 12_500 if args.quick else 125_000
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "large.nwb"
        start = time.perf_counter()
        make_file(path, steps)
        size = path.stat().st_size
        print(f"file: {size / 1e6:.0f} MB, written in {time.perf_counter() - start:.0f} s")

        def floor(url):
            handle = remfile.File(url)
            with h5py.File(handle, "r") as file:
                dict(file.attrs)
            handle.close()

        rows = []
        with serving(Path(folder)) as server:
            url = server.redirect_url("large.nwb")
            rows.append(measure(server, "floor: h5py over remfile, root attributes", lambda: floor(url)))
            rows.append(measure(server, "info (summarize)", lambda: summarize(url)))
            rows.append(measure(server, "describe (model card)", lambda: card_of_file(url)))
            rows.append(measure(server, "from_nwb (state='final')", lambda: brian2nwb.from_nwb(url, state="final")))
        for row in rows:
            row["fraction_of_file"] = row["bytes"] / size
        local = {}
        for label, call in (("info (summarize)", lambda: summarize(path)),
                            ("from_nwb (state='final')", lambda: brian2nwb.from_nwb(path, state="final"))):
            start = time.perf_counter()
            call()
            local[label] = time.perf_counter() - start

    floor_bytes = rows[0]["bytes"]
    print(f"\n{'call':<44} {'bytes fetched':>14} {'% of file':>10} {'x floor':>8} {'s by URL':>9} {'s local':>8}")
    for row in rows:
        print(f"{row['call']:<44} {row['bytes']:>14,} {100 * row['fraction_of_file']:>9.3f}% "
              f"{row['bytes'] / floor_bytes:>8.1f} {row['seconds']:>9.2f} "
              f"{local.get(row['call'], float('nan')):>8.2f}")
    result = {"file_bytes": size, "steps": steps, "rows": rows, "local_seconds": local,
              "brian2nwb": brian2nwb.__version__}
    out = HERE / "results" / ("remote_quick.json" if args.quick else "remote.json")
    out.write_text(json.dumps(result, indent=2))
    print(f"\nwritten to {out.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
