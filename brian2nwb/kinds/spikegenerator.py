"""``SpikeGeneratorGroup``: its spike trains (and period) as a `SpikeGeneratorTable` (a core ``EventsTable``)
in ``/events``, which its model links to.

Not in ``/stimulus/presentation``: readers such as neo's NWBIO take everything
there for a ``TimeSeries``; ``/events`` is where NWB keeps ``EventsTable``s.
"""

from __future__ import annotations

import re

import numpy as np
from brian2 import SpikeGeneratorGroup, second
from hdmf.common import VectorData
from pynwb import NWBFile
from pynwb.event import TimestampVectorData

from ..brian.build import BuildContext, build_group_parts
from ..brian.describe import group_tables
from ..brian.internals import set_spike_position
from ..errors import InvalidFileError, UnsafeModelError
from ..model.description import ObjectDescription
from ..model.fields import fields_of, size_field
from ..model.tables import tables_of
from ..nwb.datasets import StorageOptions
from ..nwb.extension import nwb_class
from ..nwb.mapping import numbers
from ..trust.code import check_time
from .kind import Kind, Listed, Stage

FIELDS = fields_of("SpikeGeneratorGroupModel")
SIZE = size_field(FIELDS)


def write_spike_generators(groups: list[SpikeGeneratorGroup], nwbfile: NWBFile, storage: StorageOptions,
                           recording) -> list[str]:
    """Each SpikeGeneratorGroup's spikes (sorted by time, as Brian2 keeps them) and period."""
    table_class = nwb_class("SpikeGeneratorTable")
    for group in groups:
        times = np.asarray(group.variables["spike_time"].get_value())
        indices = np.asarray(group.variables["neuron_index"].get_value()).astype(np.int64)
        period = float(group.variables["period"].get_value().item())
        repeat = f", repeating every {period} s" if period > 0 else ""
        nwbfile.add_events_table(table_class(
            name=group.name,
            description=f"Spike trains emitted by the Brian2 SpikeGeneratorGroup '{group.name}' "
                        f"({len(group)} neurons){repeat}.",
            source=group.name, num_neurons=len(group), period=period,
            columns=[
                TimestampVectorData(name="timestamp", description="Time of the spike in seconds.",
                                    data=storage.wrap(times, times=True), resolution=float(group.clock.dt_)),
                VectorData(name="neuron", description="Index of the neuron that emits the spike.",
                           data=storage.wrap(indices)),
            ],
        ))
    return []


def describe(group, initial: dict | None) -> ObjectDescription:
    attrs = {SIZE: len(group), "period": float(group.variables["period"].get_value().item()),
             "clock": group.clock.name}
    tables = group_tables(group, len(group), initial)
    tables["spikes"] = {"neuron": np.asarray(group.variables["neuron_index"].get_value(), dtype=np.int64),
                        "time": np.array(group.variables["spike_time"].get_value(), dtype=np.float64)}
    return ObjectDescription("SpikeGeneratorGroup", group.name, attrs, tables)


def settings(group) -> dict:
    """The spikes and period, which ``set_spikes()`` replaces between runs."""
    return {"spikes": {"neuron": np.asarray(group.variables["neuron_index"].get_value(), dtype=np.int64),
                       "time": np.asarray(group.variables["spike_time"].get_value(), dtype=np.float64)},
            "period": {"period": np.asarray([group.variables["period"].get_value().item()], dtype=np.float64)}}


def configure(group, tables: dict) -> None:
    """``set_spikes()`` as the user called it (the spikes as Brian2 kept them: sorted)."""
    group.set_spikes(np.asarray(tables["spikes"]["neuron"]), np.asarray(tables["spikes"]["time"]) * second,
                     period=float(np.asarray(tables["period"]["period"])[0]) * second, sorted=True)


def start_with(description: ObjectDescription, tables: dict) -> None:
    """The spikes and period it was built with (set_spikes() replaced them later)."""
    description.tables["spikes"] = tables["spikes"]
    description.attrs["period"] = float(np.asarray(tables["period"]["period"])[0])


def build(description: ObjectDescription, context: BuildContext) -> SpikeGeneratorGroup:
    attrs, spikes = description.attrs, description.tables["spikes"]
    group = SpikeGeneratorGroup(attrs[SIZE], spikes["neuron"], np.asarray(spikes["time"]) * second,
                                period=attrs["period"] * second, sorted=True,
                                clock=context.clock(attrs.get("clock")), name=description.name)
    build_group_parts(group, description.tables, context)
    return group


