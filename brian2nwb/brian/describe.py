"""A live Brian2 network described as plain data (no NWB in here): the shared part.

Each Brian2 object becomes an `ObjectDescription` (see `brian2nwb.verbs.network_model.describe_network`): a
kind (the Brian2 class), attributes (numbers and strings) and named tables
(column name -> array; dimensioned columns are Brian2 Quantities). The same
description is what `build` turns back into Brian2 objects, and what the NWB
model module writes and reads. What is specific to one kind of object is in its
module of `brian2nwb.kinds`; this module knows no kind.
"""

from __future__ import annotations

import numpy as np
from brian2 import Quantity, TimedArray
from brian2.core.functions import Function
from brian2.core.variables import ArrayVariable, Constant
from brian2.equations.equations import BOOLEAN, FLOAT, INTEGER
from brian2.stateupdaters.base import StateUpdateMethod
from brian2.units.fundamentalunits import DIMENSIONLESS

from ..model.description import Table
from .network import NetworkView, walk


def own_array_variables(obj) -> dict:
    """The array variables ``obj`` owns (what Brian2's own ``store()`` saves)."""
    return {name: var for name, var in obj.variables.items()
            if isinstance(var, ArrayVariable) and var.owner is not None and var.owner.name == obj.name
            and name == var.name}


#: Variables Brian2 derives from the connectivity or the group size: never stored as state.
DERIVED = {"i", "j", "N", "N_incoming", "N_outgoing"}


def kept_variables(obj) -> dict:
    """The array variables of ``obj`` that its state tables keep (see `state_tables`)."""
    return {name: var for name, var in own_array_variables(obj).items()
            if not name.startswith("_") and name not in DERIVED}


def state_tables(obj, size: int, values_of=None, copy: bool = True) -> tuple[Table, Table]:
    """(per-element table, shared table) of ``obj``'s state.

    Per element: user variables with one value per element. Shared: scalar
    variables. Brian2's internal variables (names starting with ``_``: spike
    spaces, connectivity, counters, a SpikeGeneratorGroup's position) and the
    sizes and indices in `DERIVED` are left out: Brian2 derives them again when the
    objects are rebuilt, and a reader must never load them from a file (they are
    offsets into memory). ``values_of(name, variable)`` gives the values (None: skip);
    by default the current ones. ``copy=False`` returns views of Brian2's arrays
    (valid until the simulation goes on).
    """
    per_element, shared = {}, {}
    for name, var in sorted(kept_variables(obj).items()):
        values = var.get_value() if values_of is None else values_of(name, var)
        if values is None:
            continue
        if var.scalar:
            shared[name] = _with_unit(np.array([np.asarray(values).item()], dtype=var.dtype), var.dim)
        elif np.size(values) == size:  # (not var.size: 0 for a dynamic array before a standalone run)
            per_element[name] = _with_unit(np.array(values, dtype=var.dtype, copy=copy or None), var.dim)
    return per_element, shared


def dtypes_table(obj) -> Table:
    """Variables declared with a floating-point type other than Brian2's default float64."""
    rows = {"variable": [], "dtype": []}
    for name, var in sorted(own_array_variables(obj).items()):
        if np.issubdtype(var.dtype, np.floating) and var.dtype != np.float64 and not name.startswith("_"):
            rows["variable"].append(name)
            rows["dtype"].append(np.dtype(var.dtype).name)
    return rows if rows["variable"] else {}


def _with_unit(values: np.ndarray, dim):
    return values if dim is DIMENSIONLESS else Quantity(values, dim=dim)


def method_used(state_updater) -> str:
    """The integration method Brian2 chose for ``state_updater``, by its registered name (``method=`` may be
    a name, a list of candidates, or one of Brian2's state updater objects such as ``euler``)."""
    choice = state_updater.method_choice
    if isinstance(choice, str):
        return choice
    if callable(choice):
        return _registered_name(choice)
    codeobj = getattr(state_updater, "codeobj", None)
    equations = state_updater.group.equations
    if codeobj is not None and len(equations.diff_eq_names) > 0:
        try:
            return _registered_name(StateUpdateMethod.determine_stateupdater(equations, codeobj.variables, choice))
        except Exception:  # noqa: BLE001 - fall back to Brian2's own choice at rebuild
            pass
    return ", ".join(one if isinstance(one, str) else _registered_name(one) for one in choice)


