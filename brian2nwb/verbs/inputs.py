"""Inputs from other NWB files: recorded spike trains and waveforms that drive a Brian2 model.

`spikes_from_nwb` makes a ``SpikeGeneratorGroup`` from a ``Units`` table (spike
sorting), an ``EventsTable`` or another brian2nwb file's monitors;
`timed_array_from_nwb` makes a ``TimedArray`` from any ``TimeSeries`` (a
current-clamp stimulus, a recorded voltage). Both read a path or an ``https://``
URL after the container checks of `from_nwb`, read only the selected rows and
windows, and register where the input came from (`brian2nwb.input_source`), which
`to_nwb` writes into the file.

Times in the source are seconds from its session start. Where they land in the
simulation: without a window, at the same times (plus ``offset``); with a window
or intervals, each window's start lands at ``offset`` (intervals one after the
other, or one per ``period``: see `spikes_from_nwb`).
"""

from __future__ import annotations

import os

import numpy as np
from brian2 import SpikeGeneratorGroup, TimedArray, defaultclock, second
from brian2.units.fundamentalunits import DIMENSIONLESS, Quantity, fail_for_dimension_mismatch, get_dimensions

from ..brian.build import quantity
from ..errors import InvalidFileError, printable, warn
from ..model.quantities import dimensions_of
from ..model.resample import positions, resample, sample_rows
from ..model.spike_trains import fit_to_dt
from ..model.unit_names import UnknownUnitError, parse_unit
from ..trust import source_checks as check
from ..trust import source_reads as sources
from ..trust.container import open_untrusted
from .provenance import InputSource, checksum, register

INTERVAL_LAYOUTS = ("concatenate", "repeat")


