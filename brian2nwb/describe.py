"""A live Brian2 network described as plain data (no NWB in here).

Each Brian2 object becomes an `ObjectDescription` (see `model.describe_model`): a
kind (the Brian2 class), attributes (numbers and strings) and named tables
(column name -> array; dimensioned columns are Brian2 Quantities). The same
description is what `build` turns back into Brian2 objects, and what the NWB
model module writes and reads. The describe function of each kind is in the
registry.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from brian2 import Quantity, TimedArray
from brian2.core.functions import Function
from brian2.core.variables import ArrayVariable, Constant
from brian2.equations.equations import BOOLEAN, DIFFERENTIAL_EQUATION, FLOAT, INTEGER, SingleEquation
from brian2.stateupdaters.base import StateUpdateMethod
from brian2.units.fundamentalunits import DIMENSIONLESS

from .equations import equations_text
from .network import NetworkView, walk

Table = dict  # column name -> numpy array or Quantity, all of one length


@dataclass
class ObjectDescription:
    """One Brian2 object as plain data.

    Attributes
    ----------
    kind : str
        The Brian2 class it is rebuilt as, e.g. ``"NeuronGroup"``.
    name : str
        The object's Brian2 name.
    attrs : dict
        Scalar settings (numbers, strings, small arrays) by NWB attribute name.
    tables : dict of str to Table
        Named tables (state, events, pathways...).
    """

    kind: str
    name: str
    attrs: dict = field(default_factory=dict)
    tables: dict = field(default_factory=dict)


def own_array_variables(obj) -> dict:
    """The array variables ``obj`` owns (what Brian2's own ``store()`` saves)."""
    return {name: var for name, var in obj.variables.items()
            if isinstance(var, ArrayVariable) and var.owner is not None and var.owner.name == obj.name
            and name == var.name}


def state_tables(obj, size: int, values_of=None, copy: bool = True) -> tuple[Table, Table]:
    """(per-element table, shared table) of ``obj``'s state.

    Per element: user variables with one value per element. Shared: scalar
    variables, internal ones (``_lastindex``) included. Internal per-element
    arrays (spike spaces, connectivity, counters) are left out: they are derived
    or rebuilt. ``values_of(name, variable)`` gives the values (None: skip);
    by default the current ones. ``copy=False`` returns views of Brian2's arrays
    (valid until the simulation goes on).
    """
    per_element, shared = {}, {}
    for name, var in sorted(own_array_variables(obj).items()):
        values = var.get_value() if values_of is None else values_of(name, var)
        if values is None:
            continue
        if var.scalar:
            shared[name] = _with_unit(np.array([np.asarray(values).item()], dtype=var.dtype), var.dim)
        elif not name.startswith("_") and var.size == size and name not in ("i", "j", "N"):
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
    """The integration method Brian2 chose for ``state_updater``, by its registered name."""
    choice = state_updater.method_choice
    if isinstance(choice, str):
        return choice
    codeobj = getattr(state_updater, "codeobj", None)
    equations = state_updater.group.equations
    if codeobj is not None and len(equations.diff_eq_names) > 0:
        try:
            method = StateUpdateMethod.determine_stateupdater(equations, codeobj.variables, choice)
            for name, registered in StateUpdateMethod.stateupdaters.items():
                if registered is method:
                    return name
        except Exception:  # noqa: BLE001 - fall back to Brian2's own choice at rebuild
            pass
    return ", ".join(choice)


def synapses_equations(synapses) -> str:
    """The Synapses model as the user gave it (Brian2 keeps it split by kind)."""
    lines: list[SingleEquation] = []
    skip = {synapses.multisynaptic_index} if synapses.multisynaptic_index else set()
    if getattr(synapses, "subexpression_updater", None) is not None:
        raise NotImplementedError(f"Synapses '{synapses.name}' use '(constant over dt)' subexpressions, which "
                                  "brian2nwb cannot describe yet.")
    for eq in synapses.equations.ordered:
        if eq.varname not in skip:
            lines.append(eq)
    if synapses.event_driven is not None:
        lines.extend(eq for eq in synapses.event_driven.ordered if eq.type == DIFFERENTIAL_EQUATION)
    for varname, updater in synapses.summed_updaters.items():
        target = updater.target_var
        lines.append(SingleEquation("subexpression", varname, dimensions=target.dim,
                                    var_type=_var_type(target), expr=updater.expression, flags=["summed"]))
    return equations_text(lines)


def _var_type(variable) -> str:
    if variable.dtype == np.bool_:
        return BOOLEAN
    if np.issubdtype(variable.dtype, np.integer):
        return INTEGER
    return FLOAT


def neuron_equations(group) -> str:
    return equations_text(group.user_equations.ordered)


def external_identifiers(view: NetworkView) -> dict:
    """Identifiers the generated code resolved outside its own group, per code object.

    Returns ``{(scope, identifier): value}`` where scope is the name of the group
    whose explicit ``namespace`` held it, or ``"run"`` for the run's namespace (or
    the caller's variables). Values are Constants (value, dimension, dtype) or
    TimedArrays; other functions are returned too, so that the caller can say
    they cannot be stored.
    """
    from brian2.core.namespace import DEFAULT_CONSTANTS, DEFAULT_FUNCTIONS, DEFAULT_UNITS

    found = {}
    for obj in view.all_objects():
        for codeobj in getattr(obj, "_code_objects", ()):
            group = getattr(obj, "group", None)
            group_namespace = getattr(group, "namespace", None) or {}
            internal = set(getattr(obj, "variables", None) or ()) | set(getattr(group, "variables", None) or ())
            for identifier, value in codeobj.variables.items():
                if identifier in internal:
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
                scope = getattr(group, "name", "run") if identifier in group_namespace else "run"
                found[(scope, identifier)] = value
    return found


def _same_constant(default, constant: Constant) -> bool:
    value = getattr(default, "value", default)
    return (np.asarray(value, dtype=np.float64) == np.float64(constant.value)
            and getattr(default, "dim", DIMENSIONLESS) is constant.dim)


def namespace_table(identifiers: dict, run: int, timed_array_names: dict) -> Table:
    """Rows of the namespace table for the resolved external identifiers of one run.

    TimedArrays refer to their stimulus series by name; other functions cannot be
    stored and are listed with kind ``function`` so that rebuilding can name them.
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
        else:
            is_array = isinstance(value, TimedArray)
            rows["kind"].append("timed_array" if is_array else "function")
            rows["value"].append(float(value.dt) if is_array else np.nan)  # the exact dt of a TimedArray
            rows["dimensions"].append(np.zeros(7))
            rows["dtype"].append("")
            rows["reference"].append(timed_array_names.get(id(value), "") if is_array else
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


# --- one describe function per Brian2 object kind (referenced by the registry) ---

def _states(obj, size: int, initial: dict | None) -> dict:
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


def describe_neuron_group(group, initial: dict | None) -> ObjectDescription:
    from brian2.groups.group import CodeRunner

    attrs = {"N": len(group), "model": neuron_equations(group), "method": method_used(group.state_updater),
             "clock": group.clock.name}
    if "spike" in group.events:
        attrs["threshold"] = group.events["spike"]
    if "spike" in group.event_codes:
        attrs["reset"] = group.event_codes["spike"]
    refractory = group._refractory
    if isinstance(refractory, str):
        attrs["refractory"] = refractory
    elif refractory is not False and refractory is not None:
        attrs["refractory_time"] = float(refractory)
    tables = _states(group, len(group), initial)
    tables["dtypes"] = dtypes_table(group)
    events = [name for name in sorted(group.events) if name != "spike"]
    if events:
        tables["events"] = {"event": events, "condition": [group.events[e] for e in events],
                            "code": [group.event_codes.get(e, "") for e in events]}
    regular = [obj for obj in group.contained_objects if type(obj) is CodeRunner]
    if regular:
        tables["run_regularly"] = {"operation": [o.name for o in regular],
                                   "code": [o.abstract_code for o in regular]}
    links = sorted(getattr(group, "_linked_variables", ()))
    if links:
        tables["links"] = _links_table(group, links)
    return ObjectDescription("NeuronGroup", group.name, attrs, tables)


def _links_table(group, names) -> Table:
    rows = {"variable": [], "target": [], "target_variable": [], "index": []}
    for name in names:
        var = group.variables[name]
        index_name = group.variables.indices[name]
        rows["variable"].append(name)
        rows["target"].append(var.owner.name)
        rows["target_variable"].append(var.name)
        rows["index"].append("" if index_name in ("_idx", "0") else index_name)
        if index_name not in ("_idx", "0"):
            raise NotImplementedError(f"The linked variable '{name}' of '{group.name}' uses an index; brian2nwb "
                                      "stores only linked variables without index yet.")
    return rows


def describe_subgroup(subgroup, initial: dict | None) -> ObjectDescription:
    return ObjectDescription("Subgroup", subgroup.name, {"source": subgroup.source.name,
                                                         "start": int(subgroup.start), "stop": int(subgroup.stop)})


def describe_synapses(synapses, initial: dict | None) -> ObjectDescription:
    attrs = {"source": synapses.source.name, "target": synapses.target.name, "model": synapses_equations(synapses),
             "clock": synapses.clock.name}
    if synapses.state_updater is not None:
        attrs["method"] = method_used(synapses.state_updater)
    if synapses.multisynaptic_index:
        attrs["multisynaptic_index"] = synapses.multisynaptic_index
    tables = _states(synapses, len(synapses), initial)
    tables["dtypes"] = dtypes_table(synapses)
    for table in ("final_state", "initial_state"):
        if table in tables and synapses.multisynaptic_index:
            tables[table].pop(synapses.multisynaptic_index, None)  # recomputed by connect()
    connectivity = {"i": _relative_indices(synapses, "_synaptic_pre", synapses.source),
                    "j": _relative_indices(synapses, "_synaptic_post", synapses.target)}
    pathways = {"pathway": [], "prepost": [], "event": [], "code": [], "delay": [], "per_synapse_delay": []}
    for pathway in synapses._pathways:
        objname = pathway.name[len(synapses.name) + 1:]
        delay = pathway.variables["delay"]
        pathways["pathway"].append(objname)
        pathways["prepost"].append(pathway.prepost)
        pathways["event"].append(pathway.event)
        pathways["code"].append(pathway.code)
        pathways["delay"].append(float(delay.get_value().item()) if delay.scalar else 0.0)
        pathways["per_synapse_delay"].append(not delay.scalar)
        if not delay.scalar:
            connectivity[f"delay_{objname}"] = Quantity(np.array(delay.get_value(), copy=True), dim=delay.dim)
    pathways["delay"] = np.asarray(pathways["delay"], dtype=np.float64)
    pathways["per_synapse_delay"] = np.asarray(pathways["per_synapse_delay"], dtype=bool)
    tables["connectivity"] = connectivity
    tables["pathways"] = pathways
    return ObjectDescription("Synapses", synapses.name, attrs, tables)


def _relative_indices(synapses, variable: str, group) -> np.ndarray:
    """Synapse ends as indices in the (sub)group, as Brian2's ``S.i``/``S.j`` give them (int32, no copy
    unless the group is a subgroup)."""
    values = synapses.variables[variable].get_value()
    start = int(getattr(group, "start", 0))
    return values - np.int32(start) if start else values


def describe_poisson_group(group, initial: dict | None) -> ObjectDescription:
    attrs = {"N": len(group), "clock": group.clock.name}
    if isinstance(group._rates, str):
        attrs["rates"] = group._rates
    return ObjectDescription("PoissonGroup", group.name, attrs, _states(group, len(group), initial))


def describe_spike_generator(group, initial: dict | None) -> ObjectDescription:
    attrs = {"N": len(group), "period": float(group.variables["period"].get_value().item()),
             "clock": group.clock.name}
    tables = _states(group, len(group), initial)
    tables["spikes"] = {"neuron_index": np.asarray(group.variables["neuron_index"].get_value(), dtype=np.int64),
                        "time": np.array(group.variables["spike_time"].get_value(), dtype=np.float64)}
    return ObjectDescription("SpikeGeneratorGroup", group.name, attrs, tables)


def describe_poisson_input(poisson_input, initial: dict | None) -> ObjectDescription:
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


def describe_monitor(monitor, initial: dict | None) -> ObjectDescription:
    kind = type(monitor).__name__
    attrs = {"source": monitor.source.name, "clock": monitor.clock.name}
    tables = {}
    if kind in ("SpikeMonitor", "EventMonitor"):
        attrs["event"] = monitor.event
        attrs["record"] = bool(monitor.record)
        attrs["variables"] = sorted(monitor.record_variables - {"i", "t"})
    elif kind == "StateMonitor":
        attrs["variables"] = list(monitor.record_variables)
        attrs["record"] = bool(monitor.record_all)
        tables["recorded"] = {"index": np.asarray(monitor.record, dtype=np.int64)}
    return ObjectDescription(kind, monitor.name, attrs, tables)


def capture_states(objects, copy: bool = True) -> dict:
    """``{name: (per-element table, shared table)}`` of every object that has a state.

    ``copy=False`` gives views of Brian2's arrays (valid until the simulation goes on).
    """
    from .registry import kind_of

    states = {}
    for obj in objects:
        found = kind_of(obj)
        if found is not None and found[1].stateful:
            states[obj.name] = state_tables(obj, len(obj), copy=copy)
    return states


def states_from_store(objects, stored: dict) -> dict:
    """Initial state tables from a ``Network.store()`` snapshot (in memory) taken at t=0."""
    from .registry import kind_of

    states = {}
    for obj in objects:
        found = kind_of(obj)
        if found is not None and found[1].stateful and obj.name in stored:
            saved = stored[obj.name]
            states[obj.name] = state_tables(obj, len(obj), lambda name, var: saved.get(name, (None,))[0])
    return states
