"""``SpikeMonitor``: every recorded spike into ``/units`` (one row per neuron of the monitored group,
silent ones too), and reading them back."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from brian2 import SpikeMonitor
from hdmf.common import VectorData, VectorIndex
from pynwb import NWBFile
from pynwb.misc import Units

from ..brian.build import BuildContext
from ..brian.recorded import on_disk, recorded_values
from ..errors import warn
from ..model.description import ObjectDescription
from ..model.quantities import dimensions_of, si_unit_name
from ..nwb.by_neuron import ByNeuron
from ..nwb.datasets import OneChunk, StorageOptions
from ..nwb.extension import QuantityData
from ..nwb.regroup import regroup
from .kind import Kind, Stage
from .monitor import MONITOR, describe_events, source_of

#: Spikes read at a time from a recording on disk (and the chunk of its regrouped datasets).
SLICE = 1 << 20
#: Memory for grouping a recording on disk by neuron (`brian2nwb.nwb.regroup`): more spikes go through buckets.
REGROUP_BYTES = 64 * 2**20
#: Columns of our Units table that a recorded variable's column must not replace.
_UNITS_RESERVED = {"id", "spike_times", "obs_intervals", "electrodes", "electrode_group", "waveform_mean",
                   "waveform_sd", "waveforms", "population", "neuron", "monitor"}
#: The spike times nwbinspector's ``check_spike_times_not_in_samples`` reads: the first ones of the column (its
#: ``nelems``).
INSPECTED_SPIKE_TIMES = 200


def population_of(group) -> tuple[str, int]:
    """The name of the group that owns ``group``'s neurons and the offset of its first one."""
    source = getattr(group, "source", None)
    if source is not None and hasattr(group, "start"):  # a Subgroup
        return source.name, int(group.start)
    return group.name, 0


def value_column(name: str, description: str, data, variable, storage: StorageOptions) -> VectorData:
    """A table column for a recorded Brian2 variable: `QuantityData` for floats, else plain."""
    if np.issubdtype(data.dtype, np.floating):
        dims = dimensions_of(variable.dim)
        return QuantityData(name=name, description=description, data=storage.wrap(data),
                            unit=si_unit_name(dims), dimensions=dims)
    return VectorData(name=name, description=description, data=storage.wrap(data))


@dataclass(frozen=True)
class _SpikesByNeuron:
    """One SpikeMonitor's spikes and how many each neuron of the monitored group fired."""

    monitor: SpikeMonitor
    population: str
    first_index: int
    index: np.ndarray | None  # the neuron of each recorded spike (Brian2's own array); None: on disk, regrouped
    per_neuron: np.ndarray  # number of spikes of each neuron of the monitored group
    regrouped: dict | None = None  # a recording on disk: each recorded variable in neuron order (datasets)

    @classmethod
    def of(cls, monitor: SpikeMonitor) -> _SpikesByNeuron:
        population, first_index = population_of(monitor.source)
        stored = on_disk(monitor)
        if stored is not None:
            per_neuron, regrouped = _regrouped(monitor, stored)
            return cls(monitor, population, first_index, index=None, per_neuron=per_neuron, regrouped=regrouped)
        index = recorded_values(monitor, "i")
        return cls(monitor, population, first_index, index=index, per_neuron=_per_neuron(monitor, index))

    def values(self, variable: str):
        """The values of a recorded variable: in recording order, or on disk in neuron order (`regrouped`)."""
        return self.regrouped[variable] if self.regrouped is not None else recorded_values(self.monitor, variable)


def _per_neuron(monitor: SpikeMonitor, index, spikes: int | None = None) -> np.ndarray:
    """Spikes per neuron: Brian2's own ``count`` when it adds up to the recorded spikes (it is kept for
    every neuron as spikes come), else counted here (a pass over every spike, a slice at a time)."""
    spikes = len(index) if spikes is None else spikes
    count = np.asarray(monitor.variables["count"].get_value()).astype(np.int64)
    if len(count) == len(monitor.source) and count.min(initial=0) >= 0 and int(count.sum()) == spikes:
        return count
    count = np.zeros(len(monitor.source), dtype=np.int64)
    for start in range(0, spikes, SLICE):
        count += np.bincount(np.asarray(index[start:min(start + SLICE, spikes)]), minlength=len(count))
    return count