def spikes_from_nwb(
    source: str | os.PathLike,
    table: str = "units",
    *,
    ids: list | None = None,
    where: dict | None = None,
    neuron_column: str | None = "auto",
    window: tuple | None = None,
    intervals: str | None = None,
    interval_where: dict | None = None,
    intervals_as: str = "concatenate",
    offset: Quantity = 0 * second,
    dt: Quantity | None = None,
    collisions: str = "error",
    name: str | None = None,
) -> SpikeGeneratorGroup:
    """A ``SpikeGeneratorGroup`` playing spike trains recorded in an NWB file.

    Parameters
    ----------
    source : str or path-like
        An NWB file (HDF5 or Zarr), or an ``https://`` URL of one (a DANDI asset).
    table : str
        The table, by name or path in the file: a ``Units`` table (``"units"``, the default; a brian2nwb
        file's SpikeMonitors are in it, rows selected with ``where={"monitor": name}``) or an
        ``EventsTable`` (``/events/...``: a brian2nwb file's EventMonitors and SpikeGeneratorGroups).
    ids : list, optional
        The units to play, by the table's ``id`` (an events table: by value of ``neuron_column``), in the
        order of the generator's neurons: neuron ``k`` plays ``ids[k]``. Default: every unit, in table order.
    where : dict, optional
        Select rows by column: ``{"location": "CA1", "quality": ["good", "mua"]}`` (a value, a list of
        values, or a function of the column's values that returns booleans). With ``ids``, the ids that
        match, in their order.
    neuron_column : str or None
        For an events table: the column holding each event's neuron ("auto": ``neuron`` if the table has
        it; None: all events are one neuron's).
    window : (Quantity, Quantity), optional
        Play the spikes from ``window[0]`` to ``window[1]`` (source time; the start included, the end not),
        the window's start at simulated time ``offset``.
    intervals : str, optional
        An intervals table (``"trials"``, ``"epochs"``, or any table in ``/intervals``): play the spikes of
        each of its rows (selected with ``interval_where``, by column or ``"id"``).
    intervals_as : {"concatenate", "repeat"}
        ``"concatenate"``: each interval starts where the one before ended. ``"repeat"``: interval ``k``
        starts at ``offset + k * period``, ``period`` the longest interval in whole time steps, so that
        ``run(period)`` once per interval runs one interval each time. `input_source` gives the starts.
    offset : Quantity
        Simulated time added to every spike (not negative).
    dt : Quantity, optional
        The generator's time step (default: ``defaultclock.dt``); given, the group gets its own clock.
    collisions : {"error", "merge", "shift"}
        What to do with two spikes of one unit in one time step, which Brian2 refuses: raise (default),
        keep the first, or move the others to the next free step (`brian2nwb.model.spike_trains`). The
        numbers merged or shifted are in ``input_source(group).selection``.
    name : str, optional
        The group's Brian2 name.

    Returns
    -------
    brian2.SpikeGeneratorGroup
        One neuron per selected unit, silent ones included. ``brian2nwb.input_source(group)`` says where
        its spikes came from, the unit of each neuron and the starts of the intervals.

    Raises
    ------
    InvalidFileError
        The source is not a readable NWB file, or its values are not (negative or NaN times, an index that
        points outside its column, ...).
    LookupError
        The table, a column or a unit id is not in the file.
    brian2nwb.model.spike_trains.SpikeCollisionError
        Two spikes of one unit in one step, with ``collisions="error"``.
    """
    label = source_label(source)
    step = seconds(dt if dt is not None else defaultclock.dt, "dt", positive=True)
    start_offset = seconds(offset, "offset")
    if intervals_as not in INTERVAL_LAYOUTS:
        raise ValueError(f"intervals_as must be one of {', '.join(map(repr, INTERVAL_LAYOUTS))}, not {intervals_as!r}.")
    if window is not None and intervals is not None:
        raise ValueError("Pass a window or intervals, not both.")
    from pynwb.event import EventsTable
    from pynwb.misc import Units

    with open_untrusted(source, "read as an input source", foreign=True) as io:
        nwbfile = io.read()
        found, path = sources.find(io, nwbfile, table, (Units, EventsTable), "spike table (Units or EventsTable)",
                                   label)
        if isinstance(found, Units):
            selection = sources.read_units(found, path, ids, where, label)
        else:
            column = ("neuron" if "neuron" in found.colnames else None) if neuron_column == "auto" else neuron_column
            selection = sources.read_events(found, path, ids, where, column, label)
        interval_info = {}
        if intervals is not None:
            from pynwb.epoch import TimeIntervals

            interval_table, interval_path = sources.find(io, nwbfile, intervals, (TimeIntervals,),
                                                         "intervals table", label)
            interval_ids, starts, stops = sources.read_intervals(interval_table, interval_path, interval_where, label)
            windows = list(zip(starts.tolist(), stops.tolist()))
            interval_info = {"intervals": interval_path, "interval_ids": interval_ids}
        elif window is not None:
            windows = [(seconds(window[0], "window start"), seconds(window[1], "window end"))]
            if windows[0][1] <= windows[0][0]:
                raise ValueError("The window must end after it starts.")
        else:
            windows = None
        identifier = str(nwbfile.identifier)
    if not selection.ids:
        raise LookupError(f"{label}: no unit of {path} matches the selection.")
    indices, times, starts, duration = place(selection.trains, windows, intervals_as, start_offset, step)
    fitted = fit_to_dt(indices, times, step, collisions)
    if not len(fitted.times):
        warn(f"{label}: the {len(selection.ids)} selected units of {path} have no spike in the selected "
                      "time: the generator is silent.")
    group = SpikeGeneratorGroup(len(selection.ids), fitted.indices, fitted.times * second,
                                dt=dt, name=name or "spikegeneratorgroup*")
    record = InputSource("spikes", source_text(source), identifier, path, {
        "ids": _plain(selection.ids), "where": _plain(where), "window": _plain(windows if intervals is None else None),
        **_plain(interval_info), "intervals_as": intervals_as if intervals else None, "starts": starts,
        "duration": duration, "offset": start_offset, "dt": step, "collisions": collisions,
        "merged": fitted.merged, "shifted": fitted.shifted, "largest_shift": fitted.largest_shift,
        "spikes": int(len(fitted.times))}, checksum(fitted.indices, fitted.times))
    register(group, record)
    return group


