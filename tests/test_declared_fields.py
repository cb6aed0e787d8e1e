"""Fast tier (no simulation): the checker of a file's model is driven by what kinds and tables declare.

A kind declares each attribute of its descriptions with a role (`brian2nwb.model.fields`); the checker checks
every attribute and every declared column by its role, refuses what is not declared, and hands the
builders a `CheckedModel` - a copy, the model read from the file is not changed."""

from __future__ import annotations

import numpy as np
import pytest

from brian2nwb.model.description import ModelDescription, ObjectDescription
from brian2nwb.errors import InvalidFileError, UnsafeModelError
from brian2nwb.nwb.extension import NAMESPACE, TYPE_MAP
from brian2nwb.model.fields import BASE_FIELDS, Field, Role
from brian2nwb.kinds.kind import Kind
from brian2nwb.kinds.registry import BY_NAME, REGISTRY
from brian2nwb.trust.model import CheckedModel, check_model
from brian2nwb.model.tables import TableDoc

PAYLOAD = "__import__('os').system('touch /tmp/owned')"


def toy_kind(**extra) -> Kind:
    """A kind brian2nwb has never seen, with a field of code and a table with a column of code."""
    return Kind("Toy", build=lambda description, context: None, fields=(
        Field("N", Role.SIZE, "Number of toys."),
        Field("script", Role.STATEMENTS, "Code run on every toy."),
    ), table_docs={"hooks": TableDoc("Hooks.", {"code": Field("code", Role.EXPRESSION, "A condition.")})}, **extra)


def model_of(*objects: ObjectDescription, **tables) -> ModelDescription:
    return ModelDescription(objects=list(objects), tables=dict(tables), attrs={"t_end": 0.0})


def neurons(**attrs) -> ObjectDescription:
    return ObjectDescription("NeuronGroup", "neurons", dict(dict(num_neurons=3, model="dv/dt = -v / (10*ms) : 1",
                                                                 method="exact"), **attrs), {})


def test_a_new_kind_is_checked_from_its_declaration_alone():
    kinds = dict(BY_NAME, Toy=toy_kind())
    good = ObjectDescription("Toy", "toy", {"N": 2, "script": "x = 2 * t  # comment"},
                             {"hooks": {"code": np.asarray(["t > 1*ms"], dtype=object)}})
    checked = check_model(model_of(good), kinds, user_identifiers={"x"})
    assert checked.objects[0].attrs["script"] == "x = 2 * t"  # re-rendered from the checked syntax tree
    with pytest.raises(UnsafeModelError, match="toy' script"):
        check_model(model_of(ObjectDescription("Toy", "toy", {"N": 2, "script": PAYLOAD})), kinds)
    with pytest.raises(UnsafeModelError, match="hooks column 'code'"):
        check_model(model_of(ObjectDescription("Toy", "toy", {"N": 2, "script": "x = 1"},
                                               {"hooks": {"code": np.asarray([PAYLOAD], dtype=object)}})),
                    kinds, user_identifiers={"x"})


def test_what_a_kind_does_not_declare_is_refused():
    kinds = dict(BY_NAME, Toy=toy_kind())
    with pytest.raises(UnsafeModelError, match="has no attribute 'payload'"):
        check_model(model_of(ObjectDescription("Toy", "toy", {"N": 1, "script": "", "payload": "x"})), kinds)
    with pytest.raises(UnsafeModelError, match="column of text 'code'"):
        check_model(model_of(ObjectDescription("Toy", "toy", {"N": 1, "script": ""},
                                               {"other": {"code": np.asarray(["x = 1"], dtype=object)}})), kinds)
    with pytest.raises(InvalidFileError, match="needs the attribute"):
        check_model(model_of(ObjectDescription("Toy", "toy", {"N": 1})), kinds)


@pytest.mark.parametrize("attrs, message", [
    (dict(num_neurons=-1), "from 0 to"),
    (dict(num_neurons=2.5), "whole numbers"),
    (dict(method="no_such_method"), "unknown integration method"),
    (dict(threshold="v > 1; import os"), "threshold"),
    (dict(refractory_time=float("nan")), "finite times"),
    (dict(model=1), "must be text"),
])
def test_each_role_checks_its_values(attrs, message):
    with pytest.raises(InvalidFileError, match=message):
        check_model(model_of(neurons(**attrs)), BY_NAME)


@pytest.mark.parametrize("table, column, value", [
    ("schedule", "order", np.nan),
    ("schedule", "when", "everywhere"),
    ("runs", "seed", 0.5),
    ("clocks", "dt", -1.0),
    ("identifiers", "kind", "module"),
])
def test_every_column_of_a_network_table_is_type_checked(table, column, value):
    columns = {
        "schedule": dict(object=["neurons"], owner=["neurons"], kind=["NeuronGroup"], clock=["defaultclock"],
                         when=["groups"], order=[0], active=[True], member=[True]),
        "runs": dict(start_time=[0.0], duration=[0.01], seed=[-1]),
        "clocks": dict(clock=["defaultclock"], dt=[1e-4]),
        "identifiers": dict(identifier=["tau"], scope=["run"], run=[0], kind=["constant"], value=[0.01],
                            dimensions=[[0.0, 0, 1, 0, 0, 0, 0]], dtype=["float64"], reference=[""]),
    }
    tables = {name: {key: np.asarray(values, dtype=object if isinstance(values[0], str) else None)
                     for key, values in table_columns.items()} for name, table_columns in columns.items()}
    check_model(model_of(neurons(), **tables), BY_NAME)  # the table as written is accepted
    tables[table][column] = np.asarray([value], dtype=object if isinstance(value, str) else None)
    with pytest.raises(InvalidFileError, match=f"'{table}' table's column '{column}'"):
        check_model(model_of(neurons(), **tables), BY_NAME)


def test_unknown_network_tables_and_columns_are_refused():
    with pytest.raises(InvalidFileError, match="not one brian2nwb writes"):
        check_model(model_of(neurons(), extra={"x": np.arange(2)}), BY_NAME)
    with pytest.raises(InvalidFileError, match="unknown column 'hidden'"):
        check_model(model_of(neurons(), runs={"duration": np.asarray([0.1]), "hidden": np.asarray([1])}), BY_NAME)


def test_the_checked_model_is_a_copy_of_its_own_type():
    original = neurons(threshold="v>1", reset="v=0")
    model = model_of(original)
    checked = check_model(model, BY_NAME)
    assert isinstance(checked, CheckedModel) and not isinstance(model, CheckedModel)
    assert checked.objects[0].attrs["threshold"] == "v > 1" and original.attrs["threshold"] == "v>1"


def test_every_kind_declares_every_attribute_of_its_type():
    """The ndx-brian2 type of a kind has one attribute per declared field (and the base type the base
    fields): the declaration the checker uses is the spec the files are written with."""
    def attributes(nwb_type: str) -> set[str]:
        spec = TYPE_MAP.namespace_catalog.get_spec(NAMESPACE, nwb_type)
        return {attribute.name for attribute in spec.attributes} - {"help", "description", "namespace",
                                                                     "neurodata_type", "object_id"}

    assert attributes("Brian2ObjectModel") == {field.name for field in BASE_FIELDS}
    for kind in REGISTRY.values():
        if kind.nwb_type is None:
            continue
        declared = {field.name for field in BASE_FIELDS + kind.fields}
        # monitors share one type; its 'kind' attribute says which monitor a description is
        assert attributes(kind.nwb_type) - {"kind"} == declared, kind.name
        assert all(isinstance(field.role, Role) for field in kind.fields)
