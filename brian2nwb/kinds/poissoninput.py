"""``PoissonInput``: a binomially drawn input added to a target variable every time step."""

from __future__ import annotations

from brian2 import Hz, PoissonInput

from ..brian.build import BuildContext, quantity
from ..brian.internals import name_object, poisson_input_arguments
from ..model.description import ObjectDescription
from ..model.fields import Field, Role
from ..model.quantities import dimensions_of
from ..nwb.spec import CODE, model_type
from .kind import Kind, Listed, Stage


def describe(poisson_input, initial: dict | None) -> ObjectDescription:
    arguments = poisson_input_arguments(poisson_input)
    attrs = {"target": arguments["target"].name, "target_var": arguments["target_var"], "N": arguments["N"],
             "rate": arguments["rate"]}
    weight = arguments["weight"]
    if isinstance(weight, str):
        attrs["weight"] = weight
    else:
        attrs["weight_value"] = float(weight)
        attrs["weight_dimensions"] = dimensions_of(weight)
    return ObjectDescription("PoissonInput", poisson_input.name, attrs)


def build(description: ObjectDescription, context: BuildContext) -> PoissonInput:
    attrs = description.attrs
    weight = attrs["weight"] if "weight" in attrs else quantity(attrs["weight_value"], attrs["weight_dimensions"])
    poisson_input = PoissonInput(context.objects[attrs["target"]], attrs["target_var"], attrs["N"],
                                 attrs["rate"] * Hz, weight)
    name_object(poisson_input, description.name)
    return poisson_input


FIELDS = (
    Field("target", Role.OBJECT, "Name of the target group."),
    Field("target_var", Role.NAME, "Name of the target variable."),
    Field("N", Role.SIZE, "Number of independent Poisson inputs."),
    Field("rate", Role.NUMBER, "Rate of each input in hertz."),
    Field("weight", Role.EXPRESSION, f"Weight as an expression ({CODE}).", required=False),
    Field("weight_value", Role.NUMBER, "Weight as a value in SI units.", required=False),
    Field("weight_dimensions", Role.DIMENSIONS, "", required=False),
)
SPEC = model_type("PoissonInputModel", "A Brian2 PoissonInput.", FIELDS)

KIND = Kind("PoissonInput", describe=describe, build=build, stage=Stage.CONNECTIONS, nwb_type="PoissonInputModel",
            specs=(SPEC,), listed_as=frozenset({Listed.INPUT}), random=True, fields=FIELDS)
