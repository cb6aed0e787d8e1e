"""What the four monitor kinds share: their ndx-brian2 type (`MonitorModel`: source, event, recorded variables,
and the monitor's kind as an attribute) and the parts of their descriptions they have in common. Each kind's
module describes, rebuilds, checks and writes the results of its own monitors."""

from __future__ import annotations

from ..brian.build import BuildContext
from ..model.description import ObjectDescription
from ..model.fields import fields_of
from ..model.tables import tables_of
from .kind import Listed


def common_attrs(monitor) -> dict:
    """What every monitor's description has: the monitored object and the clock."""
    return {"source": monitor.source.name, "clock": monitor.clock.name}


def recorded_variables(monitor) -> list[str]:
    """The variables a spike or event monitor records besides ``i`` and ``t``, sorted."""
    return sorted(monitor.record_variables - {"i", "t"})


def variables_attr(variables: list[str]) -> dict:
    """The ``variables`` attribute, left out when empty (an empty attribute is worse than none: nwbinspector)."""
    return {"variables": variables} if variables else {}


def source_of(description: ObjectDescription, context: BuildContext):
    """The monitored object, built already."""
    return context.objects[description.attrs["source"]]


def describe_events(monitor, kind: str) -> ObjectDescription:
    """A SpikeMonitor or EventMonitor: its event, whether it records, and the variables it records."""
    attrs = dict(common_attrs(monitor), event=monitor.event, record=bool(monitor.record),
                 **variables_attr(recorded_variables(monitor)))
    return ObjectDescription(kind, monitor.name, attrs)


def to_nwb(description: ObjectDescription, nwbfile) -> tuple[dict, dict]:
    """One ndx-brian2 type for all monitors; the kind is an attribute."""
    return dict(description.attrs, kind=description.kind), description.tables


def from_nwb(container, attrs: dict, tables: dict) -> None:
    if isinstance(attrs.get("variables"), str):
        attrs["variables"] = [v.strip() for v in attrs["variables"].split(",") if v.strip()]


#: The attributes of a monitor's description (``kind`` is the stored type's, not the description's).
FIELDS = tuple(field for field in fields_of("MonitorModel") if field.name != "kind")

#: The keyword arguments every monitor's `Kind` shares.
MONITOR = dict(nwb_type="MonitorModel", listed_as=frozenset({Listed.MONITOR}), to_nwb=to_nwb, from_nwb=from_nwb,
               fields=FIELDS, table_docs=tables_of("MonitorModel"))
