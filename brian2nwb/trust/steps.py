"""Checks of a file's run timeline: known actions on targets that exist, runs in range, and the values each
action accepts (`VALUE_CHECKS`: a dt, a schedule, an allow-listed preference)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..brian import preferences
from ..errors import UnsafeModelError, printable
from ..model.timeline import ACTIONS, MAX_STEPS, Step, decode, schedule_of
from .code import SCHEDULE_SLOTS, check_name


def _check_dt(step: Step, what: str) -> None:
    try:
        dt = float(step.value)
    except ValueError:
        dt = float("nan")
    if not np.isfinite(dt) or not 0 < dt <= 1e3:
        raise UnsafeModelError(f"{what}: the dt {printable(step.value)!r} is not a positive time in seconds.")


def check_schedule(value: str, what: str) -> None:
    """A schedule: Brian2's slots (without their before_/after_ variants), comma-separated."""
    slots = schedule_of(value)
    if not slots or len(slots) > 100 or any(slot not in SCHEDULE_SLOTS or slot.startswith(("before_", "after_"))
                                           for slot in slots):
        raise UnsafeModelError(f"{what}: {printable(value)!r} is not a schedule of Brian2's slots.")


def check_preference(name: str, value: str, what: str) -> None:
    """A preference brian2nwb sets, to a value of its allow-list."""
    if not preferences.is_allowed(name, value):
        raise UnsafeModelError(f"{what}: the preference {printable(name)!r} = {printable(value)!r} is not one "
                               f"brian2nwb sets (known: {', '.join(preferences.RECORDED)}).")


#: ``check(step, what)`` of the value a step of each setting holds in a file.
VALUE_CHECKS: dict[str, Callable] = {
    "dt": _check_dt,
    "schedule": lambda step, what: check_schedule(step.value, what),
    "preference": lambda step, what: check_preference(step.target, step.value, what),
}


def check_steps(model, known: set[str], kinds: dict) -> None:
    """The steps of a file: known actions, targets that exist (``known`` names; ``kinds`` maps description
    kinds to `brian2nwb.kinds.kind.Kind`), runs in range, values each action accepts."""
    runs = len(model.tables.get("runs", {}).get("duration", []))
    table = model.tables.get("steps", {})
    columns = [table.get(c, []) for c in ("action", "target", "run")] + [table.get("value", [""] * len(
        table.get("action", [])))]
    if len({len(c) for c in columns}) > 1 or len(columns[0]) > MAX_STEPS:
        raise UnsafeModelError("The steps table has columns of different lengths or too many rows.")
    clocks = {str(name) for name in model.tables.get("clocks", {}).get("clock", [])}
    kind_of = {d.name: kinds.get(d.kind) for d in model.objects}
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
        if entry.needs and getattr(kind_of.get(str(target)), entry.needs, None) is None:
            raise UnsafeModelError(f"{what}: {printable(target)!r} is not an object of a kind that can do this.")
        if str(action) in VALUE_CHECKS:
            VALUE_CHECKS[str(action)](Step(str(action), str(target), int(run), str(value)), what)
    for k, step in enumerate(decode(model)):
        if step.action == "configure" and set(step.tables) != set(kind_of[step.target].settings_tables):
            raise UnsafeModelError(f"Step {k} (configure) of {printable(step.target)!r} holds the tables "
                                   f"{sorted(step.tables)}, not {sorted(kind_of[step.target].settings_tables)}.")
