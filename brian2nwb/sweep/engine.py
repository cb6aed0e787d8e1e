"""``explore``: one model in, a DANDI-ready folder of NWB files out, one per parameter point, on Dask.

Workers receive a path (or an importable builder function) and parameter
values - never a pickled network - and each writes one complete brian2nwb file
atomically. So a sweep is resumable: calling `explore` again skips the points
whose file exists and redoes the others; one failing point is reported as
failed and does not stop the others; a point on a worker that dies is retried
by Dask on another worker.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

from .points import STATUS_COLUMNS, Point, model_name, points_of, sweep_table, write_table

#: The NWB subject of a sweep's files when the caller gives none (DANDI needs one).
DEFAULT_SUBJECT = {"species": "Mus musculus", "sex": "U", "age": "P90D",
                   "description": "in silico network model (brian2nwb.explore)"}


def explore(
    source: str | os.PathLike | Callable,
    parameters: dict | list,
    out: str | os.PathLike,
    *,
    seeds: list[int] | None = None,
    state: str = "initial",
    duration=None,
    client=None,
    workers: int | None = None,
    target: str = "numpy",
    subject: dict | None = None,
    progress: bool | None = None,
):
    """Simulate every point of a parameter sweep and write one NWB file per point.

    Parameters
    ----------
    source : path or callable
        A brian2nwb file (rebuilt with ``from_nwb(source, namespace=point)`` in
        each worker: the values replace the model's external constants), or an
        importable function ``build(**point) -> brian2.Network`` for sweeps that
        change structure (then ``duration`` is needed).
    parameters : dict or list of dict
        ``{name: [values]}`` (Cartesian product; Quantities welcome) or a list
        of points ``{name: value}``.
    out : path
        The output folder, laid out as a DANDI dataset:
        ``sub-<model>/sub-<model>_ses-<point>.nwb`` and ``sweep.tsv``.
    seeds : list of int, optional
        Repeat every point with each seed (runs k of a point are seeded with
        ``seed + k``); without seeds a file source keeps its recorded random states.
    state : {"initial", "final"}
        For a file source: start each point from t=0, or fork it from the end of
        the recording (warm up once, explore many; each point's file then starts
        where the source ended, and re-simulates from there).
    duration : brian2 Quantity, optional
        Simulate this long; by default a file source started at t=0 replays its
        recorded runs (a fork needs a duration).
    client : dask.distributed.Client, optional
        Any Dask client (a SLURM cluster through dask-jobqueue, Kubernetes...);
        by default a local cluster of ``workers`` processes (default: one per CPU).
    target : {"numpy", "cython"}
        Brian2's code-generation target in the workers.
    subject : dict, optional
        The NWB subject of every file (``subject_id`` is the model's name).
    progress : bool, optional
        Show a progress bar over points; by default only on a terminal.

    Returns
    -------
    pandas.DataFrame
        One row per point: parameter values (columns ``"<name> [<SI unit>]"``),
        seed, file, status (``done``, ``failed`` with the error, ``skipped`` if its
        file existed), wall time, and per SpikeMonitor its spike count and mean rate.
        Also written to ``<out>/sweep.tsv`` (`brian2nwb.sweep_table` reads it).
    """
    if not callable(source) and not Path(source).exists():
        raise FileNotFoundError(f"{source} does not exist.")
    if (callable(source) or state == "final") and duration is None:
        raise ValueError("A builder function or state='final' needs duration=: there are no recorded runs to "
                         "replay.")
    if state not in ("initial", "final"):
        raise ValueError(f"state must be 'initial' or 'final', not {state!r}.")
    if target not in ("numpy", "cython"):
        raise ValueError(f"target must be 'numpy' or 'cython', not {target!r}.")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    points = points_of(parameters, seeds)
    model = model_name(source)
    previous = _previous_rows(out)
    rows, pending = {}, []
    for point in points:
        file = point.file(out, model)
        if file.exists():  # written completely (files appear atomically): skipped
            rows[point.id] = dict(previous.get(point.id, {}), status="skipped", error="",
                                  file=file.relative_to(out).as_posix())
        else:
            pending.append(point)
    tasks = [dict(_task(source, point, out, model, duration, target, subject or DEFAULT_SUBJECT), state=state)
             for point in pending]
    for row in _run(tasks, client, workers, progress):
        rows[row["point"]] = row
    write_table(out, points, rows)
    return sweep_table(out)


def _task(source, point: Point, out: Path, model: str, duration, target: str, subject: dict) -> dict:
    """What a worker needs for one point: plain values and paths only."""
    return {"source": source if callable(source) else str(Path(source).resolve()), "point": point.id,
            "values": point.values, "seed": point.seed, "file": str(point.file(out, model)), "out": str(out),
            "duration": duration, "target": target, "subject": dict(subject, subject_id=model),
            "sweep": out.name}


def _previous_rows(out: Path) -> dict:
    """The rows of an earlier call's table by point id (for the summaries of skipped points)."""
    try:
        table = sweep_table(out)
    except FileNotFoundError:
        return {}
    keep = [column for column in table.columns if column in STATUS_COLUMNS[2:] or column.endswith(
        (" spikes", " rate [Hz]"))]
    return {str(row["point"]): {column: row[column] for column in keep} for _, row in table.iterrows()}


def _run(tasks: list[dict], client, workers: int | None, progress: bool | None):
    """Run the tasks on Dask and yield each point's row as it completes."""
    if not tasks:
        return
    from dask.distributed import Client, LocalCluster, as_completed, wait

    from ..progress import progress_bar

    own = client is None
    if own:
        cluster = LocalCluster(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1, processes=True,
                               dashboard_address=None)
        client = Client(cluster)
    try:
        keys = [f"brian2nwb-{task['sweep']}-{task['point']}" for task in tasks]
        with progress_bar(len(tasks), "explore", progress) as bar:
            futures = []
            if tasks[0]["target"] == "cython" and len(tasks) > 1:
                # one point first: it compiles the code every point shares into Brian2's Cython cache, which
                # the workers share, instead of every worker compiling the same code at once
                futures.append(client.submit(run_point, tasks[0], key=keys[0], pure=False, retries=2))
                wait(futures[:1])  # its failure, if any, is reported with the others below
            futures += client.map(run_point, tasks[len(futures):], key=keys[len(futures):], pure=False, retries=2)
            for future in as_completed(futures):
                try:
                    row = future.result()
                except Exception as error:  # noqa: BLE001 - the worker died on this point more than Dask retries
                    task = tasks[keys.index(future.key)]
                    row = {"point": task["point"], "status": "failed", "error": f"{type(error).__name__}: {error}",
                           "file": ""}
                bar.update()
                yield row
    finally:
        if own:
            client.close()
            cluster.close()


def run_point(task: dict) -> dict:
    """Simulate one point and write its file (runs in a Dask worker; also callable directly).

    Returns its row of the sweep table; an exception of the simulation is reported
    in the row (status ``failed``), not raised, so that Dask does not retry it.
    """
    import warnings

    from brian2 import SpikeMonitor, prefs, start_scope

    from ..errors import Brian2NWBWarning, failure_text, printable
    from ..verbs.reader import from_nwb
    from ..verbs.snapshot import snapshot
    from ..verbs.writer import write_network
    from .points import point_table

    start = time.perf_counter()
    file = Path(task["file"])
    row = {"point": task["point"], "file": file.relative_to(task["out"]).as_posix()}
    caught: list = []
    try:
        start_scope()
        prefs.codegen.target = task["target"]
        with warnings.catch_warnings(record=True) as recorded:
            caught = recorded
            warnings.simplefilter("ignore")
            warnings.simplefilter("always", Brian2NWBWarning)  # what was left out, what will not re-run exactly
            if callable(task["source"]):
                net = task["source"](**task["values"])
                snapshot(net, seed=task["seed"])
                net.run(task["duration"])
            else:
                net = from_nwb(task["source"], state=task.get("state", "initial"), namespace=dict(task["values"]),
                               progress=False)
                snapshot(net, seed=task["seed"])
                if task["duration"] is not None:
                    net.run(task["duration"])
                else:
                    net.run_recorded()
            file.parent.mkdir(parents=True, exist_ok=True)
            point = point_table({"sweep": task["sweep"], "point": task["point"], "values": task["values"],
                                 "seed": task["seed"]})
            write_network(net, file, {"sweep_point": point}, overwrite=False, subject=task["subject"],
                          session_id=task["point"], source_script=None, compression="auto", compression_opts=None,
                          backend="hdf5", progress=False,
                          session_description=f"Point {task['point']} of the parameter sweep '{task['sweep']}' "
                                              f"({_describe_values(task['values'], task['seed'])}).")
        duration = float(net.t_)
        for monitor in sorted((obj for obj in net.objects if isinstance(obj, SpikeMonitor)), key=lambda m: m.name):
            count = int(monitor.num_spikes)
            row[f"{monitor.name} spikes"] = count
            row[f"{monitor.name} rate [Hz]"] = count / (len(monitor.source) * duration) if duration else 0.0
        row.update(status="done", error="")
    except Exception as error:  # noqa: BLE001 - any failure of one point is its row's business
        row.update(status="failed", error=failure_text(error), file="")
    notes = dict.fromkeys(" ".join(str(w.message).replace(str(file), "the file").split())
                          for w in caught if issubclass(w.category, Brian2NWBWarning))
    row["warnings"] = printable(" | ".join(notes))
    row["wall_time_s"] = round(time.perf_counter() - start, 3)
    return row


def _describe_values(values: dict, seed: int | None) -> str:
    text = ", ".join(f"{name}={value}" for name, value in values.items())
    return text + (f", seed {seed}" if seed is not None else "")
