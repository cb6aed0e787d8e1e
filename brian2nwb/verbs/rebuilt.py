"""`RebuiltNetwork`: the network `from_nwb` returns, which replays the recorded steps
(`brian2nwb.model.timeline`): ``run_recorded()`` plays the steps not played yet, so a
rebuilt network goes through exactly what the recorded one went through.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from brian2 import Network, TimedArray, defaultclock, second, seed

from ..brian import binomial, random_state, standalone
from ..brian.build import quantity, refused_by_brian2, rows
from ..brian.network import walk
from ..errors import InvalidFileError, warn
from ..kinds.registry import kind_of
from ..model.timeline import Step
from ..nwb.mapping import ModelDescription
from ..trust.model import MAX_RECORDED_STEPS
from .snapshot import recorder_of
from .steps import REPLAY


@dataclass
class RecordedRun:
    """A ``run()`` of the recording, as the rebuilt network replays it."""

    start: float
    duration: float
    seed: int | None
    random_state: dict | None = None  # the random state at its start, when brian2nwb did not seed it
    namespace: dict = field(default_factory=dict)  # the run's namespace
    group_namespaces: dict = field(default_factory=dict)  # group name -> identifier -> value


class RebuiltNetwork(Network):
    """A `brian2.Network` rebuilt by `from_nwb`, which knows the recorded steps.

    ``run_recorded()`` replays the steps not replayed yet: runs with their
    durations, namespaces and random states (or seeds), objects added and
    removed, the values the user set between runs, and stores and restores. A
    plain ``run()`` without ``namespace`` uses the namespace of the next recorded
    run (or of the last one).

    Attributes
    ----------
    recorded_runs : list of RecordedRun
    recorded_steps : list of brian2nwb.model.timeline.Step
    next_step : int
        The first step ``run_recorded`` will play.
    input_sources : dict of str to brian2nwb.InputSource
        Where inputs made from other NWB files came from, by object name (written again by `to_nwb`).
    """

    def __init__(self, *objects, recorded_runs: list[RecordedRun], recorded_steps: list[Step],
                 group_namespaces: dict, next_step: int, waiting: dict, name: str = "network*",
                 end_random_state: dict | None = None, runs_done: int = 0, clocks: dict | None = None):
        super().__init__(*objects, name=name)
        #: Runs made so far, counting those of the recording this network continues.
        self.runs_done = runs_done
        self._end_random_state = end_random_state
        self.recorded_runs = recorded_runs
        self.input_sources: dict = {}
        self.recorded_steps = recorded_steps
        self.next_step = next_step
        self._group_namespaces = group_namespaces
        #: Objects built but not (yet) in the network, by name.
        self.waiting = dict(waiting)
        self._clocks_by_name = dict(clocks or {})
        self._report = None
        self._by_name = {part.name: part for obj in list(objects) + list(waiting.values()) for part in walk(obj)}
        self._warned_random_state = False
        if next_step == 0 and recorded_runs and recorded_runs[0].start > 0 and not standalone.active():
            self._start_at(objects, recorded_runs[0].start)

    @staticmethod
    def _start_at(objects, t: float) -> None:
        """A recording that started at ``t`` > 0 (from a restored or continued state): each object placed where the
        recorded one stood then, beyond its variables (a kind's ``start_at``)."""
        for obj in objects:
            found = kind_of(obj)
            if found is not None and found[1].start_at is not None:
                found[1].start_at(obj, t)

    @property
    def next_run(self) -> int:
        """The index of the next recorded run ``run_recorded`` will run (``len(recorded_runs)`` if none)."""
        return next((step.run for step in self.recorded_steps[self.next_step:] if step.action == "run"),
                    len(self.recorded_runs))

    def default_namespace(self) -> dict:
        if not self.recorded_runs:
            return {}
        return self.recorded_runs[min(self.next_run, len(self.recorded_runs) - 1)].namespace

    def run(self, duration, report=None, report_period=10 * second, namespace=None, profile=None, level=0):
        """Brian2's ``run``, with the recording's randomness: run k of this network draws the random numbers
        recorded run k drew (its seed or random state); after the recorded runs, a recording seeded with
        ``snapshot(seed=s)`` goes on with ``s + k``, and one that recorded random states (or a stream recovered
        in the middle of a run, `brian2nwb.recover`) goes on from the state at its end - so
        ``from_nwb(path, state="final").run(T)`` is the run the original process would have made next. A plain
        ``run()`` without ``namespace`` uses the namespace of the next recorded run (or of the last one). The
        pieces of a streamed run (`brian2nwb.stream`) are one run."""
        if namespace is None:
            namespace = self.default_namespace()
        recorder = recorder_of(self)
        piece = recorder is not None and recorder.continuing  # a further piece of a streamed run: the same run
        if not piece:
            self._randomness_of(self.runs_done)
        Network.run(self, duration, report=report, report_period=report_period, namespace=namespace,
                    profile=profile, level=level + 1)
        if not piece:
            self.runs_done += 1

    def _randomness_of(self, k: int) -> None:
        runs = self.recorded_runs
        if k < len(runs):
            if runs[k].seed is not None:
                seed(runs[k].seed)
            elif runs[k].random_state is not None:
                self._restore_random_state(runs[k].random_state)
        elif k == len(runs) and self._end_random_state is not None:  # (a seeded recording has one only when a
            self._restore_random_state(self._end_random_state)       # stream's run was cut: it goes on unseeded)
        elif runs and all(run.seed is not None and run.seed == runs[0].seed + j for j, run in enumerate(runs)):
            seed(runs[0].seed + k)

    def _restore_random_state(self, state: dict) -> None:
        if random_state.readable():
            random_state.restore(state)
        elif not self._warned_random_state:
            self._warned_random_state = True
            warn("The recording kept numpy's random state, which a standalone program cannot take: its "
                          "random numbers differ from the recording's. Record with brian2nwb.snapshot(net, "
                          "seed=...) to re-run a stochastic model on any device.")

    def run_recorded(self, report=None, max_steps: int | None = MAX_RECORDED_STEPS) -> None:
        """Replay every recorded step not yet replayed, as it was recorded.

        Parameters
        ----------
        report : optional
            Brian2's progress report for each run.
        max_steps : int or None
            The most time steps (of the finest clock) to simulate; a file asking
            for more is refused unless this is raised or None (a file from a
            stranger could ask for years of simulated time).
        """
        self._check_length(max_steps)
        while self.next_step < len(self.recorded_steps):
            step = self.recorded_steps[self.next_step]
            self.next_step += 1
            self._report = report
            REPLAY[step.action](self, step)

    def before_run(self, run_namespace):
        """Brian2's preparation of a run; Brian2 refusing the model (units that do not match, an identifier it
        cannot resolve) is an `InvalidFileError`. What fails while the network runs (the user's own
        functions and operations included) raises as itself."""
        with refused_by_brian2("Brian2 cannot run the model the file describes (with the namespace, functions "
                               "and operations passed to from_nwb)"):
            Network.before_run(self, run_namespace)

    def _check_length(self, max_steps: int | None) -> None:
        dts = [float(obj.clock.dt_) for obj in self.objects if getattr(obj, "clock", None) is not None]
        dts += [float(step.value) for step in self.recorded_steps[self.next_step:] if step.action == "dt"]
        duration = sum(self.recorded_runs[step.run].duration for step in self.recorded_steps[self.next_step:]
                       if step.action == "run")
        steps = duration / min(dts, default=float(defaultclock.dt_))
        if max_steps is not None and steps > max_steps:
            raise InvalidFileError(f"The recorded runs last {duration:g} s ({steps:.3g} time steps), more than "
                                   f"run_recorded() simulates unless asked (max_steps={max_steps:g}); pass "
                                   "run_recorded(max_steps=None) if you trust the file.")

    def part(self, name: str):
        """The object or part of the rebuilt network (or waiting to join it) named ``name``."""
        return self._by_name[name]

    def clock(self, name: str):
        """The clock named ``name``."""
        return self._clocks_by_name.get(name, defaultclock) if name != "defaultclock" else defaultclock

    def replay_run(self, k: int) -> None:
        """Recorded run ``k``: from its recorded start (a script may have set the time), with its namespaces
        and randomness."""
        run = self.recorded_runs[k]
        for group, values in run.group_namespaces.items():
            self._group_namespaces.setdefault(group, {}).update(values)
        if float(self.t_) != run.start:
            standalone.set_network_time(self, run.start)
        self._randomness_of(k)
        Network.run(self, run.duration * second, namespace=run.namespace, report=self._report, level=3)
        self.runs_done = k + 1


def recorded_runs(model: ModelDescription, timed_arrays: dict, overrides: dict, functions: dict):
    """The runs of the recording with their namespaces (``overrides`` replace recorded constants) and
    random states; and the group namespaces of the first run (the dicts groups are built with)."""
    identifier_rows = rows(model.tables.get("identifiers"))
    binomials = {str(row["function"]): row for row in rows(model.tables.get("binomials"))}
    built_arrays: dict = {}
    runs = []
    for k, row in enumerate(rows(model.tables.get("runs"))):
        run = RecordedRun(start=float(row["start_time"]), duration=float(row["duration"]),
                          seed=None if row["seed"] < 0 else int(row["seed"]))
        for identifier in identifier_rows:
            if identifier["run"] != k:
                continue
            key = ((identifier["kind"], identifier["reference"], identifier["value"])
                   if identifier["kind"] in ("timed_array", "binomial") else None)
            if key is not None and key in built_arrays:
                value = built_arrays[key]  # one object, as in the recording
            else:
                value = _value(identifier, timed_arrays, functions, binomials)
                if key is not None:
                    built_arrays[key] = value
            scope = identifier["scope"]
            target = run.namespace if scope == "run" else run.group_namespaces.setdefault(scope, {})
            target[identifier["identifier"]] = value
        run.namespace.update(overrides)
        for values in run.group_namespaces.values():
            values.update({k: v for k, v in overrides.items() if k in values})
        runs.append(run)
    blocks = model.tables.get("random_blocks", {}).get("values")
    end_states: list = []
    for row in rows(model.tables.get("random_states")):
        state = {key: row[key] for key in ("mt_keys", "mt_pos", "has_gauss", "cached_gaussian", "rand_index",
                                           "randn_index")}
        for kind in ("rand", "randn"):
            if int(row[f"{kind}_block"]) >= 0:
                state[f"{kind}_buffer"] = np.asarray(blocks[int(row[f"{kind}_block"])])
        if int(row["run"]) < len(runs):
            runs[int(row["run"])].random_state = state
        else:  # the state at the end of the recording, for a continuation
            end_states.append(state)
    group_namespaces = {group: dict(values) for group, values in (runs[0].group_namespaces.items() if runs else {})}
    return runs, group_namespaces, (end_states[0] if end_states else None)


def _value(row: dict, timed_arrays: dict, functions: dict, binomials: dict):
    if row["kind"] == "constant":
        if row["dtype"].startswith("int"):
            return int(row["value"])
        if row["dtype"] == "bool":
            return bool(row["value"])
        return quantity(float(row["value"]), row["dimensions"])
    if row["kind"] == "timed_array":
        return TimedArray(timed_arrays[row["reference"]], dt=float(row["value"]) * second)
    if row["kind"] == "binomial":
        found = binomials[str(row["reference"])]
        return binomial.build(found["n"], found["p"], found["approximate"])
    if row["identifier"] in functions:
        return functions[row["identifier"]]
    raise InvalidFileError(f"The model uses the function '{row['identifier']}', whose Python code the file does not "
                           "hold (to_nwb said why when it wrote it) or does not run here (its code is not trusted: "
                           "from_nwb said so); pass it as from_nwb(..., functions="
                           f"{{'{row['identifier']}': ...}}), or trust the file's code (trust_code=True).")
