"""The model of a network as a `ModelDescription`: objects, clocks, schedule, namespace, runs and the
sequence of steps that happened, from the live network and what `snapshot` recorded."""

from __future__ import annotations

import hashlib
import json

import numpy as np
from brian2 import Function, TimedArray
from brian2.core.base import BrianObject

from ..brian import binomial, preferences, python_code, random_state, standalone
from ..brian.describe import clocks_table, external_identifiers, namespace_table, schedule_table, state_tables
from ..brian.internals import input_target, linked_variables, stored_states
from ..brian.network import NetworkView
from ..kinds.registry import BY_NAME, kind_of
from ..model import timeline
from ..model.description import ModelDescription, ObjectDescription
from ..trust.model import is_state_table, state_variables

#: Columns of the ``random_states`` table besides the run and its block rows.
RANDOM_COLUMNS = ("mt_keys", "mt_pos", "has_gauss", "cached_gaussian", "rand_index", "randn_index")


def referenced_objects(objects) -> list:
    """Objects that the given ones connect, watch, drive or link to but that are not among them
    (subgroups, groups outside the network), and what those refer to in turn."""
    listed = {obj.name for obj in objects}  # by name: Brian2 refers to some objects through weak proxies
    found = {}
    pending = list(objects)
    while pending:
        obj = pending.pop()
        others = [getattr(obj, "source", None), getattr(obj, "target", None), input_target(obj)]
        for name in linked_variables(obj):
            owner = getattr(obj.variables[name], "owner", None)
            others.append(owner)
            index = obj.variables.indices[name]
            if index in obj.variables and getattr(obj.variables[index], "owner", None) is not None:
                others.append(obj.variables[index].owner)  # the view a link goes through
        for other in others:
            if isinstance(other, BrianObject) and other.name not in listed and other.name not in found:
                found[other.name] = other
                pending.append(other)
    return [found[name] for name in sorted(found)]


def initial_states(view: NetworkView, recorder, net) -> tuple[dict | None, str]:
    """The state of each object when it joined (t=0 for most) and where it came from: the recorder,
    ``Network.store()`` at t=0, or none."""
    if recorder is not None and recorder.initial_state is not None:
        return recorder.initial_state, "snapshot"
    if recorder is not None and standalone.active():  # the program saved it before its first run
        members = [recorder.objects[name] for name in recorder.initial_members]
        saved = standalone.initial_state(stateful(members))
        if saved is not None:
            return saved, "snapshot"
    stored = stored_states(net)
    for state in stored.values():
        if state.get("0_t", None) == 0.0:
            return states_from_store(view.objects, state), "store"
    return None, "none"


def describe_network(view: NetworkView, recorder, net, timed_array_names: dict) -> tuple[ModelDescription,
                                                                                        list[str]]:
    """Describe every object of the network and what happened to it; return the description and what
    was left out (for the caller's warning)."""
    initial, initial_source = initial_states(view, recorder, net)
    descriptions: list[ObjectDescription] = []
    left_out = []
    everything = list(view.objects) + referenced_objects(view.objects)
    recorded = recorder is not None and recorder.runs
    used = [run.identifiers for run in recorder.runs] if recorded else [external_identifiers(view)]
    code, code_left_out, tried = python_code_tables(everything, recorder.joined_code if recorder is not None else {},
                                                    used)
    left_out.extend(code_left_out)
    for obj in everything:
        found = kind_of(obj)
        if found is None or found[1].describe is None:
            continue
        if found[1].python_function is not None and obj.name not in code["python_code"]["function"]:
            continue  # its code could not be kept (said in code_left_out)
        try:
            descriptions.append(found[1].describe(obj, initial))
        except NotImplementedError as error:
            left_out.append(f"{obj.name} model ({error})")
    members = set(recorder.initial_members) if recorded else {obj.name for obj in view.objects}
    schedule = schedule_table(view)
    active = recorder.initial_active if recorded else {}
    schedule["active"] = np.asarray([active.get(name, flag) for name, flag in zip(schedule["object"],
                                                                                  schedule["active"])], dtype=bool)
    schedule["member"] = np.asarray([owner in members for owner in schedule["owner"]], dtype=bool)
    current_preferences = preferences.current()
    tables = {"clocks": clocks_table(view), "schedule": schedule, "slots": {"slot": list(net.schedule)},
              "preferences": {"preference": list(current_preferences), "value": list(current_preferences.values())}}
    if code["python_code"]["function"]:
        tables.update(code)
    tables["binomials"], binomial_names = binomials_table(used)
    references = {**timed_array_names, **binomial_names}
    if recorded:
        tables.update(_recorded_tables(recorder, {d.name: d for d in descriptions}, references))
    else:
        tables["runs"] = {"start_time": np.zeros(1), "duration": np.asarray([view.t_end], dtype=np.float64),
                          "seed": np.full(1, -1, dtype=np.int64)}
        tables["identifiers"] = namespace_table(used[0], 0, references)
        if initial_source == "none":
            left_out.append("the state at t=0 (no brian2nwb.snapshot() before the first run(), and no "
                            "Network.store() at t=0): from_nwb can only continue from the end, state='final'")
    left_out.extend(_functions_left_out(tables["identifiers"], set(code["python_code"]["function"]) | tried))
    for description in descriptions:
        if recorded:  # what it held besides its variables when it joined (spikes in flight), for its build
            description.tables.update(recorder.start_tables.get(description.name, {}))
        _keep_state_variables(description)
    return ModelDescription(objects=descriptions, tables=tables, attrs={"initial_state_source": initial_source}), left_out


