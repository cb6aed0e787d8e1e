"""Inputs from other tools' NWB files, read without simulating (fast tier): unit names, resampling and spikes
fitted to dt against hand-computed values; what pynwb's mock helpers, neo's NWBIO and neuroconv write, read as
Brian2 inputs and compared with plain pynwb reads; and a hostile source per bad field."""

from __future__ import annotations

from pathlib import Path

import h5py
import numpy as np
import pynwb
import pytest
from brian2 import amp, ms, nS, second, volt
from brian2.units.fundamentalunits import DimensionMismatchError
from pynwb.testing.mock.base import mock_TimeSeries
from pynwb.testing.mock.file import mock_NWBFile
from source_files import neo_file, neuroconv_file, pynwb_mock_file

import brian2nwb
from brian2nwb import InvalidFileError, input_source, spikes_from_nwb, timed_array_from_nwb
from brian2nwb.model.resample import positions, resample, sample_rows
from brian2nwb.model.spike_trains import SpikeCollisionError, fit_to_dt
from brian2nwb.model.unit_names import UnknownUnitError, parse_unit

# -- hand-computed values --------------------------------------------------------------------------------

@pytest.mark.parametrize("text, scale, dims", [
    ("volts", 1.0, (2, 1, -3, -1, 0, 0, 0)), ("V", 1.0, (2, 1, -3, -1, 0, 0, 0)),
    ("mV", 1e-3, (2, 1, -3, -1, 0, 0, 0)), ("millivolts", 1e-3, (2, 1, -3, -1, 0, 0, 0)),
    ("amperes", 1.0, (0, 0, 0, 1, 0, 0, 0)), ("pA", 1e-12, (0, 0, 0, 1, 0, 0, 0)),
    ("Siemens", 1.0, (-2, -1, 3, 2, 0, 0, 0)), ("nS", 1e-9, (-2, -1, 3, 2, 0, 0, 0)),
    ("Hz", 1.0, (0, 0, -1, 0, 0, 0, 0)), ("seconds", 1.0, (0, 0, 1, 0, 0, 0, 0)), ("ms", 1e-3, (0, 0, 1, 0, 0, 0, 0)),
    ("µm", 1e-6, (1, 0, 0, 0, 0, 0, 0)), ("mM", 1.0, (-3, 0, 0, 0, 0, 1, 0)), ("a.u.", 1.0, (0,) * 7),
    ("kilograms", 1.0, (0, 1, 0, 0, 0, 0, 0)), ("ohms", 1.0, (2, 1, -3, -2, 0, 0, 0)),
])
def test_unit_names_map_to_si(text, scale, dims):
    found_scale, found_dims = parse_unit(text)
    assert found_scale == pytest.approx(scale, rel=1e-12) and tuple(found_dims) == dims


@pytest.mark.parametrize("text", ["bananas", "V/s", "mV*2", "__import__('os')", "degC", "m V"])
def test_unknown_unit_names_are_refused(text):
    with pytest.raises(UnknownUnitError):
        parse_unit(text)


def test_resampling_by_hand():
    # samples at 0, 1, 2, 3 ms (values 0, 10, 20, 30); grid at 0.5 ms steps from 0.5 ms
    samples = np.array([0.0, 10.0, 20.0, 30.0])
    grid = 0.5e-3 + np.arange(5) * 0.5e-3
    position = positions(grid, 0.0, 1000.0, None)
    np.testing.assert_allclose(position, [0.5, 1.0, 1.5, 2.0, 2.5])
    assert resample(samples, *sample_rows(position, "hold")).tolist() == [0.0, 10.0, 10.0, 20.0, 20.0]
    np.testing.assert_allclose(resample(samples, *sample_rows(position, "linear")), [5.0, 10.0, 15.0, 20.0, 25.0])
    # irregular timestamps: 0, 1, 4 ms; grid 0, 2, 4, 6 ms
    stamps = np.array([0.0, 1e-3, 4e-3])
    position = positions(np.array([0.0, 2e-3, 4e-3, 6e-3]), None, None, stamps)
    assert resample(np.array([1.0, 2.0, 5.0]), *sample_rows(position, "hold")).tolist() == [1.0, 2.0, 5.0, 5.0]
    np.testing.assert_allclose(resample(np.array([1.0, 2.0, 5.0]), *sample_rows(position, "linear")),
                               [1.0, 3.0, 5.0, 5.0])


