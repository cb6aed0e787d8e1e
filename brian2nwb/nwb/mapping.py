"""The model side of the file: `ModelDescription` <-> ndx-brian2 containers.

Writing turns each `ObjectDescription` into its ndx-brian2 type (attributes by
name, tables as `Brian2Table`s); reading does the reverse, driven by the types'
spec, so that a new kind needs no code here.

A `Brian2Table` is a group of equally long columns (``VectorData``, with
``QuantityData`` for quantities) and a ``colnames`` attribute giving their order;
not a ``DynamicTable``: it needs no ``id`` column (0..n-1 would carry nothing),
and one-row tables (a group's shared variables, a network's one clock or run)
are as natural here as many-row ones.
"""

from __future__ import annotations

import numpy as np
from brian2 import Quantity
from brian2.units.fundamentalunits import get_or_create_dimension
from hdmf.common import VectorData

from ..brian.stored import stored_column
from ..errors import InvalidFileError
from ..model.description import ModelDescription, ObjectDescription, Table
from ..model.fields import size_field
from ..model.quantities import dimensions_of, si_unit_name
from ..model.tables import NETWORK_TABLES, TableDoc, find, variable_doc
from .datasets import StorageOptions
from .extension import NAMESPACE, TYPE_MAP, QuantityData, nwb_class

#: Attributes every container has that are not part of a description.
_BOOKKEEPING = {"help", "namespace", "neurodata_type", "object_id", "name", "description"}

#: Names a table's container uses itself; a variable with such a name is stored as ``<name>_``
#: (Brian2 names never end with an underscore, so the escape is unambiguous).
RESERVED_COLUMNS = {"id", "name", "description", "colnames", "columns"}


def table_to_nwb(name: str, table: Table, storage: StorageOptions, doc: TableDoc, elements: str = "elements"):
    """A `Brian2Table` from column arrays, described by ``doc``; None for a table without columns or rows
    (readers treat a missing table as empty)."""
    if not table or len(next(iter(table.values()))) == 0:
        return None
    columns = []
    length = None
    for column, values in table.items():
        stored = f"{column}_" if column in RESERVED_COLUMNS else column
        if isinstance(values, Quantity):
            data = np.asarray(values)
            dims = dimensions_of(values)
            unit = si_unit_name(dims)
            columns.append(QuantityData(name=stored, data=storage.wrap(data), unit=unit, dimensions=dims,
                                        description=_column_doc(doc, column, unit, elements, name)))
        else:
            data = _plain_array(values)
            columns.append(VectorData(name=stored, data=storage.wrap(data),
                                      description=_column_doc(doc, column, "dimensionless", elements, name)))
        length = len(data) if length is None else length
        if len(data) != length:
            raise ValueError(f"Table '{name}': column '{column}' has {len(data)} rows, expected {length}.")
    return nwb_class("Brian2Table")(name=name, description=doc.doc, colnames=[c.name for c in columns],
                                    vector_datas=columns)


def _column_doc(doc: TableDoc, column: str, unit: str, elements: str, table: str) -> str:
    return doc.column(column) or variable_doc(column, unit, elements, shared="shared" in table)


def _plain_array(values) -> np.ndarray:
    array = np.asarray(values)
    if array.dtype.kind == "U" or array.dtype == object:
        return np.asarray([str(v) for v in array.ravel()], dtype=object)
    return array


#: Most rows a table of the network (runs, steps, clocks, schedule, identifiers...) may have.
MAX_NETWORK_TABLE_ROWS = 10_000_000
#: Columns that hold a row of values per row (a random generator's keys, SI dimensions, blocks of numbers).
TWO_DIMENSIONAL = {"mt_keys", "dimensions", "values"}
#: Object tables whose large columns are read straight into Brian2's arrays when a network is rebuilt
#: (`brian2nwb.brian.build.apply_state`, the Synapses build), not into arrays of their own first.
DIRECT_TABLES = {"final_state", "initial_state", "connectivity"}
#: Most rows any table may have (Brian2 indexes elements with 32-bit integers).
MAX_TABLE_ROWS = 2**31 - 1


def table_from_nwb(table, max_rows: int = MAX_TABLE_ROWS, direct: bool = False) -> Table:
    """Column arrays of a `Brian2Table`, in its ``colnames`` order; QuantityData columns become Quantities.

    The columns' shapes are checked (equal lengths, at most ``max_rows``, 1-D or 2-D) before any is read.
    With ``direct``, large numeric HDF5 columns are left in the file as `stored.StoredColumn` (their SI
    values, no unit), to be read straight into Brian2's arrays.
    """
    names = [str(name) for name in np.atleast_1d(table.colnames)]
    if set(names) != set(table.vector_datas) or len(names) != len(set(names)):
        raise InvalidFileError(f"Table '{table.name}': its colnames {names} do not name its columns "
                               f"{sorted(table.vector_datas)}.")
    lengths = {name: np.shape(table.vector_datas[name].data) for name in names}
    if any(len(shape) != (2 if name in TWO_DIMENSIONAL else 1) for name, shape in lengths.items()) \
            or len({s[0] for s in lengths.values()}) > 1 or any(shape[0] > max_rows for shape in lengths.values()):
        raise InvalidFileError(f"Table '{table.name}': its columns must be equally long (at most {max_rows} rows) "
                               f"and 1-D (2-D: {', '.join(sorted(TWO_DIMENSIONAL))}); they have shapes {lengths}.")
    result = {}
    for name in names:
        column = table.vector_datas[name]
        data = stored_column(column.data) if direct else None
        if data is not None:
            result[_column_name(column.name)] = data
            continue
        data = np.asarray(column.data[:])
        if data.dtype == object:
            data = np.asarray([v.decode() if isinstance(v, bytes) else v for v in data], dtype=object)
        if getattr(column, "dimensions", None) is not None:  # QuantityData
            data = Quantity(numbers(data, f"Table '{table.name}' column '{name}'"),
                            dim=get_or_create_dimension(dimensions(column.dimensions, f"Column '{name}'")))
        result[_column_name(column.name)] = data
    return result


