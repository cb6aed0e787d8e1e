"""Spikes and custom events: SpikeMonitors into ``/units``, EventMonitors into ``/events``."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from brian2 import EventMonitor, SpikeMonitor
from hdmf.common import VectorData, VectorIndex
from pynwb import NWBFile
from pynwb.event import TimestampVectorData
from pynwb.misc import Units

from .datasets import StorageOptions
from .extension import EventMonitorTable, QuantityData
from .quantities import dimensions_of, si_unit_name

#: Columns of our Units table that a recorded variable's column must not replace.
_UNITS_RESERVED = {"id", "spike_times", "obs_intervals", "electrodes", "electrode_group", "waveform_mean",
                   "waveform_sd", "waveforms", "population", "neuron_index", "monitor"}
_EVENTS_RESERVED = {"id", "timestamp", "duration", "annotation", "neuron_index"}


def population_of(group) -> tuple[str, int]:
    """The name of the group that owns ``group``'s neurons and the offset of its first one."""
    source = getattr(group, "source", None)
    if source is not None and hasattr(group, "start"):  # a Subgroup
        return source.name, int(group.start)
    return group.name, 0


def recorded_values(monitor, variable: str) -> np.ndarray:
    """The raw values (SI, no units) a monitor recorded for ``variable``."""
    return np.asarray(monitor.variables[variable].get_value())


def value_column(name: str, description: str, data, variable, storage: StorageOptions) -> VectorData:
    """A table column for a recorded Brian2 variable: `QuantityData` for floats, else plain."""
    if np.issubdtype(np.asarray(data).dtype, np.floating):
        dims = dimensions_of(variable.dim)
        return QuantityData(name=name, description=description, data=storage.wrap(data),
                            unit=si_unit_name(dims), dimensions=dims)
    return VectorData(name=name, description=description, data=storage.wrap(data))


@dataclass
class _RaggedColumn:
    """A per-spike variable gathered over several monitors before it becomes a column."""

    variable: object
    description: str
    values: list  # (row of the monitor, values sorted by neuron, spikes per neuron)


def write_units(monitors: list[SpikeMonitor], nwbfile: NWBFile, storage: StorageOptions) -> list[str]:
    """Put every spike of every SpikeMonitor into ``nwbfile.units``.

    One row per neuron of each monitored group (silent neurons too), in the order of
    the monitors' names. Spike times are the monitors' own float64 seconds; variables
    recorded at spike time become ragged columns aligned with ``spike_times`` (empty
    for the rows of monitors that did not record them).

    Returns
    -------
    list of str
        Names of monitors left out, with the reason, for the caller's warning.
    """
    left_out = []
    populations, neuron_indices, monitor_names = [], [], []
    times, counts, dts = [], [], []
    ragged: dict[str, _RaggedColumn] = {}
    usable = []
    for monitor in monitors:
        if not monitor.record:
            left_out.append(f"{monitor.name} (SpikeMonitor with record=False keeps only counts)")
            continue
        usable.append(monitor)
    for row_offset, monitor in enumerate(usable):
        population, start = population_of(monitor.source)
        size = len(monitor.source)
        index = recorded_values(monitor, "i").astype(np.int64, copy=False)
        order = np.argsort(index, kind="stable")  # spikes arrive sorted by time: keep that per neuron
        per_neuron = np.bincount(index, minlength=size)
        populations.extend([population] * size)
        neuron_indices.append(np.arange(start, start + size, dtype=np.int64))
        monitor_names.extend([monitor.name] * size)
        times.append(recorded_values(monitor, "t")[order])
        counts.append(per_neuron)
        dts.append(float(monitor.clock.dt_))
        for variable in sorted(monitor.record_variables - {"i", "t"}):
            column = variable if variable not in _UNITS_RESERVED else f"{variable}_at_spike"
            brian_variable = monitor.variables[variable]
            if column in ragged and not _same_kind(ragged[column].variable, brian_variable):
                column = f"{column}_{monitor.name}"
            if column not in ragged:
                ragged[column] = _RaggedColumn(
                    brian_variable, f"'{variable}' at each spike (aligned with spike_times)", [])
            entry = ragged[column]
            entry.values.append((row_offset, recorded_values(monitor, variable)[order], per_neuron))
    if not usable:
        return left_out

    counts_all = np.concatenate(counts)
    ends = np.cumsum(counts_all)
    spike_times = VectorData(name="spike_times", description="Spike times in seconds from the start of the "
                             "simulation.", data=storage.wrap(np.concatenate(times)))
    columns = [
        VectorData(name="population", description="Name of the Brian2 group the neuron belongs to.",
                   data=populations),
        VectorData(name="neuron_index", description="Index of the neuron in its population (group).",
                   data=np.concatenate(neuron_indices)),
        VectorData(name="monitor", description="Name of the Brian2 SpikeMonitor that recorded the spikes.",
                   data=monitor_names),
        spike_times,
        VectorIndex(name="spike_times_index", data=storage.wrap(ends), target=spike_times),
    ]
    for name, entry in ragged.items():
        columns.extend(_ragged_column(name, entry, counts, storage))

    resolution = min(dts)
    description = "Spikes recorded by the Brian2 SpikeMonitors " + ", ".join(m.name for m in usable) + "."
    if len(set(dts)) > 1:
        description += f" The monitors' time steps differ; resolution is the smallest ({resolution} s)."
    nwbfile.units = Units(name="units", description=description, resolution=resolution, columns=columns,
                          id=np.arange(len(counts_all)))
    return left_out


