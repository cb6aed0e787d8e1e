"""``Synapses``: equations, pathways with their code, events and delays, the realised connectivity,
summed variables, per-synapse state, and what any group carries (``run_regularly``, linked variables)."""

from __future__ import annotations

import hashlib
import re

import numpy as np
from brian2 import Quantity, Synapses, second
from brian2.equations.equations import DIFFERENTIAL_EQUATION, PARAMETER, SUBEXPRESSION, Expression, SingleEquation

from ..brian import standalone
from ..brian.build import (
    BuildContext,
    build_group_parts,
    dtype_argument,
    method_argument,
    method_options_argument,
    rows,
    set_values,
)
from ..brian.describe import constant_over_dt_expressions, group_tables, method_used, var_type
from ..brian.equations import equations_text
from ..brian.stored import StoredColumn
from ..brian.synapses import (
    check_ends,
    placed_and_checked,
    queued_spikes,
    restore_queue,
    set_synapse_ends,
    synapse_ends,
    synapse_pathways,
)
from ..errors import UnsafeModelError
from ..model.description import ObjectDescription
from ..model.fields import fields_of
from ..model.tables import tables_of
from ..trust.code import MAX_SIZE
from .kind import Kind, Listed, Stage


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
    pathways = {"pathway": [], "prepost": [], "event": [], "code": [], "delay": [], "per_synapse_delay": []}
    for pathway in synapse_pathways(synapses):
        delay = pathway.variables["delay"]
        pathways["pathway"].append(pathway.name[len(synapses.name) + 1:])
        pathways["prepost"].append(pathway.prepost)
        pathways["event"].append(pathway.event)
        pathways["code"].append(pathway.code)
        pathways["per_synapse_delay"].append(not delay.scalar)
    current = settings(synapses, copy=True)
    pathways["delay"] = current["delays"]["delay"]
    pathways["per_synapse_delay"] = np.asarray(pathways["per_synapse_delay"], dtype=bool)
    tables["connectivity"] = current["connectivity"]
    tables["pathways"] = pathways
    flying = in_flight(synapses)
    if len(flying["synapse"]):
        tables["in_flight"] = flying
    return ObjectDescription("Synapses", synapses.name, attrs, tables)


def settings(synapses, copy: bool = False) -> dict:
    """What ``connect()`` and setting delays change between runs: ``connectivity`` (i, j and per-synapse
    delays ``delay_<pathway>``, in Brian2's order: new synapses come last) and ``delays`` (each pathway's one
    delay; 0 where delays are per synapse). ``copy=False`` gives views of Brian2's arrays."""
    i, j = synapse_ends(synapses)
    connectivity = {"i": i, "j": j}
    delays = {"pathway": [], "delay": []}
    for pathway in synapse_pathways(synapses):
        name, delay = pathway.name[len(synapses.name) + 1:], pathway.variables["delay"]
        delays["pathway"].append(name)
        delays["delay"].append(float(delay.get_value().item()) if delay.scalar else 0.0)
        if not delay.scalar:
            connectivity[f"delay_{name}"] = Quantity(np.array(delay.get_value(), copy=copy or None), dim=delay.dim)
    delays["delay"] = np.asarray(delays["delay"], dtype=np.float64)
    return {"connectivity": connectivity, "delays": delays}


def settings_signature(synapses) -> str:
    """Brian2 changes synapse ends only by ``connect()``, which adds synapses (``restore()`` takes both networks
    back alike): the count and the delays tell a change."""
    delays = [pathway.variables["delay"].get_value() for pathway in synapse_pathways(synapses)]
    return f"{len(synapses)}:" + ":".join(hashlib.blake2b(np.ascontiguousarray(d).view(np.uint8),
                                                           digest_size=16).hexdigest() for d in delays)


def configure(synapses, tables: dict) -> None:
    """Synapses connected since (rows beyond the current ones) and delays set, as the user did."""
    connectivity = tables["connectivity"]
    count = len(synapses)
    i, j = np.asarray(connectivity["i"]), np.asarray(connectivity["j"])
    if len(i) < count:
        raise ValueError(f"'{synapses.name}' has {count} synapses; a step of the recording has {len(i)} (Brian2 "
                         "removes no synapses).")
    if len(i) > count:
        synapses.connect(i=i[count:].astype(np.int32), j=j[count:].astype(np.int32))
    for name, delay in zip(tables["delays"]["pathway"], tables["delays"]["delay"]):
        variable = getattr(synapses, str(name)).variables["delay"]
        column = connectivity.get(f"delay_{name}")
        if column is not None:
            set_values(variable, column)
        elif variable.scalar:
            set_values(variable, np.asarray([delay]))