def _regrouped(monitor: SpikeMonitor, stored) -> tuple[np.ndarray, dict]:
    """A recording on disk (a stream's pieces) grouped by neuron out of core (`brian2nwb.nwb.regroup`): the
    spikes per neuron and, for each recorded variable but ``i``, a temporary dataset in neuron order."""
    index, spikes = stored.dataset("i")
    per_neuron = _per_neuron(monitor, index, spikes)
    variables = sorted(set(monitor.record_variables) - {"i"})
    columns = {name: stored.dataset(name)[0] for name in ["i", *variables]}
    if spikes == 0:
        return per_neuron, {name: np.zeros(0, dtype=columns[name].dtype) for name in variables}
    scratch = stored.scratch()
    regrouped = {name: scratch.create_dataset(name, shape=(spikes,), dtype=columns[name].dtype,
                                              chunks=(min(spikes, SLICE),)) for name in variables}
    regroup(columns, "i", per_neuron, regrouped, memory=REGROUP_BYTES, scratch=scratch.create_group("buckets"))
    return per_neuron, regrouped


def write_units(monitors: list[SpikeMonitor], nwbfile: NWBFile, storage: StorageOptions, recording) -> list[str]:
    """Put every spike of every SpikeMonitor into ``nwbfile.units``.

    One row per neuron of each monitored group (silent neurons too), monitor after
    monitor. Spike times are the monitors' own float64 seconds; variables recorded at
    spike time become ragged columns aligned with ``spike_times`` (empty for the rows
    of monitors that did not record them). Each column is gathered once, in neuron
    order, straight into its final array. ``obs_intervals`` are the simulated
    intervals in which the row's monitor recorded (``recording.observed``), so
    readers know when a silent neuron was observed.

    Returns
    -------
    list of str
        Monitors left out, with the reason, for the caller's warning.
    """
    left_out = [f"{m.name} (SpikeMonitor with record=False keeps only counts)" for m in monitors if not m.record]
    spikes = [_SpikesByNeuron.of(m) for m in monitors if m.record]
    if not spikes:
        return left_out
    if all(not s.per_neuron.any() for s in spikes):  # an empty spike_times column makes nwbinspector's
        return left_out + [f"{', '.join(m.name for m in monitors if m.record)} (recorded no spikes: no Units "
                           "table, whose empty spike_times column nwbinspector cannot inspect)"]  # table checks fail
    sizes = [len(s.per_neuron) for s in spikes]
    columns = [
        VectorData(name="population", description="Name of the Brian2 group the neuron belongs to.",
                   data=_text_column([s.population for s in spikes], sizes)),
        VectorData(name="neuron", description="Index of the neuron in its population (the Brian2 group that "
                                              "owns it).",
                   data=np.concatenate([np.arange(s.first_index, s.first_index + size) for s, size in
                                        zip(spikes, sizes)])),
        VectorData(name="monitor", description="Name of the Brian2 SpikeMonitor that recorded the spikes.",
                   data=_text_column([s.monitor.name for s in spikes], sizes)),
        *_ragged(spikes, ["t"] * len(spikes), storage,
                 lambda data: VectorData(name="spike_times", data=storage.wrap(data, times=True),
                                         description="Spike times in seconds from the start of the simulation.")),
    ]
    columns.extend(_observation_columns(spikes, sizes, recording, storage))
    for name, (variable, sources) in _spike_variables(spikes).items():
        columns.extend(_ragged(spikes, sources, storage, lambda data, name=name, variable=variable: value_column(
            name, f"'{variable.name}' at each spike (aligned with spike_times)", data, variable, storage)))

    dts = [float(s.monitor.clock.dt_) for s in spikes]
    description = "Spikes recorded by the Brian2 SpikeMonitors " + ", ".join(s.monitor.name for s in spikes) + "."
    if len(set(dts)) > 1:
        description += f" The monitors' time steps differ; resolution is the smallest ({min(dts)} s)."
    nwbfile.units = Units(name="units", description=description, resolution=min(dts), columns=columns,
                          id=np.arange(sum(sizes)))
    warn_if_times_look_like_samples(spikes, min(dts))
    return left_out


