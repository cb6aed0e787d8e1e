"""``EventMonitor`` (custom events): an `EventMonitorTable` (a core ``EventsTable``) in ``/events``."""

from __future__ import annotations

import numpy as np
from brian2 import EventMonitor
from hdmf.common import VectorData
from pynwb import NWBFile
from pynwb.event import TimestampVectorData

from ..brian.build import BuildContext
from ..brian.recorded import recorded_values
from ..model.description import ObjectDescription
from ..nwb.datasets import StorageOptions
from ..nwb.extension import nwb_class
from .kind import Kind, Stage
from .monitor import MONITOR, describe_events, source_of
from .spikemonitor import value_column

_EVENTS_RESERVED = {"id", "timestamp", "duration", "annotation", "neuron"}


def write_event_monitors(monitors: list[EventMonitor], nwbfile: NWBFile, storage: StorageOptions,
                         recording) -> list[str]:
    """Each EventMonitor becomes an `EventMonitorTable` in ``nwbfile.events``, one row per event."""
    left_out = []
    for monitor in monitors:
        if not monitor.record:
            left_out.append(f"{monitor.name} (EventMonitor with record=False keeps only counts)")
            continue
        columns = [
            TimestampVectorData(name="timestamp", description="Time of the event in seconds.",
                                data=storage.wrap(recorded_values(monitor, "t"), times=True),
                                resolution=float(monitor.clock.dt_)),
            VectorData(name="neuron", description="Index of the neuron (element) in the monitored group.",
                       data=storage.wrap(recorded_values(monitor, "i").astype(np.int64))),
        ]
        for variable in sorted(monitor.record_variables - {"i", "t"}):
            name = variable if variable not in _EVENTS_RESERVED else f"{variable}_at_event"
            columns.append(value_column(name, f"'{variable}' at each event", recorded_values(monitor, variable),
                                        monitor.variables[variable], storage))
        nwbfile.add_events_table(nwb_class("EventMonitorTable")(
            name=monitor.name,
            description=f"Events '{monitor.event}' of the Brian2 group '{monitor.source.name}', recorded by the "
                        f"EventMonitor '{monitor.name}'.",
            monitor=monitor.name, source=monitor.source.name, event=monitor.event,
            columns=columns,
        ))
    return left_out


def describe(monitor, initial: dict | None) -> ObjectDescription:
    return describe_events(monitor, "EventMonitor")


def build(description: ObjectDescription, context: BuildContext) -> EventMonitor:
    attrs = description.attrs
    return EventMonitor(source_of(description, context), attrs["event"],
                        variables=list(attrs.get("variables", [])) or None, record=attrs.get("record", True),
                        name=description.name)


KIND = Kind("EventMonitor", describe=describe, build=build, stage=Stage.MONITORS, results=write_event_monitors,
            **MONITOR)