def start_with(description: ObjectDescription, tables: dict) -> None:
    """The description as the Synapses was at the start: its first connectivity and delays."""
    description.tables["connectivity"] = tables["connectivity"]
    pathways = description.tables.get("pathways", {})
    first = dict(zip(map(str, tables["delays"]["pathway"]), tables["delays"]["delay"]))
    pathways["delay"] = np.asarray([first.get(str(name), delay) for name, delay in
                                    zip(pathways.get("pathway", []), pathways.get("delay", []))], dtype=np.float64)


def in_flight(synapses) -> dict:
    """The spikes in flight in every pathway's queue: which synapse receives each, in how many time steps of
    the source's clock (0: in the current one)."""
    rows: dict[str, list] = {"pathway": [], "steps": [], "synapse": []}
    for pathway in synapse_pathways(synapses):
        queued = queued_spikes(pathway)
        if queued is None:
            continue
        steps, targets = queued
        rows["pathway"] += [pathway.name[len(synapses.name) + 1:]] * len(steps)
        rows["steps"] += list(steps)
        rows["synapse"] += list(targets)
    return {"pathway": np.asarray(rows["pathway"], dtype=object), "steps": np.asarray(rows["steps"], dtype=np.int64),
            "synapse": np.asarray(rows["synapse"], dtype=np.int64)}


def start_tables(synapses) -> dict:
    """The spikes in flight when the recording starts (or the Synapses joins it), if any: ``initial_in_flight``."""
    flying = in_flight(synapses)
    return {"initial_in_flight": flying} if len(flying["synapse"]) else {}


def continue_from(synapses, description: ObjectDescription, t_end: float) -> None:
    """Put the spikes that were in flight at the end of the recording back into the pathways' queues (in place of
    those `build` put there, in flight at the start)."""
    _fill_queues(synapses, description.tables.get("in_flight", {}), empty_first="initial_in_flight" in
                 description.tables)


def _fill_queues(synapses, flying: dict, empty_first: bool = False) -> None:
    """Put the spikes in flight of a table (``in_flight`` or ``initial_in_flight``) into the pathways' queues;
    ``empty_first``: empty the queues that get none."""
    for pathway in synapse_pathways(synapses):
        name = pathway.name[len(synapses.name) + 1:]
        chosen = np.asarray(flying.get("pathway", []), dtype=object) == name
        if chosen.any():
            restore_queue(pathway, np.asarray(flying["steps"], dtype=np.int64)[chosen],
                          np.asarray(flying["synapse"], dtype=np.int64)[chosen])
        elif empty_first:
            restore_queue(pathway, np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))


def standalone_end(synapses) -> None:
    """Standalone: the program saves the spikes in flight of every pathway at its end."""
    for pathway in synapse_pathways(synapses):
        standalone.record_in_flight(pathway)



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
        kwargs["method_options"] = method_options_argument(tables)
    synapses = Synapses(
        context.objects[attrs["source"]], context.objects[attrs["target"]], attrs["model"] or None,
        on_pre=on_pre or None, on_post=on_post or None, delay=delays or None, on_event=events or "spike",
        multisynaptic_index=attrs.get("multisynaptic_index"), namespace=context.namespace(description.name),
        clock=context.clock(attrs.get("clock")), dtype=dtype_argument(tables), name=description.name, **kwargs,
    )
    connectivity = tables.get("connectivity", {})
    i, j = (connectivity.get(end, np.zeros(0, dtype=np.int32)) for end in ("i", "j"))
    if standalone.active() or not len(i):
        ends = []
        for indices, group in ((i, synapses.source), (j, synapses.target)):
            values = np.asarray(indices)  # read once
            if placed_and_checked(indices):
                check_ends(values, len(group), f"'{synapses.name}'", group.name)
            ends.append(values.astype(np.int32, copy=False))
        synapses.connect(i=ends[0], j=ends[1])
    else:
        set_synapse_ends(synapses, i if placed_and_checked(i) else np.asarray(i, dtype=np.int32),
                         j if placed_and_checked(j) else np.asarray(j, dtype=np.int32))
    for pathway in pathways:
        column = connectivity.get(f"delay_{pathway['pathway']}")
        if column is None:
            continue
        placed = set_values(getattr(synapses, pathway["pathway"]).variables["delay"], column)
        if isinstance(column, StoredColumn) and _bad_delays(placed):  # (others: by `check`)
            raise UnsafeModelError(f"'{synapses.name}': the delays of pathway '{pathway['pathway']}' must be finite "
                                   "and not negative.")
    build_group_parts(synapses, tables, context)
    if tables.get("initial_in_flight"):  # a recording that started from a restored or continued state
        _fill_queues(synapses, tables["initial_in_flight"])
    return synapses