def _registered_name(method) -> str:
    """The name Brian2 registered a state updater object under."""
    for name, registered in StateUpdateMethod.stateupdaters.items():
        if registered is method:
            return name
    raise NotImplementedError(f"its integration method {getattr(method, '__name__', method)!r} is not one of "
                              f"Brian2's registered methods ({', '.join(StateUpdateMethod.stateupdaters)}); "
                              "register it with StateUpdateMethod.register(name, method) and rebuild with it there")


def constant_over_dt_expressions(group) -> dict[str, str]:
    """``name -> expression`` of the subexpressions marked ``(constant over dt)``, which Brian2 turns into
    parameters updated by a ``subexpression_updater``."""
    updater = getattr(group, "subexpression_updater", None)
    if updater is None:
        return {}
    found = {}
    for line in updater.abstract_code.splitlines():
        name, _, expression = line.partition("=")
        if expression.strip():
            found[name.strip()] = expression.strip()
    return found


def var_type(variable) -> str:
    """Brian2's type name (float, integer, boolean) of a variable."""
    if variable.dtype == np.bool_:
        return BOOLEAN
    if np.issubdtype(variable.dtype, np.integer):
        return INTEGER
    return FLOAT


def external_identifiers(view: NetworkView) -> dict:
    """Identifiers the generated code resolved outside its own group, per code object.

    Returns ``{(scope, identifier): value}`` where scope is the name of the group
    whose explicit ``namespace`` held it (the code's group, or the group a monitor
    or synapse reads from), or ``"run"`` for the run's namespace (or the caller's
    variables). Values are Constants (value, dimension, dtype) or
    TimedArrays; other functions are returned too, so that the caller can say
    they cannot be stored.
    """
    from brian2.core.namespace import DEFAULT_CONSTANTS, DEFAULT_FUNCTIONS, DEFAULT_UNITS

    found = {}
    namespaces = {top.name: top.namespace for top in view.objects if getattr(top, "namespace", None)}
    for obj in view.all_objects():
        group = getattr(obj, "group", None)
        # Brian2 resolves an identifier in the namespace of the group whose code (or subexpression) uses it:
        # the code's own group, or the group a monitor or synapse reads from
        related = [_namespace_owner(group), _namespace_owner(obj)] + [getattr(group, end, None)
                                                                       for end in ("source", "target")]
        scopes = [other.name for other in related if getattr(other, "name", None) in namespaces]
        for codeobj in getattr(obj, "_code_objects", ()):
            internal = set(getattr(obj, "variables", None) or ()) | set(getattr(group, "variables", None) or ())
            for identifier, value in codeobj.variables.items():
                if identifier in internal or identifier.startswith("_"):  # Brian2's own (e.g. Cython's _rand)
                    continue
                if isinstance(value, Constant):
                    default = DEFAULT_UNITS.get(identifier, DEFAULT_CONSTANTS.get(identifier))
                    if default is not None and _same_constant(default, value):
                        continue
                elif isinstance(value, Function):
                    if identifier in DEFAULT_FUNCTIONS and DEFAULT_FUNCTIONS[identifier] is value:
                        continue
                else:
                    continue
                scope = next((name for name in scopes if identifier in namespaces[name]), "run")
                found[(scope, identifier)] = value
    return found


def _namespace_owner(obj):
    """The object whose ``namespace`` argument ``obj``'s namespace is: a monitor shares its source's."""
    source = getattr(obj, "source", None)
    if source is not None and getattr(obj, "namespace", None) is getattr(source, "namespace", False):
        return source
    return obj


def _same_constant(default, constant: Constant) -> bool:
    value = getattr(default, "value", default)
    return (np.asarray(value, dtype=np.float64) == np.float64(constant.value)
            and getattr(default, "dim", DIMENSIONLESS) is constant.dim)


