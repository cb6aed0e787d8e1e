"""The run timeline: every step that happened to a recorded network, in order - one module records,
encodes, decodes, checks and replays them, from one list of actions (`ACTIONS`).

A recording is a sequence of steps: runs, objects added or removed, objects or
parts switched on or off, variables the user set, states stored and restored,
and the settings that can change between runs (a clock's dt, the schedule, a
preference that changes results, what a kind lets the user replace such as a
SpikeGeneratorGroup's spikes, and samples taken outside runs).

Settings are recorded where they change. The model in the file describes the
network as it was written (clocks, schedule, preferences, spikes at the end);
when a setting changed during the recording, a step at the place it was first
seen sets its first value, so that a rebuilt network starts from the model's end
values and the replay of the steps takes it through every value in order.

In the file: the network's ``steps`` table (``action``, ``target``, ``run``,
``value``), and the values a step sets in its target's tables named
``step_<row>_<table>``. A new kind of step is one entry of `ACTIONS`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from . import preferences
from .errors import UnsafeModelError, printable


@dataclass
class Step:
    """One thing that happened to the network.

    Attributes
    ----------
    action : str
        A key of `ACTIONS`.
    target : str
        The object, part, clock, stored state or preference it concerns.
    run : int
        For ``run``: the row of the ``runs`` table; else -1.
    value : str
        The value a setting takes (a dt, a schedule, a preference), as text.
    tables : dict
        Tables of values it sets (``set``: ``state`` and ``shared_state``; ``configure``: the kind's).
    first : bool
        A setting's first value, recorded when first seen: written only if the setting changed later.
    """

    action: str
    target: str = ""
    run: int = -1
    value: str = ""
    tables: dict = field(default_factory=dict)
    first: bool = False


@dataclass(frozen=True)
class Action:
    """What a step of one action means.

    Attributes
    ----------
    target : str
        What its target names: "object", "part", "stored", "clock", "preference" or "" (none).
    doc : str
        For the ``steps`` table's documentation.
    replay : callable
        ``replay(net, step)`` on a `RebuiltNetwork`.
    check : callable or None
        ``check(step, what)`` of the value a file holds (raise `UnsafeModelError`).
    needs : str
        The `brian2nwb.kind.Kind` field the target's kind must have (e.g. ``configure``).
    capture : callable or None
        For a setting: ``capture(net, objects) -> {target: (value, tables, signature)}``, its current values
        on a live network (the recorder notes a step where one changes); ``signature`` is None, or a cheap
        text that changes whenever the tables do (else the recorder hashes the tables).
    reads_values : bool
        Whether ``capture`` reads values of Brian2 arrays (not possible on standalone before its run).
    """

    target: str
    doc: str
    replay: Callable
    check: Callable | None = None
    needs: str = ""
    capture: Callable | None = None
    reads_values: bool = False


# --- replaying (on a RebuiltNetwork) ------------------------------------------------------------

def _replay_run(net, step: Step) -> None:
    net.replay_run(step.run)


def _replay_set(net, step: Step) -> None:
    from .build import apply_state

    apply_state(net.part(step.target), step.tables.get("state", {}), step.tables.get("shared_state", {}))


def _replay_store(net, step: Step) -> None:
    from brian2 import Network

    Network.store(net, name=step.target)


def _replay_restore(net, step: Step) -> None:
    from brian2 import Network

    Network.restore(net, name=step.target)


def _replay_active(net, step: Step) -> None:
    net.part(step.target).active = step.action == "activate"


def _replay_dt(net, step: Step) -> None:
    from brian2 import second

    net.clock(step.target).dt = float(step.value) * second


def _replay_schedule(net, step: Step) -> None:
    net.schedule = schedule_of(step.value)


def _replay_preference(net, step: Step) -> None:
    preferences.apply(step.target, step.value)


def _replay_configure(net, step: Step) -> None:
    from .registry import kind_of

    obj = net.part(step.target)
    kind_of(obj)[1].configure(obj, step.tables)


def _replay_sample(net, step: Step) -> None:
    from .registry import kind_of

    obj = net.part(step.target)
    getattr(obj, kind_of(obj)[1].sample_method)()


# --- the current value of each setting (on a live network) --------------------------------------

def _capture_dt(net, objects) -> dict:
    from .network import walk

    return {part.clock.name: (repr(float(part.clock.dt_)), {}, None) for top in objects for part in walk(top)}


def _capture_schedule(net, objects) -> dict:
    return {"": (",".join(net.schedule), {}, None)}


def _capture_preferences(net, objects) -> dict:
    return {name: (text, {}, None) for name, text in preferences.current().items()}


def _capture_configure(net, objects) -> dict:
    from .registry import kind_of

    found = {}
    for top in objects:
        kind = kind_of(top)
        if kind is not None and kind[1].settings is not None:
            signature = kind[1].settings_signature(top) if kind[1].settings_signature is not None else None
            found[top.name] = ("", kind[1].settings(top), signature)
    return found


def settings(net, objects, values: bool = True) -> dict:
    """``{(action, target): (value, tables, signature)}`` of every setting of ``net`` and its ``objects`` (without
    ``values``: only those read without reading Brian2's arrays)."""
    return {(name, target): setting for name, action in ACTIONS.items()
            if action.capture is not None and (values or not action.reads_values)
            for target, setting in action.capture(net, objects).items()}


# --- checking a file's values -------------------------------------------------------------------

def _check_dt(step: Step, what: str) -> None:
    try:
        dt = float(step.value)
    except ValueError:
        dt = float("nan")
    if not np.isfinite(dt) or not 0 < dt <= 1e3:
        raise UnsafeModelError(f"{what}: the dt {printable(step.value)!r} is not a positive time in seconds.")


def _check_schedule(step: Step, what: str) -> None:
    from .safety import SCHEDULE_SLOTS

    slots = schedule_of(step.value)
    if not slots or len(slots) > 100 or any(slot not in SCHEDULE_SLOTS or slot.startswith(("before_", "after_"))
                                           for slot in slots):
        raise UnsafeModelError(f"{what}: {printable(step.value)!r} is not a schedule of Brian2's slots.")


def _check_preference(step: Step, what: str) -> None:
    if not preferences.is_allowed(step.target, step.value):
        raise UnsafeModelError(f"{what}: the preference {printable(step.target)!r} = {printable(step.value)!r} is "
                               f"not one brian2nwb sets (known: {', '.join(preferences.RECORDED)}).")


#: Every action a step may have.
ACTIONS: dict[str, Action] = {
    "run": Action("", "a run() (its row in 'runs')", _replay_run),
    "add": Action("object", "an object joins the network", lambda net, step: net.add(net.waiting.pop(step.target))),
    "remove": Action("object", "an object leaves the network", lambda net, step: net.remove(net.part(step.target))),
    "activate": Action("part", "an object or part is switched on", _replay_active),
    "deactivate": Action("part", "an object or part is switched off", _replay_active),
    "set": Action("object", "the user set variables (values in the target's step_<row>_state tables)", _replay_set),
    "store": Action("stored", "Network.store()", _replay_store),
    "restore": Action("stored", "Network.restore()", _replay_restore),
    "dt": Action("clock", "a clock's dt is set (value: seconds)", _replay_dt, _check_dt, capture=_capture_dt,
                 reads_values=True),
    "schedule": Action("", "the network's schedule is set (value: its slots, comma-separated)", _replay_schedule,
                       _check_schedule, capture=_capture_schedule),
    "preference": Action("preference", "a Brian2 preference that changes results is set (target: its name)",
                         _replay_preference, _check_preference, capture=_capture_preferences),
    "configure": Action("object", "what the object's kind lets the user replace between runs is replaced (e.g. a "
                                  "SpikeGeneratorGroup's set_spikes(), a Synapses' connect(); values in "
                                  "step_<row>_<table> tables)",
                        _replay_configure, needs="configure", capture=_capture_configure, reads_values=True),
    "sample": Action("object", "a StateMonitor records one sample outside a run (record_single_timestep())",
                     _replay_sample, needs="sample_method"),
}

#: The settings: actions whose steps set a value (recorded where it changes).
SETTINGS = tuple(name for name, action in ACTIONS.items() if action.capture is not None)

#: More steps than this is not a recording but an attack.
MAX_STEPS = 10_000_000


def schedule_of(value: str) -> list[str]:
    return [slot.strip() for slot in str(value).split(",") if slot.strip()]


# --- encoding and decoding ----------------------------------------------------------------------

def written_steps(steps: list[Step]) -> list[Step]:
    """The steps as written: a setting's first value is kept only if the setting changed later."""
    changed = {(s.action, s.target) for s in steps if s.action in SETTINGS and not s.first}
    return [s for s in steps if not s.first or (s.action, s.target) in changed]


def encode(steps: list[Step], descriptions: dict) -> dict:
    """The ``steps`` table of ``steps`` (see `written_steps`); each step's tables go to its target's
    description (``descriptions`` by name) as ``step_<row>_<table>``."""
    table = {"action": [], "target": [], "run": [], "value": []}
    for k, step in enumerate(written_steps(steps)):
        table["action"].append(step.action)
        table["target"].append(step.target)
        table["run"].append(step.run)
        table["value"].append(step.value)
        if step.tables and step.target in descriptions:
            for name, values in step.tables.items():
                descriptions[step.target].tables[f"step_{k}_{name}"] = values
    table["run"] = np.asarray(table["run"], dtype=np.int64)
    return table


_STEP_TABLE = re.compile(r"^step_(\d+)_(\w+)$")


def _steps_of(tables: dict) -> list[Step]:
    """The steps of a model's network tables, without their values (a file without a ``steps`` table: its
    runs one after the other)."""
    table = tables.get("steps")
    if not table:
        return [Step("run", run=k) for k in range(len(tables.get("runs", {}).get("duration", [])))]
    values = table.get("value", [""] * len(table["action"]))
    return [Step(str(a), str(t), int(r), str(v)) for a, t, r, v in zip(table["action"], table["target"],
                                                                      table["run"], values)]


def decode(model) -> list[Step]:
    """The steps of a model read from a file, each with the tables its target holds for it."""
    steps = _steps_of(model.tables)
    for description in model.objects:
        for name, values in description.tables.items():
            match = _STEP_TABLE.match(name)
            if match and int(match[1]) < len(steps) and steps[int(match[1])].target == description.name:
                steps[int(match[1])].tables[match[2]] = values
    return steps


def check(model, known: set[str]) -> None:
    """The steps of a file: known actions, targets that exist, runs in range, values each action accepts."""
    from .registry import BY_NAME
    from .safety import check_name

    runs = len(model.tables.get("runs", {}).get("duration", []))
    table = model.tables.get("steps", {})
    columns = [table.get(c, []) for c in ("action", "target", "run")] + [table.get("value", [""] * len(
        table.get("action", [])))]
    if len({len(c) for c in columns}) > 1 or len(columns[0]) > MAX_STEPS:
        raise UnsafeModelError("The steps table has columns of different lengths or too many rows.")
    clocks = {str(name) for name in model.tables.get("clocks", {}).get("clock", [])}
    kinds = {d.name: BY_NAME.get(d.kind) for d in model.objects}
    for k, (action, target, run, value) in enumerate(zip(*columns)):
        what = f"Step {k} ({printable(action)})"
        entry = ACTIONS.get(str(action))
        if entry is None:
            raise UnsafeModelError(f"Step {k}: unknown action {printable(action)!r} (known: {', '.join(ACTIONS)}).")
        if str(action) == "run" and not 0 <= int(run) < runs:
            raise UnsafeModelError(f"Step {k} runs run {run}; the file has {runs} runs.")
        if entry.target == "stored":
            check_name(str(target), f"Step {k}: stored state")
        elif entry.target == "clock" and str(target) not in clocks:
            raise UnsafeModelError(f"{what} names the clock {printable(target)!r}, which the file does not have.")
        elif entry.target in ("object", "part") and str(target) not in known:
            raise UnsafeModelError(f"{what} names {printable(target)!r}, which is not an object of the file.")
        if entry.needs and getattr(kinds.get(str(target)), entry.needs, None) is None:
            raise UnsafeModelError(f"{what}: {printable(target)!r} is not an object of a kind that can do this.")
        if entry.check is not None:
            entry.check(Step(str(action), str(target), int(run), str(value)), what)
    for k, step in enumerate(decode(model)):
        if step.action == "configure" and set(step.tables) != set(kinds[step.target].settings_tables):
            raise UnsafeModelError(f"Step {k} (configure) of {printable(step.target)!r} holds the tables "
                                   f"{sorted(step.tables)}, not {sorted(kinds[step.target].settings_tables)}.")


# --- what happened, on names only (writer: epochs and observation intervals; reader: members) ----

class Recording:
    """The sequence of a recording, replayed on names only.

    Parameters
    ----------
    tables : dict
        The model's network tables: ``runs`` (start_time, duration), ``steps``
        and ``schedule`` (object, owner, active and member columns).
    """

    def __init__(self, tables: dict):
        runs = tables.get("runs", {})
        self.starts = np.asarray(runs.get("start_time", []), dtype=np.float64)
        self.durations = np.asarray(runs.get("duration", []), dtype=np.float64)
        self.steps = [(step.action, step.target, step.run) for step in _steps_of(tables)]
        schedule = tables.get("schedule", {})
        owners = [str(owner) for owner in schedule.get("owner", [])]
        members = schedule.get("member", [True] * len(owners))
        self.initial_members = {owner for owner, member in zip(owners, members) if member}
        self.initial_active = {str(name): bool(active) for name, active in zip(schedule.get("object", []),
                                                                               schedule.get("active", []))}

    def _replay(self):
        """``(position, step, members, active)`` for every step, the state being that before the step, and
        a last item ``(len(steps), None, members, active)`` with the state at the end (live sets, not
        copies: read them before the next item)."""
        members, active = set(self.initial_members), dict(self.initial_active)
        for position, (action, target, run) in enumerate(self.steps):
            yield position, (action, target, run), members, active
            if action == "add":
                members.add(target)
            elif action == "remove":
                members.discard(target)
            elif action in ("activate", "deactivate"):
                active[target] = action == "activate"
        yield len(self.steps), None, members, active

    def state_after(self, played: int) -> tuple[set[str], dict[str, bool]]:
        """(members, active flags) after the first ``played`` steps."""
        for position, _, members, active in self._replay():
            if position == min(played, len(self.steps)):
                return set(members), dict(active)
        raise AssertionError("unreachable")

    def surviving_runs(self) -> list[int]:
        """The runs whose results the recording keeps: a ``restore`` takes the network (monitors included)
        back to a stored state, so the runs since that store leave nothing behind."""
        timeline: list[int] = []
        stored: dict[str, list[int]] = {}
        for action, target, run in self.steps:
            if action == "run":
                timeline.append(run)
            elif action == "store":
                stored[target] = list(timeline)
            elif action == "restore":
                timeline = list(stored.get(target, []))
        return [k for k in timeline if self.durations[k] > 0]

    def interval(self, run: int) -> tuple[float, float]:
        return float(self.starts[run]), float(self.starts[run] + self.durations[run])

    def observed(self, names) -> dict[str, list[tuple[float, float]]]:
        """For each of ``names``: the simulated intervals, merged where they touch, in which it was in the
        network and active during a surviving run."""
        surviving = set(self.surviving_runs())
        intervals: dict[str, list[list[float]]] = {name: [] for name in names}
        for _, step, members, active in self._replay():
            if step is None or step[0] != "run" or step[2] not in surviving:
                continue
            start, stop = self.interval(step[2])
            for name, found in intervals.items():
                if name not in members or not active.get(name, True):
                    continue
                if found and found[-1][1] == start:
                    found[-1][1] = stop
                else:
                    found.append([start, stop])
        return {name: [(start, stop) for start, stop in found] for name, found in intervals.items()}

