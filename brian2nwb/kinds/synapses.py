"""``Synapses``: equations, pathways with their code, events and delays, the realised connectivity,
summed variables, per-synapse state, and what any group carries (``run_regularly``, linked variables)."""

from __future__ import annotations

import numpy as np
from brian2 import Quantity, Synapses, second
from brian2.equations.equations import DIFFERENTIAL_EQUATION, PARAMETER, SUBEXPRESSION, Expression, SingleEquation

from ..build import BuildContext, build_group_parts, dtype_argument, method_argument, rows
from ..describe import ObjectDescription, constant_over_dt_expressions, group_tables, method_used, var_type
from ..equations import equations_text
from ..kind import CONNECTIONS, Kind
from ..safety import MAX_SIZE, UnsafeModelError, check_name, check_time, rerender, sizes_of
from ..spec_types import model_type, text_attribute
from ..table_docs import TableDoc


def equations(synapses) -> str:
    """The Synapses model as the user gave it (Brian2 keeps it split by kind)."""
    skip = {synapses.multisynaptic_index} if synapses.multisynaptic_index else set()
    constant_over_dt = constant_over_dt_expressions(synapses)
    lines: list[SingleEquation] = []
    for eq in synapses.equations.ordered:
        if eq.varname in skip:
            continue
        if eq.type == PARAMETER and eq.varname in constant_over_dt:
            eq = SingleEquation(SUBEXPRESSION, eq.varname, dimensions=eq.dim, var_type=eq.var_type,
                                expr=Expression(constant_over_dt[eq.varname]),
                                flags=sorted(set(eq.flags) | {"constant over dt"}))
        lines.append(eq)
    if synapses.event_driven is not None:
        lines.extend(eq for eq in synapses.event_driven.ordered if eq.type == DIFFERENTIAL_EQUATION)
    for varname, updater in synapses.summed_updaters.items():
        target = updater.target_var
        lines.append(SingleEquation(SUBEXPRESSION, varname, dimensions=target.dim, var_type=var_type(target),
                                    expr=updater.expression, flags=["summed"]))
    return equations_text(lines)


def describe(synapses, initial: dict | None) -> ObjectDescription:
    attrs = {"source": synapses.source.name, "target": synapses.target.name, "model": equations(synapses),
             "clock": synapses.clock.name}
    if synapses.state_updater is not None:
        attrs["method"] = method_used(synapses.state_updater)
    if synapses.multisynaptic_index:
        attrs["multisynaptic_index"] = synapses.multisynaptic_index
    tables = group_tables(synapses, len(synapses), initial)
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


def build(description: ObjectDescription, context: BuildContext) -> Synapses:
    attrs, tables = description.attrs, description.tables
    pathways = rows(tables.get("pathways"))
    on_pre = {p["pathway"]: p["code"] for p in pathways if p["prepost"] == "pre"}
    on_post = {p["pathway"]: p["code"] for p in pathways if p["prepost"] == "post"}
    delays = {p["pathway"]: p["delay"] * second for p in pathways if not p["per_synapse_delay"]}
    events = {p["pathway"]: p["event"] for p in pathways if p["event"] != "spike"}
    kwargs = {}
    if "method" in attrs:
        kwargs["method"] = method_argument(attrs["method"])
    synapses = Synapses(
        context.objects[attrs["source"]], context.objects[attrs["target"]], attrs["model"] or None,
        on_pre=on_pre or None, on_post=on_post or None, delay=delays or None, on_event=events or "spike",
        multisynaptic_index=attrs.get("multisynaptic_index"), namespace=context.namespace(description.name),
        clock=context.clock(attrs.get("clock")), dtype=dtype_argument(tables), name=description.name, **kwargs,
    )
    connectivity = tables.get("connectivity", {})
    i = np.asarray(connectivity.get("i", np.zeros(0, dtype=np.int64)), dtype=np.int32)
    j = np.asarray(connectivity.get("j", np.zeros(0, dtype=np.int64)), dtype=np.int32)
    synapses.connect(i=i, j=j)
    for pathway in pathways:
        column = connectivity.get(f"delay_{pathway['pathway']}")
        if column is not None:
            getattr(synapses, pathway["pathway"]).variables["delay"].set_value(np.asarray(column))
    build_group_parts(synapses, tables, context)
    return synapses


