"""The NWB file around the data: required metadata with defaults, subject, provenance."""

from __future__ import annotations

import platform
import sys
import uuid
from collections import Counter
from datetime import datetime
from pathlib import Path

import brian2
import numpy as np
from brian2.devices.device import all_devices, get_device
from pynwb import NWBFile
from pynwb.file import Subject

from ..brian.internals import code_objects
from ..brian.network import NetworkView
from ..errors import warn
from .extension import Brian2Simulation

#: What DANDI needs to know about the subject; ``age`` may be replaced by ``date_of_birth``.
DANDI_SUBJECT_FIELDS = ("subject_id", "species", "sex", "age")


def make_subject(subject: Subject | dict | None) -> Subject | None:
    """A pynwb `Subject` from a dict or Subject; warn once about what DANDI will refuse.

    Missing fields are named; the values given are checked with nwbinspector's own
    subject checks (ISO 8601 age, Latin binomial or NCBI taxon species, sex code...),
    whose messages the warning quotes with their importance for DANDI.
    """
    if subject is not None and not isinstance(subject, Subject):
        if not isinstance(subject, dict):
            raise TypeError(f"subject must be a pynwb.file.Subject or a dict of its fields, not "
                            f"{type(subject).__name__}.")
        subject = Subject(**subject)
    missing = [field for field in DANDI_SUBJECT_FIELDS if getattr(subject, field, None) in (None, "")]
    if "age" in missing and getattr(subject, "date_of_birth", None) is not None:
        missing.remove("age")
    problems = []
    if missing:
        problems.append("the subject has no " + ", ".join(
            "'age' (or 'date_of_birth')" if f == "age" else repr(f) for f in missing))
    if subject is not None:
        problems.extend(subject_findings(subject, skip=missing))
    if problems:
        warn(
            "DANDI will not accept this file: " + "; ".join(problems)
            + ". Pass subject={...} to to_nwb, e.g. subject=dict(subject_id='model-1', species='Mus musculus', "
              "sex='U', age='P90D', description='in silico network model').")
    return subject


def subject_findings(subject: Subject, skip=()) -> list[str]:
    """nwbinspector's subject checks on ``subject``, as "IMPORTANCE: message" (importance under its DANDI
    configuration); checks about the fields in ``skip`` (reported missing already) are left out."""
    from nwbinspector import available_checks, load_config

    importance = {name: level for level, names in load_config("dandi").items() for name in names}
    findings = []
    for check in available_checks:
        if check.neurodata_type is not Subject or any(field.split("_")[-1] in check.__name__ for field in skip):
            continue
        result = check(subject)
        for message in (result if isinstance(result, (list, tuple)) else [result] if result else []):
            findings.append(f"{importance.get(check.__name__, check.importance.name)}: {message.message}")
    return findings


def device_name() -> str:
    device = get_device()
    return next((name for name, known in all_devices.items() if known is device), type(device).__name__)


def codegen_targets(view: NetworkView) -> str:
    """The code-generation targets the network's code objects actually used."""
    targets = {getattr(codeobj, "class_name", None) or device_name()
               for obj in view.all_objects() for codeobj in code_objects(obj)}
    return ",".join(sorted(targets)) or str(brian2.prefs.codegen.target)


def provenance_comment() -> str:
    """The ``comments`` of the series brian2nwb writes: which software made the values."""
    versions = software_versions()
    return f"Simulated with Brian2 {versions['brian2']}; written by brian2nwb {versions['brian2nwb']}."


def software_versions() -> dict[str, str]:
    from ..version import __version__
    return {"brian2": brian2.__version__, "brian2nwb": __version__, "numpy": np.__version__,
            "python": platform.python_version()}


def main_script() -> Path | None:
    """The user's script (``__main__``), unless Python runs a tool such as pytest or IPython."""
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    if not path or getattr(main, "__spec__", None) is not None:  # run as "python -m module"
        return None
    path = Path(path)
    if path.suffix != ".py" or not path.is_file():
        return None
    return path


def session_text(view: NetworkView) -> str:
    """E.g. "Brian2 simulation of the network 'net' (1 NeuronGroup, 2 SpikeMonitor), 0.5 s simulated."."""
    kinds = Counter(type(obj).__name__ for obj in view.objects)
    contents = ", ".join(f"{count} {kind}" for kind, count in sorted(kinds.items()))
    return f"Brian2 simulation of the network '{view.name}' ({contents}), {view.t_end:g} s simulated."


def make_nwbfile(view: NetworkView, subject, source_script, metadata: dict) -> NWBFile:
    """An empty NWBFile with defaults for the required fields, overridden by ``metadata``."""
    versions = software_versions()
    fields = dict(
        session_description=session_text(view),
        identifier=str(uuid.uuid4()),
        session_start_time=datetime.now().astimezone(),
        was_generated_by=[[name, version] for name, version in versions.items()],
        experiment_description=f"In-silico experiment: a spiking neural network simulated with Brian2 "
                               f"{versions['brian2']}; results and model written by brian2nwb.",
    )  # no default keywords: neo's NWBIO (0.14) cannot read a file that has them (neo issue #1413)
    if source_script == "auto":
        source_script = main_script()
    if source_script is not None:
        path = Path(source_script)
        fields.update(source_script=path.read_text(encoding="utf-8", errors="replace"),
                      source_script_file_name=path.name)
    fields.update(metadata)
    if fields["session_start_time"].tzinfo is None:
        raise ValueError("session_start_time must be timezone-aware, e.g. datetime.now().astimezone().")
    nwbfile = NWBFile(**fields, subject=make_subject(subject))
    nwbfile.add_lab_meta_data(Brian2Simulation(
        name="brian2", description=session_text(view) + " Its model, to rebuild it with brian2nwb.from_nwb, is "
                                                        "in 'objects'.", **software_attributes(view)))
    return nwbfile


def software_attributes(view) -> dict:
    """The `Brian2Simulation` attributes saying what ran the network and how: versions, device, target, dt,
    simulated time."""
    versions = software_versions()
    return dict(network=view.name, brian2_version=versions["brian2"], brian2nwb_version=versions["brian2nwb"],
                numpy_version=versions["numpy"], python_version=versions["python"], device=device_name(),
                codegen_target=codegen_targets(view), dt=float(brian2.defaultclock.dt_), t_end=view.t_end)


def add_run_epochs(nwbfile: NWBFile, recording) -> None:
    """The runs whose results the file holds (``recording.surviving_runs()``), one row each, in simulated
    time; every run, those undone by a restore included, is in the model's ``runs`` table.

    A single run is no epoch table: its one row would only repeat the simulated
    interval, which the Units' ``obs_intervals`` and ``Brian2Simulation.t_end`` hold
    (nwbinspector suggests another type for one-row tables).
    """
    from pynwb.epoch import TimeIntervals

    kept = recording.surviving_runs()
    if len(kept) < 2:
        return
    epochs = TimeIntervals(name="epochs", description="The run() calls of the Brian2 simulation whose results "
                                                      "this file holds (in simulated time), tagged run_<k>: row k "
                                                      "of the model's runs table.")
    for k in kept:
        start, stop = recording.interval(k)
        epochs.add_interval(start_time=start, stop_time=stop, tags=[f"run_{k}"])
    nwbfile.epochs = epochs
