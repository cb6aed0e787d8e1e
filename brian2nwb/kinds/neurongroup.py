"""``NeuronGroup``: equations, threshold, reset, refractoriness, custom events, state."""

from __future__ import annotations

from brian2 import NeuronGroup

from ..brian.build import (
    BuildContext,
    build_group_parts,
    custom_events,
    dtype_argument,
    method_argument,
    method_options_argument,
    refractory_argument,
)
from ..brian.describe import group_tables, method_used
from ..brian.equations import equations_text
from ..brian.internals import refractory_of
from ..model.description import ObjectDescription
from ..model.fields import fields_of, size_field
from ..model.tables import tables_of
from .kind import Kind, Listed, Stage

FIELDS = fields_of("NeuronGroupModel")


def group_attrs(group, fields: tuple = FIELDS) -> dict:
    """Size (the field of ``fields`` that holds it), equations (as the user gave them), method, clock,
    threshold, reset and refractoriness."""
    attrs = {size_field(fields): len(group), "model": equations_text(group.user_equations.ordered),
             "method": method_used(group.state_updater), "clock": group.clock.name}
    if "spike" in group.events:
        attrs["threshold"] = group.events["spike"]
    if "spike" in group.event_codes:
        attrs["reset"] = group.event_codes["spike"]
    refractory = refractory_of(group)
    if isinstance(refractory, str):
        attrs["refractory"] = refractory
    elif refractory is not False and refractory is not None:
        attrs["refractory_time"] = float(refractory)
    return attrs


def neuron_tables(group, initial: dict | None) -> dict:
    """The tables of any group, and its custom events (name, condition, code run on the event)."""
    tables = group_tables(group, len(group), initial)
    events = [name for name in sorted(group.events) if name != "spike"]
    if events:
        tables["events"] = {"event": events, "condition": [group.events[e] for e in events],
                            "code": [group.event_codes.get(e, "") for e in events]}
    return tables


def describe(group, initial: dict | None) -> ObjectDescription:
    return ObjectDescription("NeuronGroup", group.name, group_attrs(group), neuron_tables(group, initial))


def group_arguments(description: ObjectDescription, context: BuildContext) -> dict:
    """The keyword arguments a NeuronGroup (or subclass) is rebuilt with."""
    attrs, tables = description.attrs, description.tables
    return dict(model=attrs["model"], method=method_argument(attrs["method"]),
                method_options=method_options_argument(tables), threshold=attrs.get("threshold"),
                reset=attrs.get("reset"), refractory=refractory_argument(attrs), events=custom_events(tables),
                namespace=context.namespace(description.name), clock=context.clock(attrs.get("clock")),
                dtype=dtype_argument(tables), name=description.name)


def build(description: ObjectDescription, context: BuildContext) -> NeuronGroup:
    group = NeuronGroup(description.attrs[size_field(FIELDS)], **group_arguments(description, context))
    build_group_parts(group, description.tables, context)
    return group


KIND = Kind("NeuronGroup", describe=describe, build=build, stage=Stage.GROUPS, nwb_type="NeuronGroupModel",
            stateful=True, listed_as=frozenset({Listed.GROUP}), table_docs=tables_of("NeuronGroupModel"),
            fields=FIELDS)