def binomials_table(identifier_sets: list[dict]) -> tuple[dict, dict]:
    """The ``binomials`` table (function, n, p, approximate) of the BinomialFunctions the runs used, and
    their names by ``id``."""
    from brian2.input.binomial import BinomialFunction

    table = {"function": [], "n": [], "p": [], "approximate": []}
    names: dict[int, str] = {}
    for identifiers in identifier_sets:
        for value in identifiers.values():
            if not isinstance(value, BinomialFunction) or id(value) in names:
                continue
            found = binomial.parameters(value)
            if found is None:
                continue  # stays a function the file cannot hold
            names[id(value)] = f"binomial_{len(names)}"
            table["function"].append(names[id(value)])
            for column, parameter in zip(("n", "p", "approximate"), found):
                table[column].append(parameter)
    table["n"] = np.asarray(table["n"], dtype=np.int64)
    table["p"] = np.asarray(table["p"], dtype=np.float64)
    table["approximate"] = np.asarray(table["approximate"], dtype=bool)
    return table, names


def _keep_state_variables(description: ObjectDescription) -> None:
    """State tables keep only the variables a reader accepts (`safety.state_variables`, the one definition):
    Brian2's internal arrays of a kind (a SpikeGeneratorGroup's spike times, which have one value per
    element when it has as many spikes as neurons) are stored in the kind's own tables."""
    allowed = state_variables(description, BY_NAME[description.kind])
    for name, table in description.tables.items():
        if is_state_table(name):
            for column in [column for column in table if column not in allowed]:
                del table[column]


def _functions_left_out(identifiers: dict, kept: set[str]) -> list[str]:
    return [f"the function '{name}' (it has no Python implementation that could be kept; pass it back with "
            f"from_nwb(..., functions={{'{name}': ...}}))"
            for name, kind in dict.fromkeys(zip(identifiers.get("identifier", []), identifiers.get("kind", [])))
            if kind == "function" and name not in kept]


def python_code_tables(objects: list, joined: dict, identifier_sets: list[dict]) -> tuple[dict, list[str], set]:
    """The ``python_code`` and ``python_environment`` tables of the objects that call Python functions (a
    kind's ``python_function``: NetworkOperations) and of the Python functions the runs' code called; and what
    could not be kept. ``joined``: the values of each object's names when it joined (`snapshot`), by object
    name and identifier; the values now are the final ones."""
    by_name = {obj.name: obj for obj in objects}
    functions = {}
    for obj in objects:
        found = kind_of(obj)
        called = found[1].python_function(obj) if found is not None and found[1].python_function else None
        if called is not None:
            functions[obj.name] = ("operation", *called)
    left_out = []
    for identifiers in identifier_sets:
        for (_, identifier), value in sorted(identifiers.items()):
            if not isinstance(value, Function) or isinstance(value, TimedArray) or identifier in functions:
                continue
            kept = python_code.python_implementation(value)
            if kept is not None:
                functions[identifier] = ("function", *kept)
    captured = python_code.capture(functions, by_name)
    for name, note in captured.left_out.items():
        if functions[name][0] == "operation":
            left_out.append(f"{name} ({type(by_name[name]).__name__}: its Python code cannot be kept: {note}; pass it "
                            f"back with from_nwb(..., operations={{'{name}': ...}}))")
        else:
            left_out.append(f"the function '{name}' (its Python code cannot be kept: {note}; pass it back with "
                            f"from_nwb(..., functions={{'{name}': ...}}))")
    code = {column: [] for column in ("function", "kind", "definition", "source", "options")}
    environment = {column: [] for column in ("function", "identifier", "kind", "reference", "closure",
                                             "initial_value", "final_value")}
    for row in captured.rows.values():
        for column, value in (("function", row.function), ("kind", row.kind), ("definition", row.definition),
                              ("source", row.source), ("options", json.dumps(row.options, sort_keys=True))):
            code[column].append(value)
        for entry in row.environment:
            final = entry.get("value", "")
            environment["function"].append(row.function)
            environment["identifier"].append(entry["identifier"])
            environment["kind"].append(entry["kind"])
            environment["reference"].append(entry.get("reference", ""))
            environment["closure"].append(bool(entry["closure"]))
            environment["initial_value"].append(joined.get(row.function, {}).get(entry["identifier"], final)
                                                if final else "")
            environment["final_value"].append(final)
    environment["closure"] = np.asarray(environment["closure"], dtype=bool)
    return {"python_code": code, "python_environment": environment}, left_out, set(functions)


