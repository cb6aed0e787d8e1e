"""``snapshot``: record what a re-simulation needs while the user's simulation runs, without changing it.

The recorder is not part of the network: it hooks the network's own entry
points (``before_run``, ``after_run``, ``store``, ``restore`` and the state
``store`` takes), as attributes of that one network object, and the methods
with which a monitor samples outside a run (``StateMonitor.record_single_timestep``,
on the class), each calling Brian2's method unchanged. Nothing the script can
see - the network's objects, names, schedule, profiling, stored states, random
numbers, log lines - differs from the same script without brian2nwb.

What it notes is a sequence of `brian2nwb.model.timeline.Step` s: runs (their start,
duration, the constants their code used, the random state at their start or the
seed brian2nwb set if asked to), objects added and removed, objects switched on
and off, the variables the user set since the network last ran, stores and
restores, and the settings that changed (clocks' dt, the schedule, preferences
that change results, what a kind lets the user replace such as a
SpikeGeneratorGroup's spikes, samples recorded outside runs).
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import os
import weakref
from dataclasses import dataclass, field

import numpy as np
from brian2 import Network, seed
from brian2.core.magic import MagicNetwork, magic_network

from ..brian import random_state, standalone
from ..brian.describe import external_identifiers
from ..brian.internals import hook_network_methods, network_id_of
from ..brian.network import NetworkView, network_time, top_level_objects, walk
from ..brian.recorded import recorded_before
from ..kinds.kind import Listed
from ..kinds.registry import kind_of
from ..model.timeline import ACTIONS, Step
from .network_model import capture_states, joined_values, stateful
from .steps import settings


@dataclass
class RunRecord:
    """One ``run()`` call as the recorder saw it."""

    start: float
    duration: float = 0.0
    seed: int | None = None
    random_state: dict | None = None  # the random state at its start (when not seeded by brian2nwb)
    identifiers: dict = field(default_factory=dict)  # (scope, identifier) -> Constant or Function


#: The token of the state at the start of the recording, which a restore() of a state stored before
#: snapshot() (at that time) goes back to.
START = "recording_start"

#: What a device without seed() whose random state cannot be read leaves out.
NO_SEED = "the random numbers of the runs (this device has no seed() and its random state cannot be read)"


class RunRecorder:
    """Records every run of the network it hooks (see `snapshot`)."""

    def __init__(self, network: Network, base_seed: int | None):
        self._network_ref = weakref.ref(network)
        self.base_seed = None if base_seed is None else int(base_seed)
        self._saved_at_program_end: set[str] = set()  # standalone: objects whose hidden state the program saves
        self._magic_id = getattr(magic_network, "id", None)
        #: A magic simulation that had run when snapshot() was called: its next run continues it.
        self._magic_ran = isinstance(network, MagicNetwork) and network_time(network) > 0
        #: A magic network holds no objects between runs (Brian2 lets go of them so that those the script let go
        #: of are freed): neither does its recorder, which would change the names Brian2 gives new objects.
        self._weakly = isinstance(network, MagicNetwork)
        self._pending_store = None
        self._running = False
        #: The coming before_run/after_run are those of a further piece of the current run (a run made in
        #: pieces, `brian2nwb.brian.pieces`): one recorded run.
        self.continuing = False
        self._start_recording()

    def _start_recording(self) -> None:
        self.initial_state: dict | None = None  # name -> (per-element, shared) when the object joined
        self.initial_active: dict = {}  # object or part name -> active flag when it joined
        self.initial_members: list[str] = []
        #: Every object that was ever a member, by name (held as the network holds them: see `_weakly`).
        self.objects = weakref.WeakValueDictionary() if self._weakly else {}
        self._seen: set[str] = set()  # the names of every object that was ever a member
        self.runs: list[RunRecord] = []
        self.steps: list[Step] = []
        self.unreproducible: list[str] = []  # what happened that a re-run cannot repeat (for to_nwb's warning)
        self._members: set[str] = set()
        self._fingerprints: dict = {}
        self._settings: dict = {}
        self._flags: dict = {}
        self._stored: dict = {}  # (name, file) -> (token, fingerprints, carried rows of the monitors)
        self._start_fingerprints: dict = {}  # the variables at the first run, where START goes back to
        self.joined_code: dict = {}  # name -> {identifier: JSON}: values of its Python names when it joined
        self.start_tables: dict = {}  # name -> a kind's `start_tables` when it joined (spikes in flight...)
        self._carried: dict = {}  # monitor name -> its first rows, recorded before the recording (`_carry`)

    @property
    def network(self) -> Network:
        return self._network_ref()

    def _current(self) -> list:
        """The network's objects: during a run or store, those Brian2 collected; outside (a magic network
        holds none then), the members at the last step."""
        net = self.network
        if net is not None and net.objects:
            return top_level_objects(net.objects)
        return [self.objects[name] for name in sorted(self._members) if name in self.objects]

    def view(self) -> NetworkView:
        """Every object that took part in the recording (members now or earlier)."""
        net = self.network
        current = self._current() if net is not None else []
        objects = {obj.name: obj for obj in list(self.objects.values()) + current}
        gone = sorted(self._seen - set(objects))
        if gone:
            raise RuntimeError(f"The recorded objects {', '.join(gone)} no longer exist: the script let go of them "
                               "(a magic network keeps no objects between runs, and brian2nwb keeps none either), so "
                               "the recording cannot be written. Write it while they exist (right after the last "
                               "run(), where they were made).")
        return NetworkView(name=net.name, t_end=network_time(net), objects=[objects[n] for n in sorted(objects)])

    # --- called by the hooks ---------------------------------------------------------------------

    def _follow(self) -> None:
        """A magic network that starts a new simulation (new objects, time back at 0) starts a new recording."""
        if isinstance(self.network, MagicNetwork) and self._magic_id != magic_network.id:
            if self.runs or self.steps:
                self._start_recording()
            self._magic_id = magic_network.id
            self._magic_ran = False
        if self._magic_ran and not self.runs:
            raise RuntimeError("brian2nwb.snapshot() must be called before the first run() of a simulation; this "
                               "run continues one that ran before it.")

    def before_run(self) -> None:
        """After Brian2 prepared the run (the objects' ``before_run`` draw no random numbers)."""
        if self.continuing:  # a further piece of the run being recorded: nothing changed, nothing seeded
            self._running = True
            return
        self._follow()
        net = self.network
        self.sync()
        if standalone.active():
            self._save_at_program_end()
        run = RunRecord(start=network_time(net))
        if self.base_seed is not None or not random_state.readable():
            if self.base_seed is None:  # standalone: the state cannot be read, so the runs are seeded
                self.base_seed = int(np.random.SeedSequence().entropy % (2**31 - 2**20))
            run.seed = self.base_seed + len(self.runs)
            try:
                seed(run.seed)  # last before the loop: the objects' before_run drew no random numbers
            except NotImplementedError:  # a device without seed(): the run goes on as the script made it
                run.seed = None
        if run.seed is None:
            if random_state.readable():
                run.random_state = random_state.capture()
            elif NO_SEED not in self.unreproducible:
                self.unreproducible.append(NO_SEED)
        self.steps.append(Step("run", run=len(self.runs)))
        self.runs.append(run)
        self._running = True

    def after_run(self, objects: list) -> None:
        self._running = False
        run = self.runs[-1]
        run.duration = network_time(self.network) - run.start
        run.identifiers = external_identifiers(NetworkView("", 0.0, objects))
        if random_state.readable():
            self._fingerprints.update(_fingerprints(capture_states(objects, copy=False)))

    def store(self, key: tuple) -> None:
        """``Network.store()`` is taking the state: note the store (after what changed before it)."""
        self._follow()
        self.sync()
        token = f"store_{len(self._stored)}"
        self._stored[key] = (token, {name: dict(values) for name, values in self._fingerprints.items()},
                             dict(self._carried))
        self.steps.append(Step("store", token))

    def restore(self, key: tuple) -> None:
        """``Network.restore()`` took the network back: the stored values are the new reference."""
        net = self.network
        if key in self._stored:
            token, fingerprints, carried = self._stored[key]
            for monitor in _monitors(self._current()):
                self._carry(monitor, carried.get(monitor.name, 0))
        elif not self.runs:  # before the first run: the state the recording starts from
            self._fingerprints = {}
            for obj in self._current():
                self._carry(obj)
                self._take_start_tables(obj)
            return
        elif not _holds_recordings(self._current()) and self._starts_alike(self._current()):
            # stored before snapshot(), so before any run (the time is the next run's start): the state at the
            # start of the recording, with the restored values set as changed ones
            token, fingerprints = START, self._start_fingerprints
            for obj in self._current():
                self._carry(obj)
            if not any(step.target == START for step in self.steps if step.action == "store"):
                first_run = next(k for k, step in enumerate(self.steps) if step.action == "run")
                self.steps.insert(first_run, Step("store", START))
        else:
            self.unreproducible.append(f"a restore() of the state '{key[0]}', which holds recordings made before "
                                       "brian2nwb.snapshot() or spikes in flight other than those at its start (the "
                                       "re-run cannot go back there)")
            for obj in self._current():
                self._carry(obj)
            return
        self.steps.append(Step("restore", token))
        self._fingerprints = {name: dict(values) for name, values in fingerprints.items()}
        if random_state.readable():  # what Brian2's restore() puts back in both networks alike
            objects = self._current()
            self._settings.update({key: _setting_fingerprint(*setting) for key, setting in
                                   settings(net, objects).items() if ACTIONS[key[0]].reads_values})

    def sample(self, monitor) -> None:
        """The monitor is about to record one sample (outside a run: during one, a NetworkOperation takes it)."""
        if self._running or monitor.name not in self._members:  # (Brian2 samples only monitors that ran)
            return
        self.sync()  # what the user changed before the sample is set before it
        self.steps.append(Step("sample", monitor.name))

    def follows(self, obj) -> bool:
        """Whether ``obj`` is (or, for a magic network, may become) part of the recorded network."""
        net = self.network
        if net is None:
            return False
        if isinstance(net, MagicNetwork):
            return network_id_of(obj) in (None, magic_network.id)
        return any(member is obj for member in net.objects)

    def _save_at_program_end(self) -> None:
        """Standalone: ask the program to save, at its end, what describing the end state needs beyond
        variables (e.g. spikes in flight), for the objects that have such state."""
        for obj in self._current():
            found = kind_of(obj)
            if found and found[1].standalone_end and obj.name not in self._saved_at_program_end:
                found[1].standalone_end(obj)
                self._saved_at_program_end.add(obj.name)

    # --- what changed ----------------------------------------------------------------------------

    def sync(self) -> None:
        """Steps for what changed since the last event: membership, active flags, settings, variables,
        samples recorded outside runs (`to_nwb` calls it too, for what changed after the last run)."""
        first = not self._seen
        current = {obj.name: obj for obj in self._current()}
        if not random_state.readable():  # standalone: no values before the program runs
            if first:
                self.initial_members = sorted(current)
                self.objects.update(current)
                self._seen.update(current)
                self._members = set(current)
                standalone.save_initial_state(stateful(current.values()))
            self._note_settings(current.values(), values=False)
            return
        for name in sorted(self._members - set(current)):
            self.steps.append(Step("remove", name))
        joined = [current[name] for name in sorted(set(current) - self._members)]
        new = [obj for obj in joined if obj.name not in self.objects]
        if not first:
            self.steps.extend(Step("add", obj.name) for obj in joined)
        self.objects.update({obj.name: obj for obj in joined})
        self._seen.update(current)
        self._members = set(current)
        if first:
            self.initial_members = sorted(current)
        self._note_active(current.values(), new)
        for obj in new:
            self.joined_code[obj.name] = joined_values(obj, current)
            self._carry(obj)
            self._take_start_tables(obj)
        self._note_settings(current.values(), values=True)
        states = capture_states(current.values(), copy=False)
        prints = _fingerprints(states)  # each variable hashed once
        new_names = {obj.name for obj in new}
        fresh = {name: tables for name, tables in states.items() if name in new_names}
        if fresh:
            self.initial_state = dict(self.initial_state or {})
            self.initial_state.update({name: (_copy(per), _copy(shared)) for name, (per, shared) in fresh.items()})
        for name, (per_element, shared) in states.items():
            if name in fresh:
                continue
            before, now = self._fingerprints.get(name, {}), prints[name]
            changed = {"state": _copy({k: v for k, v in per_element.items() if before.get(k) != now[k]}),
                       "shared_state": _copy({k: v for k, v in shared.items() if before.get(k) != now[k]})}
            if changed["state"] or changed["shared_state"]:
                self.steps.append(Step("set", name, tables=changed))
        self._fingerprints.update(prints)
        if first:
            self._start_fingerprints = {name: dict(values) for name, values in self._fingerprints.items()}

    def _carry(self, obj, rows: int | None = None) -> None:
        """The first ``rows`` rows (None: all) a monitor holds were recorded before the recording (before it
        started, or before a restore() of a state it did not store, restored from a file): they are not part of
        the recording (`brian2nwb.brian.recorded.recorded_before`), and to_nwb says so."""
        if not _monitors([obj]):
            return
        rows = len(obj.variables["t"].get_value()) if rows is None else rows
        recorded_before(obj, rows)
        self._carried[obj.name] = rows
        note = (f"what {obj.name} held when the recording started or went back to a state it did not store (its first "
                "rows, recorded by runs brian2nwb did not see: restored from a stored state)")
        if rows and note not in self.unreproducible:
            self.unreproducible.append(note)

    def _take_start_tables(self, obj) -> None:
        """What ``obj`` holds besides its variables as it joins (a kind's `start_tables`: spikes in flight)."""
        found = kind_of(obj)
        tables = found[1].start_tables(obj) if found is not None and found[1].start_tables else {}
        if tables:
            self.start_tables[obj.name] = {name: _copy(table) for name, table in tables.items()}
        else:
            self.start_tables.pop(obj.name, None)

    def _starts_alike(self, objects) -> bool:
        """Whether what ``objects`` hold besides their variables (`start_tables`) is what they held at the start."""
        for obj in objects:
            found = kind_of(obj)
            if found is None or found[1].start_tables is None:
                continue
            if _tables_print(found[1].start_tables(obj)) != _tables_print(self.start_tables.get(obj.name, {})):
                return False
        return True

    def _note_active(self, objects, new: list) -> None:
        new_names = {obj.name for obj in new}
        for top in objects:
            for part in walk(top):
                active = bool(part.active)
                if top.name in new_names:
                    self.initial_active[part.name] = active
                elif part.name not in self._flags:  # a part added between runs (run_regularly): off until now
                    self.initial_active[part.name] = False
                    if active:
                        self.steps.append(Step("activate", part.name))
                elif self._flags[part.name] != active:
                    self.steps.append(Step("activate" if active else "deactivate", part.name))
                self._flags[part.name] = active

    def _note_settings(self, objects, values: bool) -> None:
        """A step for each setting whose value differs from the last one seen (a setting seen for the first
        time gets a ``first`` step, written only if it changes later)."""
        for (action, target), (value, tables, signature) in settings(self.network, objects, values).items():
            key = (action, target)
            fingerprint = _setting_fingerprint(value, tables, signature)
            if self._settings.get(key) != fingerprint:
                copied = {name: _copy(table) for name, table in tables.items()}
                self.steps.append(Step(action, target, value=value, tables=copied, first=key not in self._settings))
                self._settings[key] = fingerprint


def _monitors(objects) -> list:
    """The monitors among ``objects`` (those that record in time: a ``t`` variable)."""
    return [obj for obj in objects if kind_of(obj) is not None and Listed.MONITOR in kind_of(obj)[1].listed_as
            and "t" in obj.variables]


def _holds_recordings(objects) -> bool:
    """Whether a monitor among ``objects`` holds recorded values."""
    return any(len(obj.variables["t"].get_value()) > 0 for obj in _monitors(objects))


def _setting_fingerprint(value: str, tables: dict, signature: str | None = None) -> str:
    if signature is not None:
        return value + signature
    return value + "".join(f"{name}:{column}:{_fingerprint(values)}" for name, table in sorted(tables.items())
                           for column, values in sorted(table.items()))


def _copy(table: dict) -> dict:
    """Copies of the columns of a state table taken as views (Quantities stay Quantities)."""
    return {name: values.copy() for name, values in table.items()}


def _fingerprints(states: dict) -> dict:
    return {name: {k: _fingerprint(v) for table in tables for k, v in table.items()}
            for name, tables in states.items()}


def _tables_print(tables: dict) -> dict:
    """A fingerprint of every column of ``tables`` (text columns too)."""
    return {(name, column): _fingerprint(np.asarray(values).astype(str) if np.asarray(values).dtype == object
                                         else values)
            for name, table in tables.items() for column, values in table.items()}


def _fingerprint(values) -> str:
    array = np.ascontiguousarray(np.asarray(values))
    return hashlib.blake2b(array.view(np.uint8), digest_size=16).hexdigest() + str(array.dtype)


# --- the hooks ----------------------------------------------------------------------------------

def _stored_call(original, args, kwargs) -> tuple[tuple, dict]:
    """The (name, absolute file or None) of a store()/restore() call, as Brian2 reads its arguments, and the
    arguments to call it with (a magic network's ``level``, which finds the caller's objects, one deeper
    for the hook's own frame)."""
    bound = inspect.signature(original).bind(*args, **kwargs)
    bound.apply_defaults()
    arguments = dict(bound.arguments)
    if "level" in arguments:
        arguments["level"] = arguments["level"] + 1
    filename = arguments.get("filename")
    return (str(arguments.get("name", "default")), None if filename is None else os.path.abspath(filename)), arguments


def _hook(net: Network, recorder: RunRecorder) -> None:
    """Put the recorder's hooks on ``net`` (this object only; they call Brian2's methods unchanged)."""
    def before_run(original):
        def hooked(*args, **kwargs):
            result = original(*args, **kwargs)
            recorder.before_run()
            return result
        return hooked

    def after_run(original):
        def hooked(*args, **kwargs):
            objects = recorder._current()  # a magic network forgets its objects in its after_run
            result = original(*args, **kwargs)
            recorder.after_run(objects)
            return result
        return hooked

    def store(original):
        def hooked(*args, **kwargs):
            recorder._pending_store, arguments = _stored_call(original, args, kwargs)
            try:
                return original(**arguments)
            finally:
                recorder._pending_store = None
        return hooked

    def full_state(original):
        def hooked(*args, **kwargs):
            if recorder._pending_store is not None:  # store() is taking the state: its objects are known now
                recorder.store(recorder._pending_store)
                recorder._pending_store = None
            return original(*args, **kwargs)
        return hooked

    def restore(original):
        def hooked(*args, **kwargs):
            key, arguments = _stored_call(original, args, kwargs)
            result = original(**arguments)
            recorder.restore(key)
            return result
        return hooked

    hook_network_methods(net, {"before_run": before_run, "after_run": after_run, "store": store,
                               "full_state": full_state, "restore": restore})
    net.before_run.brian2nwb_recorder = recorder


#: Every recorder that exists (a monitor's sample is noted by those that follow it).
_RECORDERS: weakref.WeakSet = weakref.WeakSet()


def _hook_sample_methods() -> None:
    """Note every call of a kind's ``sample_method`` (``StateMonitor.record_single_timestep``) in the recorders
    that follow the monitor, before it takes the sample; installed once, on the class (it calls Brian2's
    method unchanged, for every monitor)."""
    from ..kinds.registry import REGISTRY

    for cls, kind in REGISTRY.items():
        original = getattr(cls, kind.sample_method, None) if kind.sample_method else None
        if original is None or getattr(original, "brian2nwb_hook", False):
            continue

        def hooked(monitor, *args, _original=original, **kwargs):
            for recorder in list(_RECORDERS):
                if recorder.follows(monitor):
                    recorder.sample(monitor)
            return _original(monitor, *args, **kwargs)

        functools.update_wrapper(hooked, original)
        hooked.brian2nwb_hook = True
        setattr(cls, kind.sample_method, hooked)


def recorder_of(net: Network | None) -> RunRecorder | None:
    """The recorder that follows ``net`` (None: the current magic simulation), if any."""
    magic = net is None or isinstance(net, MagicNetwork)
    hooks = getattr(magic_network if magic else net, "__dict__", {})
    recorder = getattr(hooks.get("before_run"), "brian2nwb_recorder", None)
    if magic and recorder is not None and (not recorder.runs or recorder._magic_id != magic_network.id):
        return None
    return recorder


def _has_run(net: Network) -> bool:
    """Whether Brian2 ran ``net`` (it marks every object it prepares with the network's id)."""
    return any(network_id_of(obj) == net.id for obj in net.objects)


def snapshot(net: Network | None = None, seed: int | None = None) -> RunRecorder:
    """Record the coming runs so that `from_nwb` can replay them exactly.

    Call it once, before the first ``run()`` (objects created later are captured
    when they join) - or right after ``from_nwb(path, state="final")`` to record
    a continuation (a fork) as a file of its own, which then starts where the
    first recording ended. It changes nothing in the simulation: nothing joins
    the network, and the random numbers stay those of the script (their state at
    the start of every run is recorded), unless ``seed`` is given.

    Parameters
    ----------
    net : brian2.Network or None
        The network; None for scripts that use the magic ``run()`` (one call
        follows every simulation of the script, also after ``start_scope()``).
    seed : int, optional
        Seed run k with ``seed + k`` (Brian2's ``seed()`` right before it),
        instead of recording the script's own random state. C++ standalone
        always seeds (a random seed if None), as its state cannot be read.

    Returns
    -------
    RunRecorder
        The recorder (calling `snapshot` again for the same network returns it).
    """
    magic = net is None or isinstance(net, MagicNetwork)
    if not magic and not isinstance(net, Network):
        raise TypeError(f"snapshot expects a brian2.Network or None, not {type(net).__name__}.")
    target = magic_network if magic else net
    existing = getattr(vars(target).get("before_run"), "brian2nwb_recorder", None)
    if existing is not None:
        if seed is not None and not existing.runs:
            existing.base_seed = int(seed)
        return existing
    if not magic and _has_run(net):
        raise RuntimeError("brian2nwb.snapshot() must be called before the first run() (or right after "
                           "from_nwb(..., state='final'), to record a continuation as a file of its own).")
    recorder = RunRecorder(target, seed)
    _hook(target, recorder)
    _RECORDERS.add(recorder)
    _hook_sample_methods()
    return recorder
