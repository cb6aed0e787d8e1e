"""``snapshot``: record what a re-simulation needs while the user's simulation runs, without changing it.

A `RunRecorder` is a Brian2 object without code that joins the network. Brian2
calls ``before_run`` and ``after_run`` on every object of a network, and
``_full_state``/``_restore_from_full_state`` when the network is stored and
restored, so the recorder sees the simulation as it really happens and notes it
as a sequence of steps:

- ``run`` k: its start, duration, the constants its code used, and the random
  state at its start (or the seed brian2nwb set, if the user asked for seeds);
- ``add`` / ``remove`` of objects between runs (objects that join later are
  captured as they join);
- ``activate`` / ``deactivate`` of objects and their parts;
- ``set``: the variables the user changed since the network last ran (or was
  restored), only those;
- ``store`` / ``restore`` of the network's state (Brian2's in-memory snapshots).

Nothing is re-seeded unless the user asks (``seed=``): the recording is the
simulation the script would have run without brian2nwb.
"""

from __future__ import annotations

import hashlib
import inspect
import weakref
from dataclasses import dataclass, field

import numpy as np
from brian2 import Network, seed
from brian2.core.base import BrianObject
from brian2.core.magic import MagicNetwork, magic_network

from . import random_state, standalone
from .describe import external_identifiers
from .model import capture_states, stateful
from .network import NetworkView, network_time, top_level_objects, walk
from .registry import kind_of


@dataclass
class RunRecord:
    """One ``run()`` call as the recorder saw it."""

    start: float
    duration: float = 0.0
    seed: int | None = None
    random_state: dict | None = None  # the random state at its start (when not seeded by brian2nwb)
    identifiers: dict = field(default_factory=dict)  # (scope, identifier) -> Constant or Function


@dataclass
class Step:
    """One thing that happened to the network, in order.

    ``action`` is one of ``run``, ``add``, ``remove``, ``activate``, ``deactivate``,
    ``set``, ``store``, ``restore``; ``target`` names the object (or part), or the
    stored state; ``run`` is the run's index for ``run``; ``changes`` holds the
    (per-element, shared) tables of a ``set``.
    """

    action: str
    target: str = ""
    run: int = -1
    changes: tuple | None = None


