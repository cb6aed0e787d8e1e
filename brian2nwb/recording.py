"""What happened over a recording, from its ``runs``, ``steps`` and ``schedule`` tables: which runs left
results behind, which objects were in the network and active when, and so when each was observed.

Used by the writer (epochs, the Units' ``obs_intervals``) and the reader (which objects a rebuilt network
starts with). Knows no Brian2 kind.
"""

from __future__ import annotations

import numpy as np


class Recording:
    """The sequence of a recording, replayed on names only.

    Parameters
    ----------
    tables : dict
        The model's network tables: ``runs`` (start_time, duration), ``steps``
        (action, target, run; absent: the runs one after the other) and
        ``schedule`` (object, owner, active and member columns).
    """

    def __init__(self, tables: dict):
        runs = tables.get("runs", {})
        self.starts = np.asarray(runs.get("start_time", []), dtype=np.float64)
        self.durations = np.asarray(runs.get("duration", []), dtype=np.float64)
        steps = tables.get("steps") or {"action": ["run"] * len(self.starts), "target": [""] * len(self.starts),
                                         "run": list(range(len(self.starts)))}
        self.steps = [(str(a), str(t), int(r)) for a, t, r in zip(steps["action"], steps["target"], steps["run"])]
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
