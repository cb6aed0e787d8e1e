"""The model of a network as a `ModelDescription`: objects, clocks, schedule,
namespace and runs, from the live network and what `snapshot` recorded."""

from __future__ import annotations

import numpy as np
from brian2 import TimedArray
from brian2.groups.subgroup import Subgroup

from .describe import ObjectDescription, clocks_table, external_identifiers, namespace_table, schedule_table, \
    state_tables
from .model_nwb import ModelDescription
from .network import NetworkView
from .registry import kind_of


def referenced_subgroups(objects) -> list:
    """Subgroups that objects connect or watch but that the network does not list."""
    listed = {id(obj) for obj in objects}
    found = {}
    for obj in objects:
        for attribute in ("source", "target", "_group"):
            other = getattr(obj, attribute, None)
            if isinstance(other, Subgroup) and id(other) not in listed:
                found[other.name] = other
    return [found[name] for name in sorted(found)]


def initial_states(view: NetworkView, recorder, net) -> tuple[dict | None, str]:
    """The state at t=0 and where it came from: the recorder, ``Network.store()``, or none."""
    if recorder is not None and recorder.initial_state is not None:
        return recorder.initial_state, "snapshot"
    stored = getattr(net, "_stored_state", {}) or {}
    for state in stored.values():
        if state.get("0_t", None) == 0.0:
            return states_from_store(view.objects, state), "store"
    return None, "none"


def describe_model(view: NetworkView, recorder, net, timed_array_names: dict) -> tuple[ModelDescription,
                                                                                        list[str]]:
    """Describe every object of the network; return the description and what was left out."""
    initial, initial_source = initial_states(view, recorder, net)
    descriptions: list[ObjectDescription] = []
    left_out = []
    for obj in list(view.objects) + referenced_subgroups(view.objects):
        found = kind_of(obj)
        if found is None or found[1].describe is None:
            continue
        try:
            descriptions.append(found[1].describe(obj, initial))
        except NotImplementedError as error:
            left_out.append(f"{obj.name} model ({error})")

    runs = {"start_time": [], "duration": [], "seed": []}
    namespaces = []
    if recorder is not None and recorder.runs:
        by_name = {d.name: d for d in descriptions}
        for k, run in enumerate(recorder.runs):
            runs["start_time"].append(run.start)
            runs["duration"].append(run.duration)
            runs["seed"].append(run.seed)
            namespaces.append(namespace_table(run.identifiers, k, timed_array_names))
            for name, (per_element, shared) in run.changes.items():
                if name in by_name:
                    by_name[name].tables[f"run_{k}_state"] = per_element
                    by_name[name].tables[f"run_{k}_shared_state"] = shared
    else:
        runs["start_time"].append(0.0)
        runs["duration"].append(view.t_end)
        runs["seed"].append(-1)
        namespaces.append(namespace_table(external_identifiers(view), 0, timed_array_names))
    tables = {
        "clocks": clocks_table(view),
        "schedule": schedule_table(view),
        "identifiers": _concatenate(namespaces),
        "runs": {"start_time": np.asarray(runs["start_time"], dtype=np.float64),
                 "duration": np.asarray(runs["duration"], dtype=np.float64),
                 "seed": np.asarray(runs["seed"], dtype=np.int64)},
    }
    return ModelDescription(objects=descriptions, tables=tables, attrs={"initial_state": initial_source}), left_out


def earlier_timed_arrays(recorder) -> dict:
    """TimedArrays (by identifier) that recorded runs used."""
    if recorder is None:
        return {}
    return {identifier: value for run in recorder.runs for (_, identifier), value in run.identifiers.items()
            if isinstance(value, TimedArray)}


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
    states = {}
    for obj in objects:
        found = kind_of(obj)
        if found is not None and found[1].stateful:
            states[obj.name] = state_tables(obj, len(obj), copy=copy)
    return states


def states_from_store(objects, stored: dict) -> dict:
    """Initial state tables from a ``Network.store()`` snapshot (in memory) taken at t=0."""
    states = {}
    for obj in objects:
        found = kind_of(obj)
        if found is not None and found[1].stateful and obj.name in stored:
            saved = stored[obj.name]
            states[obj.name] = state_tables(obj, len(obj), lambda name, var: saved.get(name, (None,))[0])
    return states
