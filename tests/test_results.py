"""Every recorded result of a rich network, written by to_nwb and read back bit for bit
with plain pynwb in a fresh process."""

from __future__ import annotations

import numpy as np
import pytest
from brian2 import Network, SpikeMonitor, ms

import brian2nwb
from helpers import SUBJECT, by_neuron, check_valid, every_finding, ragged_rows, read_plain, spikes_of


def test_file_is_valid_for_pynwb_and_nwbinspector(rich):
    _, _, path, _, caught = rich
    check_valid(path)
    assert not [w for w in caught if issubclass(w.category, brian2nwb.Brian2NWBWarning)]


@pytest.mark.parametrize("monitor", ["spikes_all", "spikes_again", "spikes_exc", "spikes_inh", "spikes_slow",
                                     "spikes_input"])
def test_every_spike_of_every_spike_monitor(rich, monitor):
    net, _, _, data, _ = rich
    mon = net[monitor]
    start = getattr(mon.source, "start", 0)
    index, times, rows = spikes_of(data, monitor)
    expected_index, expected_times = by_neuron(mon.i[:] + start, mon.t_[:])
    assert len(expected_times) > 0
    np.testing.assert_array_equal(index, expected_index)
    np.testing.assert_array_equal(times, expected_times)  # bit for bit
    # one row per neuron of the monitored group, silent ones too
    assert len(rows) == len(mon.source)
    np.testing.assert_array_equal(data["units/neuron"][rows], np.arange(start, start + len(mon.source)))
    population = getattr(mon.source, "source", mon.source).name
    assert set(data["units/population"][rows]) == {population}


def test_silent_neurons_have_rows(rich):
    net, _, _, data, _ = rich
    counts = np.diff(np.concatenate([[0], data["units/spike_times_index"]]))
    rows = np.flatnonzero(data["units/monitor"] == "spikes_all")
    np.testing.assert_array_equal(counts[rows], np.bincount(net["spikes_all"].i[:], minlength=50))
    assert (counts[rows] == 0).any(), "the test network should have silent neurons"


def test_units_resolution_is_the_finest_monitor_dt(rich):
    _, _, _, data, _ = rich
    assert data["units.resolution"] == pytest.approx(0.1e-3)


@pytest.mark.parametrize("monitor, variable", [("spikes_all", "v"), ("spikes_all", "x"), ("spikes_inh", "v")])
def test_spike_variables_are_aligned_with_spike_times(rich, monitor, variable):
    net, _, _, data, _ = rich
    mon = net[monitor]
    _, _, rows = spikes_of(data, monitor)
    _, _, expected = by_neuron(mon.i[:], mon.t_[:], getattr(mon, variable + "_")[:])
    np.testing.assert_array_equal(ragged_rows(data, variable, rows), expected)
    assert data[f"units/{variable}.unit"] == ("volt" if variable == "v" else "dimensionless")


def test_spike_variable_rows_of_other_monitors_are_empty(rich):
    _, _, _, data, _ = rich
    ends = data["units/x_index"]
    counts = np.diff(np.concatenate([[0], ends]))
    others = data["units/monitor"] != "spikes_all"
    assert (counts[others] == 0).all()


def test_event_monitor_on_custom_event(rich):
    net, _, _, data, _ = rich
    mon = net["high_events"]
    assert len(mon.t) > 0
    prefix = "events/high_events"
    np.testing.assert_array_equal(data[f"{prefix}/timestamp"], mon.t_[:])
    np.testing.assert_array_equal(data[f"{prefix}/neuron"], mon.i[:])
    np.testing.assert_array_equal(data[f"{prefix}/v"], mon.v_[:])
    assert data[f"{prefix}/v.unit"] == "volt"
    assert data[f"{prefix}.event"] == "high"
    assert data[f"{prefix}/type"] == "EventMonitorTable"


@pytest.mark.parametrize("monitor, variable", [("trace", "v"), ("trace", "not_refractory"),
                                               ("trace_slow", "v"), ("syn_trace", "w")])
