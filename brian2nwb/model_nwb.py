"""The model side of the file: `ModelDescription` <-> ndx-brian2 containers.

Writing turns each `ObjectDescription` into its ndx-brian2 type (attributes by
name, tables as DynamicTables); reading does the reverse, driven by the types'
spec, so that a new kind needs no code here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from brian2 import Quantity
from brian2.units.fundamentalunits import get_or_create_dimension
from hdmf.common import DynamicTable, VectorData

from .datasets import StorageOptions
from .describe import ObjectDescription, Table
from .extension import NAMESPACE, TYPE_MAP, QuantityData, nwb_class
from .quantities import dimensions_of, si_unit_name

#: Attributes every container has that are not part of a description.
_BOOKKEEPING = {"help", "namespace", "neurodata_type", "object_id", "name"}

TABLE_DOCS = {
    "final_state": "Per-element variables at the end of the recording, one row per element.",
    "initial_state": ("Per-element variables at t=0 that differ from final_state, one row per element; "
                      "variables missing here had the same values at t=0 as in final_state."),
    "final_shared_state": "Shared (scalar) variables at the end of the recording.",
    "initial_shared_state": "Shared (scalar) variables at t=0.",
    "events": "Custom events: name, condition and the code run on the event.",
    "run_regularly": "Operations run regularly: name and code (clock, when and order in 'schedule').",
    "links": "Linked variables: the variable, and the group and variable it links to.",
    "connectivity": "The realised synapses: presynaptic index i, postsynaptic index j, per-synapse delays.",
    "pathways": ("Synaptic pathways: name, direction, event, code, and the delay in seconds, unless the delays "
                 "are per synapse (then they are in 'connectivity')."),
    "recorded": "Indices recorded by the StateMonitor.",
    "dtypes": "Variables whose floating-point type is not float64 (Brian2's dtype argument).",
    "spikes": "Spikes of the SpikeGeneratorGroup.",
    "clocks": "The clocks: name and dt in seconds.",
    "schedule": ("Every object and its parts: owner, kind, clock, when, order, whether it was active when it "
                 "joined the network (later switches are in 'steps'), and whether its owner was in the network at "
                 "the first run (member; objects that join later have an 'add' step, others are only referred "
                 "to)."),
    "identifiers": ("External identifiers the code used: constants (value in SI units with dimensions and dtype) "
                  "and TimedArrays (reference: their series in /stimulus), by scope (a group's own "
                  "namespace, or 'run') and run (-1: the group namespace)."),
    "runs": ("Each run() call: start and duration in seconds, and the random seed brian2nwb set before it (-1: "
             "none; its random state is then in 'random_states')."),
    "steps": ("What happened to the network, in order: 'run' (the run's row in 'runs'), 'add'/'remove' (an object "
              "joins or leaves the network), 'activate'/'deactivate' (an object or part is switched on or off), "
              "'set' (the user set variables of the target; the values are in its 'step_<row>_state' tables), "
              "'store'/'restore' (the network's state is stored or restored under the target's name)."),
    "random_states": ("The state of Brian2's random numbers at the start of each run ('run'): numpy's Mersenne "
                      "Twister (mt_keys, mt_pos, has_gauss, cached_gaussian) and, for the Cython target, the "
                      "position in the blocks of rand()/randn() numbers in use and their rows in 'random_blocks' "
                      "(-1: none in use)."),
    "random_blocks": "Blocks of random numbers the Cython target had drawn ahead (one block per row).",
    "morphology": ("Sections of the morphology in Brian2's compartment order: kind (Soma, Cylinder, Section), "
                   "type, parent section row (-1: root), name in the parent, number of compartments n."),
    "morphology_points": ("Points of the sections, section after section (1 for a Soma, n+1 otherwise): "
                          "diameter, length of the compartment ending at the point (NaN: none), x, y, z relative "
                          "to the end of the parent section (NaN: no coordinates)."),
}


#: Column names a DynamicTable uses itself; a variable with such a name is stored as ``<name>_``
#: (Brian2 names never end with an underscore, so the escape is unambiguous).
RESERVED_COLUMNS = {"id", "name", "description", "colnames", "columns"}


@dataclass
class ModelDescription:
    """The whole network as plain data."""

    objects: list[ObjectDescription]
    tables: dict[str, Table] = field(default_factory=dict)  # clocks, schedule, namespace, runs
    attrs: dict = field(default_factory=dict)  # versions, dt, t_end, initial_state...


def table_to_nwb(name: str, table: Table, storage: StorageOptions) -> DynamicTable | None:
    """A DynamicTable from column arrays; None for a table without columns or rows
    (readers treat a missing table as empty)."""
    if not table or len(next(iter(table.values()))) == 0:
        return None
    columns = []
    length = None
    for column, values in table.items():
        column = f"{column}_" if column in RESERVED_COLUMNS else column
        if isinstance(values, Quantity):
            data = np.asarray(values)
            dims = dimensions_of(values)
            columns.append(QuantityData(name=column, description=f"{column} in SI units", data=storage.wrap(data),
                                        unit=si_unit_name(dims), dimensions=dims))
        else:
            data = _plain_array(values)
            columns.append(VectorData(name=column, description=column, data=storage.wrap(data)))
        length = len(data) if length is None else length
        if len(data) != length:
            raise ValueError(f"Table '{name}': column '{column}' has {len(data)} rows, expected {length}.")
    return DynamicTable(name=name, description=TABLE_DOCS.get(name, _state_doc(name)), columns=columns,
                        id=np.arange(length, dtype=np.int64))


def _state_doc(name: str) -> str:
    if name.startswith("step_"):
        return f"Variables the user set at step {name.split('_')[1]} of 'steps' (only those that changed)."
    if name.startswith("link_") and name.endswith("_index"):
        return f"The index array of the linked variable '{name[len('link_'):-len('_index')]}'."
    return name


def _plain_array(values) -> np.ndarray:
    array = np.asarray(values)
    if array.dtype.kind == "U" or array.dtype == object:
        return np.asarray([str(v) for v in array.ravel()], dtype=object)
    return array


def table_from_nwb(table: DynamicTable) -> Table:
    """Column arrays of a DynamicTable; QuantityData columns become Quantities."""
    result = {}
    for column in table.columns:
        data = np.asarray(column.data[:])
        if data.dtype == object:
            data = np.asarray([v.decode() if isinstance(v, bytes) else v for v in data], dtype=object)
        if getattr(column, "dimensions", None) is not None:  # QuantityData
            data = Quantity(data, dim=get_or_create_dimension(np.asarray(column.dimensions, dtype=float)))
        name = column.name
        result[name[:-1] if name.endswith("_") and name[:-1] in RESERVED_COLUMNS else name] = data
    return result


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
    """The ndx-brian2 container of one object (``kind`` is its `brian2nwb.kind.Kind`)."""
    attrs, tables = kind.to_nwb(description, nwbfile) if kind.to_nwb else (description.attrs, description.tables)
    dynamic_tables = [table for table in (table_to_nwb(name, columns, storage) for name, columns in tables.items())
                      if table is not None]
    return nwb_class(kind.nwb_type)(name=description.name, dynamic_tables=dynamic_tables, **_nwb_attrs(attrs))


def _spec_attributes(nwb_type: str) -> list[str]:
    spec = TYPE_MAP.namespace_catalog.get_spec(NAMESPACE, nwb_type)
    return [attribute.name for attribute in spec.attributes if attribute.name not in _BOOKKEEPING]


def object_from_nwb(container, kinds_by_type: dict) -> ObjectDescription:
    """The plain description of one ndx-brian2 object container.

    ``kinds_by_type`` maps ndx-brian2 type names to `brian2nwb.kind.Kind`; the
    kind is the container's ``kind`` attribute if it has one (monitors share a
    type), else its type name without ``Model``.
    """
    nwb_type = type(container).__name__
    if nwb_type not in kinds_by_type:
        raise ValueError(f"'{container.name}' is a {nwb_type}, which this version of brian2nwb does not know.")
    attrs = {}
    for name in _spec_attributes(nwb_type):
        value = getattr(container, name, None)
        if value is not None:
            attrs[name] = value.item() if isinstance(value, np.generic) else value
    tables = {name: table_from_nwb(table) for name, table in container.dynamic_tables.items()}
    kind = kinds_by_type[nwb_type]
    if kind.from_nwb is not None:
        kind.from_nwb(container, attrs, tables)
    name = str(attrs.pop("kind")) if "kind" in attrs else nwb_type[: -len("Model")]
    return ObjectDescription(kind=name, name=container.name, attrs=attrs, tables=tables)


def model_to_nwb(model: ModelDescription, kinds: dict, simulation, storage: StorageOptions, nwbfile) -> None:
    """Add the model's objects and network tables to the `Brian2Simulation` container (``kinds`` maps
    description kinds to `brian2nwb.kind.Kind`)."""
    for description in model.objects:
        simulation.add_objects__brian2_object_models(
            object_to_nwb(description, kinds[description.kind], storage, nwbfile))
    for name, table in model.tables.items():
        nwb_table = table_to_nwb(name, table, storage)
        if nwb_table is not None:
            simulation.add_dynamic_tables(nwb_table)


def model_from_nwb(simulation, kinds_by_type: dict) -> ModelDescription:
    """The plain description of the network stored in a `Brian2Simulation` container."""
    attrs = {name: getattr(simulation, name) for name in _spec_attributes("Brian2Simulation")
             if getattr(simulation, name, None) is not None}
    objects = [object_from_nwb(container, kinds_by_type)
               for container in simulation.objects__brian2_object_models.values()]
    tables = {name: table_from_nwb(table) for name, table in simulation.dynamic_tables.items()}
    return ModelDescription(objects=objects, tables=tables, attrs=attrs)