def joined_values(obj, members: dict) -> dict:
    """The values of the names of the Python function ``obj`` calls (a kind's ``python_function``), by
    identifier, as JSON: what `snapshot` keeps when ``obj`` joins the network."""
    found = kind_of(obj)
    called = found[1].python_function(obj) if found is not None and found[1].python_function else None
    if called is None:
        return {}
    objects = {other.name: other for other in list(members.values()) + referenced_objects(members.values())}
    captured = python_code.capture({obj.name: ("operation", *called)}, objects)
    row = captured.rows.get(obj.name)
    return {} if row is None else {entry["identifier"]: entry["value"] for entry in row.environment
                                   if "value" in entry}


def _recorded_tables(recorder, by_name: dict, references: dict) -> dict:
    """runs, steps, identifiers and random states; the values set at each step go to the objects'
    ``step_<k>_<table>`` tables."""
    runs = recorder.runs
    steps = timeline.encode(recorder.steps, by_name)
    tables = {
        "runs": {"start_time": np.asarray([r.start for r in runs], dtype=np.float64),
                 "duration": np.asarray([r.duration for r in runs], dtype=np.float64),
                 "seed": np.asarray([-1 if r.seed is None else r.seed for r in runs], dtype=np.int64)},
        "steps": steps,
        "identifiers": _concatenate([namespace_table(run.identifiers, k, references)
                                     for k, run in enumerate(runs)]),
    }
    end = None
    if runs and (recorder.base_seed is None or recorder.continuing) and random_state.readable():
        # what the next run() of this process would start from; for a seeded recording only between the pieces
        # of a streamed run (`brian2nwb.stream`), which a continuation goes on with unseeded
        end = random_state.capture()
    tables.update(random_state_tables(runs, end))
    return tables


def random_state_tables(runs, end: dict | None = None) -> dict:
    """``random_states`` (one row per run whose random state was recorded, and a row numbered
    ``len(runs)`` for the state at the end, which a continuation starts from) and ``random_blocks`` (the
    Cython blocks of numbers in use at those starts, each stored once)."""
    rows = {"run": [], **{key: [] for key in RANDOM_COLUMNS}, "rand_block": [], "randn_block": []}
    blocks: list[np.ndarray] = []
    seen: dict[str, int] = {}
    for k, state in enumerate([run.random_state for run in runs] + [end]):
        if state is None:
            continue
        rows["run"].append(k)
        for key in RANDOM_COLUMNS:
            rows[key].append(state[key])
        for kind in ("rand", "randn"):
            block = state.get(f"{kind}_buffer")
            if block is None:
                rows[f"{kind}_block"].append(-1)
                continue
            key = hashlib.blake2b(np.ascontiguousarray(block).view(np.uint8), digest_size=16).hexdigest()
            if key not in seen:
                seen[key] = len(blocks)
                blocks.append(block)
            rows[f"{kind}_block"].append(seen[key])
    if not rows["run"]:
        return {}
    table = {key: np.asarray(values) for key, values in rows.items()}
    table["mt_keys"] = np.asarray(rows["mt_keys"], dtype=np.uint32).reshape(-1, 624)
    tables = {"random_states": table}
    if blocks:
        tables["random_blocks"] = {"values": np.asarray(blocks, dtype=np.float64)}
    return tables


def earlier_timed_arrays(recorder) -> list[tuple[str, TimedArray]]:
    """(identifier, TimedArray) pairs the recorded runs used (a name rebound between runs gives several)."""
    if recorder is None:
        return []
    return [(identifier, value) for run in recorder.runs for (_, identifier), value in run.identifiers.items()
            if isinstance(value, TimedArray)]


def _concatenate(tables: list[dict]) -> dict:
    if not tables:
        return {}
    result = {}
    for key in tables[0]:
        parts = [t[key] for t in tables]
        if isinstance(parts[0], np.ndarray):
            result[key] = np.concatenate(parts) if parts[0].ndim == 1 else np.concatenate(parts, axis=0)
        else:
            result[key] = [v for part in parts for v in part]
    return result


def capture_states(objects, copy: bool = True) -> dict:
    """``{name: (per-element table, shared table)}`` of every object that has a state.

    ``copy=False`` gives views of Brian2's arrays (valid until the simulation goes on).
    """
    return {obj.name: state_tables(obj, len(obj), copy=copy) for obj in stateful(objects)}


def states_from_store(objects, stored: dict) -> dict:
    """Initial state tables from a ``Network.store()`` snapshot (in memory) taken at t=0."""
    return {obj.name: state_tables(obj, len(obj), lambda name, var: stored[obj.name].get(name, (None,))[0])
            for obj in stateful(objects) if obj.name in stored}


def stateful(objects) -> list:
    """The objects whose kind has a state to record."""
    return [obj for obj in objects if (found := kind_of(obj)) is not None and found[1].stateful]