def _same_kind(a, b) -> bool:
    return a.dtype == b.dtype and a.dim is b.dim


def _ragged_column(name, entry: _RaggedColumn, counts: list, storage: StorageOptions):
    """Data and index of a ragged per-spike column, empty rows for monitors without it."""
    by_monitor = {row: (values, per_neuron) for row, values, per_neuron in entry.values}
    pieces, row_counts = [], []
    for row, per_neuron in enumerate(counts):
        if row in by_monitor:
            values, _ = by_monitor[row]
            pieces.append(values)
            row_counts.append(per_neuron)
        else:
            row_counts.append(np.zeros_like(per_neuron))
    data = np.concatenate(pieces)
    column = value_column(name, entry.description, data, entry.variable, storage)
    index = VectorIndex(name=f"{name}_index", data=storage.wrap(np.cumsum(np.concatenate(row_counts))),
                        target=column)
    return [column, index]


def write_event_monitors(monitors: list[EventMonitor], nwbfile: NWBFile, storage: StorageOptions) -> list[str]:
    """Each EventMonitor becomes an `EventMonitorTable` in ``nwbfile.events``, one row per event."""
    left_out = []
    for monitor in monitors:
        if not monitor.record:
            left_out.append(f"{monitor.name} (EventMonitor with record=False keeps only counts)")
            continue
        columns = [
            TimestampVectorData(name="timestamp", description="Time of the event in seconds.",
                                data=storage.wrap(recorded_values(monitor, "t")),
                                resolution=float(monitor.clock.dt_)),
            VectorData(name="neuron_index", description="Index of the element in the monitored group.",
                       data=storage.wrap(recorded_values(monitor, "i").astype(np.int64))),
        ]
        for variable in sorted(monitor.record_variables - {"i", "t"}):
            name = variable if variable not in _EVENTS_RESERVED else f"{variable}_at_event"
            columns.append(value_column(name, f"'{variable}' at each event", recorded_values(monitor, variable),
                                        monitor.variables[variable], storage))
        nwbfile.add_events_table(EventMonitorTable(
            name=monitor.name,
            description=f"Events '{monitor.event}' of the Brian2 group '{monitor.source.name}', recorded by the "
                        f"EventMonitor '{monitor.name}'.",
            monitor=monitor.name, source=monitor.source.name, event=monitor.event,
            columns=columns,
        ))
    return left_out