def continue_from(group: SpikeGeneratorGroup, description: ObjectDescription, t_end: float) -> None:
    """Where the group stands in its spike train (and period) at ``t_end``, as Brian2's own ``restore()``
    leaves it. Without this, Brian2 places a group whose run starts later from the absolute time, which a
    periodic train past its first period gets wrong (it re-sends the period's earlier spikes at once)."""
    _place(group, np.asarray(description.tables["spikes"]["time"], dtype=np.float64),  # as built (sorted=True)
           float(description.attrs["period"]), t_end)


def start_at(group: SpikeGeneratorGroup, t: float) -> None:
    """Place the group in its spike train (and period) at time ``t`` (seconds) of a recording that starts there,
    from its own spikes: where a group restored from a state stored at ``t`` (or continued there) stands."""
    _place(group, np.asarray(group.variables["spike_time"].get_value(), dtype=np.float64),
           float(group.variables["period"].get_value().item()), t)


def _place(group: SpikeGeneratorGroup, times: np.ndarray, period: float, t: float) -> None:
    """Place the group at time ``t`` in the spike train ``times`` (sorted) repeating every ``period``."""
    from brian2.core.functions import timestep

    dt = float(group.clock.dt_)
    steps_done = int(timestep(t, dt))
    period_bins = int(np.round(period / dt))
    if 0 < period_bins <= np.iinfo(np.int32).max and steps_done > 0:
        timebins = np.asarray((times + 1e-3 * dt) / dt, dtype=np.int32)  # Brian2's bins, shift included
        position = int(np.searchsorted(timebins, (steps_done - 1) % period_bins, side="right"))
    else:
        position = int(np.count_nonzero(timestep(times, dt) < steps_done))
    set_spike_position(group, position)


def check(description: ObjectDescription, model, checker) -> None:
    """The spikes (those it was built with and those set_spikes() replaced them with): neurons of the group
    (indices Brian2 uses as offsets), finite times in order; the periods."""
    size, what = description.attrs.get(SIZE), f"'{description.name}'"
    check_time(description.attrs.get("period", 0.0), f"{what} period", allow_zero=True)
    for name, spikes in description.tables.items():
        if name == "spikes" or re.fullmatch(r"step_\d+_spikes", name):
            neurons, times = np.asarray(spikes.get("neuron", [])), np.asarray(spikes.get("time", []), dtype=float)
            if neurons.shape != times.shape or neurons.ndim != 1 or (len(neurons) and neurons.dtype.kind not in "iu"):
                raise UnsafeModelError(f"{what} {name}: its spikes need one neuron index and one time each.")
            if len(neurons) and (neurons.min() < 0 or neurons.max() >= int(size)):
                raise UnsafeModelError(f"{what} {name}: spikes of neurons outside its {size} neurons.")
            if len(times) and (not np.all(np.isfinite(times)) or times.min() < 0 or np.any(np.diff(times) < 0)):
                raise UnsafeModelError(f"{what} {name}: spike times must be finite, not negative and in order.")
        elif re.fullmatch(r"step_\d+_period", name):
            period = np.asarray(spikes.get("period", []), dtype=float)
            if period.shape != (1,):
                raise UnsafeModelError(f"{what} {name}: one period is expected.")
            check_time(period[0], f"{what} {name}", allow_zero=True)


def to_nwb(description: ObjectDescription, nwbfile) -> tuple[dict, dict]:
    """The spikes are not repeated in the model: it links to the table in /events."""
    tables = {name: table for name, table in description.tables.items() if name != "spikes"}
    return dict(description.attrs, spikes=nwbfile.events[description.name]), tables


def from_nwb(container, attrs: dict, tables: dict) -> None:
    spikes, what = container.spikes, f"'{container.name}': its spikes"
    if spikes is None or "neuron" not in spikes.colnames or "timestamp" not in spikes.colnames:
        raise InvalidFileError(f"{what} (a SpikeGeneratorTable with 'neuron' and 'timestamp') are missing.")
    tables["spikes"] = {"neuron": numbers(spikes["neuron"].data[:], f"{what}' neurons", "iu").astype(np.int64),
                        "time": numbers(spikes["timestamp"].data[:], f"{what}' times").astype(np.float64)}


KIND = Kind("SpikeGeneratorGroup", describe=describe, build=build, stage=Stage.GROUPS, results=write_spike_generators,
            nwb_type="SpikeGeneratorGroupModel", stateful=True, listed_as=frozenset({Listed.GROUP, Listed.INPUT}),
            to_nwb=to_nwb, from_nwb=from_nwb, names=frozenset({"period"}), check=check,
            continue_from=continue_from, start_at=start_at, settings=settings,
            settings_tables=frozenset({"spikes", "period"}), configure=configure, start_with=start_with,
            table_docs=tables_of("SpikeGeneratorGroupModel"), fields=FIELDS)