class RunRecorder(BrianObject):
    """Records every run of the network it belongs to (see `snapshot`)."""

    add_to_magic_network = True
    invalidates_magic_network = False

    def __init__(self, network: Network, base_seed: int | None):
        BrianObject.__init__(self, when="end", order=2**31 - 1, name="brian2nwb_recorder*")
        self._network_ref = weakref.ref(network)
        self.base_seed = None if base_seed is None else int(base_seed)
        #: When the recording starts: 0, or the end of a recording this network was rebuilt from (a fork).
        self.start_time = 0.0 if isinstance(network, MagicNetwork) else network_time(network)
        self._saved_at_program_end: set[str] = set()  # standalone: objects whose hidden state the program saves
        self._start_recording()
        self._adopt_stores_made_before_snapshot()

    # The magic network must neither count the recorder as an object of an earlier simulation (that
    # would make "new objects, then run()" a MagicError) nor as a new one: it follows every simulation.
    @property
    def _network(self):
        return None

    @_network.setter
    def _network(self, value):
        pass

    # ... and it belongs to every magic scope, so that it also follows the simulations after start_scope().
    @property
    def _scope_key(self):
        return BrianObject._scope_current_key

    @_scope_key.setter
    def _scope_key(self, value):
        pass

    def __del__(self):  # Brian2 warns about objects never run in a network; the recorder never "is"
        pass

    def _start_recording(self) -> None:
        self.initial_state: dict | None = None  # name -> (per-element, shared) when the object joined
        self.initial_active: dict = {}  # object or part name -> active flag when it joined
        self.initial_members: list[str] = []
        self.objects: dict = {}  # every object that was ever a member, by name
        self.runs: list[RunRecord] = []
        self.steps: list[Step] = []
        self._members: set[str] = set()
        self._fingerprints: dict = {}
        self._flags: dict = {}
        self._stored: dict = {}
        self._magic_id = getattr(magic_network, "id", None)

    @property
    def network(self) -> Network:
        return self._network_ref()

    def _current(self) -> list:
        return top_level_objects(obj for obj in self.network.objects if not isinstance(obj, RunRecorder))

    def view(self) -> NetworkView:
        """Every object that took part in the recording (members now or earlier)."""
        net = self.network
        current = self._current() if net is not None else []
        objects = {obj.name: obj for obj in list(self.objects.values()) + current}
        return NetworkView(name=net.name, t_end=network_time(net), objects=[objects[n] for n in sorted(objects)])

    # --- Brian2's hooks -------------------------------------------------------------------------

    def _follow(self) -> None:
        """A magic network that starts a new simulation (new objects, time back at 0) starts a new recording."""
        if isinstance(self.network, MagicNetwork) and self._magic_id != magic_network.id:
            if self.runs:
                self._start_recording()
            self._magic_id = magic_network.id

    def before_run(self, run_namespace):
        self._follow()
        net = self.network
        if not self.runs and network_time(net) != self.start_time:
            raise RuntimeError("brian2nwb.snapshot() must be called before the first run().")
        self._sync()
        if standalone.active():
            self._save_at_program_end()
        run = RunRecord(start=network_time(net))
        if self.base_seed is not None or not random_state.readable():
            if self.base_seed is None:  # standalone: the state cannot be read, so the runs are seeded
                self.base_seed = int(np.random.SeedSequence().entropy % (2**31 - 2**20))
            run.seed = self.base_seed + len(self.runs)
        else:
            run.random_state = random_state.capture()
        self.steps.append(Step("run", run=len(self.runs)))
        self.runs.append(run)
        if run.seed is not None:
            seed(run.seed)  # last before the loop: the objects' before_run draw no random numbers

    def _save_at_program_end(self) -> None:
        """Standalone: ask the program to save, at its end, what describing the end state needs beyond
        variables (e.g. spikes in flight), for the objects that have such state."""
        for obj in self._current():
            found = kind_of(obj)
            if found and found[1].standalone_end and obj.name not in self._saved_at_program_end:
                found[1].standalone_end(obj)
                self._saved_at_program_end.add(obj.name)

    def after_run(self):
        run = self.runs[-1]
        run.duration = network_time(self.network) - run.start
        current = self._current()
        run.identifiers = external_identifiers(NetworkView("", 0.0, current))
        if random_state.readable():
            self._fingerprints.update(_fingerprints(capture_states(current, copy=False)))

    def _full_state(self):
        """Called by ``Network.store()``: note the store (after what changed before it)."""
        self._follow()
        self._sync()
        token = f"store_{len(self._stored)}"
        self._stored[token] = {name: dict(values) for name, values in self._fingerprints.items()}
        self.steps.append(Step("store", token))
        return {"token": token}

    def _restore_from_full_state(self, state):
        """Called by ``Network.restore()``: note the restore; the stored values are the new reference."""
        token = state["token"]
        self.steps.append(Step("restore", token))
        self._fingerprints = {name: dict(values) for name, values in self._stored.get(token, {}).items()}

    # --- what changed ----------------------------------------------------------------------------

    def _sync(self) -> None:
        """Steps for what changed since the last event: membership, active flags, variables."""
        first = not self.objects
        if not random_state.readable():  # standalone: no values before the program runs
            if first:
                self.initial_members = [obj.name for obj in self._current()]
                self.objects.update({obj.name: obj for obj in self._current()})
                standalone.save_initial_state(stateful(self._current()))
            return
        current = {obj.name: obj for obj in self._current()}
        for name in sorted(self._members - set(current)):
            self.steps.append(Step("remove", name))
        joined = [current[name] for name in sorted(set(current) - self._members)]
        new = [obj for obj in joined if obj.name not in self.objects]
        if not first:
            self.steps.extend(Step("add", obj.name) for obj in joined)
        self.objects.update({obj.name: obj for obj in joined})
        self._members = set(current)
        if first:
            self.initial_members = sorted(current)
        self._note_active(current.values(), new)
        states = capture_states(current.values(), copy=False)
        fresh = {name: tables for name, tables in states.items() if name in {obj.name for obj in new}}
        if fresh:
            self.initial_state = dict(self.initial_state or {})
            self.initial_state.update({name: (_copy(per), _copy(shared)) for name, (per, shared) in fresh.items()})
            self._fingerprints.update(_fingerprints(fresh))
        for name, (per_element, shared) in states.items():
            if name in fresh:
                continue
            before = self._fingerprints.get(name, {})
            changed = (_copy({k: v for k, v in per_element.items() if before.get(k) != _fingerprint(v)}),
                       _copy({k: v for k, v in shared.items() if before.get(k) != _fingerprint(v)}))
            if changed[0] or changed[1]:
                self.steps.append(Step("set", name, changes=changed))
        self._fingerprints.update(_fingerprints(states))

    def _note_active(self, objects, new: list) -> None:
        new_names = {obj.name for obj in new}
        for top in objects:
            for part in walk(top):
                active = bool(part.active)
                if top.name in new_names:
                    self.initial_active[part.name] = active
                elif self._flags.get(part.name, active) != active:
                    self.steps.append(Step("activate" if active else "deactivate", part.name))
                self._flags[part.name] = active

    def _adopt_stores_made_before_snapshot(self) -> None:
        """States the network stored (in memory) before the recorder joined get its entry, so that
        restoring them works and is recorded.

        They were stored at t=0 before any run (snapshot() comes before the first
        run); the rebuilt network stores its state at the start under the same
        name, and the values of the stored state itself are recorded when it is
        restored (every variable then counts as changed: no fingerprints are known
        for it).
        """
        for name, state in getattr(self.network, "_stored_state", {}).items():
            if self.name not in state and state.get("0_t", None) == 0.0:
                token = f"before_snapshot_{len(self._stored)}"
                state[self.name] = {"token": token}
                self._stored[token] = {}
                self.steps.append(Step("store", token))