def test_spikes_closer_than_dt_by_choice():
    indices = np.array([0, 0, 0, 1])
    times = np.array([1.00e-3, 1.04e-3, 1.08e-3, 1.02e-3])  # neuron 0: three spikes in step 10 (dt 0.1 ms)
    with pytest.raises(SpikeCollisionError, match="neuron 0"):
        fit_to_dt(indices, times, 1e-4, "error")
    merged = fit_to_dt(indices, times, 1e-4, "merge")
    assert merged.merged == 2 and sorted(zip(merged.indices.tolist(), merged.times.tolist())) == [(0, 1e-3), (1, 1.02e-3)]
    shifted = fit_to_dt(indices, times, 1e-4, "shift")
    assert shifted.shifted == 2 and len(shifted.times) == 4
    np.testing.assert_allclose(np.sort(shifted.times[shifted.indices == 0]), [1.0e-3, 1.1e-3, 1.2e-3])
    assert shifted.largest_shift == pytest.approx(1.2e-3 - 1.08e-3)
    assert len(set(zip(shifted.indices.tolist(), np.floor(shifted.times / 1e-4 + 1e-3).tolist()))) == 4


# -- three writers other than brian2nwb -----------------------------------------------------------------

def plain_units(path: Path) -> dict:
    with pynwb.NWBHDF5IO(str(path), "r") as io:
        units = io.read().units
        return {units.id[k]: np.asarray(units.get_unit_spike_times(k)) for k in range(len(units))}


def played(group) -> dict:
    return {k: np.asarray(group._spike_time[:])[np.asarray(group._neuron_index[:]) == k] for k in range(group.N)}


@pytest.mark.parametrize("writer", [pynwb_mock_file, neo_file, neuroconv_file])
def test_units_of_other_writers_arrive_with_their_times(tmp_path, writer):
    path = writer(tmp_path / "source.nwb")
    expected = plain_units(path)
    group = spikes_from_nwb(path, collisions="shift")
    record = input_source(group)
    assert record.selection["ids"] == list(expected) and group.N == len(expected)
    assert record.selection["shifted"] == 0  # none of these trains has two spikes in 0.1 ms
    for neuron, unit in enumerate(expected):
        np.testing.assert_array_equal(np.sort(played(group)[neuron]), np.sort(expected[unit]))
    with pynwb.NWBHDF5IO(str(path), "r") as io:
        assert record.identifier == io.read().identifier and record.path == "/units"
    assert record.checksum.startswith("sha256:") and len(record.checksum) == 71


def test_units_selected_by_columns_and_ids_with_a_window(tmp_path):
    path = pynwb_mock_file(tmp_path / "source.nwb")
    expected = plain_units(path)
    group = spikes_from_nwb(path, where={"location": "CA1", "quality": ["good"]}, window=(1 * second, 3 * second),
                            offset=5 * ms)
    assert input_source(group).selection["ids"] == [0, 4]  # CA1 and good
    for neuron, unit in enumerate([0, 4]):
        train = expected[unit]
        inside = train[(train >= 1.0) & (train < 3.0)]
        np.testing.assert_allclose(played(group)[neuron], inside - 1.0 + 0.005, rtol=0, atol=1e-12)
    by_id = spikes_from_nwb(path, ids=[4, 1], where={"quality": lambda q: q != "noise"})
    assert input_source(by_id).neuron_of_unit == {4: 0, 1: 1}
    np.testing.assert_array_equal(np.sort(played(by_id)[1]), np.sort(expected[1]))