def namespace_table(identifiers: dict, run: int, references: dict) -> Table:
    """Rows of the namespace table for the resolved external identifiers of one run.

    TimedArrays refer to their stimulus series and BinomialFunctions to their row
    of the ``binomials`` table by name (``references``: name by ``id`` of the
    object); other functions cannot be stored and are listed with kind
    ``function`` so that rebuilding can name them.
    """
    rows = {"identifier": [], "scope": [], "run": [], "kind": [], "value": [], "dimensions": [], "dtype": [],
            "reference": []}
    for (scope, identifier), value in sorted(identifiers.items()):
        rows["identifier"].append(identifier)
        rows["scope"].append(scope)
        rows["run"].append(run)
        if isinstance(value, Constant):
            rows["kind"].append("constant")
            rows["value"].append(float(value.value))
            rows["dimensions"].append(np.asarray(value.dim._dims, dtype=np.float64))
            rows["dtype"].append(np.dtype(value.dtype).name)
            rows["reference"].append("")
            continue
        is_array = isinstance(value, TimedArray)
        if is_array:
            rows["kind"].append("timed_array")
        else:
            rows["kind"].append("binomial" if id(value) in references else "function")
        rows["value"].append(float(value.dt) if is_array else np.nan)  # the exact dt of a TimedArray
        rows["dimensions"].append(np.zeros(7))
        rows["dtype"].append("")
        rows["reference"].append(references.get(id(value), "") if is_array or id(value) in references else
                                 getattr(value, "name", identifier) or identifier)
    rows["run"] = np.asarray(rows["run"], dtype=np.int64)
    rows["value"] = np.asarray(rows["value"], dtype=np.float64)
    rows["dimensions"] = np.asarray(rows["dimensions"], dtype=np.float64).reshape(-1, 7)
    return rows


def schedule_table(view: NetworkView) -> Table:
    """when, order, clock and active flag of every object, contained ones included."""
    rows = {"object": [], "owner": [], "kind": [], "clock": [], "when": [], "order": [], "active": []}
    for top in view.objects:
        for obj in walk(top):
            rows["object"].append(obj.name)
            rows["owner"].append(top.name)
            rows["kind"].append(type(obj).__name__)
            rows["clock"].append(obj.clock.name)
            rows["when"].append(obj.when)
            rows["order"].append(int(obj.order))
            rows["active"].append(bool(obj.active))
    rows["order"] = np.asarray(rows["order"], dtype=np.int64)
    rows["active"] = np.asarray(rows["active"], dtype=bool)
    return rows


def clocks_table(view: NetworkView) -> Table:
    clocks = {}
    for obj in view.all_objects():
        clocks[obj.clock.name] = float(obj.clock.dt_)
    names = sorted(clocks)
    return {"clock": names, "dt": np.asarray([clocks[n] for n in names], dtype=np.float64)}




# --- parts that several kinds share (the state, and what any Brian2 Group may carry) ---

def object_states(obj, size: int, initial: dict | None) -> dict:
    """The final (current) state tables, and the initial ones when captured.

    Initial per-element columns equal to the final ones are not repeated: readers
    take a variable missing from ``initial_state`` from ``final_state``.
    """
    tables = {}
    final, final_shared = state_tables(obj, size, copy=False)
    tables["final_state"], tables["final_shared_state"] = final, final_shared
    if initial is not None and obj.name in initial:
        per_element, shared = initial[obj.name]
        tables["initial_state"] = {name: values for name, values in per_element.items()
                                   if name not in final or not _identical(values, final[name])}
        tables["initial_shared_state"] = shared
    return tables


def _identical(a, b) -> bool:
    a, b = np.asarray(a), np.asarray(b)
    return a.dtype == b.dtype and a.shape == b.shape and bool(np.array_equal(a, b))


def group_tables(group, size: int, initial: dict | None) -> dict:
    """What any Brian2 group may carry: state, dtypes, ``run_regularly`` operations and linked variables
    (tables that would be empty are left out)."""
    tables = object_states(group, size, initial)
    tables["dtypes"] = dtypes_table(group)
    tables["method_options"] = method_options_table(getattr(getattr(group, "state_updater", None),
                                                            "method_options", None))
    regular = regular_operations(group)
    if regular:
        tables["run_regularly"] = {"operation": [o.name for o in regular],
                                   "code": [o.abstract_code for o in regular]}
    links = sorted(getattr(group, "_linked_variables", ()))
    if links:
        tables.update(links_tables(group, links))
    return tables