def check(description: ObjectDescription, model, checker) -> None:
    """Pathway names, events and code, and synapse ends inside the groups they connect."""
    what, attrs, tables = f"'{description.name}'", description.attrs, description.tables
    pathways = tables.get("pathways", {})
    for name, event in zip(pathways.get("pathway", []), pathways.get("event", [])):
        check_name(str(name), f"{what} pathway")
        check_name(str(event), f"{what} pathway event")
    rerender(pathways, "code", lambda code: checker.check_code(code, f"{what} pathway"))
    for name, delay in zip(pathways.get("pathway", []), pathways.get("delay", [])):
        check_time(delay, f"{what} pathway '{name}' delay", allow_zero=True)
    connectivity = tables.get("connectivity", {})
    if not connectivity:
        return
    i, j = np.asarray(connectivity.get("i", [])), np.asarray(connectivity.get("j", []))
    if len(i) != len(j) or len(i) > MAX_SIZE:
        raise UnsafeModelError(f"{what}: connectivity i and j differ in length or are too long.")
    sizes = sizes_of(model)
    for index, end in ((i, attrs.get("source")), (j, attrs.get("target"))):
        limit = sizes.get(end)
        if len(index) and limit is not None and (index.min() < 0 or index.max() >= limit):
            raise UnsafeModelError(f"{what}: synapse indices outside the {limit} neurons of '{end}'.")
    known = {"i", "j"} | {f"delay_{name}" for name in pathways.get("pathway", [])}
    for column, values in connectivity.items():
        values = np.asarray(values)
        if column not in known or len(values) != len(i):
            raise UnsafeModelError(f"{what}: the connectivity column {column!r} is not i, j or a pathway's delays "
                                   f"('delay_<pathway>'), or its length is not that of i.")
        if column.startswith("delay_") and len(values) and not (np.all(np.isfinite(values)) and values.min() >= 0):
            raise UnsafeModelError(f"{what}: the delays {column!r} must be finite and not negative.")


TABLE_DOCS = {
    "connectivity": TableDoc("The realised synapses, one row per synapse, in Brian2's order.",
                             {"i": "Index of the presynaptic neuron in the source group.",
                              "j": "Index of the postsynaptic neuron in the target group."},
                             other="Per-synapse delays, in seconds, of a pathway (the column is 'delay_<pathway>')."),
    "pathways": TableDoc("The synaptic pathways: the code run when a presynaptic (or postsynaptic) event arrives.",
                         {"pathway": "Name of the pathway (Brian2's on_pre/on_post key, e.g. 'pre').",
                          "prepost": "'pre' or 'post': which side's events trigger it.",
                          "event": "The event that triggers it ('spike' or a custom event).",
                          "code": "The statements run per synapse.",
                          "delay": "Its delay in seconds, when one delay holds for all synapses.",
                          "per_synapse_delay": "Whether delays are per synapse (then in 'connectivity')."}),
}

SPEC = model_type("SynapsesModel", "A Brian2 Synapses object; 'connectivity' holds i, j and per-synapse delays, "
                                   "'pathways' the code run on pre- and postsynaptic events.", [
    text_attribute("source", "Name of the presynaptic group."),
    text_attribute("target", "Name of the postsynaptic group."),
    text_attribute("model", "The synaptic model equations, one per line (see NeuronGroupModel)."),
    text_attribute("method", "The integration method of clock-driven equations.", required=False),
    text_attribute("multisynaptic_index", "Name of the multisynaptic index variable.", required=False),
])

KIND = Kind("Synapses", describe=describe, build=build, stage=CONNECTIONS, nwb_type="SynapsesModel", specs=(SPEC,),
            stateful=True, role="synapses", elements="synapses", check=check, table_docs=TABLE_DOCS)
