"""What an NWB viewer (Neurosift reads HDF5 directly) needs: types, cached specs, timing and units."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import h5py
import numpy as np
import pytest
from helpers import neurosift_problems



@pytest.fixture(scope="module")
def file(rich):  # noqa: F811
    _, _, path, _, _ = rich
    with h5py.File(path, "r") as handle:
        yield handle


def attribute(node, name):
    value = node.attrs[name]
    return value.decode() if isinstance(value, bytes) else value


def test_specs_are_cached_for_every_namespace(file):
    assert {"core", "hdmf-common", "ndx-brian2"} <= set(file["specifications"])
    for namespace in file["specifications"].values():
        assert len(namespace) == 1  # one version each


def test_units_table_draws_as_a_raster(file):
    units = file["units"]
    assert attribute(units, "neurodata_type") == "Units"
    assert attribute(units, "namespace") == "core"
    assert units["spike_times"].attrs["resolution"] > 0  # the spec puts resolution on spike_times
    assert {"spike_times", "spike_times_index", "id", "population", "neuron"} <= set(units)
    assert attribute(units["spike_times_index"], "neurodata_type") == "VectorIndex"
    assert units["spike_times_index"][-1] == units["spike_times"].shape[0]
    for name in ("population", "neuron", "monitor", "spike_times"):
        assert attribute(units[name], "description")


def test_series_draw_as_traces(file):
    for name, series in file["acquisition"].items():
        assert attribute(series, "neurodata_type") in ("StateMonitorSeries", "TimeSeries")
        assert attribute(series, "description")
        data = series["data"]
        assert attribute(data, "unit") and data.attrs["conversion"] == 1.0
        starting_time = series["starting_time"]
        assert starting_time.attrs["rate"] > 0 and attribute(starting_time, "unit") == "seconds"
        if data.ndim == 2:  # time on axis 0: the longest axis
            assert data.shape[0] >= data.shape[1]
            assert series.attrs["recorded_indices"].shape == (data.shape[1],)


def test_inputs_and_events_are_typed_tables_and_series(file):
    stimulus = file["stimulus/presentation"]
    assert {attribute(item, "neurodata_type") for item in stimulus.values()} == {"TimedArraySeries"}
    assert attribute(file["events/input"], "neurodata_type") == "SpikeGeneratorTable"
    assert attribute(file["events/input"]["timestamp"], "neurodata_type") == "TimestampVectorData"
    assert attribute(stimulus["drive"], "neurodata_type") == "TimedArraySeries"
    assert np.asarray(stimulus["drive"]["data"]).ndim == 1
    assert attribute(file["events/high_events"], "neurodata_type") == "EventMonitorTable"


def test_model_is_typed_and_documented(file):
    simulation = file["general/brian2"]
    assert attribute(simulation, "neurodata_type") == "Brian2Simulation"
    objects = simulation["objects"]
    kinds = {name: attribute(group, "neurodata_type") for name, group in objects.items()}
    assert kinds["neurons"] == "NeuronGroupModel" and kinds["input_syn"] == "SynapsesModel"
    for table in ("clocks", "schedule", "runs"):
        assert attribute(simulation[table], "neurodata_type") == "Brian2Table"
        assert attribute(simulation[table], "description")


def test_no_64_bit_integer_attribute_anywhere(rich):
    """Neurosift (h5wasm) hands 64-bit integers to JavaScript as BigInt: an int64 array attribute (a
    StateMonitorSeries' recorded_indices once) blanked its page."""
    _, _, path, _, _ = rich
    assert neurosift_problems(path) == []
    with h5py.File(path, "r") as handle:
        series = [node for node in handle["acquisition"].values()
                  if attribute(node, "neurodata_type") == "StateMonitorSeries"]
        assert series and all(node.attrs["recorded_indices"].dtype == np.int32 for node in series)
        assert handle["general/brian2/objects/neurons"].attrs["num_neurons"].dtype == np.int32


def test_the_neurosift_rule_finds_64_bit_attributes(tmp_path):
    path = tmp_path / "plain.h5"  # not *.nwb: the conftest checks those
    with h5py.File(path, "w") as handle:
        handle.attrs["fine"] = np.int32(3)
        handle.create_group("g").attrs["wide"] = np.arange(3, dtype=np.int64)
        handle["g"].attrs["unsigned"] = np.uint64(1)
        handle["g"].attrs["text"] = "a"
    assert sorted(problem.split("'")[1] for problem in neurosift_problems(path)) == ["unsigned", "wide"]


def attributes_as_neurosift_shows_them(path) -> dict:
    """`tests/viewers/attributes.mjs` on ``path``: every attribute read with h5wasm and displayed as Neurosift
    displays it (skipped where Node.js or h5wasm is missing, unless BRIAN2NWB_REQUIRE_BROWSER is set)."""
    viewers = Path(__file__).parent / "viewers"
    node = shutil.which("node")
    if node is None or not (viewers / "node_modules" / "h5wasm").is_dir():
        if os.environ.get("BRIAN2NWB_REQUIRE_BROWSER"):
            pytest.fail("h5wasm is required here: cd tests/viewers && npm ci")
        pytest.skip("no Node.js or h5wasm (cd tests/viewers && npm ci)")
    result = subprocess.run([node, "attributes.mjs", str(path)], cwd=viewers, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout)


@pytest.mark.browser
def test_neurosifts_reader_shows_every_attribute(rich, tmp_path):
    """With h5wasm, as Neurosift reads files: every attribute of the rich file displays; and the h5py rule of
    the conftest finds exactly what breaks h5wasm's display."""
    shown = attributes_as_neurosift_shows_them(rich[2])
    assert shown["attributes"] > 300 and shown["problems"] == []
    path = tmp_path / "wide.h5"
    with h5py.File(path, "w") as handle:
        handle.attrs["wide"] = np.arange(3, dtype=np.int64)
        handle.attrs["narrow"] = np.arange(3, dtype=np.int32)
    shown = attributes_as_neurosift_shows_them(path)
    assert [problem.split()[1] for problem in shown["problems"]] == ["wide:"]
    assert [problem.split("'")[1] for problem in neurosift_problems(path)] == ["wide"]
