"""What the four monitor kinds share: their description (`MonitorModel`: source, event, recorded
variables and indices) and how they are rebuilt. Their results are written by their own modules."""

from __future__ import annotations

import numpy as np
from brian2 import EventMonitor, PopulationRateMonitor, SpikeMonitor, StateMonitor

from ..brian.build import BuildContext
from ..model.description import ObjectDescription
from ..errors import UnsafeModelError
from ..trust.model import sizes_of
from ..model.fields import Field, Role
from ..nwb.spec import model_type
from ..model.tables import TableDoc


def describe(monitor, initial: dict | None) -> ObjectDescription:
    kind = type(monitor).__name__
    attrs = {"source": monitor.source.name, "clock": monitor.clock.name}
    tables = {}
    if isinstance(monitor, EventMonitor):
        attrs["event"] = monitor.event
        attrs["record"] = bool(monitor.record)
        variables = sorted(monitor.record_variables - {"i", "t"})
        if variables:  # an empty attribute is worse than none (nwbinspector)
            attrs["variables"] = variables
    elif isinstance(monitor, StateMonitor):
        attrs["variables"] = list(monitor.record_variables)
        attrs["record"] = bool(monitor.record_all)
        tables["recorded"] = {"index": np.asarray(monitor.record, dtype=np.int64)}
    return ObjectDescription(kind, monitor.name, attrs, tables)


def build(description: ObjectDescription, context: BuildContext):
    attrs, kind = description.attrs, description.kind
    source = context.objects[attrs["source"]]
    variables = list(attrs.get("variables", []))
    clock = context.clock(attrs.get("clock"))
    if kind == "SpikeMonitor":
        return SpikeMonitor(source, variables=variables or None, record=attrs.get("record", True),
                            name=description.name)
    if kind == "EventMonitor":
        return EventMonitor(source, attrs["event"], variables=variables or None, record=attrs.get("record", True),
                            name=description.name)
    if kind == "StateMonitor":
        index = np.asarray(description.tables.get("recorded", {}).get("index", []))
        record = True if attrs.get("record") else (index.astype(np.int64) if len(index) else False)
        return StateMonitor(source, variables, record=record, clock=clock, name=description.name)
    return PopulationRateMonitor(source, name=description.name)


def check(description: ObjectDescription, model, checker) -> None:
    """A StateMonitor records elements of its source (indices Brian2 uses as offsets)."""
    if description.kind != "StateMonitor" or description.attrs.get("record"):
        return
    index = np.asarray(description.tables.get("recorded", {}).get("index", []))
    source = str(description.attrs.get("source"))
    size = sizes_of(model).get(source)
    if size is None:  # a Synapses: one element per synapse
        size = next((len(d.tables.get("connectivity", {}).get("i", [])) for d in model.objects if d.name == source),
                    None)
    if index.ndim != 1 or (len(index) and (index.dtype.kind not in "iu" or index.min() < 0 or size is None
                                           or index.max() >= size)):
        raise UnsafeModelError(f"'{description.name}': the recorded indices must be whole numbers from 0 to the "
                               f"size of '{source}' ({size}) minus 1.")


def to_nwb(description: ObjectDescription, nwbfile) -> tuple[dict, dict]:
    """One ndx-brian2 type for all monitors; the kind is an attribute."""
    return dict(description.attrs, kind=description.kind), description.tables


def from_nwb(container, attrs: dict, tables: dict) -> None:
    if isinstance(attrs.get("variables"), str):
        attrs["variables"] = [v.strip() for v in attrs["variables"].split(",") if v.strip()]


#: The attributes of a monitor's description (``kind`` is the stored type's, not the description's).
FIELDS = (
    Field("source", Role.OBJECT, "Name of the monitored group."),
    Field("event", Role.NAME, "Name of the monitored event.", required=False),
    Field("variables", Role.NAMES, "Recorded variables, comma-separated.", required=False),
    Field("record", Role.FLAG, "SpikeMonitor/EventMonitor: whether spikes were recorded; StateMonitor: whether "
                               "all indices were.", required=False),
)
MONITOR_SPEC = model_type("MonitorModel", "A Brian2 monitor (its recordings are in /units, /events or /acquisition).",
                          (Field("kind", Role.CHOICE, "SpikeMonitor, EventMonitor, StateMonitor or "
                                                      "PopulationRateMonitor."),) + FIELDS)

TABLE_DOCS = {"recorded": TableDoc("The elements a StateMonitor records.",
                                   {"index": "Index in the monitored group of each recorded element, in the order "
                                             "of the columns of its series."})}

#: The keyword arguments of every monitor's `Kind`.
MONITOR = dict(describe=describe, build=build, nwb_type="MonitorModel", role="monitor", to_nwb=to_nwb,
               from_nwb=from_nwb, table_docs=TABLE_DOCS, check=check, fields=FIELDS)