def place(trains: list, windows, layout: str, offset: float, dt: float):
    """Neuron indices and simulated times of the trains' spikes in ``windows`` (all without windows), the
    simulated start of each window, and the simulated time the input lasts."""
    index_parts, time_parts = [], []
    if windows is None:
        for neuron, train in enumerate(trains):
            index_parts.append(np.full(len(train), neuron, dtype=np.int32))
            time_parts.append(train + offset)
        times = np.concatenate(time_parts) if time_parts else np.zeros(0)
        return np.concatenate(index_parts), times, [offset], float(times.max(initial=offset))
    lengths = [stop - start for start, stop in windows]
    if layout == "repeat":
        period = float(np.ceil(max(lengths, default=0.0) / dt - 1e-9)) * dt
        starts = [offset + k * period for k in range(len(windows))]
        duration = offset + period * len(windows)
    else:
        starts = (offset + np.concatenate([[0.0], np.cumsum(lengths)[:-1]])).tolist() if lengths else []
        duration = offset + float(np.sum(lengths))
    for (begin, end), placed in zip(windows, starts):
        for neuron, train in enumerate(trains):
            inside = train[(train >= begin) & (train < end)]
            index_parts.append(np.full(len(inside), neuron, dtype=np.int32))
            time_parts.append(inside - begin + placed)
    if not index_parts:
        return np.zeros(0, dtype=np.int32), np.zeros(0), starts, duration
    return np.concatenate(index_parts), np.concatenate(time_parts), starts, duration


