"""``to_nwb``: one call that puts a Brian2 simulation into one NWB file."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from brian2 import Network
from brian2.core.magic import magic_network
from pynwb.file import Subject

from ..brian.network import NetworkView, used_timed_arrays, view_network
from ..errors import Brian2NWBWarning, warn
from ..kinds.kind import Stage
from ..kinds.registry import BY_NAME, REGISTRY, kind_of
from ..model.timeline import Recording
from ..nwb.atomic import atomic_path, check_target
from ..nwb.attributes import narrow_integer_attributes
from ..nwb.datasets import StorageOptions
from ..nwb.extension import nwb_io
from ..nwb.mapping import model_to_nwb
from ..nwb.metadata import add_run_epochs, make_nwbfile, software_attributes
from ..nwb.stimulus import write_timed_arrays
from ..progress import progress_bar
from ..trust.signature import has_code, sign
from .card import model_card, timed_array_values
from .garbage import leaves_no_garbage
from .network_model import describe_network, earlier_timed_arrays
from .provenance import sources_table
from .snapshot import recorder_of
from .stream import stream_of


@leaves_no_garbage
def to_nwb(
    net: Network | None,
    path: str | os.PathLike,
    *,
    overwrite: bool = False,
    subject: Subject | dict | None = None,
    source_script: str | os.PathLike | None = "auto",
    compression: str | None = "auto",
    compression_opts: int | None = None,
    backend: str = "hdf5",
    progress: bool | None = None,
    **metadata,
) -> Path:
    """Write a Brian2 simulation, its results and its model, to an NWB file.

    Parameters
    ----------
    net : brian2.Network or None
        The network after ``net.run(...)``; None (or ``magic_network``) for the
        simulation of plain ``run()`` calls: every object that took part in it.
    path : str or path-like
        The ``.nwb`` file to write. It appears only once complete.
    overwrite : bool
        Replace an existing file at ``path``. Without it an existing file is an error
        and stays unchanged.
    subject : pynwb.file.Subject or dict, optional
        The simulated subject. DANDI needs ``subject_id``, ``species``, ``sex`` and
        ``age`` (or ``date_of_birth``); a warning names the ones missing.
    source_script : path-like, None or "auto"
        The script that ran the simulation, stored as ``source_script``. "auto" takes
        the running ``__main__`` script, if there is one.
    compression : {"auto", "gzip"} or None
        ``"auto"`` (default) compresses large integer arrays and spike times with
        gzip level 1 and writes floats raw (gzip saves only 4-13% on simulated
        floats at a tenth of the speed); ``"gzip"`` compresses every large array;
        None none.
    compression_opts : int, optional
        The gzip level (0-9).
    backend : {"hdf5", "zarr"}
        ``"zarr"`` writes a Zarr store (a folder, e.g. ``sim.nwb.zarr``) through
        hdmf-zarr, for object storage and parallel reads.
    progress : bool, optional
        Show a progress bar; by default only on a terminal.
    **metadata
        Any `pynwb.NWBFile` field (``session_description``, ``identifier``,
        ``session_start_time``, ``experimenter``, ``institution``...), overriding
        the defaults.

    Returns
    -------
    pathlib.Path
        The path of the written file.

    Warns
    -----
    Brian2NWBWarning
        Listing every object that was left out and why, and the subject fields
        DANDI needs that are missing.
    """
    return write_network(net, path, {}, overwrite=overwrite, subject=subject, source_script=source_script,
                         compression=compression, compression_opts=compression_opts, backend=backend,
                         progress=progress, **metadata)


def write_network(net: Network | None, path: str | os.PathLike, network_tables: dict, *, overwrite: bool,
                  subject, source_script, compression, compression_opts, backend: str, progress, results: bool = True,
                  **metadata) -> Path:
    """`to_nwb`, with ``network_tables`` added to the model's network tables (a sweep's ``sweep_point``,
    `brian2nwb.sweep`): the tables must be ones `brian2nwb.model.tables.NETWORK_TABLES` declares. Without
    ``results``, what the monitors recorded is left out (a stream's model after a piece, `brian2nwb.stream`:
    the rest, such as a SpikeGeneratorGroup's spikes, is written)."""
    storage = StorageOptions(compression, compression_opts, backend)
    target = check_target(path, overwrite, folder=backend == "zarr")
    streamed = stream_of(net) if results else None
    if streamed is not None and streamed.target == target:
        # the last piece too: the writers read the recording from disk, and if this write fails,
        # brian2nwb.recover still has all of it
        streamed.flush(commit=True)
    recorder = recorder_of(net)
    if recorder is not None:
        recorder.sync()  # what changed after the last run (values set, dt, record_single_timestep...)
    view = recorder.view() if recorder is not None else view_network(net)
    with progress_bar(4, f"to_nwb {target.name}", progress) as bar:
        nwbfile = make_nwbfile(view, subject, source_script, metadata)
        timed_arrays = used_timed_arrays(view, earlier_timed_arrays(recorder))
        model, model_left_out = describe_network(view, recorder, net if net is not None else magic_network,
                                               {id(array): name for name, array in timed_arrays.items()})
        model.tables.update(network_tables)
        inputs = sources_table(view.objects, timed_arrays, getattr(net, "input_sources", None))
        if inputs is not None:
            model.tables["input_sources"] = inputs
        recording = Recording(model.tables)
        bar.update()
        left_out = write_results(view, nwbfile, storage, recording, recorded=None if results else False)
        left_out.extend(write_timed_arrays(timed_arrays, nwbfile, storage))
        left_out.extend(model_left_out)
        left_out.extend(recorder.unreproducible if recorder is not None else [])
        bar.update()
        simulation = nwbfile.lab_meta_data["brian2"]
        simulation.initial_state_source = model.attrs["initial_state_source"]
        if has_code(model.tables):  # the user's own code: signed with the user's key, so it runs here again
            try:
                simulation.code_signature = sign(model.tables)
            except OSError as error:  # no writable configuration folder (a read-only home on a cluster node)
                left_out.append(f"the signature of the Python code ({error}): from_nwb runs it only with "
                                "trust_code=True, or after 'brian2nwb trust FILE'; set BRIAN2NWB_CONFIG_DIR to a "
                                "writable folder to sign it")
        card_model = replace(model, attrs={**software_attributes(view), **model.attrs})
        simulation.model_card = model_card(card_model, BY_NAME, timed_array_values(timed_arrays)).to_markdown()
        model_to_nwb(model, BY_NAME, simulation, storage, nwbfile)
        add_run_epochs(nwbfile, recording)
        bar.update()
        if left_out:
            warn("Not written to " + str(target) + ":\n  " + "\n  ".join(left_out))
        with atomic_path(target, overwrite, folder=backend == "zarr") as partial:
            with nwb_io(partial, mode="w", backend=backend) as io:
                io.write(nwbfile)
            if backend == "hdf5":  # what browsers' HDF5 readers (Neurosift) can show: no int64 attribute
                narrow_integer_attributes(partial)
        bar.update()
    if streamed is not None and streamed.target == target:  # the file holds every piece now
        streamed.completed()
    return target


def write_results(view: NetworkView, nwbfile, storage: StorageOptions, recording: Recording,
                  recorded: bool | None = None) -> list[str]:
    """Add every object's results to ``nwbfile``; return what was left out, and why. ``recorded``: only what
    monitors recorded (True), or all but that (False: a stream's model, whose recordings are in its store)."""
    by_kind: dict[type, list] = {cls: [] for cls in REGISTRY}
    left_out = []
    for obj in view.objects:
        found = kind_of(obj)
        if found is not None and recorded is not None and (found[1].stage == Stage.MONITORS) != recorded:
            continue
        if found is None:
            if recorded is not True:
                left_out.append(f"{obj.name} ({type(obj).__name__}: brian2nwb does not know this kind of object)")
        elif found[1].unsupported:
            function = getattr(getattr(obj, "function", None), "__name__", None)  # a NetworkOperation's
            calls = f"calls {function}(); " if function and function != "<lambda>" else ""
            left_out.append(f"{obj.name} ({type(obj).__name__}: {calls}{found[1].unsupported})")
        else:
            by_kind[found[0]].append(obj)
    for cls, objects in by_kind.items():
        if objects and REGISTRY[cls].results is not None:
            left_out.extend(REGISTRY[cls].results(objects, nwbfile, storage, recording))
    return left_out
