"""``NetworkOperation``: a Python function Brian2 calls on its clock. Its function is kept as code
(`brian2nwb.brian.python_code`, in the network's ``python_code`` table) and rebuilt only where the reader trusts
the file's code (`brian2nwb.trust.signature`); its clock, when and order are in the schedule."""

from __future__ import annotations

from brian2 import NetworkOperation

from ..brian.build import BuildContext
from ..brian.python_code import operation_function
from ..model.description import ObjectDescription
from ..model.fields import fields_of
from .kind import Kind, Stage


def describe(operation, initial: dict | None) -> ObjectDescription:
    return ObjectDescription("NetworkOperation", operation.name, {"code": operation.name}, {})


def python_function(operation):
    """The function the operation calls and its options (none), or None if it calls no plain function."""
    function = operation_function(operation)
    return None if function is None else (function, {})


def build(description: ObjectDescription, context: BuildContext) -> NetworkOperation | None:
    function = context.python_functions.get(description.attrs["code"])
    if function is None:  # its code is not trusted here (the reader says so)
        return None
    clock = context.clock(context.schedule.get(description.name, {}).get("clock"))
    return NetworkOperation(function, clock=clock, name=description.name)


KIND = Kind("NetworkOperation", describe=describe, build=build, stage=Stage.OPERATIONS,
            nwb_type="NetworkOperationModel", fields=fields_of("NetworkOperationModel"),
            python_function=python_function)