def warn_if_times_look_like_samples(spikes: list[_SpikesByNeuron], resolution: float) -> None:
    """Say so when nwbinspector's ``check_spike_times_not_in_samples`` (CRITICAL: DANDI refuses the file) will
    take the spike times for sample indices: the Units table's ``resolution`` is below 1 s and the first
    `INSPECTED_SPIKE_TIMES` values of its ``spike_times`` column are all whole numbers (its condition). The
    times are right; they are written unchanged."""
    first = _first_spike_times(spikes, INSPECTED_SPIKE_TIMES)
    if resolution >= 1.0 or not len(first) or not np.all(first == np.floor(first)):
        return
    entry = next(s for s in spikes if s.per_neuron.any())
    neuron = entry.first_index + int(np.flatnonzero(entry.per_neuron)[0])
    whole = np.unique(first)
    values = ", ".join(f"{value:g} s" for value in whole[:3]) + (", ..." if len(whole) > 3 else "")
    why = (f"neuron {neuron} of '{entry.population}' fired at t = 0 s, in the first time step" if first[0] == 0
           else f"neuron {neuron} of '{entry.population}' first fired at t = {first[0]:g} s")
    warn(
        f"DANDI will not accept this file: nwbinspector's check_spike_times_not_in_samples (CRITICAL) will report "
        f"that its spike times 'appear to be in samples rather than seconds', because those it reads (the first "
        f"{len(first)} of the Units table) are all whole numbers of seconds ({values}; here {why}). The check is a "
        f"heuristic: the times are right, in seconds as Brian2 recorded them, and written unchanged. Nothing to "
        f"do if the file is not for DANDI; otherwise let no neuron fire at exactly t = 0 (initial values below "
        f"the threshold, or the SpikeMonitor added after the first time step), or run nwbinspector on the file "
        f"and justify this finding when you upload it.")


def _first_spike_times(spikes: list[_SpikesByNeuron], count: int) -> np.ndarray:
    """The first ``count`` values of the ``spike_times`` column as written (rows in order, each neuron's spikes
    in time order), without ordering the rest."""
    found = []
    for entry in spikes:
        wanted = min(count - sum(len(part) for part in found), int(entry.per_neuron.sum()))
        if wanted <= 0:
            continue
        times = entry.values("t")
        if entry.index is None:  # on disk, in neuron order already
            found.append(np.asarray(times[:wanted]))
            continue
        last = int(np.searchsorted(np.cumsum(entry.per_neuron), wanted))  # the neuron of the wanted-th value
        index = np.asarray(entry.index)
        chosen = np.flatnonzero(index <= last)
        found.append(np.asarray(times)[chosen[np.argsort(index[chosen], kind="stable")[:wanted]]])
    return np.concatenate(found) if found else np.zeros(0)


def _text_column(values: list[str], repeats: list[int]):
    """``values[k]`` repeated ``repeats[k]`` times (as `OneChunk` when long)."""
    data = np.repeat(np.array(values, dtype=object), repeats)
    return data if len(data) < 1 << 12 else OneChunk(data)


def _observation_columns(spikes: list[_SpikesByNeuron], sizes: list[int], recording, storage: StorageOptions) -> list:
    """``obs_intervals`` (n x 2, seconds) and its index: each row gets its monitor's intervals."""
    observed = recording.observed([s.monitor.name for s in spikes])
    per_row = [np.asarray(observed[s.monitor.name], dtype=np.float64).reshape(-1, 2) for s in spikes]
    data = np.concatenate([np.tile(intervals, (size, 1)) for intervals, size in zip(per_row, sizes)])
    ends = np.cumsum(np.repeat([len(intervals) for intervals in per_row], sizes), dtype=np.uint64)
    column = VectorData(name="obs_intervals", data=storage.wrap(data, times=True),
                        description="Simulated intervals (start, stop in seconds) in which the neuron's SpikeMonitor "
                                    "recorded.")
    return [column, VectorIndex(name="obs_intervals_index", data=storage.wrap(ends), target=column)]


