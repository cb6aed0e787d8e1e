"""``from_nwb``: a runnable Brian2 network rebuilt from a brian2nwb file."""

from __future__ import annotations

import json
import os

import numpy as np
from brian2 import Clock, defaultclock, second

from ..brian import preferences, standalone
from ..brian.build import BuildContext, apply_state, quantity, refused_by_brian2
from ..brian.network import walk
from ..brian.python_code import brian2_function, build_functions
from ..errors import InvalidFileError, warn
from ..kinds.kind import Stage
from ..kinds.registry import BY_NAME, BY_NWB_TYPE
from ..kinds.spikemonitor import spikes_by_monitor
from ..model import timeline
from ..nwb.mapping import ModelDescription, dimensions, model_from_nwb
from ..progress import progress_bar
from ..trust.container import open_untrusted
from ..trust.model import check_model
from ..trust.signature import trusted_code
from .provenance import sources_from_table
from .rebuilt import RebuiltNetwork, recorded_runs
from .garbage import leaves_no_garbage


@leaves_no_garbage
def from_nwb(
    path: str | os.PathLike,
    state: str = "initial",
    *,
    namespace: dict | None = None,
    functions: dict | None = None,
    operations: dict | None = None,
    trust_code: bool = False,
    replay: list[str] | tuple[str, ...] = (),
    progress: bool | None = None,
) -> RebuiltNetwork:
    """Rebuild the Brian2 network stored in a brian2nwb file.

    Parameters
    ----------
    path : str or path-like
        A file written by `to_nwb`.
    state : {"initial", "final"}
        Start at t=0 from the state captured by `snapshot` (or ``Network.store()``
        at t=0), or continue from the state at the end of the recording.
    namespace : dict, optional
        Values that replace (or add to) the recorded external constants, for all
        runs and groups: ``namespace={"tau": 20 * ms}`` re-simulates a variant.
    functions : dict, optional
        Brian2 ``Function`` objects for functions the model used, by identifier:
        they replace those the file holds as Python code, and stand in for those it
        could not hold.
    operations : dict, optional
        Objects that replace recorded ones by name (such as a ``NetworkOperation``
        whose code the file could not hold, or one to run instead of the file's).
    trust_code : bool
        Run the Python code the file holds (its NetworkOperations' functions and
        the Python functions its model calls) even if it is not signed with this
        user's key. Only for files whose code you have read or whose author you
        trust: the code runs with your permissions. Files you wrote yourself (or
        vouched for with ``brian2nwb trust FILE``) run their code without it.
    replay : list of str
        Names of PoissonGroups to replace by SpikeGeneratorGroups that play back
        their recorded spikes (they need a SpikeMonitor in the recording).
    progress : bool, optional
        Show a progress bar; by default only on a terminal.

    Returns
    -------
    RebuiltNetwork
        A ``brian2.Network`` with the original object names; monitors are empty.
        ``run_recorded()`` re-runs the recorded runs.

    Raises
    ------
    InvalidFileError
        The file cannot be read or is not a brian2nwb file this version reads (`UnsafeModelError`, its
        subclass: the model holds code, names or units brian2nwb will not hand to Brian2). Anything else
        is not the file's fault and raises as itself.

    Notes
    -----
    Like the script that made the recording, it sets process-wide Brian2 state: ``defaultclock.dt``
    and the preferences that change results (``core.default_float_dtype``, ...; the user guide's page
    on recording lists them) take the values the file was written with.
    """
    if state not in ("initial", "final"):
        raise ValueError(f"state must be 'initial' or 'final', not {state!r}.")
    with progress_bar(3, f"from_nwb {os.path.basename(str(path))}", progress) as bar:
        net = _rebuild(path, state, namespace, functions, operations, trust_code, replay, bar)
    return net