def test_trials_concatenated_or_repeated(tmp_path):
    path = pynwb_mock_file(tmp_path / "source.nwb")
    train = plain_units(path)[2]
    windows = [(1.0, 3.0), (4.0, 5.5), (6.0, 7.0)]
    together = spikes_from_nwb(path, ids=[2], intervals="trials")
    starts = [0.0, 2.0, 3.5]
    expected = np.concatenate([train[(train >= a) & (train < b)] - a + s for (a, b), s in zip(windows, starts)])
    np.testing.assert_allclose(np.sort(played(together)[0]), np.sort(expected), atol=1e-12, rtol=0)
    assert input_source(together).selection["starts"] == starts
    repeated = spikes_from_nwb(path, ids=[2], intervals="trials", intervals_as="repeat",
                               interval_where={"id": [0, 2]})
    record = input_source(repeated).selection
    assert record["starts"] == [0.0, 2.0] and record["duration"] == pytest.approx(4.0)
    expected = np.concatenate([train[(train >= a) & (train < b)] - a + s for (a, b), s in zip([windows[0], windows[2]],
                                                                                             [0.0, 2.0])])
    np.testing.assert_allclose(np.sort(played(repeated)[0]), np.sort(expected), atol=1e-12, rtol=0)


def test_current_clamp_series_in_brian2_units(tmp_path):
    path = pynwb_mock_file(tmp_path / "source.nwb")
    step = timed_array_from_nwb(path, "step", dt=0.1 * ms)  # 10 kHz = 1/dt: the samples, scaled
    with pynwb.NWBHDF5IO(str(path), "r") as io:
        series = io.read().stimulus["step"]
        expected = series.data[:] * series.conversion + series.offset
    assert step.dim == amp.dim and step.dt == pytest.approx(1e-4)
    np.testing.assert_array_equal(np.asarray(step.values), expected)
    assert float(step.values[150]) == pytest.approx(250e-12)  # 250 pA by hand
    response = timed_array_from_nwb(path, "response", dt=0.2 * ms, window=(0.51 * second, 0.52 * second))
    # data in mV (conversion 1e-3, offset -1 mV) in volts: sample k = -70 + 20 k / 499 mV - 1 mV
    expected = (-70.0 + 20.0 * (100 + 2 * np.arange(50)) / 499) * 1e-3 - 0.001
    assert response.dim == volt.dim
    np.testing.assert_allclose(np.asarray(response.values), expected, rtol=1e-12)
    assert input_source(response).selection["window"] == [0.51, 0.52]


def test_neo_analog_signal_in_millivolts(tmp_path):
    path = neo_file(tmp_path / "source.nwb")
    with pynwb.NWBHDF5IO(str(path), "r") as io:
        name, series = next(iter(io.read().acquisition.items()))
        raw, unit = series.data[:], series.unit
    assert unit == "mV"
    values = timed_array_from_nwb(path, name, dt=0.5 * ms, columns=[1])
    np.testing.assert_allclose(np.asarray(values.values)[:, 0], raw[:, 1] * 1e-3, rtol=1e-15)
    both = timed_array_from_nwb(path, name, dt=0.25 * ms, method="linear")
    assert np.asarray(both.values).shape == (800, 2)
    np.testing.assert_allclose(np.asarray(both.values)[1::2][:-1], (raw[:-1] + raw[1:]) / 2 * 1e-3, rtol=1e-12, atol=1e-15)


def test_events_table_one_train_or_one_per_value(tmp_path):
    from pynwb.event import EventsTable

    nwbfile = mock_NWBFile()
    licks = EventsTable(name="licks", description="licks at two spouts")
    licks.add_column("side", "which spout")
    for time, side in [(0.5, "L"), (0.7, "R"), (1.25, "L"), (2.0, "R")]:
        licks.add_row(timestamp=time, side=side)
    nwbfile.add_events_table(licks)
    with pynwb.NWBHDF5IO(str(tmp_path / "events.nwb"), "w") as io:
        io.write(nwbfile)
    one = spikes_from_nwb(tmp_path / "events.nwb", table="licks")
    assert one.N == 1 and played(one)[0].tolist() == [0.5, 0.7, 1.25, 2.0]
    by_side = spikes_from_nwb(tmp_path / "events.nwb", table="/events/licks", neuron_column="side")
    assert input_source(by_side).selection["ids"] == ["L", "R"] and played(by_side)[1].tolist() == [0.7, 2.0]
    right = spikes_from_nwb(tmp_path / "events.nwb", table="licks", neuron_column="side", ids=["R"],
                            where={"timestamp": lambda t: t > 1})
    assert right.N == 1 and played(right)[0].tolist() == [2.0]


