"""Reading spike trains, intervals and time series out of any NWB file (another tool's, or brian2nwb's own).

The file is opened by the caller (`brian2nwb.trust.container.open_untrusted`, which
checks its container first) with pynwb, whose datasets stay on disk: only the rows
and samples selected are read (a unit's spikes are one slice of ``spike_times``; a
time window is one slice of ``data``; irregular ``timestamps`` are searched by
bisection, a few values read per step). Every value read is checked by
`brian2nwb.trust.source_checks`.

Objects are found by name (``"units"``, ``"trials"``, a series' name) or by path in
the file (``"/processing/ecephys/units"``); a name that several objects share is
refused with their paths.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..errors import printable
from . import source_checks as check


@dataclass
class SpikeSelection:
    """Spike trains read from a table: one train per selected unit, in selection order."""

    path: str  # of the table in the source file
    ids: list  # the unit ids (Units ``id``, or the values of an events table's neuron column), in order
    trains: list[np.ndarray] = field(default_factory=list)  # spike times in seconds, per unit


@dataclass
class SeriesWindow:
    """Samples of a TimeSeries in a time window, in the file's unit after ``conversion`` and ``offset``."""

    path: str
    unit: str  # the file's text
    values: np.ndarray  # (samples,) or (samples, columns), float64: data * conversion (* channel_conversion) + offset
    first_row: int  # the source row of values[0]
    starting_time: float | None  # regular series
    rate: float | None
    timestamps: np.ndarray | None  # of the rows read (irregular series)
    end: float  # source time at which the series ends (regular: start + n/rate; irregular: its last timestamp)


def builder_path(io, container) -> str:
    """``container``'s path in the file (``/units``)."""
    builder = io.manager.get_builder(container)
    path = builder.path if builder is not None else container.name
    return "/" + path.partition("/")[2] if path.startswith("root") else path


def find(io, nwbfile, name: str, types: tuple, what: str, source: str):
    """The object of one of ``types`` called ``name`` (or at path ``name``) in the file, and its path."""
    found = [(obj, builder_path(io, obj)) for obj in nwbfile.objects.values() if isinstance(obj, types)]
    if "/" in name:
        matches = [(obj, path) for obj, path in found if path == "/" + name.strip("/")]
    else:
        matches = [(obj, path) for obj, path in found if obj.name == name]
    if len(matches) == 1:
        return matches[0]
    available = ", ".join(sorted(printable(path) for _, path in found)[:20]) or "none"
    if not matches:
        raise LookupError(f"{source} has no {what} called {name!r}; its {what}s: {available}.")
    raise LookupError(f"{source} has {len(matches)} {what}s called {name!r} "
                      f"({', '.join(path for _, path in matches)}): pass one of these paths.")


def column_values(table, column: str, source: str, path: str) -> np.ndarray:
    """The values of a plain (not ragged) column of ``table``, one per row (text decoded)."""
    if column == "id":
        values = table.id.data[:]
    else:
        if column not in table.colnames:
            raise LookupError(f"{source}: {path} has no column {column!r}; its columns: "
                              f"{', '.join(['id', *table.colnames])}.")
        if f"{column}_index" in table:
            raise ValueError(f"{source}: {path} column {column!r} is ragged (several values per row): select by "
                             "a plain column.")
        values = table[column].data[:]
    array = np.asarray(values)
    if array.dtype.kind in "OS":
        array = np.asarray([v.decode("utf-8", "replace") if isinstance(v, bytes) else v for v in array], dtype=object)
    if len(array) != len(table.id):
        raise check.bad_file(source, f"{path}/{column}", f"has {len(array)} values for {len(table.id)} rows.")
    return array


def rows_where(table, where: dict | None, source: str, path: str) -> np.ndarray:
    """A mask of the rows whose columns match ``where`` (column -> a value, a list/tuple/set of values, or a
    function of the column's values returning booleans)."""
    mask = np.ones(len(table.id), dtype=bool)
    for column, wanted in (where or {}).items():
        values = column_values(table, column, source, path)
        if callable(wanted):
            mask &= np.asarray(wanted(values), dtype=bool)
        elif isinstance(wanted, (list, tuple, set, frozenset, np.ndarray)):
            mask &= np.isin(values, list(wanted))
        else:
            mask &= values == wanted
    return mask


def select_rows(ids: np.ndarray, wanted_ids, mask: np.ndarray, source: str, path: str) -> np.ndarray:
    """Rows by id (in the order given, each matching ``mask``) or, without ids, every row of ``mask``."""
    if wanted_ids is None:
        return np.flatnonzero(mask)
    position = {value: row for row, value in enumerate(ids.tolist())}
    missing = [value for value in wanted_ids if value not in position]
    if missing:
        raise LookupError(f"{source}: {path} has no row with id {missing[0]!r} ({len(missing)} ids missing).")
    rows = np.asarray([position[value] for value in wanted_ids], dtype=np.int64)
    return rows[mask[rows]]


