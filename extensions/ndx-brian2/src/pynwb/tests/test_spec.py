"""The spec as a catalog reviewer reads it: every type, field and table documented and named as NWB names them,
and ``ndx-brian2.fields.json`` declaring exactly what the spec holds."""

import json
import re

import ndx_brian2
import pytest
from pynwb import get_type_map

CATALOG = get_type_map().namespace_catalog
NAMESPACE = CATALOG.get_namespace(ndx_brian2.NAMESPACE)
DECLARATIONS = json.loads((ndx_brian2.SPEC_FOLDER / "ndx-brian2.fields.json").read_text())
#: Attributes every hdmf type has (not declared by ndx-brian2).
BOOKKEEPING = {"help", "namespace", "neurodata_type", "object_id"}


def own_specs(spec):
    """Every attribute, dataset, group and link spec inside ``spec`` (nested ones too), with its path."""
    for attribute in spec.attributes:
        yield f"{spec.data_type_def or spec.name}.{attribute.name}", attribute
    for child in [*getattr(spec, "datasets", []), *getattr(spec, "groups", []), *getattr(spec, "links", [])]:
        yield f"{spec.data_type_def or spec.name}/{child.name or child.data_type_inc}", child
        if not hasattr(child, "target_type"):
            yield from own_specs(child)


def test_the_package_exposes_every_type_of_the_namespace():
    assert CATALOG.get_types("ndx-brian2.extensions.yaml") == ndx_brian2.TYPES == tuple(DECLARATIONS["types"])
    for name in ndx_brian2.TYPES:
        assert getattr(ndx_brian2, name).__name__ == name
    assert NAMESPACE.version == DECLARATIONS["version"] == ndx_brian2.__version__


@pytest.mark.parametrize("name", ndx_brian2.TYPES)
def test_every_type_and_field_has_a_doc_and_nwb_s_naming(name):
    spec = CATALOG.get_spec(ndx_brian2.NAMESPACE, name)
    assert re.fullmatch(r"[A-Z][A-Za-z0-9]+", name) and len(spec.doc) > 20
    for path, child in own_specs(spec):
        assert child.doc and len(child.doc) > 10, path
        if child.name is not None and child.name not in BOOKKEEPING:
            assert re.fullmatch(r"[a-z][a-z0-9_]*", child.name), f"{path}: not snake_case"


def test_no_type_repeats_a_core_type():
    core = set(get_type_map().namespace_catalog.get_namespace("core").get_registered_types())
    assert not core & set(ndx_brian2.TYPES)


def declared(name: str, key: str) -> list:
    """The entries ``key`` ('attributes' or 'tables') of type ``name`` and of the ndx-brian2 types it extends."""
    entries = []
    while name in DECLARATIONS["types"]:
        entries = DECLARATIONS["types"][name][key] + entries
        name = DECLARATIONS["types"][name]["inc"]
    return entries


def core_attributes(name: str) -> set:
    """The attributes of the nearest core type ``name`` extends."""
    while name in DECLARATIONS["types"]:
        name = DECLARATIONS["types"][name]["inc"]
    return {attribute.name for attribute in CATALOG.get_spec("core", name).attributes}


@pytest.mark.parametrize("name", ndx_brian2.TYPES)
def test_the_roles_file_declares_exactly_the_spec_s_attributes_and_tables(name):
    """``ndx-brian2.fields.json`` (the role of every field) and the spec are written from one declaration: every
    attribute and named table the spec adds to core has its entry there, of the same dtype, and nothing else."""
    spec = CATALOG.get_spec(ndx_brian2.NAMESPACE, name)
    attributes = {attribute.name: attribute for attribute in spec.attributes}
    entries = declared(name, "attributes")
    assert set(attributes) - BOOKKEEPING - core_attributes(name) <= {entry["name"] for entry in entries}
    for entry in entries:
        assert entry["role"] in DECLARATIONS["roles"]
        assert attributes[entry["name"]].dtype == entry["dtype"], entry["name"]
        assert attributes[entry["name"]].required == entry.get("required", True), entry["name"]
    named = {group.name: group for group in getattr(spec, "groups", []) if group.name}
    for table in declared(name, "tables"):
        if table.get("settings"):  # only ever named after a step: no group of its own in the spec
            assert table["name"] not in named
            continue
        assert named[table["name"]].data_type_inc == "Brian2Table", table["name"]
        columns = {dataset.name: dataset for dataset in named[table["name"]].datasets if dataset.name}
        assert set(columns) == {column["name"] for column in table["columns"]}, table["name"]
    assert {group for group, spec in named.items() if spec.data_type_inc == "Brian2Table"} == {
        table["name"] for table in declared(name, "tables") if not table.get("settings")}


def test_every_action_a_step_may_have_is_documented_in_the_steps_table():
    steps = CATALOG.get_spec(ndx_brian2.NAMESPACE, "Brian2Simulation").get_group("steps")
    for action, doc in DECLARATIONS["actions"].items():
        assert f"{action}: {doc}" in steps.doc