def test_every_state_monitor_sample(rich, monitor, variable):
    net, _, _, data, _ = rich
    mon = net[monitor]
    prefix = f"acquisition/{monitor}_{variable}"
    expected = np.asarray(getattr(mon, variable + "_")).T  # time on axis 0
    np.testing.assert_array_equal(data[f"{prefix}/data"], expected)
    np.testing.assert_array_equal(data[f"{prefix}/recorded_indices"], mon.record)
    assert data[f"{prefix}/rate"] == pytest.approx(1 / mon.clock.dt_)
    assert data[f"{prefix}/starting_time"] == pytest.approx(mon.t_[0])
    times = data[f"{prefix}/starting_time"] + np.arange(len(mon.t_)) / data[f"{prefix}/rate"]
    np.testing.assert_allclose(times, mon.t_[:], rtol=0, atol=1e-12)
    assert data[f"{prefix}/type"] == "StateMonitorSeries"


def test_state_monitor_units(rich):
    _, _, _, data, _ = rich
    assert data["acquisition/trace_v/unit"] == "volt"
    np.testing.assert_array_equal(data["acquisition/trace_v/dimensions"], [2, 1, -3, -1, 0, 0, 0])
    assert data["acquisition/syn_trace_w/source"] == "input_syn"


@pytest.mark.parametrize("monitor", ["rate_all", "rate_exc"])
def test_every_population_rate_sample(rich, monitor):
    net, _, _, data, _ = rich
    mon = net[monitor]
    np.testing.assert_array_equal(data[f"acquisition/{monitor}/data"], mon.rate_[:])
    assert data[f"acquisition/{monitor}/unit"] == "hertz"
    assert data[f"acquisition/{monitor}/rate"] == pytest.approx(1e4)
    assert mon.rate_[:].max() > 0


def test_spike_generator_with_period(rich):
    net, _, _, data, _ = rich
    prefix = "events/input"
    np.testing.assert_array_equal(data[f"{prefix}/timestamp"], [1e-3, 2e-3, 3e-3, 4e-3, 7e-3])
    np.testing.assert_array_equal(data[f"{prefix}/timestamp"], net["input"]._spike_time)
    np.testing.assert_array_equal(data[f"{prefix}/neuron"], [0, 1, 2, 3, 1])
    assert data[f"{prefix}.period"] == 10e-3
    assert data[f"{prefix}.num_neurons"] == 4
    assert data[f"{prefix}/type"] == "SpikeGeneratorTable"


@pytest.mark.parametrize("name", ["drive", "pattern"])
def test_every_timed_array_sample(rich, name):
    _, arrays, _, data, _ = rich
    array = arrays[name]
    prefix = f"stimulus/{name}"
    np.testing.assert_array_equal(data[f"{prefix}/data"], array.values)
    assert data[f"{prefix}/rate"] == pytest.approx(1 / array.dt)
    assert data[f"{prefix}/unit"] == ("volt" if name == "drive" else "ampere")
    assert data[f"{prefix}/type"] == "TimedArraySeries"
    assert data[f"{prefix}/data"].ndim == array.values.ndim


def test_one_run_is_the_observed_interval_and_provenance(rich):
    net, _, _, data, _ = rich
    assert "epochs/start_time" not in data  # one run: no one-row epoch table, the interval is obs_intervals
    np.testing.assert_allclose(data["units/obs_intervals"], np.tile([0.0, float(net.t_)], (len(data["units/population"]), 1)))
    assert data["brian2/t_end"] == pytest.approx(float(net.t_))
    assert data["brian2/codegen_target"] == "numpy"
    assert data["brian2/device"] == "runtime"
    assert data["brian2/dt"] == pytest.approx(1e-4)
    assert str(data["brian2/brian2_version"]).startswith("2.")
    assert data["file/session_description"] == "A rich test network."
    assert data["file/subject_id"] == "model-1"


def test_more_than_65536_neurons_sort_by_neuron(tmp_path):
    from brian2 import Hz, PoissonGroup

    group = PoissonGroup(70_000, 300 * Hz, name="many")
    spikes = SpikeMonitor(group, name="many_spikes")
    net = Network(group, spikes)
    net.run(3 * ms)
    path = brian2nwb.to_nwb(net, tmp_path / "many.nwb", subject=SUBJECT)
    index, times, _ = spikes_of(read_plain(path), "many_spikes")
    expected_index, expected_times = by_neuron(spikes.i[:], spikes.t_[:])
    assert expected_index.max() > 65_536
    np.testing.assert_array_equal(index, expected_index)
    np.testing.assert_array_equal(times, expected_times)