def _spike_variables(spikes: list[_SpikesByNeuron]) -> dict[str, tuple]:
    """Column name -> (Brian2 variable, the recorded variable's name per monitor or None)."""
    columns: dict[str, tuple] = {}
    for position, entry in enumerate(spikes):
        for variable in sorted(entry.monitor.record_variables - {"i", "t"}):
            name = variable if variable not in _UNITS_RESERVED else f"{variable}_at_spike"
            brian_variable = entry.monitor.variables[variable]
            if name in columns and not _same_kind(columns[name][0], brian_variable):
                name = f"{name}_{entry.monitor.name}"  # same name, different dtype or unit
            columns.setdefault(name, (brian_variable, [None] * len(spikes)))[1][position] = variable
    return columns


def _same_kind(a, b) -> bool:
    return a.dtype == b.dtype and a.dim is b.dim


def _ragged(spikes: list[_SpikesByNeuron], sources: list, storage: StorageOptions, make_column) -> list:
    """A per-spike column in neuron order (made by ``make_column`` from its data) and its index.

    ``sources`` names the recorded variable of each monitor; the rows of monitors
    whose source is None are empty. A large column is ordered and written block by
    block (`by_neuron.ByNeuron`); a small one as one array.
    """
    present = [(entry, source) for entry, source in zip(spikes, sources) if source is not None]
    dtype = present[0][0].monitor.variables[present[0][1]].dtype  # (not the values: a stream's are on disk)
    chunks = ByNeuron([(entry.values(source) if source is not None else None, entry.index, entry.per_neuron)
                       for entry, source in zip(spikes, sources)], dtype)
    column = make_column(chunks.array() if chunks.blocks <= 1 else chunks)
    counts = np.concatenate([s.per_neuron if source is not None else np.zeros_like(s.per_neuron)
                             for s, source in zip(spikes, sources)])
    ends = np.cumsum(counts, dtype=np.uint64)  # the type the NWB schema asks for (no conversion warning)
    # The index first: hdmf's DynamicTable drops a column whose data is a chunk iterator from its length check
    # and then misses it as the target of an index that comes after it.
    return [VectorIndex(name=f"{column.name}_index", data=storage.wrap(ends), target=column), column]


def read_units(units) -> tuple[np.ndarray, np.ndarray]:
    """(spike times, row of each spike) of a Units table read from a file, in one bulk read."""
    ragged = units["spike_times"]  # the index; its target holds the times
    ends = np.asarray(ragged.data[:], dtype=np.int64)
    times = np.asarray(ragged.target.data[:])
    return times, np.repeat(np.arange(len(ends)), np.diff(np.concatenate([[0], ends])))


def spikes_by_monitor(units) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """``{monitor: (neuron index in its population, spike time)}`` from a Units table read from a file."""
    times, rows = read_units(units)
    neuron = np.asarray(units["neuron"].data[:])[rows]
    monitors = np.asarray([m.decode() if isinstance(m, bytes) else m for m in units["monitor"].data[:]])[rows]
    return {name: (neuron[monitors == name], times[monitors == name]) for name in dict.fromkeys(monitors)}


def describe(monitor, initial: dict | None) -> ObjectDescription:
    return describe_events(monitor, "SpikeMonitor")


def build(description: ObjectDescription, context: BuildContext) -> SpikeMonitor:
    attrs = description.attrs
    return SpikeMonitor(source_of(description, context), variables=list(attrs.get("variables", [])) or None,
                        record=attrs.get("record", True), name=description.name)


KIND = Kind("SpikeMonitor", describe=describe, build=build, stage=Stage.MONITORS, results=write_units, records_spikes=True,
            **MONITOR)
