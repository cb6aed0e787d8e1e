"""Inputs from other NWB files: bytes fetched and time for ``spikes_from_nwb`` selecting 10 units out of a large
Units table served over HTTP (tests/range_server.py on 127.0.0.1, through a redirect as DANDI's asset URLs do),
next to the floor (plain h5py over remfile reading the index and the same 10 units' slices of ``spike_times``)
and the bytes those units' spikes hold.

    .venv/bin/python benchmarks/bench_inputs.py            # 10^8 spikes in 10,000 units (800 MB), ~3 min
    .venv/bin/python benchmarks/bench_inputs.py --quick    # 10^7 spikes in 1,000 units

The file is written once, with pynwb (another writer than brian2nwb; hdmf's default layout), to a temporary
folder: a Units table with a ``location`` column, and a 10-minute current-clamp-like series at 20 kHz
(``timed_array_from_nwb`` of a 1 s window is measured too). Writes ``results/inputs.json``
(``inputs_quick.json``).
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))  # the tests' Range server

PER_UNIT = 10_000
SELECTED = 10


def make_file(path: Path, units: int) -> None:
    import pynwb
    from hdmf.common import ElementIdentifiers, VectorData, VectorIndex
    from pynwb.misc import Units

    rng = np.random.default_rng(0)
    times = np.cumsum(rng.exponential(0.1, size=(units, PER_UNIT)), axis=1).ravel()  # 10 Hz, sorted per unit
    spike_times = VectorData(name="spike_times", description="spike times (s)", data=times)
    index = VectorIndex(name="spike_times_index", data=np.arange(1, units + 1) * PER_UNIT, target=spike_times)
    areas = np.array(["V1"] * units, dtype=object)
    areas[np.arange(SELECTED) * (units // SELECTED) + 7] = "CA1"  # ten CA1 units spread over the table
    location = VectorData(name="location", description="brain area", data=areas.tolist())
    table = Units(name="units", id=ElementIdentifiers(name="id", data=np.arange(units)),
                  columns=[spike_times, index, location], colnames=["spike_times", "location"])
    nwbfile = pynwb.NWBFile(session_description="bench", identifier="bench-inputs",
                            session_start_time=datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc))
    nwbfile.units = table
    nwbfile.add_stimulus(pynwb.TimeSeries(name="stim", data=rng.normal(size=20_000 * 600).astype(np.float32),
                                          unit="pA", rate=20_000.0, starting_time=0.0))
    with pynwb.NWBHDF5IO(str(path), "w") as io:
        io.write(nwbfile)


def measure(server, label: str, call) -> dict:
    server.reset()
    start = time.perf_counter()
    result = call()
    return {"call": label, "bytes": server.bytes_sent, "seconds": time.perf_counter() - start, "result": result}


def floor(url: str, rows: list[int]) -> int:
    """Plain h5py over remfile: the index, then each selected unit's slice (what any reader must fetch)."""
    import h5py
    import remfile

    with h5py.File(remfile.File(url), "r") as file:
        index = file["units/spike_times_index"][:]
        starts = np.concatenate([[0], index[:-1]])
        return sum(len(file["units/spike_times"][starts[r]:index[r]]) for r in rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10^7 spikes instead of 10^8")
    args = parser.parse_args()

    import h5py
    from brian2 import ms, prefs, second
    from range_server import serving

    import brian2nwb

    prefs.codegen.target = "numpy"
    units = 1_000 if args.quick else 10_000
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "session.nwb"
        start = time.perf_counter()
        make_file(path, units)
        written = time.perf_counter() - start
        with h5py.File(path, "r") as file:
            chunks = file["units/spike_times"].chunks
        size = path.stat().st_size
        contiguous = list(range(100, 100 + SELECTED))
        spread = (np.arange(SELECTED) * (units // SELECTED) + 7).tolist()
        held = SELECTED * PER_UNIT * 8
        rows = []
        with serving(Path(folder)) as server:
            url = server.redirect_url("session.nwb")
            for label, call in [
                ("floor: h5py + remfile, 10 neighbouring units", lambda: floor(url, contiguous)),
                ("spikes_from_nwb(ids=10 neighbouring units)",
                 lambda: len(brian2nwb.spikes_from_nwb(url, ids=contiguous, collisions="shift")._spike_time[:])),
                ("floor: h5py + remfile, 10 units spread over the table", lambda: floor(url, spread)),
                ("spikes_from_nwb(where={'location': 'CA1'}) (10 spread units)",
                 lambda: len(brian2nwb.spikes_from_nwb(url, where={"location": "CA1"}, collisions="shift")._spike_time[:])),
                ("timed_array_from_nwb(window=1 s of a 10 min 20 kHz series)",
                 lambda: len(brian2nwb.timed_array_from_nwb(url, "stim", window=(60 * second, 61 * second),
                                                            dt=0.05 * ms).values)),
            ]:
                rows.append(measure(server, label, call))
    print(f"\nUnits table: {units * PER_UNIT:,} spikes in {units:,} units; file {size / 1e6:,.0f} MB (written by "
          f"pynwb in {written:.1f} s; spike_times chunks {chunks}); 10 units hold {held / 1e6:.2f} MB of spike times\n")
    print(f"{'call':66s} {'fetched':>10s} {'of file':>8s} {'x held':>7s} {'time':>7s}")
    for row in rows:
        print(f"{row['call']:66s} {row['bytes'] / 1e6:8.2f}MB {100 * row['bytes'] / size:7.3f}% "
              f"{row['bytes'] / held:7.1f} {row['seconds']:6.2f}s")
    out = HERE / "results" / ("inputs_quick.json" if args.quick else "inputs.json")
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"spikes": units * PER_UNIT, "units": units, "file_bytes": size,
                               "selected_bytes": held, "chunks": chunks, "rows": rows}, indent=1, default=str))
    print(f"\nwritten: {out.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
