"""``PoissonInput``: a binomially drawn input added to a target variable every time step."""

from __future__ import annotations

import numpy as np
from brian2 import Hz, PoissonInput
from brian2.units.fundamentalunits import DIMENSIONLESS

from ..build import BuildContext, quantity
from ..description import ObjectDescription
from ..kind import CONNECTIONS, Kind
from ..fields import Field, Role
from ..spec_types import CODE, model_type


def describe(poisson_input, initial: dict | None) -> ObjectDescription:
    attrs = {"target": poisson_input._group.name, "target_var": poisson_input._target_var,
             "N": int(poisson_input._N), "rate": float(poisson_input._rate)}
    weight = poisson_input._weight
    if isinstance(weight, str):
        attrs["weight"] = weight
    else:
        attrs["weight_value"] = float(weight)
        attrs["weight_dimensions"] = np.asarray(weight.dim._dims if hasattr(weight, "dim") else
                                                DIMENSIONLESS._dims, dtype=np.float64)
    return ObjectDescription("PoissonInput", poisson_input.name, attrs)


def build(description: ObjectDescription, context: BuildContext) -> PoissonInput:
    attrs = description.attrs
    weight = attrs["weight"] if "weight" in attrs else quantity(attrs["weight_value"], attrs["weight_dimensions"])
    poisson_input = PoissonInput(context.objects[attrs["target"]], attrs["target_var"], attrs["N"],
                                 attrs["rate"] * Hz, weight)
    poisson_input._name = description.name  # PoissonInput takes no name in Brian2 2.9; ties break by name
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

KIND = Kind("PoissonInput", describe=describe, build=build, stage=CONNECTIONS, nwb_type="PoissonInputModel",
            specs=(SPEC,), role="input", random=True, fields=FIELDS)