def read_units(table, path: str, wanted_ids, where, source: str) -> SpikeSelection:
    """The spike trains of the selected units of a ``Units`` table (only their slices of ``spike_times`` read)."""
    if "spike_times" not in table.colnames:
        raise check.bad_file(source, path, "has no spike_times column.")
    ids = check.numeric(table.id.data[:], source, f"{path}/id")
    spikes = table.spike_times.data  # stays on disk: each selected run of units is one slice of it
    index = check.ragged_index(table.spike_times_index.data[:], len(spikes), len(ids), source,
                               f"{path}/spike_times_index")
    rows = select_rows(ids, wanted_ids, rows_where(table, where, source, path), source, path)
    starts = np.concatenate([[0], index[:-1]])
    trains = {}
    for first, last in contiguous(rows):  # one read per run of neighbouring units
        block = check.times(spikes[starts[first]:index[last]], source, f"{path}/spike_times")
        for row in range(first, last + 1):
            trains[row] = block[starts[row] - starts[first]:index[row] - starts[first]]
    return SpikeSelection(path, [ids[row].item() for row in rows], [trains[row] for row in rows])


def contiguous(rows: np.ndarray) -> list[tuple[int, int]]:
    """Runs of consecutive row numbers (first, last) covering ``rows``."""
    ordered = np.unique(rows)
    if not len(ordered):
        return []
    breaks = np.flatnonzero(np.diff(ordered) != 1)
    return list(zip(ordered[np.concatenate([[0], breaks + 1])].tolist(), ordered[np.concatenate([breaks, [-1]])].tolist()))


def read_events(table, path: str, wanted_ids, where, neuron_column: str | None, source: str) -> SpikeSelection:
    """Spike trains from an events table (core ``EventsTable``): its ``timestamp`` column, split by
    ``neuron_column`` (one train per value; one train in all without it)."""
    if "timestamp" not in table.colnames:
        raise check.bad_file(source, path, "has no timestamp column.")
    stamps = check.times(table["timestamp"].data[:], source, f"{path}/timestamp")
    if len(stamps) != len(table.id):
        raise check.bad_file(source, f"{path}/timestamp", f"has {len(stamps)} values for {len(table.id)} rows.")
    mask = rows_where(table, where, source, path)
    if neuron_column is None:
        if wanted_ids is not None:
            raise ValueError(f"{source}: {path}: ids select values of a neuron column; pass neuron_column=.")
        return SpikeSelection(path, [0], [stamps[mask]])
    neurons = column_values(table, neuron_column, source, path)
    present = list(wanted_ids) if wanted_ids is not None else all_neurons(table, neurons[mask], source, path)
    trains = [stamps[mask & (neurons == value)] for value in present]
    return SpikeSelection(path, present, trains)


def all_neurons(table, neurons: np.ndarray, source: str, path: str) -> list:
    """Every neuron of an events table: 0 to ``num_neurons - 1`` where the table says how many there are
    (brian2nwb's generator and event-monitor tables: silent neurons keep their index), else the values
    that occur, in order."""
    count = getattr(table, "num_neurons", None)
    if count is None or neurons.dtype.kind not in "iu":
        return list(dict.fromkeys(np.sort(neurons).tolist()))
    count = int(check.finite_number(count, source, f"{path} num_neurons", positive=False))
    if count < 0 or (len(neurons) and (neurons.min() < 0 or neurons.max() >= count)):
        raise check.bad_file(source, f"{path}/neuron", f"holds neurons outside its {count} neurons.")
    check.affordable(count, 1, source, f"{path} num_neurons", "the table declares more neurons than fit in memory.")
    return list(range(count))


def read_intervals(table, path: str, where, source: str) -> tuple[list, np.ndarray, np.ndarray]:
    """Ids, start and stop times (seconds) of the selected rows of an intervals table (trials, epochs...)."""
    rows = np.flatnonzero(rows_where(table, where, source, path))
    starts = check.times(table["start_time"].data[:], source, f"{path}/start_time")
    stops = check.times(table["stop_time"].data[:], source, f"{path}/stop_time")
    if len(starts) != len(table.id) or len(stops) != len(table.id):
        raise check.bad_file(source, path, "has start_time and stop_time columns of other lengths than its id.")
    if (stops < starts).any():
        row = int(np.argmax(stops < starts))
        raise check.bad_file(source, f"{path} row {row}", f"ends ({stops[row]!r} s) before it starts "
                                                          f"({starts[row]!r} s).")
    return [table.id.data[row].item() for row in rows], starts[rows], stops[rows]


