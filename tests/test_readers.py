"""Our files in the tools people already use on NWB files, each in a fresh process without brian2nwb: neo's
NWBIO (PyNN users), pynapple, SpikeInterface, and DANDI's organize + validate."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from brian2 import (
    EventMonitor,
    Network,
    NeuronGroup,
    PopulationRateMonitor,
    SpikeGeneratorGroup,
    SpikeMonitor,
    StateMonitor,
    Synapses,
    TimedArray,
    ms,
    mV,
)

import brian2nwb
from helpers import SUBJECT, reset_brian

DURATION = 0.06


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """Two populations, a spike generator, a TimedArray drive, traces, rates, custom events; a second
    SpikeMonitor joins after the first of two runs (its neurons are observed from 20 ms on only)."""
    reset_brian("numpy")
    drive = TimedArray(np.linspace(10, 25, 6) * mV, dt=10 * ms)
    cells = NeuronGroup(12, "dv/dt = (drive(t) - v) / (10 * ms) : volt", threshold="v > 15 * mV",
                        reset="v = 0 * mV", events={"rising": "v > 10 * mV and v < 10.5 * mV"}, method="euler",
                        name="cells")
    cells.v = "i * 1 * mV"
    generator = SpikeGeneratorGroup(3, [0, 1, 2, 0], [5, 6, 7, 30] * ms, name="generator")
    synapses = Synapses(generator, cells, "w : siemens", on_pre="v_post += 2 * mV", name="synapses")
    synapses.connect(p=0.5)
    synapses.w = "i * nS"
    spikes = SpikeMonitor(cells, name="spikes")
    net = Network(cells, generator, synapses, spikes, SpikeMonitor(generator, name="generator_spikes"),
                  StateMonitor(cells, "v", record=[0, 5, 11], name="trace"),
                  PopulationRateMonitor(cells, name="rate"), EventMonitor(cells, "rising", name="rising"),
                  StateMonitor(synapses, "w", record=True, name="weights"))
    brian2nwb.snapshot(net)
    net.run(20 * ms)
    late = SpikeMonitor(cells[6:], name="late_spikes")
    net.add(late)
    net.run(40 * ms)
    folder = tmp_path_factory.mktemp("readers")
    path = brian2nwb.to_nwb(net, folder / "readers.nwb", subject=SUBJECT, experimenter=["Doe, Jane"],
                            institution="Test lab")
    expected = {"spikes": {"t": spikes.t_[:].tolist(), "i": spikes.i[:].tolist()},
                "late_spikes": {"t": late.t_[:].tolist(), "i": (late.i[:] + 6).tolist()}}
    return path, expected


def run_reader(code: str, path: Path) -> dict:
    """Run ``code`` (which prints one JSON line) in a fresh process; brian2nwb must not be imported."""
    program = textwrap.dedent(code) + "\nassert 'brian2nwb' not in sys.modules\n"
    result = subprocess.run([sys.executable, "-c", program, str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


NEO = """
    import json, sys, warnings
    warnings.simplefilter("ignore")
    from neo.io import NWBIO
    segment = NWBIO(sys.argv[1], mode="r").read_all_blocks()[0].segments[0]
    print(json.dumps({
        "trains": [[float(s.t_start), float(s.t_stop), [float(t) for t in s.magnitude]] for s in segment.spiketrains],
        "signals": sorted([s.name, str(s.units.dimensionality), list(s.shape)] for s in segment.analogsignals),
        "epochs": [[len(e.times), len(e.labels), [str(label) for label in e.labels.ravel()]] for e in segment.epochs],
        "annotations": {s.name: sorted(s.annotations) for s in segment.analogsignals},
    }))