def test_channel_conversion_and_linked_irregular_timestamps(tmp_path):
    from pynwb.testing.mock.ecephys import mock_ElectricalSeries

    nwbfile = mock_NWBFile()
    raw = np.arange(40, dtype=np.int16).reshape(10, 4) - 20
    mock_ElectricalSeries(name="raw", data=raw, rate=1000.0, conversion=2e-6, offset=1e-3,
                          channel_conversion=[1.0, 2.0, 0.5, 1.0], nwbfile=nwbfile)
    first = mock_TimeSeries(name="first", data=np.arange(5.0), timestamps=[0.0, 0.001, 0.003, 0.004, 0.006],
                            unit="mV", nwbfile=nwbfile)
    mock_TimeSeries(name="linked", data=np.arange(5.0) * 2, timestamps=first, unit="mV", nwbfile=nwbfile)
    with pynwb.NWBHDF5IO(str(tmp_path / "ephys.nwb"), "w") as io:
        io.write(nwbfile)
    columns = timed_array_from_nwb(tmp_path / "ephys.nwb", "raw", dt=1 * ms, columns=[1, 2])
    # (raw * conversion * channel_conversion + offset) volts, by hand for the first row: -19 and -18
    np.testing.assert_allclose(np.asarray(columns.values)[0], [-19 * 2e-6 * 2.0 + 1e-3, -18 * 2e-6 * 0.5 + 1e-3],
                               rtol=1e-14)
    assert np.asarray(columns.values).shape == (10, 2) and columns.dim == volt.dim
    # samples 0, 2, 4, 6, 8 mV at 0, 1, 3, 4, 6 ms (timestamps linked to another series), onto 1 ms steps
    held = timed_array_from_nwb(tmp_path / "ephys.nwb", "linked", dt=1 * ms)
    np.testing.assert_allclose(np.asarray(held.values), np.array([0, 2, 2, 4, 6, 6, 8]) * 1e-3, rtol=1e-14)
    line = timed_array_from_nwb(tmp_path / "ephys.nwb", "linked", dt=1 * ms, method="linear")
    np.testing.assert_allclose(np.asarray(line.values), np.array([0, 2, 3, 4, 6, 7, 8]) * 1e-3, rtol=1e-14)
    part = timed_array_from_nwb(tmp_path / "ephys.nwb", "linked", dt=1 * ms, window=(2 * ms, 5 * ms))
    np.testing.assert_allclose(np.asarray(part.values), np.array([2, 4, 6]) * 1e-3, rtol=1e-14)


def test_an_unknown_unit_needs_the_users_word(tmp_path):
    nwbfile = mock_NWBFile()
    mock_TimeSeries(name="odd", data=np.arange(5.0), unit="furlongs", rate=10_000.0,
                                           nwbfile=nwbfile)
    with pynwb.NWBHDF5IO(str(tmp_path / "odd.nwb"), "w") as io:
        io.write(nwbfile)
    with pytest.raises(InvalidFileError, match="furlongs.*unit=mV"):
        timed_array_from_nwb(tmp_path / "odd.nwb", "odd")
    given = timed_array_from_nwb(tmp_path / "odd.nwb", "odd", unit=nS)
    np.testing.assert_allclose(np.asarray(given.values), np.arange(5.0) * 1e-9)
    assert given.dim == nS.dim


def test_arguments_are_checked(tmp_path):
    path = pynwb_mock_file(tmp_path / "source.nwb")
    with pytest.raises(DimensionMismatchError):
        spikes_from_nwb(path, window=(1, 2))
    with pytest.raises(LookupError, match="no spike table"):
        spikes_from_nwb(path, table="nope")
    with pytest.raises(LookupError, match="no column 'area'.*location"):
        spikes_from_nwb(path, where={"area": "CA1"})
    with pytest.raises(LookupError, match="no row with id 99"):
        spikes_from_nwb(path, ids=[99])
    with pytest.raises(ValueError, match="before the series starts"):
        timed_array_from_nwb(path, "step", window=(0.1 * second, 0.6 * second))
    with pytest.raises(ValueError, match="collisions"):
        spikes_from_nwb(path, collisions="ignore")
    with pytest.raises(ValueError, match="must end after it starts"):
        spikes_from_nwb(path, window=(2 * second, 1 * second))
    with pytest.warns(brian2nwb.Brian2NWBWarning, match="no spike in the selected time"):
        silent = spikes_from_nwb(path, window=(1000 * second, 1001 * second))
    assert silent.N == 6 and len(silent._spike_time[:]) == 0