def _copy(table: dict) -> dict:
    """Copies of the columns of a state table taken as views (Quantities stay Quantities)."""
    return {name: values.copy() for name, values in table.items()}


def _fingerprints(states: dict) -> dict:
    return {name: {k: _fingerprint(v) for table in tables for k, v in table.items()}
            for name, tables in states.items()}


def _fingerprint(values) -> str:
    array = np.ascontiguousarray(np.asarray(values))
    return hashlib.blake2b(array.view(np.uint8), digest_size=16).hexdigest() + str(array.dtype)


def recorder_of(net: Network | None) -> RunRecorder | None:
    """The recorder that followed ``net`` (None: the current magic simulation), if any."""
    if net is not None and not isinstance(net, MagicNetwork):
        objects = net.objects if isinstance(net, Network) else ()
        return next((obj for obj in objects if isinstance(obj, RunRecorder)), None)
    for ref in RunRecorder.__instances__():
        recorder = ref()
        if (recorder is not None and recorder.network is magic_network and recorder.runs
                and recorder._magic_id == magic_network.id):
            return recorder
    return None


def snapshot(net: Network | None = None, seed: int | None = None) -> RunRecorder:
    """Record the coming runs so that `from_nwb` can replay them exactly.

    Call it once, after building the network (objects created later are
    captured when they join) and before the first ``run()`` - or right after
    ``from_nwb(path, state="final")`` to record a continuation (a fork) as a file
    of its own, which then starts where the first recording ended. It changes nothing
    in the simulation: the random numbers stay those of the script (their state
    at the start of every run is recorded), unless ``seed`` is given.

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
        The recorder, which joins the network. With ``net=None`` it is also put
        into the caller's module globals (as ``_brian2nwb_recorder``) so that the
        magic network finds it, as it finds every Brian2 object in scope.
    """
    if net is not None and not isinstance(net, MagicNetwork):
        if not isinstance(net, Network):
            raise TypeError(f"snapshot expects a brian2.Network or None, not {type(net).__name__}.")
        if network_time(net) != 0.0 and getattr(net, "fork_time", None) != network_time(net):
            raise RuntimeError("brian2nwb.snapshot() must be called before the first run() (or right after "
                               "from_nwb(..., state='final'), to record a continuation as a file of its own).")
        recorder = RunRecorder(net, seed)
        net.add(recorder)
        return recorder
    recorder = RunRecorder(magic_network, seed)
    caller = inspect.currentframe().f_back
    try:
        caller.f_globals["_brian2nwb_recorder"] = recorder
    finally:
        del caller
    return recorder