"""


def test_neo_reads_every_unit_series_and_epoch(written):
    path, expected = written
    read = run_reader(NEO, path)
    # rows: every neuron of every SpikeMonitor (by name: generator_spikes, late_spikes, spikes), silent ones too
    assert len(read["trains"]) == 3 + 6 + 12
    spikes_rows = read["trains"][9:]
    assert all(train[:2] == [0.0, DURATION] for train in read["trains"][:3] + spikes_rows)  # the simulated interval
    assert all(train[:2] == [0.02, DURATION] for train in read["trains"][3:9])  # joined after 20 ms
    times = sorted(t for train in spikes_rows for t in train[2])
    assert times == sorted(expected["spikes"]["t"]) and len(times) > 0
    signals = {name: (unit, shape) for name, unit, shape in read["signals"]}
    assert signals["drive"] == ("V", [6, 1]) and signals["rate"] == ("Hz", [600, 1])
    assert signals["trace_v"] == ("V", [600, 3]) and signals["weights_w"][0] == "S"
    assert "nwb:recorded_indices" in read["annotations"]["trace_v"]
    assert read["epochs"] == [[2, 2, ["run_0", "run_1"]]]


PYNAPPLE = """
    import json, sys, warnings
    warnings.simplefilter("ignore")
    import pynapple as nap
    data = nap.load_file(sys.argv[1])
    units = data["units"]
    print(json.dumps({
        "keys": sorted(data.keys()),
        "metadata": sorted(units.metadata_columns),
        "population": [str(p) for p in units["population"]],
        "neuron": [int(n) for n in units["neuron"]],
        "epochs": data["epochs"].values.tolist(),
        "trace_shape": list(data["trace_v"].shape),
        "spike_count": int(sum(len(units[k]) for k in units.keys())),
    }))
"""


def test_pynapple_gets_populations_and_the_simulated_interval(written):
    path, expected = written
    read = run_reader(PYNAPPLE, path)
    assert {"units", "epochs", "trace_v", "rate", "drive"} <= set(read["keys"])
    assert {"population", "neuron", "monitor"} <= set(read["metadata"])
    assert read["population"] == ["generator"] * 3 + ["cells"] * 6 + ["cells"] * 12
    assert read["neuron"] == list(range(3)) + list(range(6, 12)) + list(range(12))
    np.testing.assert_allclose(read["epochs"], [[0.0, 0.02], [0.02, DURATION]], atol=1e-6)  # one per run
    assert read["trace_shape"] == [600, 3]
    assert read["spike_count"] == sum(len(v["t"]) for v in expected.values()) + 4


SPIKEINTERFACE = """
    import json, sys, warnings
    warnings.simplefilter("ignore")
    import spikeinterface.extractors as se
    sorting = se.read_nwb_sorting(sys.argv[1])
    print(json.dumps({
        "units": int(sorting.get_num_units()),
        "properties": sorted(sorting.get_property_keys()),
        "neuron": [int(n) for n in sorting.get_property("neuron")],
        "sampling_frequency": float(sorting.get_sampling_frequency()),
    }))
"""


def test_spikeinterface_keeps_the_neuron_index(written):
    path, _ = written
    read = run_reader(SPIKEINTERFACE, path)
    assert read["units"] == 21
    assert {"population", "neuron", "monitor"} <= set(read["properties"])
    assert read["neuron"] == list(range(3)) + list(range(6, 12)) + list(range(12))
    assert read["sampling_frequency"] == pytest.approx(1e4)  # 1 / dt


def test_dandi_organize_and_validate(written, tmp_path):
    path, _ = written
    dandiset = tmp_path / "dandiset"
    dandiset.mkdir()
    (dandiset / "dandiset.yaml").write_text("identifier: DANDI:000000\nname: brian2nwb test\ndescription: test\n")
    dandi = [str(Path(sys.executable).parent / "dandi")]  # the command installed with the test extra
    organized = subprocess.run([*dandi, "organize", "-d", str(dandiset), "--files-mode", "copy", str(path)],
                               capture_output=True, text=True)
    assert organized.returncode == 0, organized.stderr[-2000:]
    files = sorted(dandiset.rglob("*.nwb"))
    assert [f.relative_to(dandiset).as_posix() for f in files] == [
        f"sub-{SUBJECT['subject_id']}/sub-{SUBJECT['subject_id']}.nwb"]
    validated = subprocess.run([*dandi, "validate", str(dandiset)], capture_output=True, text=True)
    assert validated.returncode == 0, validated.stdout[-2000:] + validated.stderr[-2000:]
    assert "No errors found" in validated.stdout + validated.stderr