@pytest.mark.parametrize("backend", ["hdf5", "zarr"])
def test_columns_written_block_by_block_equal_one_sort(rich, tmp_path, monkeypatch, backend):
    """Large spike columns are ordered by neuron and written one block of neurons at a time: the same
    Units table (times, spike-time variables of several monitors, subgroups) as one whole sort."""
    import h5py

    from brian2nwb.nwb import by_neuron

    net, _, path, _, _ = rich
    monkeypatch.setattr(by_neuron, "MIN_BLOCK_VALUES", 7)
    monkeypatch.setattr(by_neuron, "MAX_BLOCK_NEURONS", 5)
    suffix = ".nwb" if backend == "hdf5" else ".nwb.zarr"
    blocks = brian2nwb.to_nwb(net, tmp_path / f"blocks{suffix}", subject=SUBJECT, backend=backend)
    with h5py.File(path, "r") as whole:
        expected = {name: whole[f"units/{name}"][()] for name in whole["units"] if name != "id"}
    if backend == "hdf5":
        with h5py.File(blocks, "r") as file:
            written = {name: file[f"units/{name}"][()] for name in expected}
        check_valid(blocks)
    else:
        import zarr

        store = zarr.open(str(blocks), mode="r")
        written = {name: store[f"units/{name}"][...] for name in expected}
    assert {"spike_times", "v", "x"} <= set(expected)
    for name, values in expected.items():
        assert len(values) == len(written[name]), name
        if values.dtype.kind in "OSU":
            assert [str(v, "utf-8") if isinstance(v, bytes) else str(v) for v in values] == \
                [str(v, "utf-8") if isinstance(v, bytes) else str(v) for v in written[name]], name
        else:
            np.testing.assert_array_equal(written[name], values, err_msg=name)


def test_samples_before_dt_changed_after_the_last_run_are_regular(tmp_path):
    """A PopulationRateMonitor of a subgroup and a StateMonitor sampled every 0.01 ms, with defaultclock.dt changed
    after the last run: both are written with starting_time and rate = 1 / dt of their samples (with timestamps,
    nwbinspector suggests "rate=99999.99999999999"), and the rebuilt network re-runs the rates bit for bit."""
    from brian2 import NeuronGroup, PopulationRateMonitor, StateMonitor, defaultclock

    defaultclock.dt = 0.01 * ms
    cells = NeuronGroup(30, "dv/dt = (1.2 - v) / (10 * ms) : 1", threshold="v > 1", reset="v = 0", method="exact",
                        name="cells")
    cells.v = "i / 20"
    rate = PopulationRateMonitor(cells[10:20], name="rate_sub")
    net = Network(cells, rate, StateMonitor(cells, "v", record=[0, 15], name="trace"))
    brian2nwb.snapshot(net)
    net.run(3 * ms)
    net.run(2 * ms)
    defaultclock.dt = 0.1 * ms  # after the last run: the samples stay 0.01 ms apart
    path = brian2nwb.to_nwb(net, tmp_path / "rates.nwb", subject=SUBJECT)
    data = read_plain(path)
    for series in ("rate_sub", "trace_v"):
        assert f"acquisition/{series}/timestamps" not in data
        assert data[f"acquisition/{series}/rate"] == 1 / 1e-5  # 1 / dt exactly, as the clock held it
        assert data[f"acquisition/{series}/starting_time"] == 0.0
    assert not [finding for finding in every_finding(path) if "rate_sub" in finding or "trace_v" in finding]
    np.testing.assert_array_equal(data["acquisition/rate_sub/data"], rate.rate_[:])
    assert rate.rate_[:].max() > 0
    again = brian2nwb.from_nwb(path)
    again.run_recorded()
    np.testing.assert_array_equal(again["rate_sub"].rate_[:], data["acquisition/rate_sub/data"])
