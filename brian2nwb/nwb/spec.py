"""Building blocks of the ndx-brian2 spec, shared by the extension generator and the kinds.

Each kind module declares the ndx-brian2 types it writes with these helpers;
``extensions/ndx-brian2/create_extension_spec.py`` collects them through the
registry and writes the YAML that ``brian2nwb/spec`` ships.
"""

from __future__ import annotations

from pynwb.spec import NWBAttributeSpec, NWBDatasetSpec, NWBGroupSpec, NWBLinkSpec

from ..model.fields import Field, Role

DIMENSIONS_DOC = (
    "Physical dimension as the exponents of the 7 SI base units, in the order metre, "
    "kilogram, second, ampere, kelvin, mole, candela (all zero for dimensionless). "
    "The values are stored in these SI base units."
)

#: Brian2 model code is abstract code, not Python.
CODE = "Brian2 model code (abstract code, not Python)"

#: What the tables that every group-like kind may hold mean.
GROUP_TABLES_DOC = ("Tables: 'final_state'/'initial_state' (one row per element), 'final_shared_state'/"
                    "'initial_shared_state', 'dtypes', 'events', 'run_regularly', 'links'.")


def dimensions_attribute(required: bool = True, name: str = "dimensions") -> NWBAttributeSpec:
    return NWBAttributeSpec(name=name, doc=DIMENSIONS_DOC, dtype="float64", shape=[7], dims=["base_unit"],
                            required=required)


def text_attribute(name: str, doc: str, required: bool = True) -> NWBAttributeSpec:
    return NWBAttributeSpec(name=name, doc=doc, dtype="text", required=required)


def int_attribute(name: str, doc: str, required: bool = True) -> NWBAttributeSpec:
    # int32: Brian2 indexes with 32-bit integers, and readers give back plain ints that int32 accepts
    return NWBAttributeSpec(name=name, doc=doc, dtype="int32", required=required)


def float_attribute(name: str, doc: str, required: bool = True) -> NWBAttributeSpec:
    return NWBAttributeSpec(name=name, doc=doc, dtype="float64", required=required)


def bool_attribute(name: str, doc: str, required: bool = True) -> NWBAttributeSpec:
    return NWBAttributeSpec(name=name, doc=doc, dtype="bool", required=required)


def name_attribute(name: str, what: str) -> NWBAttributeSpec:
    return NWBAttributeSpec(name=name, doc=f"Name of the {what}.", dtype="text")


def neuron_column(doc: str) -> NWBDatasetSpec:
    """The column of neuron indices of an events table (not ``neuron_index``: in NWB a column named
    ``<x>_index`` is the index of a ragged column ``<x>``, and readers treat it so)."""
    return NWBDatasetSpec(name="neuron", neurodata_type_inc="VectorData", dtype="int64", doc=doc)


def attribute_spec(field: Field) -> NWBAttributeSpec:
    """The spec of an attribute declared as a `Field`: its dtype follows from its role."""
    if field.role is Role.DIMENSIONS:
        return dimensions_attribute(field.required, field.name)
    if field.role is Role.SIZE:
        return int_attribute(field.name, field.doc, field.required)
    if field.role in (Role.TIME, Role.NUMBER):
        return float_attribute(field.name, field.doc, field.required)
    if field.role is Role.FLAG:
        return bool_attribute(field.name, field.doc, field.required)
    if field.role.is_text:
        return text_attribute(field.name, field.doc, field.required)
    raise ValueError(f"No attribute type for the role {field.role} of '{field.name}'.")


def model_type(name: str, doc: str, fields: tuple, links: list | None = None) -> NWBGroupSpec:
    """An ndx-brian2 type for the description of one object kind (a `Brian2ObjectModel`), with one attribute
    per declared `Field`."""
    return NWBGroupSpec(neurodata_type_def=name, neurodata_type_inc="Brian2ObjectModel", doc=doc,
                        attributes=[attribute_spec(field) for field in fields], links=links or [])


def link(name: str, target_type: str, doc: str) -> NWBLinkSpec:
    return NWBLinkSpec(name=name, target_type=target_type, doc=doc)


def group_fields(what: str) -> tuple:
    """The fields of kinds built like a NeuronGroup (equations, threshold, reset, refractoriness)."""
    return (
        Field("N", Role.SIZE, f"Number of {what}."),
        Field("model", Role.EQUATIONS, "The model equations, one per line, as Brian2 parses them: "
                                       "'lhs = expression : unit (flags)', units as products of SI base units."),
        Field("method", Role.METHOD, "The integration method (a name registered with Brian2)."),
        Field("threshold", Role.EXPRESSION, f"Threshold condition ({CODE}).", required=False),
        Field("reset", Role.STATEMENTS, f"Reset statements ({CODE}).", required=False),
        Field("refractory", Role.EXPRESSION, f"Refractoriness as an expression ({CODE}).", required=False),
        Field("refractory_time", Role.TIME, "Refractory period in seconds.", required=False),
    )
