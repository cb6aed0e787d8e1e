"""`Kind`: everything brian2nwb knows about one kind of Brian2 object, in one record.

Each module of `brian2nwb.kinds` defines one ``KIND`` (or a few, for close
relatives such as the monitors) and `brian2nwb.kinds.registry` names them by Brian2
class. The shared machinery (describe, build, safety, model_nwb) calls the
record's functions and never asks which kind it holds.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field

from ..model.fields import Field
from ..model.tables import TableDoc


class Stage(enum.IntEnum):
    """When a kind's objects are built: after every object they refer to."""

    GROUPS = 0  # groups of neurons (and inputs that are groups)
    VIEWS = 1  # views of groups (subgroups)
    CONNECTIONS = 2  # what connects or drives groups (synapses, Poisson inputs)
    MONITORS = 3  # what records them
    OPERATIONS = 4  # Python code run on a clock (it may refer to any of the above)


class Listed(enum.Enum):
    """What ``brian2nwb info`` lists an object as (an object may be several: a PoissonGroup is a group and an
    input)."""

    GROUP = "group"
    SYNAPSES = "synapses"
    INPUT = "input"
    MONITOR = "monitor"


@dataclass(frozen=True)
class Kind:
    """How one kind of Brian2 object goes into the file and comes back.

    Attributes
    ----------
    name : str
        The kind a description carries: the Brian2 class it is rebuilt as.
    describe : callable or None
        ``describe(obj, initial) -> ObjectDescription``: the object as plain data;
        ``initial`` maps object names to their captured (per-element, shared)
        state at the time they joined the network (or is None).
    build : callable or None
        ``build(description, context) -> brian2 object``.
    stage : Stage
        When it is built: after every object it refers to.
    results : callable or None
        ``results(objects, nwbfile, storage, recording) -> list of left-out notes``:
        writes the results of all objects of this kind at once (several
        SpikeMonitors share one Units table); ``recording`` is the
        `brian2nwb.model.timeline.Recording` (when each object was observed).
    nwb_type : str or None
        The ndx-brian2 type its description is stored as (the ``ndx-brian2`` package
        declares it, with its fields and tables).
    stateful : bool
        Whether its variables are part of the network's state (not recordings).
    listed_as : frozenset of Listed
        What ``brian2nwb info`` lists it as (none: not listed).
    elements : str
        What ``brian2nwb info`` calls its elements ("neurons", "compartments").
    check : callable or None
        ``check(description, model, checker) -> None``: kind-specific checks of a
        description read from a file (raise `UnsafeModelError`), after the generic
        ones; ``checker`` is the model's `safety.CodeChecker`.
    table_docs : dict
        ``{table name: brian2nwb.model.tables.TableDoc}``: the tables its ndx-brian2 type
        declares (`brian2nwb.model.tables.tables_of`).
    to_nwb, from_nwb : callable or None
        ``to_nwb(description, nwbfile) -> (attrs, tables)`` adjusts what is written
        (e.g. a link instead of a table); ``from_nwb(container, attrs, tables)``
        undoes it when reading.
    random : bool
        Whether its objects draw random numbers whatever their code says.
    names : frozenset of str
        Variables its objects have beyond those their equations declare (e.g. a
        SpatialNeuron's ``v``, ``area``, ``distance``), which model code may use.
    flags : frozenset of str
        Equation flags its equations may carry besides the common ones (e.g. a
        SpatialNeuron's ``point current``).
    unsupported : str or None
        Why objects of this kind cannot be written; they are named in a warning.
    continue_from : callable or None
        ``continue_from(obj, description, t_end) -> None``: restores what a rebuilt
        object needs to continue the recording at ``t_end`` (seconds) besides its
        variables (e.g. the spikes in flight in a Synapses' queues, a
        SpikeGeneratorGroup's place in its period), when `from_nwb` rebuilds the
        final state.
    standalone_end : callable or None
        ``standalone_end(obj) -> None``: on Brian2's C++ standalone device, makes the
        generated program save at its end what ``describe`` needs beyond variables
        (e.g. the spikes in flight); `snapshot` calls it before the first run.
    settings : callable or None
        ``settings(obj) -> {table name: table}``: what the user may replace between
        runs besides variables (a SpikeGeneratorGroup's spikes and period); a change
        is a ``configure`` step of the recording (`brian2nwb.model.timeline`).
    settings_tables : frozenset of str
        The names of the tables ``settings`` returns (what a step read from a file must hold).
    settings_signature : callable or None
        ``settings_signature(obj) -> str``: a cheap text that changes whenever ``settings``
        would (a Synapses' count and delays, not its 10^7 synapse ends); without it
        the recorder hashes the tables at every run.
    configure : callable or None
        ``configure(obj, tables)``: replaces them on a rebuilt object, as the user did.
    start_tables : callable or None
        ``start_tables(obj) -> {table name: table}``: what an object holds besides its
        variables when the recording starts (or when it joins) that a fresh object
        does not (the spikes in flight in a Synapses restored from a stored state, or
        continuing a file), as tables of its description; `snapshot` takes them when
        it joins and ``build`` puts them back.
    start_at : callable or None
        ``start_at(obj, t) -> None``: places a rebuilt object at time ``t`` (seconds)
        of a recording that starts there (a restored or continued state) as the
        recorded one stood, besides its variables (a SpikeGeneratorGroup's place in
        its spike train), where Brian2 would derive it otherwise.
    start_with : callable or None
        ``start_with(description, tables)``: makes a description (which holds the
        values at the end) describe the object as it started, from the tables of its
        first ``configure`` step; `from_nwb` builds from it to replay the recording.
    sample_method : str or None
        The method that makes a monitor record one sample outside a run
        (``StateMonitor.record_single_timestep``); `snapshot` notes each call as a
        ``sample`` step.
    python_function : callable or None
        ``python_function(obj) -> (function, options) or None``: the Python function an object of this kind
        calls (a NetworkOperation's), kept as code (`brian2nwb.brian.python_code`); None: it calls none that
        can be kept (the object is left out, and said so).
    fields : tuple of brian2nwb.model.fields.Field
        The attributes of its descriptions, each with its role: those its ndx-brian2
        type declares (`brian2nwb.model.fields.fields_of`); the checker of a file's
        model checks each by its role (an attribute that is not declared is refused).
        The columns of its tables are declared in ``table_docs``.
    """

    name: str
    describe: Callable | None = None
    build: Callable | None = None
    stage: Stage = Stage.GROUPS
    results: Callable | None = None
    nwb_type: str | None = None
    stateful: bool = False
    listed_as: frozenset[Listed] = frozenset()
    elements: str = "neurons"
    check: Callable | None = None
    table_docs: dict[str, TableDoc] = field(default_factory=dict)
    to_nwb: Callable | None = None
    from_nwb: Callable | None = None
    random: bool = False
    names: frozenset[str] = frozenset()
    flags: frozenset[str] = frozenset()
    unsupported: str | None = None
    continue_from: Callable | None = None
    standalone_end: Callable | None = None
    settings: Callable | None = None
    settings_tables: frozenset[str] = frozenset()
    settings_signature: Callable | None = None
    configure: Callable | None = None
    start_tables: Callable | None = None
    start_at: Callable | None = None
    start_with: Callable | None = None
    sample_method: str | None = None
    replayable: bool = False
    records_spikes: bool = False
    python_function: Callable | None = None
    fields: tuple[Field, ...] = ()