#: Types a method option may have, by the name the ``method_options`` table gives them.
OPTION_TYPES = {"bool": bool, "int": int, "float": float, "str": str}


def method_options_table(options: dict | None) -> Table:
    """Brian2's ``method_options`` (e.g. ``{"simplify": False}`` for ``exact``) as option, type and value (as
    text); values other than numbers, booleans and names cannot be stored."""
    rows = {"option": [], "type": [], "value": []}
    for option, value in sorted((options or {}).items()):
        kind = next((name for name, cls in OPTION_TYPES.items() if type(value) is cls), None)
        if kind is None:
            raise NotImplementedError(f"its method option {option}={value!r} is not a number, boolean or name")
        rows["option"].append(str(option))
        rows["type"].append(kind)
        rows["value"].append(repr(value) if kind != "str" else value)
    return rows if rows["option"] else {}


def regular_operations(group) -> list:
    """The ``run_regularly`` operations of a group (plain `CodeRunner`s among its contained objects)."""
    from brian2.groups.group import CodeRunner

    return [obj for obj in getattr(group, "contained_objects", ()) if type(obj) is CodeRunner]


def links_tables(group, names) -> dict:
    """The ``links`` table (variable, target group, target variable, index) and, for links made with an
    index array, a ``link_<variable>_index`` table holding it.

    ``index`` is empty for Brian2's automatic indexing, the name of an integer
    variable of ``group`` for a link indexed by a variable, or ``"array"``.
    """
    rows = {"variable": [], "target": [], "target_variable": [], "index": []}
    tables = {"links": rows}
    for name in names:
        var = group.variables[name]
        index = group.variables.indices[name]
        target, target_variable = (_linked_subexpression(group, name, var) if var.owner.name == group.name
                                   else (var.owner.name, var.name))
        automatic = f"_{target_variable}_index_"
        if index in ("_idx", "0"):
            index_text = ""
        elif index.startswith(automatic):  # linked to a view (subgroup): Brian2 indexes through it
            target = group.variables[index].owner.name
            index_text = ""
        elif index == f"_{name}_indices":
            index_text = "array"
            tables[f"link_{name}_index"] = {"index": np.asarray(group.variables[index].get_value(),
                                                                 dtype=np.int64)}
        else:
            index_text = index
        rows["variable"].append(name)
        rows["target"].append(target)
        rows["target_variable"].append(target_variable)
        rows["index"].append(index_text)
    return tables


def _linked_subexpression(group, name: str, var) -> tuple[str, str]:
    """(target group, subexpression) of a variable linked to a subexpression.

    Brian2 copies a linked subexpression into the linking group, its identifiers
    renamed ``_<name>_<target group>_<identifier>``; the target is the owner of
    those references, and the subexpression the one that renames to the copy.
    """
    from brian2.core.variables import Subexpression
    from brian2.utils.stringtools import word_substitute

    prefix = f"_{name}_"
    owners = {group.variables[i].owner.name: group.variables[i].owner for i in var.identifiers
              if i.startswith(prefix) and i in group.variables and getattr(group.variables[i], "owner", None)
              is not None and group.variables[i].owner.name != group.name}
    for owner in owners.values():
        for candidate, subexpression in owner.variables.items():
            if not isinstance(subexpression, Subexpression) or subexpression.owner.name != owner.name:
                continue
            renamed = {i: f"{prefix}{owner.name}_{i}" if hasattr(owner.variables[i], "owner") else f"{prefix}{i}"
                       for i in subexpression.identifiers if i in owner.variables}
            if word_substitute(subexpression.expr, renamed) == var.expr:
                return owner.name, candidate
    raise NotImplementedError(f"the linked variable '{name}' refers to a subexpression whose group brian2nwb "
                              "cannot tell")
