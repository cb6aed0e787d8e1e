"""``PoissonGroup``: independent Poisson spike trains, rates as an expression or a state variable; with
``from_nwb(replay=[...])`` rebuilt as a SpikeGeneratorGroup that plays back its recorded spikes."""

from __future__ import annotations

from brian2 import Hz, PoissonGroup, SpikeGeneratorGroup, second

from ..brian.build import BuildContext, build_group_parts
from ..brian.describe import group_tables
from ..brian.internals import poisson_rates_expression
from ..model.description import ObjectDescription
from ..model.fields import fields_of, size_field
from ..model.tables import tables_of
from .kind import Kind, Listed, Stage

FIELDS = fields_of("PoissonGroupModel")
SIZE = size_field(FIELDS)


def describe(group, initial: dict | None) -> ObjectDescription:
    attrs = {SIZE: len(group), "clock": group.clock.name}
    rates = poisson_rates_expression(group)
    if rates is not None:
        attrs["rates"] = rates
    return ObjectDescription("PoissonGroup", group.name, attrs, group_tables(group, len(group), initial))


def build(description: ObjectDescription, context: BuildContext):
    attrs = description.attrs
    clock = context.clock(attrs.get("clock"))
    if description.name in context.replay:
        indices, times = context.replay[description.name]
        return SpikeGeneratorGroup(attrs[SIZE], indices, times * second, clock=clock, name=description.name)
    group = PoissonGroup(attrs[SIZE], attrs.get("rates", 0 * Hz), clock=clock,
                         namespace=context.namespace(description.name), name=description.name)
    build_group_parts(group, description.tables, context)
    return group


KIND = Kind("PoissonGroup", describe=describe, build=build, stage=Stage.GROUPS, nwb_type="PoissonGroupModel",
            table_docs=tables_of("PoissonGroupModel"), stateful=True, listed_as=frozenset({Listed.GROUP, Listed.INPUT}), random=True, names=frozenset({"rates"}), replayable=True,
            fields=FIELDS)
