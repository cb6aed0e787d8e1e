"""``snapshot``: record what a re-simulation needs while the user's simulation runs.

A `RunRecorder` is a Brian2 object without code that joins the network. Brian2
calls ``before_run`` and ``after_run`` on every object of a network, so the
recorder sees each ``run()``: before the first one it captures the state at t=0;
before every run it seeds Brian2's random stream with a recorded seed (the last
thing before the simulation loop starts, so that the rebuilt network draws the
same numbers), and notes which variables the user changed since the previous run;
after every run it notes the run's start, duration and the values of the external
constants the code used.
"""

from __future__ import annotations

import hashlib
import inspect
import weakref
from dataclasses import dataclass, field

import numpy as np
from brian2 import Network, seed
from brian2.core.base import BrianObject
from brian2.core.magic import magic_network

from .describe import external_identifiers
from .model import capture_states
from .network import NetworkView, top_level_objects


@dataclass
class RunRecord:
    """One ``run()`` call as the recorder saw it."""

    start: float
    duration: float = 0.0
    seed: int | None = None
    identifiers: dict = field(default_factory=dict)  # (scope, identifier) -> Constant or Function
    changes: dict = field(default_factory=dict)  # object name -> (per-element table, shared table)


class RunRecorder(BrianObject):
    """Records every run of the network it belongs to (see `snapshot`)."""

    add_to_magic_network = True
    invalidates_magic_network = False

    def __init__(self, network: Network, base_seed: int):
        BrianObject.__init__(self, when="end", order=2**31 - 1, name="brian2nwb_recorder*")
        self._network_ref = weakref.ref(network)
        self.base_seed = int(base_seed)
        self.initial_state: dict | None = None
        self.runs: list[RunRecord] = []
        self._fingerprints: dict = {}
        self._pending_changes: dict = {}

    @property
    def network(self) -> Network:
        return self._network_ref()

    def _view(self) -> NetworkView:
        net = self.network
        objects = top_level_objects(obj for obj in net.objects if not isinstance(obj, RunRecorder))
        return NetworkView(name=net.name, t_end=float(net.t_), objects=objects)

    def before_run(self, run_namespace):
        if not self.runs and float(self.network.t_) != 0.0:
            raise RuntimeError("brian2nwb.snapshot() must be called before the first run().")
        if _values_readable():
            if not self.runs:
                self.initial_state = capture_states(self._view().objects)
            else:  # compare views; copy only what the user changed
                self._note_changes(capture_states(self._view().objects, copy=False))
        run = RunRecord(start=float(self.network.t_), seed=self.base_seed + len(self.runs))
        self.runs.append(run)
        seed(run.seed)  # last before the loop: the objects' before_run draw no random numbers

    def _note_changes(self, states: dict) -> None:
        """Variables whose values differ from those at the end of the previous run."""
        changes = {}
        for name, (per_element, shared) in states.items():
            before = self._fingerprints.get(name, {})
            changed = ({k: v.copy() for k, v in per_element.items() if before.get(k) != _fingerprint(v)},
                       {k: v.copy() for k, v in shared.items() if before.get(k) != _fingerprint(v)})
            if changed[0] or changed[1]:
                changes[name] = changed
        self._pending_changes = changes

    def after_run(self):
        view = self._view()
        run = self.runs[-1]
        run.duration = float(self.network.t_) - run.start
        run.identifiers = external_identifiers(view)
        run.changes, self._pending_changes = self._pending_changes, {}
        if _values_readable():
            self._fingerprints = {name: {k: _fingerprint(v) for table in tables for k, v in table.items()}
                                  for name, tables in capture_states(view.objects, copy=False).items()}


def _values_readable() -> bool:
    """Whether variables can be read during a run: not in standalone mode, where values
    exist only once the generated program has run (no state at t=0 can be captured there)."""
    from brian2.devices.device import RuntimeDevice, get_device

    return isinstance(get_device(), RuntimeDevice)


def _fingerprint(values) -> str:
    array = np.ascontiguousarray(np.asarray(values))
    return hashlib.blake2b(array.view(np.uint8), digest_size=16).hexdigest() + str(array.dtype)


def snapshot(net: Network | None = None, seed: int | None = None) -> RunRecorder:
    """Make the coming runs reproducible and capture the state at t=0.

    Call it once, after building the network and setting its initial values, and
    before the first ``run()``.

    Parameters
    ----------
    net : brian2.Network or None
        The network; None for scripts that use the magic ``run()``.
    seed : int, optional
        The seed of the first run (run k uses ``seed + k``); a random one if None.

    Returns
    -------
    RunRecorder
        The recorder, which joins the network. With ``net=None`` it is also put
        into the caller's module globals (as ``_brian2nwb_recorder``) so that the
        magic network finds it, as it finds every Brian2 object in scope.
    """
    if seed is None:
        seed = int(np.random.SeedSequence().entropy % (2**31 - 2**20))
    if net is not None:
        if not isinstance(net, Network):
            raise TypeError(f"snapshot expects a brian2.Network or None, not {type(net).__name__}.")
        if float(net.t_) != 0.0:
            raise RuntimeError("brian2nwb.snapshot() must be called before the first run().")
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