def _rebuild(path, state, namespace, functions, operations, trust_code, replay, bar) -> RebuiltNetwork:
    model, timed_arrays, replayed = read_file(path, list(replay))
    bar.update()
    namespace, functions = dict(namespace or {}), dict(functions or {})
    # every field is checked by its declared role before use: what fails after this is not the file's fault
    model = check_model(model, BY_NAME, user_identifiers=set(namespace), user_functions=set(functions),
                        stimuli=set(timed_arrays))
    operations = dict(operations or {})
    trusted = _trusted_code(model, trust_code, operations, functions, path)
    extra = _replacements(model, operations, path)
    _warn_about_target(model)
    if trusted is not None:  # the model's Python functions, before the runs' namespaces that hold them
        built = build_functions(trusted, {}, state, kinds=("function",))
        functions = {**{name: brian2_function(function, json.loads(trusted.rows[name]["options"]))
                        for name, function in built.items() if trusted.rows[name]["kind"] == "function"},
                     **functions}
    runs, group_namespaces, end_random_state = recorded_runs(model, timed_arrays, namespace, functions)
    steps = timeline.decode(model)
    if state == "initial":
        _start_with_first_settings(model, steps)
    context = _context(model, group_namespaces, replayed)
    initial = model.attrs.get("initial_state_source", "none")
    if state == "initial" and initial == "none":
        raise InvalidFileError(
            f"{path} holds no state at t=0, so the recording cannot be re-run from its start. Call "
            "brian2nwb.snapshot(net) before the first run() (or net.store() at t=0) when simulating. "
            "from_nwb(path, state='final') continues from the end of the recording instead.")
    if (state == "initial" and any(run.seed is None and run.random_state is None for run in runs)
            and _uses_randomness(model)):
        warn(f"{path} was recorded without brian2nwb.snapshot(), so the state of its random numbers "
                      "is unknown: the stochastic parts of the re-run will differ from the recording.")
    bar.update()
    for stage in sorted({BY_NAME[d.kind].stage for d in model.objects}):
        if stage == Stage.MONITORS:
            context.set_links()  # monitors may record linked variables
        if stage == Stage.OPERATIONS and trusted is not None:  # their functions may refer to any other object
            context.python_functions = build_functions(trusted, dict(context.objects), state,
                                                       kinds=("operation",), clocks=context.clocks)
        for description in model.objects:
            kind = BY_NAME[description.kind]
            if kind.stage == stage and description.name not in operations:
                built_object = _build(kind, description, context)
                if built_object is not None:
                    context.objects[description.name] = built_object
    context.set_links()
    for description in model.objects:
        if description.name in replayed or description.name not in context.objects:
            continue
        per_element = dict(description.tables.get("final_state", {}))
        shared = description.tables.get("final_shared_state", {})
        if state == "initial":  # initial_state holds only the columns that differ from final_state
            per_element.update(description.tables.get("initial_state", {}))
            shared = description.tables.get("initial_shared_state", {})
        if per_element or shared:
            with _refused_by_brian2(description):
                apply_state(context.objects[description.name], per_element, shared)
        continue_from = BY_NAME[description.kind].continue_from
        if state == "final" and continue_from is not None:
            with _refused_by_brian2(description):
                continue_from(context.objects[description.name], description, float(model.attrs["t_end"]))
    played = 0 if state == "initial" else len(steps)
    members, active = timeline.Recording(model.tables).state_after(played)
    _apply_schedule(context, active)
    net = RebuiltNetwork(*(obj for name, obj in context.objects.items() if name in members), *extra,
                         recorded_runs=runs, recorded_steps=steps, group_namespaces=group_namespaces,
                         next_step=played, waiting={name: obj for name, obj in context.objects.items()
                                                    if name not in members},
                         name=model.attrs.get("network", "network"), end_random_state=end_random_state,
                         runs_done=0 if state == "initial" else len(runs), clocks=context.clocks)
    net.input_sources = sources_from_table(model.tables.get("input_sources"))
    slots = model.tables.get("slots", {}).get("slot", [])
    if len(slots):
        net.schedule = [str(slot) for slot in slots]
    start = float(model.attrs["t_end"]) if state == "final" else runs[0].start if runs else 0.0
    if start > 0:  # a continuation, or a recording that continued another one (a fork)
        standalone.set_network_time(net, start)
    bar.update()
    return net