#: Most time steps ahead a spike in flight may be (a delay of 10^7 steps is 1,000 s at dt = 0.1 ms).
MAX_QUEUE_STEPS = 10_000_000


def check(description: ObjectDescription, model, checker) -> None:
    """Synapse ends inside the groups they connect, delays of its own pathways, spikes in flight."""
    what, attrs, tables = f"'{description.name}'", description.attrs, description.tables
    pathways = tables.get("pathways", {})
    if (tables.get("in_flight") or tables.get("initial_in_flight")) and not tables.get("connectivity"):
        raise UnsafeModelError(f"{what}: spikes in flight but no synapses.")
    for name, table in tables.items():
        if re.fullmatch(r"step_\d+_delays", name):
            if not set(map(str, table.get("pathway", []))) <= set(map(str, pathways.get("pathway", []))):
                raise UnsafeModelError(f"{what} {name}: delays of pathways it does not have.")
        elif re.fullmatch(r"step_\d+_connectivity", name):
            _check_connectivity(table, f"{what} {name}", attrs, pathways, model)
    connectivity = tables.get("connectivity", {})
    if not connectivity:
        return
    i = _check_connectivity(connectivity, what, attrs, pathways, model)
    for table in ("in_flight", "initial_in_flight"):
        flying = tables.get(table, {})
        steps, targets = np.asarray(flying.get("steps", [])), np.asarray(flying.get("synapse", []))
        if len(targets) and (not set(map(str, flying.get("pathway", []))) <= set(map(str, pathways.get("pathway", [])))
                             or targets.dtype.kind not in "iu" or steps.dtype.kind not in "iu"
                             or targets.min() < 0 or targets.max() >= len(i) or steps.min() < 0
                             or steps.max() > MAX_QUEUE_STEPS):
            raise UnsafeModelError(f"{what}: spikes in flight ({table}) must name its pathways, its {len(i)} synapses "
                                   f"(offsets into memory) and 0 to {MAX_QUEUE_STEPS} time steps.")


def _check_connectivity(connectivity: dict, what: str, attrs: dict, pathways: dict, model):
    """i and j inside the groups they connect, per-synapse delays of its pathways; returns i."""
    i, j = connectivity.get("i", np.zeros(0)), connectivity.get("j", np.zeros(0))  # read where placed (build)
    if len(i) != len(j) or len(i) > MAX_SIZE:
        raise UnsafeModelError(f"{what}: connectivity i and j differ in length or are too long.")
    sizes = model.sizes
    for index, end in ((i, attrs.get("source")), (j, attrs.get("target"))):
        limit = sizes.get(end)
        if limit is not None and not placed_and_checked(index):
            check_ends(np.asarray(index), limit, what, end)
    known = {"i", "j"} | {f"delay_{name}" for name in pathways.get("pathway", [])}
    for column, values in connectivity.items():
        if column not in known or len(values) != len(i):
            raise UnsafeModelError(f"{what}: the connectivity column {column!r} is not i, j or a pathway's delays "
                                   f"('delay_<pathway>'), or its length is not that of i.")
        if column.startswith("delay_") and not isinstance(values, StoredColumn) and _bad_delays(np.asarray(values)):
            raise UnsafeModelError(f"{what}: the delays {column!r} must be finite and not negative.")
    return i


def _bad_delays(delays: np.ndarray) -> bool:
    """Whether any delay is negative, infinite or NaN (``min`` and ``max`` pass NaN on: two passes, no copy)."""
    return bool(len(delays)) and not (delays.min() >= 0 and np.isfinite(delays.max()))


KIND = Kind("Synapses", describe=describe, build=build, stage=Stage.CONNECTIONS, nwb_type="SynapsesModel",
            stateful=True, listed_as=frozenset({Listed.SYNAPSES}), elements="synapses", check=check,
            table_docs=tables_of("SynapsesModel"),
            continue_from=continue_from, start_tables=start_tables, standalone_end=standalone_end, settings=settings,
            settings_tables=frozenset({"connectivity", "delays"}), settings_signature=settings_signature,
            configure=configure, start_with=start_with, fields=fields_of("SynapsesModel"))
