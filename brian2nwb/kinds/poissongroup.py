"""``PoissonGroup``: independent Poisson spike trains, rates as an expression or a state variable; with
``from_nwb(replay=[...])`` rebuilt as a SpikeGeneratorGroup that plays back its recorded spikes."""

from __future__ import annotations

from brian2 import Hz, PoissonGroup, SpikeGeneratorGroup, second

from ..brian.build import BuildContext, build_group_parts
from ..brian.describe import group_tables
from ..brian.internals import poisson_rates_expression
from ..model.description import ObjectDescription
from ..model.fields import Field, Role
from ..nwb.spec import CODE, GROUP_TABLES_DOC, model_type
from .kind import Kind, Listed, Stage


def describe(group, initial: dict | None) -> ObjectDescription:
    attrs = {"N": len(group), "clock": group.clock.name}
    rates = poisson_rates_expression(group)
    if rates is not None:
        attrs["rates"] = rates
    return ObjectDescription("PoissonGroup", group.name, attrs, group_tables(group, len(group), initial))


def build(description: ObjectDescription, context: BuildContext):
    attrs = description.attrs
    clock = context.clock(attrs.get("clock"))
    if description.name in context.replay:
        indices, times = context.replay[description.name]
        return SpikeGeneratorGroup(attrs["N"], indices, times * second, clock=clock, name=description.name)
    group = PoissonGroup(attrs["N"], attrs.get("rates", 0 * Hz), clock=clock,
                         namespace=context.namespace(description.name), name=description.name)
    build_group_parts(group, description.tables, context)
    return group


FIELDS = (Field("N", Role.SIZE, "Number of neurons."),
          Field("rates", Role.EXPRESSION, f"Rates as an expression ({CODE}).", required=False))
SPEC = model_type("PoissonGroupModel", "A Brian2 PoissonGroup; rates as an expression or in the state table. "
                  + GROUP_TABLES_DOC, FIELDS)

KIND = Kind("PoissonGroup", describe=describe, build=build, stage=Stage.GROUPS, nwb_type="PoissonGroupModel",
            specs=(SPEC,), stateful=True, listed_as=frozenset({Listed.GROUP, Listed.INPUT}), random=True, names=frozenset({"rates"}), replayable=True,
            fields=FIELDS)