def series_clock(series, path: str, source: str):
    """``(starting_time, rate, timestamps dataset, rows)`` of a TimeSeries: rate and starting time for a
    regular one, the timestamps (not read) for an irregular one."""
    data = series.data
    rows = len(data)
    if series.timestamps is not None:
        stamps = series.timestamps  # (pynwb follows timestamps linked to another series)
        if len(stamps) != rows:
            raise check.bad_file(source, f"{path}/timestamps", f"holds {len(stamps)} times for {rows} samples.")
        return None, None, stamps, rows
    rate = check.finite_number(series.rate, source, f"{path}/starting_time rate", positive=True)
    start = check.times([series.starting_time or 0.0], source, f"{path}/starting_time")[0]
    return float(start), rate, None, rows


def bisect(stamps, value: float, source: str, where: str) -> int:
    """The first row of the (increasing) timestamps dataset after ``value``, reading a few values per step."""
    low, high = 0, len(stamps)
    while high - low > 4096:  # a block of this many is read at once below
        middle = (low + high) // 2
        if check.times([stamps[middle]], source, where)[0] <= value:
            low = middle + 1
        else:
            high = middle
    block = check.times(stamps[low:high], source, where)
    return low + int(np.searchsorted(block, value, side="right"))


def read_window(series, path: str, start: float | None, stop: float | None, columns, source: str) -> SeriesWindow:
    """The samples of ``series`` from source time ``start`` to ``stop`` (the whole series without them) with one
    sample before and after (for resampling), in the file's unit (``data * conversion + offset``)."""
    starting_time, rate, stamps, rows = series_clock(series, path, source)
    if rows == 0:
        raise check.bad_file(source, f"{path}/data", "holds no samples.")
    if stamps is None:
        end = starting_time + rows / rate
        first = 0 if start is None else int(np.clip(np.floor((start - starting_time) * rate + 1e-6), 0, rows - 1))
        last = rows if stop is None else int(np.clip(np.ceil((stop - starting_time) * rate) + 1, 1, rows))
        read_stamps = None
    else:
        first = 0 if start is None else max(bisect(stamps, start, source, f"{path}/timestamps") - 1, 0)
        last = rows if stop is None else min(bisect(stamps, stop, source, f"{path}/timestamps") + 1, rows)
        read_stamps = check.increasing(check.times(stamps[first:last], source, f"{path}/timestamps"), source,
                                       f"{path}/timestamps")
        end = float(check.times([stamps[rows - 1]], source, f"{path}/timestamps")[0])
    shape = data_shape(series.data, path, source)
    check.affordable(last - first, shape[1] if len(shape) > 1 else 1, source, f"{path}/data", "choose a shorter window.")
    values = check.numeric(series.data[first:last], source, f"{path}/data").astype(np.float64)
    if values.ndim == 2 and columns is not None:
        values = values[:, list(columns)]
    values = scaled(series, values, columns, path, source)
    return SeriesWindow(path, str(series.unit), values, first, starting_time, rate, read_stamps, end)


def data_shape(data, path: str, source: str) -> tuple:
    shape = tuple(data.shape)
    if len(shape) not in (1, 2):
        raise check.bad_file(source, f"{path}/data", f"has {len(shape)} dimensions {shape}: a TimedArray takes "
                                                     "1-D or 2-D series (time x columns).")
    return shape


def scaled(series, values: np.ndarray, columns, path: str, source: str) -> np.ndarray:
    """``values * conversion (* channel_conversion per column) + offset``: the values in the file's unit."""
    conversion = check.finite_number(series.conversion, source, f"{path}/data conversion")
    offset = check.finite_number(getattr(series, "offset", 0.0) or 0.0, source, f"{path}/data offset")
    channel = getattr(series, "channel_conversion", None)
    if channel is not None:
        factors = check.numeric(channel[:], source, f"{path}/channel_conversion").astype(np.float64)
        if values.ndim != 2 or len(factors) != series.data.shape[1]:
            raise check.bad_file(source, f"{path}/channel_conversion", "has not one factor per column of data.")
        factors = factors if columns is None else factors[list(columns)]
        if not np.isfinite(factors).all():
            raise check.bad_file(source, f"{path}/channel_conversion", "holds a value that is not finite.")
        conversion = conversion * factors
    result = values * conversion + offset
    if not np.isfinite(result).all():
        raise check.bad_file(source, f"{path}/data", "holds values that are not finite numbers (NaN or infinite) "
                                                     "in the window read.")
    return result