def timed_array_from_nwb(
    source: str | os.PathLike,
    series: str,
    *,
    window: tuple | None = None,
    dt: Quantity | None = None,
    method: str = "hold",
    columns: list | None = None,
    unit: Quantity | None = None,
    name: str | None = None,
) -> TimedArray:
    """A ``TimedArray`` holding the samples of a ``TimeSeries`` recorded in an NWB file.

    Parameters
    ----------
    source : str or path-like
        An NWB file (HDF5 or Zarr), or an ``https://`` URL of one.
    series : str
        The TimeSeries (any subtype: ``CurrentClampStimulusSeries``, ``CurrentClampSeries``,
        ``ElectricalSeries``...), by name or path in the file.
    window : (Quantity, Quantity), optional
        Source times to take (default: the whole series); the TimedArray's row 0 is the window's start
        (simulated time 0).
    dt : Quantity, optional
        The TimedArray's time step (default: ``defaultclock.dt``).
    method : {"hold", "linear"}
        How samples become rows (`brian2nwb.model.resample`): the last sample at or before each row's time
        (a series sampled at ``1/dt`` is copied unchanged), or the straight line between samples.
    columns : list of int, optional
        Columns of a 2-D series (default: all); the TimedArray is 2-D (``ta(t, i)``) for a 2-D series.
    unit : Quantity, optional
        What the series' values (after ``conversion`` and ``offset``) are in, when its ``unit`` text is not
        a unit brian2nwb knows (`brian2nwb.model.unit_names`): ``unit=mV``. Given, it is used in place of
        the file's text.
    name : str, optional
        The TimedArray's Brian2 name.

    Returns
    -------
    brian2.TimedArray
        Values in the Brian2 unit of the series: ``data * conversion + offset`` (times ``channel_conversion``
        per column), times the unit's scale to SI.

    Raises
    ------
    InvalidFileError
        The source is not a readable NWB file, its series' values or times are not (NaN, negative times,
        timestamps that go back, 3-D data), or its unit is not one brian2nwb knows (and ``unit`` is not given).
    LookupError
        The series is not in the file.
    """
    label = source_label(source)
    step = seconds(dt if dt is not None else defaultclock.dt, "dt", positive=True)
    start, stop = (None, None) if window is None else (seconds(window[0], "window start"),
                                                         seconds(window[1], "window end"))
    if start is not None and stop <= start:
        raise ValueError("The window must end after it starts.")
    from pynwb.base import TimeSeries

    with open_untrusted(source, "read as an input source", foreign=True) as io:
        nwbfile = io.read()
        found, path = sources.find(io, nwbfile, series, (TimeSeries,), "TimeSeries", label)
        read = sources.read_window(found, path, start, stop, columns, label)
        identifier = str(nwbfile.identifier)
    scale, dims = unit_of(read.unit, unit, label, path)
    first_time = read.starting_time if read.timestamps is None else float(read.timestamps[0])
    series_start = read.starting_time if read.timestamps is None else None
    begin = first_time if start is None else start
    end = read.end if stop is None else stop
    if read.timestamps is not None and read.first_row == 0 and begin < first_time:
        raise ValueError(f"The window starts at {begin!r} s, before the series' first sample ({first_time!r} s).")
    if read.timestamps is None and begin < read.starting_time:
        raise ValueError(f"The window starts at {begin!r} s, before the series starts ({read.starting_time!r} s).")
    if end > read.end + (0 if read.timestamps is None else step):
        raise ValueError(f"The window ends at {end!r} s, after the series ends ({read.end!r} s).")
    count = max(int(np.ceil((end - begin) / step - 1e-9)), 1) if read.timestamps is None or stop is not None \
        else int(np.floor((end - begin) / step + 1e-9)) + 1
    width = read.values.shape[1] if read.values.ndim == 2 else 1
    check.affordable(count, width, label, f"{path}", f"its window at dt = {step!r} s: choose a larger dt or a "
                                                     "shorter window.")
    grid = begin + np.arange(count) * step
    if read.timestamps is None:
        position = positions(grid, series_start, read.rate, None) - read.first_row
    else:
        position = positions(grid, None, None, read.timestamps)
    first, second_row, weight = sample_rows(position, method)
    values = resample(read.values, first, second_row, weight) * scale
    array = TimedArray(quantity(values, dims), dt=step * second, name=name or "timedarray*")
    record = InputSource("waveform", source_text(source), identifier, path, {
        "window": [begin, end], "dt": step, "method": method, "columns": _plain(columns),
        "unit": read.unit if unit is None else str(unit), "scale": scale, "rows": count},
        checksum(np.asarray(values, dtype=np.float64)))
    register(array, record)
    return array


def unit_of(text: str, given, label: str, path: str) -> tuple[float, np.ndarray]:
    """Scale to SI and dimensions of the series' values: the user's ``given`` Brian2 unit, else its text."""
    if given is not None:
        return float(np.asarray(given)), dimensions_of(given)
    try:
        scale, dims = parse_unit(text)
    except UnknownUnitError:
        raise InvalidFileError(
            f"{label}: {path} has the unit {printable(text)[:80]!r}, which brian2nwb cannot turn into a Brian2 "
            "unit. If you know what its values are in, say so: timed_array_from_nwb(..., unit=mV).") from None
    return scale, np.asarray(dims, dtype=np.float64)


def seconds(value, what: str, positive: bool = False) -> float:
    """A time given as a Brian2 quantity (or plain 0), in seconds."""
    if isinstance(value, Quantity) or get_dimensions(value) is not DIMENSIONLESS or value != 0:
        fail_for_dimension_mismatch(value, second, f"{what} must be a time, e.g. 10*ms")
    number = float(value)
    if not np.isfinite(number) or number < 0 or (positive and number == 0):
        raise ValueError(f"{what} must be a finite{' positive' if positive else ''} time, not {value!r}.")
    return number


def source_label(source) -> str:
    return printable(os.fspath(source) if not isinstance(source, str) else source)


def source_text(source) -> str:
    return source if isinstance(source, str) else os.fspath(source)


def _plain(value):
    """``value`` as JSON data (numpy numbers and arrays, tuples, sets)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset, np.ndarray)):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return repr(value) if not callable(value) else f"function {getattr(value, '__name__', '?')}"
