"""Generate the ndx-brian2 spec from its declarations (``declarations.py``), as in ndx-template.

    python src/spec/create_extension_spec.py [OUTPUT_FOLDER]

writes into ``spec/`` (or OUTPUT_FOLDER):

- ``ndx-brian2.namespace.yaml`` and ``ndx-brian2.extensions.yaml``: the NWB spec, built with pynwb's
  ``NWBNamespaceBuilder`` and ``export_spec``;
- ``ndx-brian2.fields.json``: the role of every attribute and table column (what the NWB schema language has
  no place for), the tables each type may hold, and the actions a step of the recording may have.

It imports only the standard library and ``pynwb.spec``; the tests check that the committed files are what it
writes.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path

import declarations as d
from pynwb.spec import NWBAttributeSpec, NWBDatasetSpec, NWBGroupSpec, NWBLinkSpec, NWBNamespaceBuilder, export_spec

#: Types whose instances are datasets (everything else here is a group).
DATASET_TYPES = {"VectorData", "QuantityData"}
#: Types that are tables of columns: their datasets are VectorData columns.
TABLE_TYPES = {"EventsTable", "Brian2Table"}


def dtype(field: d.Field) -> str:
    return field.dtype or d.ROLES[field.role][0]


def attribute(field: d.Field) -> NWBAttributeSpec:
    shape = field.shape
    if field.role == "dimensions" and shape is None:
        shape = (7,)
    dims = {None: None, (7,): ["base_unit"], (None,): ["num_values"]}.get(shape)
    return NWBAttributeSpec(name=field.name, doc=field.doc, dtype=dtype(field), required=field.required,
                            **({"shape": list(shape), "dims": dims} if shape else {}))


def column(field: d.Field) -> NWBDatasetSpec:
    """A column of a table: VectorData (QuantityData when it has a unit), one value per row."""
    shape = field.shape or (None,)
    dims = ["num_rows"] + [f"num_{field.name}"] * (len(shape) - 1) if len(shape) > 1 else ["num_rows"]
    if field.role == "dimensions":
        dims = ["num_rows", "base_unit"]
    kind = "QuantityData" if field.unit else "VectorData"
    return NWBDatasetSpec(name=field.name, neurodata_type_inc=kind, doc=field.doc + unit_note(field),
                          quantity=1 if field.required else "?",
                          **({} if field.unit else {"dtype": dtype(field), "shape": list(shape), "dims": dims}))


def unit_note(field: d.Field) -> str:
    return f" In {field.unit}s." if field.unit and field.unit != "any" else ""


def table(table: d.Table) -> NWBGroupSpec:
    doc = table.doc + (f" Other columns: {table.other}" if table.other else "")
    return NWBGroupSpec(name=table.name, neurodata_type_inc="Brian2Table", doc=doc, quantity="?",
                        datasets=[column(field) for field in table.columns])


def child(name, kind: str, quantity, doc: str):
    spec = NWBDatasetSpec if kind in DATASET_TYPES else NWBGroupSpec
    return spec(neurodata_type_inc=kind, quantity=quantity, doc=doc, **({"name": name} if name else {}))


def type_doc(kind: d.Type) -> str:
    settings = [t for t in kind.tables if t.settings]
    if not settings:
        return kind.doc
    listed = "; ".join(f"'step_<k>_{t.name}': {t.doc[0].lower()}{t.doc[1:].rstrip('.')}" for t in settings)
    return f"{kind.doc} What the user replaced between runs is in tables named after the step: {listed}."


def neurodata_type(kind: d.Type):
    attributes = [attribute(field) for field in kind.attributes]
    if kind.dataset_type:
        return NWBDatasetSpec(neurodata_type_def=kind.name, neurodata_type_inc=kind.inc, doc=kind.doc,
                              dtype=kind.dtype, attributes=attributes)
    in_table = kind.inc in TABLE_TYPES
    datasets = [column(field) if in_table else NWBDatasetSpec(name=field.name, doc=field.doc, dtype=dtype(field),
                                                              quantity=1 if field.required else "?")
                for field in kind.datasets]
    groups = [table(t) for t in kind.tables if not t.settings]
    for name, child_type, quantity, doc in kind.children:
        (datasets if child_type in DATASET_TYPES else groups).append(child(name, child_type, quantity, doc))
    return NWBGroupSpec(neurodata_type_def=kind.name, neurodata_type_inc=kind.inc, doc=type_doc(kind),
                        attributes=attributes, datasets=datasets, groups=groups,
                        links=[NWBLinkSpec(name=name, target_type=target, doc=doc) for name, target, doc in kind.links])


def fields_document() -> dict:
    """What ``ndx-brian2.fields.json`` holds: the roles, the actions, and every type's fields and tables."""
    def field_entry(field: d.Field) -> dict:
        entry = {key: value for key, value in asdict(field).items() if value not in (None, ())}
        entry["dtype"] = dtype(field)
        return entry

    return {
        "namespace": d.NAME,
        "version": d.VERSION,
        "roles": {name: {"dtype": kind, "text": kind == "text", "doc": doc} for name, (kind, doc) in d.ROLES.items()},
        "actions": d.ACTIONS,
        "types": {kind.name: {
            "inc": kind.inc,
            "attributes": [field_entry(field) for field in kind.attributes],
            "datasets": [field_entry(field) for field in kind.datasets],
            "tables": [{"name": t.name, "doc": t.doc, "columns": [field_entry(field) for field in t.columns],
                        **({"other": t.other} if t.other else {}), **({"settings": True} if t.settings else {})}
                       for t in kind.tables],
        } for kind in d.TYPES},
    }


def main(output_dir: Path) -> None:
    ns_builder = NWBNamespaceBuilder(name=d.NAME, version=d.VERSION, doc=d.DOC, author=d.AUTHORS,
                                     contact=d.CONTACTS)
    ns_builder.include_namespace("core")
    output_dir.mkdir(parents=True, exist_ok=True)  # export_spec does not create it
    export_spec(ns_builder, [neurodata_type(kind) for kind in d.TYPES], str(output_dir))
    (output_dir / f"{d.NAME}.fields.json").write_text(json.dumps(fields_document(), indent=1) + "\n")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[2] / "spec")