def _start_with_first_settings(model: ModelDescription, steps: list) -> None:
    """Descriptions hold the values at the end; an object whose settings the user replaced during the
    recording (a ``configure`` step) is built as it started, from its first such step."""
    first = {}
    for step in steps:
        if step.action == "configure":
            first.setdefault(step.target, step)
    for description in model.objects:
        kind = BY_NAME[description.kind]
        if description.name in first and kind.start_with is not None:
            kind.start_with(description, first[description.name].tables)


def _build(kind, description, context):
    """One object built by its kind."""
    with _refused_by_brian2(description):
        return kind.build(description, context)


def _refused_by_brian2(description):
    return refused_by_brian2(f"'{description.name}' ({description.kind}): Brian2 cannot build what the file "
                             "describes")


def _trusted_code(model, trust_code: bool, operations: dict, functions: dict, path):
    """The file's Python code if it may run here; else None, with a warning naming what does not run."""
    trusted = trusted_code(model.tables, model.attrs.get("code_signature"), trust_code)
    code = model.tables.get("python_code", {})
    if trusted is not None or not len(code.get("function", [])):
        return trusted
    missing = [f"{kind} '{name}'" for name, kind in zip(code["function"], code["kind"])
               if kind != "helper" and name not in operations and name not in functions]
    if missing:
        signed = "signed with another key, or changed since it was signed" if model.attrs.get("code_signature") \
            else "not signed"
        warn(f"{path} holds Python code ({', '.join(missing)}) that is not trusted here ({signed}), so "
                      "it does not run: the rebuilt network runs without it, and a re-run is exact only if it did "
                      "not change the simulation. If you trust the file's author, or have read the code (brian2nwb "
                      "describe shows it), pass from_nwb(..., trust_code=True), or run 'brian2nwb trust FILE' once "
                      "to trust it from now on.")
    return None


def _replacements(model: ModelDescription, operations: dict, path) -> list:
    """The user's replacements for recorded objects that a file cannot hold; a warning names those missing."""
    schedule = model.tables.get("schedule", {})
    missing = []
    for name, owner, kind in zip(schedule.get("object", []), schedule.get("owner", []), schedule.get("kind", [])):
        described = name in {d.name for d in model.objects}
        if name != owner or described or name in operations:
            continue
        missing.append(f"{kind} '{name}'")
    if missing:
        warn(f"{path}: the recording had " + ", ".join(missing) + ", whose Python code the file "
                      "could not hold (to_nwb said why); the rebuilt network runs without it, so a re-run is exact "
                      "only if it did not change the simulation (stop() is fine: runs keep their recorded "
                      "durations). Pass replacements as from_nwb(..., operations={name: object}).")
    return list(operations.values())


def _uses_randomness(model: ModelDescription) -> bool:
    """Whether the model draws random numbers (Poisson inputs, rand(), randn(), xi)."""
    import re

    for description in model.objects:
        if BY_NAME[description.kind].random:
            return True
        texts = [str(v) for v in description.attrs.values() if isinstance(v, str)]
        texts += [str(v) for table in description.tables.values() for key in ("code", "condition")
                  for v in table.get(key, [])]
        if any(re.search(r"\brandn?\(|\bxi\b|\bxi_\w+", text) for text in texts):
            return True
    return False


