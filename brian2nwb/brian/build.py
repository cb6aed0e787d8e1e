"""Building Brian2 objects back from plain descriptions: the shared part.

The build function of each kind is in its module of `brian2nwb.kinds`; they run
after `safety` has checked the whole model, stage by stage (`brian2nwb.kinds.kind`), so
that every object an object refers to (its source, target or monitored group)
exists already. This module holds what they share.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
from brian2 import Clock, Quantity, defaultclock, linked_var, second
from brian2.core.variables import DynamicArrayVariable
from brian2.units.fundamentalunits import get_or_create_dimension

from ..errors import InvalidFileError, failure_text, raised_in
from . import standalone
from .stored import StoredColumn



@contextmanager
def refused_by_brian2(what: str):
    """Brian2's refusal of a checked model (units that do not match, an identifier it cannot resolve)
    becomes an `InvalidFileError` saying ``what`` Brian2 refused; anything else raises as itself."""
    try:
        yield
    except Exception as error:
        if isinstance(error, InvalidFileError) or not raised_in(error, frozenset({"brian2"})):
            raise
        raise InvalidFileError(f"{what}: {failure_text(error)}") from error


@dataclass
class BuildContext:
    """What building needs besides the object's own description.

    Attributes
    ----------
    clocks : dict
        Clocks by name (``defaultclock`` is Brian2's own).
    objects : dict
        Objects built so far, by name.
    namespaces : dict
        Group-specific namespaces (identifier -> value) by group name.
    schedule : dict
        Rows of the schedule table by object name.
    replay : dict
        Group name -> (neuron indices, spike times in seconds) to play back instead.
    links : list
        Callables that set linked variables, run once every group exists (before
        monitors, which may record linked variables).
    python_functions : dict
        The file's trusted Python functions by their row of ``python_code`` (empty: none trusted).
    """

    clocks: dict
    objects: dict = field(default_factory=dict)
    namespaces: dict = field(default_factory=dict)
    schedule: dict = field(default_factory=dict)
    replay: dict = field(default_factory=dict)
    links: list = field(default_factory=list)
    python_functions: dict = field(default_factory=dict)

    def clock(self, name: str | None) -> Clock:
        return self.clocks.get(name, defaultclock) if name else defaultclock

    def namespace(self, name: str) -> dict | None:
        return self.namespaces.get(name)

    def set_links(self) -> None:
        """Set the linked variables noted so far."""
        while self.links:
            self.links.pop(0)()


def quantity(value, dimensions) -> Quantity | float:
    """A value in SI units with its dimension (exact: no unit strings are parsed)."""
    dims = np.asarray(dimensions, dtype=np.float64)
    return Quantity(value, dim=get_or_create_dimension(dims)) if dims.any() else value


def method_argument(method: str):
    """``"exact"`` or Brian2's list of candidates when the file holds several."""
    names = [name.strip() for name in method.split(",")]
    return names[0] if len(names) == 1 else tuple(names)


def method_options_argument(tables: dict) -> dict | None:
    """Brian2's ``method_options`` from the ``method_options`` table (checked by `safety`)."""
    parse = {"bool": lambda text: text == "True", "int": int, "float": float, "str": str}
    return {str(row["option"]): parse[str(row["type"])](str(row["value"]))
            for row in rows(tables.get("method_options"))} or None


def dtype_argument(tables: dict) -> dict | None:
    """Brian2's ``dtype`` argument for variables that were not float64."""
    return {row["variable"]: np.dtype(str(row["dtype"])) for row in rows(tables.get("dtypes"))} or None


def refractory_argument(attrs: dict):
    """Brian2's ``refractory`` argument: an expression, a time, or False."""
    if "refractory" in attrs:
        return attrs["refractory"]
    if "refractory_time" in attrs:
        return attrs["refractory_time"] * second
    return False


def custom_events(tables: dict) -> dict | None:
    """Brian2's ``events`` argument (name -> condition) from the ``events`` table."""
    return {row["event"]: row["condition"] for row in rows(tables.get("events"))} or None


def rows(table: dict | None) -> list[dict]:
    """The rows of a table (column name -> values) as dicts."""
    if not table:
        return []
    length = len(next(iter(table.values())))
    return [{key: values[k] for key, values in table.items()} for k in range(length)]


def build_group_parts(group, tables: dict, context: BuildContext) -> None:
    """Code run on custom events, ``run_regularly`` operations and linked variables (set later, by
    `BuildContext.set_links`) of a rebuilt group, as `describe.group_tables` stored them."""
    for row in rows(tables.get("events")):
        if row["code"]:
            group.run_on_event(row["event"], row["code"])
    for row in rows(tables.get("run_regularly")):
        clock = context.clock(context.schedule.get(row["operation"], {}).get("clock"))
        group.run_regularly(row["code"], clock=clock, name=row["operation"])
    for row in rows(tables.get("links")):
        context.links.append(lambda row=row: _link(group, row, tables, context))


def _link(group, row: dict, tables: dict, context: BuildContext) -> None:
    index = str(row["index"]) or None
    if index == "array":
        index = np.asarray(tables[f"link_{row['variable']}_index"]["index"])
    setattr(group, row["variable"], linked_var(context.objects[row["target"]], row["target_variable"],
                                               index=index))


def apply_state(obj, per_element: dict, shared: dict) -> None:
    """Set ``obj``'s variables to stored values (raw SI, exactly as stored)."""
    for name, values in list(per_element.items()) + list(shared.items()):
        variable = obj.variables[name]
        sized = not (standalone.active() and isinstance(variable, DynamicArrayVariable))  # known after the run
        if sized and np.size(values) != variable.size:
            raise ValueError(f"'{obj.name}.{name}' has {variable.size} values; the file holds {np.size(values)}.")
        set_values(variable, values)


def set_values(variable, values) -> np.ndarray:
    """``variable.set_value(values)``; a column still in the file (`stored.StoredColumn`) is read straight
    into Brian2's array. Returns the values as placed, for checks (on standalone: as read, since a program's
    arrays can be read only after its run)."""
    if isinstance(values, StoredColumn) and not standalone.active():
        values.read_into(variable.get_value())
        return variable.get_value()
    values = np.asarray(values).astype(variable.dtype, copy=False)
    variable.set_value(values)
    return values
