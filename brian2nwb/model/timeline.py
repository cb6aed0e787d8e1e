"""The run timeline as plain data: every step that happened to a recorded network, in order, and the one list
of actions a step may have (`ACTIONS`); encoding the steps into the model's tables and decoding them.

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
``step_<row>_<table>``. A new kind of step is one entry of `ACTIONS`, one of
`brian2nwb.verbs.steps.REPLAY` (what it does on a rebuilt network; a setting also reads its value in
`CAPTURE`) and, if a file's value needs a check, one of `brian2nwb.trust.steps.VALUE_CHECKS`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from .format import DECLARATIONS


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
    """What a step of one action means (plain data; what it does on a live network is in
    `brian2nwb.verbs.steps`, how a file's step is checked in `brian2nwb.trust.steps`; what it means for the
    file's readers is the ndx-brian2 format's declaration of the action, `doc`).

    Attributes
    ----------
    target : str
        What its target names: "object", "part", "stored", "clock", "preference" or "" (none).
    needs : str
        The `brian2nwb.kinds.kind.Kind` field the target's kind must have (e.g. ``configure``).
    setting : bool
        Whether it sets a value that the recorder notes where it changes (a dt, the schedule...).
    reads_values : bool
        Whether reading the setting reads values of Brian2 arrays (not possible on standalone before its run).
    """

    target: str
    needs: str = ""
    setting: bool = False
    reads_values: bool = False


#: Every action a step may have: those the ndx-brian2 format declares (`DECLARATIONS["actions"]` says what each
#: means), each with what brian2nwb does of it.
ACTIONS: dict[str, Action] = {
    "run": Action(""),
    "add": Action("object"),
    "remove": Action("object"),
    "activate": Action("part"),
    "deactivate": Action("part"),
    "set": Action("object"),
    "store": Action("stored"),
    "restore": Action("stored"),
    "dt": Action("clock", setting=True, reads_values=True),
    "schedule": Action("", setting=True),
    "preference": Action("preference", setting=True),
    "configure": Action("object", needs="configure", setting=True, reads_values=True),
    "sample": Action("object", needs="sample_method"),
}
if set(ACTIONS) != set(DECLARATIONS["actions"]):
    raise ImportError(f"brian2nwb knows the step actions {sorted(ACTIONS)}; the installed ndx-brian2 declares "
                      f"{sorted(DECLARATIONS['actions'])}: install the ndx-brian2 that brian2nwb requires.")

#: The settings: actions whose steps set a value (recorded where it changes).
SETTINGS = tuple(name for name, action in ACTIONS.items() if action.setting)

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
        clocks = tables.get("clocks", {})
        #: clock name -> the time steps (seconds) it had: at the end of the recording first, then as set
        self._dts = {str(name): [float(dt)] for name, dt in zip(clocks.get("clock", []), clocks.get("dt", []))}
        for step in _steps_of(tables):
            if step.action == "dt":
                self._dts.setdefault(step.target, []).append(float(step.value))

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

    def dts(self, clock: str) -> list[float]:
        """The time steps (seconds) the clock named ``clock`` had during the recording, without repeats: the one at
        its end first (the model's ``clocks`` table), then each value a ``dt`` step set, in order. Samples taken
        before a dt changed after the last run are on one of the later ones."""
        return list(dict.fromkeys(self._dts.get(clock, [])))

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

