"""What each action of the run timeline does on a live network: replaying a step on a `RebuiltNetwork`
(`REPLAY`), and reading a setting's current value (`CAPTURE`, for the recorder).

The actions themselves - their names, what their target is, what a kind needs for
them - are plain data in `brian2nwb.model.timeline`; the checks of a file's steps
are in `brian2nwb.trust.steps`. Each table has one entry per action (a test says so).
"""

from __future__ import annotations

from collections.abc import Callable

from brian2 import Network, second

from ..brian import preferences
from ..brian.build import apply_state
from ..brian.network import walk
from ..kinds.registry import kind_of
from ..model.timeline import ACTIONS, Step, schedule_of


def _replay_run(net, step: Step) -> None:
    net.replay_run(step.run)


def _replay_set(net, step: Step) -> None:
    apply_state(net.part(step.target), step.tables.get("state", {}), step.tables.get("shared_state", {}))


def _replay_active(net, step: Step) -> None:
    net.part(step.target).active = step.action == "activate"


def _replay_configure(net, step: Step) -> None:
    obj = net.part(step.target)
    kind_of(obj)[1].configure(obj, step.tables)


def _replay_sample(net, step: Step) -> None:
    obj = net.part(step.target)
    getattr(obj, kind_of(obj)[1].sample_method)()


#: ``replay(net, step)`` of each action, on a `brian2nwb.verbs.rebuilt.RebuiltNetwork`.
REPLAY: dict[str, Callable] = {
    "run": _replay_run,
    "add": lambda net, step: net.add(net.waiting.pop(step.target)),
    "remove": lambda net, step: net.remove(net.part(step.target)),
    "activate": _replay_active,
    "deactivate": _replay_active,
    "set": _replay_set,
    "store": lambda net, step: Network.store(net, name=step.target),
    "restore": lambda net, step: Network.restore(net, name=step.target),
    "dt": lambda net, step: setattr(net.clock(step.target), "dt", float(step.value) * second),
    "schedule": lambda net, step: setattr(net, "schedule", schedule_of(step.value)),
    "preference": lambda net, step: preferences.apply(step.target, step.value),
    "configure": _replay_configure,
    "sample": _replay_sample,
}


def _capture_dt(net, objects) -> dict:
    return {part.clock.name: (repr(float(part.clock.dt_)), {}, None) for top in objects for part in walk(top)}


def _capture_configure(net, objects) -> dict:
    found = {}
    for top in objects:
        kind = kind_of(top)
        if kind is not None and kind[1].settings is not None:
            signature = kind[1].settings_signature(top) if kind[1].settings_signature is not None else None
            found[top.name] = ("", kind[1].settings(top), signature)
    return found


#: For each setting (`brian2nwb.model.timeline.SETTINGS`): ``capture(net, objects) -> {target: (value, tables,
#: signature)}``, its current values on a live network (the recorder notes a step where one changes);
#: ``signature`` is None, or a cheap text that changes whenever the tables do (else the recorder hashes them).
CAPTURE: dict[str, Callable] = {
    "dt": _capture_dt,
    "schedule": lambda net, objects: {"": (",".join(net.schedule), {}, None)},
    "preference": lambda net, objects: {name: (text, {}, None) for name, text in preferences.current().items()},
    "configure": _capture_configure,
}


def settings(net, objects, values: bool = True) -> dict:
    """``{(action, target): (value, tables, signature)}`` of every setting of ``net`` and its ``objects`` (without
    ``values``: only those read without reading Brian2's arrays)."""
    return {(name, target): setting for name, capture in CAPTURE.items()
            if values or not ACTIONS[name].reads_values
            for target, setting in capture(net, objects).items()}