# -- hostile sources: one bad field each -------------------------------------------------------------------

def spoiled(path: Path, change) -> Path:
    with h5py.File(path, "r+") as file:
        change(file)
    return path


def replace(file, name, values):
    attrs = dict(file[name].attrs)
    del file[name]
    file[name] = values
    file[name].attrs.update(attrs)


HOSTILE = {
    "nan spike time": (lambda f: f["units/spike_times"].__setitem__(3, np.nan), "spikes", "negative or not a number"),
    "negative spike time": (lambda f: f["units/spike_times"].__setitem__(0, -1.0), "spikes", "negative"),
    "index past its column": (lambda f: replace(f, "units/spike_times_index", np.arange(6) * 1000), "spikes",
                              "points outside its column"),
    "index going back": (lambda f: replace(f, "units/spike_times_index", np.array([5, 2, 9, 10, 12, 14])), "spikes",
                         "not increasing"),
    "text spike times": (lambda f: retarget(f, np.array([b"x"] * 500)), "spikes", "not numbers"),
    "trial ending before it starts": (lambda f: replace(f, "intervals/trials/stop_time", np.array([0.5, 5.5, 7.0])),
                                      "trials", "ends"),
    "unknown unit": (lambda f: f["acquisition/drive/data"].attrs.__setitem__("unit", "bananas"), "drive", "bananas"),
    "nan conversion": (lambda f: f["stimulus/presentation/step/data"].attrs.__setitem__("conversion", np.nan), "step",
                       "conversion"),
    "zero rate": (lambda f: f["stimulus/presentation/step/starting_time"].attrs.__setitem__("rate", 0.0), "step",
                  "positive"),
    "nan sample": (lambda f: f["stimulus/presentation/step/data"].__setitem__(7, np.nan), "step", "not finite"),
    "3-D data": (lambda f: replace(f, "acquisition/drive/data", np.zeros((5, 2, 2))), "drive", "3 dimensions"),
    "timestamps going back": (lambda f: irregular(f, np.array([0.0, 2e-3, 1e-3, 3e-3, 4e-3])), "step",
                              "not strictly increasing|not increasing"),
    "nan timestamp": (lambda f: irregular(f, np.array([0.0, 1e-3, np.nan, 3e-3, 4e-3])), "step", "not a number"),
    "timestamps spanning 10^12 s": (lambda f: irregular(f, np.array([0.0, 1.0, 2.0, 3.0, 1e12])), "step", "GiB"),
}


def retarget(file, values):
    """Replace the spike times (and point their index at the new ones: the index refers to its column)."""
    replace(file, "units/spike_times", values)
    file["units/spike_times_index"].attrs["target"] = file["units/spike_times"].ref


def irregular(file, stamps):
    """Give the stimulus five samples at ``stamps`` (an irregular series)."""
    group = file["stimulus/presentation/step"]
    replace(file, "stimulus/presentation/step/data", np.arange(5.0))
    del group["starting_time"]
    group["timestamps"] = stamps
    group["timestamps"].attrs.update({"interval": np.int32(1), "unit": "seconds"})


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_hostile_source_is_an_invalid_file(tmp_path, case):
    change, target, message = HOSTILE[case]
    path = spoiled(pynwb_mock_file(tmp_path / "hostile.h5"), change)
    with pytest.raises(InvalidFileError, match=message):
        if target == "spikes":
            spikes_from_nwb(path)
        elif target == "trials":
            spikes_from_nwb(path, intervals="trials")
        else:
            timed_array_from_nwb(path, target, dt=0.1 * ms)


def test_a_source_with_an_external_link_is_refused_before_reading(tmp_path):
    path = pynwb_mock_file(tmp_path / "linked.h5")
    with h5py.File(path, "r+") as file:
        file["acquisition/elsewhere"] = h5py.ExternalLink("/etc/passwd", "/")
    with pytest.raises(InvalidFileError, match="link to another file"):
        spikes_from_nwb(path)


def test_public_api_lists_the_input_functions():
    assert {"spikes_from_nwb", "timed_array_from_nwb", "input_source", "InputSource"} <= set(brian2nwb.__all__)