def read_file(path, replay: list[str]):
    """The model, the TimedArray values and the spikes to replay, read in one pass."""
    with open_untrusted(path) as io:
        nwbfile = io.read()
        simulation = nwbfile.lab_meta_data.get("brian2")
        if simulation is None or simulation.neurodata_type != "Brian2Simulation":
            raise InvalidFileError(f"{path} was not written by brian2nwb: it has no /general/brian2 model.")
        model = model_from_nwb(simulation, BY_NWB_TYPE)
        timed_arrays = {}
        for name, series in nwbfile.stimulus.items():
            if series.neurodata_type == "TimedArraySeries":
                if len(series.data.shape) not in (1, 2) or np.shape(series.dimensions) != (7,) \
                        or series.data.dtype.kind not in "fiub" or 0 in series.data.shape:
                    raise InvalidFileError(f"{path}: the TimedArray values '{name}' must be a 1-D or 2-D numeric "
                                           "array of at least one value, with 7 SI dimensions.")
                timed_arrays[name] = quantity(np.asarray(series.data[:]), dimensions(series.dimensions, f"TimedArray {name!r}"))
        replayed = {name: _recorded_spikes(nwbfile, model, name) for name in replay}
    return model, timed_arrays, replayed


def _recorded_spikes(nwbfile, model: ModelDescription, name: str):
    """The spikes the file's spike-recording monitor of ``name`` holds, in time order, for an object of a kind
    that a recorded spike train can replace (`Kind.replayable`)."""
    kinds = {d.name: BY_NAME.get(d.kind) for d in model.objects}
    if kinds.get(name) is None or not kinds[name].replayable:
        replayable = sorted(kind.name for kind in BY_NAME.values() if kind.replayable)
        raise ValueError(f"replay takes objects of the kinds {', '.join(replayable)}; '{name}' is "
                         f"{getattr(kinds.get(name), 'name', 'not in the file')}.")
    monitors = [d.name for d in model.objects if getattr(kinds[d.name], "records_spikes", False)
                and d.attrs.get("source") == name]
    units = nwbfile.units
    if not monitors or units is None:
        raise ValueError(f"No SpikeMonitor recorded the spikes of '{name}', so they cannot be replayed.")
    recorded = spikes_by_monitor(units).get(monitors[0])
    if recorded is None:
        raise InvalidFileError(f"The Units table holds no rows of the monitor '{monitors[0]}' the model names.")
    indices, spike_times = recorded
    order = np.argsort(spike_times, kind="stable")
    return indices[order].astype(np.int64), spike_times[order]


def _warn_about_target(model: ModelDescription) -> None:
    recorded = str(model.attrs.get("codegen_target", ""))
    current = standalone.current_target()
    if recorded and current != "auto" and current != recorded:
        warn(f"The recording used the '{recorded}' code-generation target; this process uses "
                      f"'{current}'. Re-runs are exact only on the same target.")
    if recorded == "numpy" and current == "auto":
        warn("The recording used the 'numpy' target; set prefs.codegen.target = 'numpy' for an exact "
                      "re-run.")


def _context(model: ModelDescription, group_namespaces: dict, replayed: dict) -> BuildContext:
    """What building needs; sets the preferences and ``defaultclock.dt`` the model was written with."""
    prefs_table = model.tables.get("preferences", {})
    for name, value in zip(prefs_table.get("preference", []), prefs_table.get("value", [])):
        preferences.apply(str(name), str(value))
    clocks_table = model.tables.get("clocks", {})
    clocks = {}
    for name, dt in zip(clocks_table.get("clock", []), clocks_table.get("dt", [])):
        if name == "defaultclock":
            defaultclock.dt = float(dt) * second
            clocks[name] = defaultclock
        else:
            clocks[name] = Clock(dt=float(dt) * second, name=name)
    schedule_table = model.tables.get("schedule", {})
    schedule = {schedule_table["object"][k]: {key: values[k] for key, values in schedule_table.items()}
                for k in range(len(schedule_table.get("object", [])))}
    return BuildContext(clocks=clocks, namespaces=group_namespaces, schedule=schedule, replay=replayed)


def _apply_schedule(context: BuildContext, active: dict) -> None:
    """when and order of every object and part, and the active flags they have at the state rebuilt."""
    for obj in context.objects.values():
        for part in walk(obj):
            row = context.schedule.get(part.name)
            if row is not None:
                part.when = str(row["when"])
                part.order = int(row["order"])
            if part.name in active:
                part.active = active[part.name]
