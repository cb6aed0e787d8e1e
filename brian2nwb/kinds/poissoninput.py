"""``PoissonInput``: a binomially drawn input added to a target variable every time step."""

from __future__ import annotations

from brian2 import Hz, PoissonInput

from ..brian.build import BuildContext, quantity
from ..brian.internals import name_object, poisson_input_arguments
from ..model.description import ObjectDescription
from ..model.fields import fields_of
from ..model.quantities import dimensions_of
from .kind import Kind, Listed, Stage


def describe(poisson_input, initial: dict | None) -> ObjectDescription:
    arguments = poisson_input_arguments(poisson_input)
    attrs = {"target": arguments["target"].name, "target_variable": arguments["target_var"],
             "num_inputs": arguments["N"], "rate": arguments["rate"]}
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
    poisson_input = PoissonInput(context.objects[attrs["target"]], attrs["target_variable"], attrs["num_inputs"],
                                 attrs["rate"] * Hz, weight)
    name_object(poisson_input, description.name)
    return poisson_input


KIND = Kind("PoissonInput", describe=describe, build=build, stage=Stage.CONNECTIONS, nwb_type="PoissonInputModel",
            listed_as=frozenset({Listed.INPUT}), random=True, fields=fields_of("PoissonInputModel"))