def numbers(values, what: str, kinds: str = "iuf") -> np.ndarray:
    """``values`` as a numeric array, refused if the file holds anything else there (text, objects)."""
    array = np.asarray(values)
    if array.dtype.kind not in kinds:
        raise InvalidFileError(f"{what} holds {array.dtype} values, not {'whole ' if kinds == 'iu' else ''}numbers.")
    return array


def dimensions(values, what: str) -> np.ndarray:
    """7 finite exponents of SI base units."""
    array = numbers(values, f"{what}: its dimensions")
    if array.shape != (7,) or not np.all(np.isfinite(array)) or np.abs(array).max() > 100:
        raise InvalidFileError(f"{what}: its dimensions must be 7 finite exponents of SI base units.")
    return array.astype(float)


def _column_name(name: str) -> str:
    return name[:-1] if name.endswith("_") and name[:-1] in RESERVED_COLUMNS else name


def _nwb_attrs(attrs: dict) -> dict:
    converted = {}
    for key, value in attrs.items():
        if isinstance(value, bool) or isinstance(value, np.bool_):
            converted[key] = bool(value)
        elif isinstance(value, (int, np.integer)):
            converted[key] = int(value)
        elif isinstance(value, (float, np.floating)):
            converted[key] = float(value)
        elif isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
            converted[key] = ", ".join(value)
        else:
            converted[key] = value
    return converted


def object_to_nwb(description: ObjectDescription, kind, storage: StorageOptions, nwbfile):
    """The ndx-brian2 container of one object (``kind`` is its `brian2nwb.kinds.kind.Kind`)."""
    attrs, tables = kind.to_nwb(description, nwbfile) if kind.to_nwb else (description.attrs, description.tables)
    written = [table_to_nwb(name, columns, storage, find(name, kind.table_docs, kind.elements), kind.elements)
               for name, columns in tables.items()]
    count = attrs.get(size_field(kind.fields))
    size = f", {count} {kind.elements}" if count is not None else ""
    return nwb_class(kind.nwb_type)(
        name=description.name, brian2_tables=[table for table in written if table is not None],
        description=f"The Brian2 {description.kind} '{description.name}'{size}: what is needed to rebuild it.",
        **_nwb_attrs(attrs))


def _spec_attributes(nwb_type: str) -> list[str]:
    spec = TYPE_MAP.namespace_catalog.get_spec(NAMESPACE, nwb_type)
    return [attribute.name for attribute in spec.attributes if attribute.name not in _BOOKKEEPING]


def object_from_nwb(container, kinds_by_type: dict) -> ObjectDescription:
    """The plain description of one ndx-brian2 object container.

    ``kinds_by_type`` maps ndx-brian2 type names to `brian2nwb.kinds.kind.Kind`; the
    kind is the container's ``kind`` attribute if it has one (monitors share a
    type), else its type name without ``Model``.
    """
    nwb_type = type(container).__name__
    if nwb_type not in kinds_by_type:
        raise InvalidFileError(f"'{container.name}' is a {nwb_type}, which this version of brian2nwb does not know.")
    attrs = {}
    for name in _spec_attributes(nwb_type):
        value = getattr(container, name, None)
        if value is not None:
            attrs[name] = value.item() if isinstance(value, np.generic) else value
    tables = {name: table_from_nwb(table, direct=name in DIRECT_TABLES)
              for name, table in container.brian2_tables.items()}
    kind = kinds_by_type[nwb_type]
    if kind.from_nwb is not None:
        kind.from_nwb(container, attrs, tables)
    name = str(attrs.pop("kind")) if "kind" in attrs else nwb_type[: -len("Model")]
    return ObjectDescription(kind=name, name=container.name, attrs=attrs, tables=tables)


def model_to_nwb(model: ModelDescription, kinds: dict, simulation, storage: StorageOptions, nwbfile) -> None:
    """Add the model's objects and network tables to the `Brian2Simulation` container (``kinds`` maps
    description kinds to `brian2nwb.kinds.kind.Kind`)."""
    simulation.objects = nwb_class("Brian2Objects")(
        name="objects", description=f"The {len(model.objects)} objects of the Brian2 network, each named after it.",
        brian2_object_models=[
        object_to_nwb(description, kinds[description.kind], storage, nwbfile) for description in model.objects])
    for name, table in model.tables.items():
        nwb_table = table_to_nwb(name, table, storage, NETWORK_TABLES.get(name, TableDoc(name)))
        if nwb_table is not None:
            simulation.add_brian2_tables(nwb_table)


def object_containers(simulation) -> list:
    """The ndx-brian2 containers of a simulation's objects (``simulation.objects``), in the file's order."""
    return [] if simulation.objects is None else list(simulation.objects.brian2_object_models.values())


def model_from_nwb(simulation, kinds_by_type: dict) -> ModelDescription:
    """The plain description of the network stored in a `Brian2Simulation` container."""
    attrs = {name: getattr(simulation, name) for name in _spec_attributes("Brian2Simulation")
             if getattr(simulation, name, None) is not None}
    objects = [object_from_nwb(container, kinds_by_type) for container in object_containers(simulation)]
    tables = {name: table_from_nwb(table, MAX_NETWORK_TABLE_ROWS) for name, table in simulation.brian2_tables.items()}
    return ModelDescription(objects=objects, tables=tables, attrs=attrs)
