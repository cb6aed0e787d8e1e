"""What an NWB viewer (Neurosift reads HDF5 directly) needs: types, cached specs, timing and units."""

from __future__ import annotations

import h5py
import numpy as np
import pytest



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
