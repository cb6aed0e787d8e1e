"""``recover``: the file of a streamed recording whose process ended before ``to_nwb`` completed it.

A stream (`brian2nwb.stream`) commits from time to time what the monitors recorded and the model as it then
stood (`brian2nwb.nwb.stream_store`). `recover` writes what ``to_nwb`` would have written at the last commit:
its model, timeline (the run in progress ends there) and final state, and every committed piece of every
monitor (read from disk as ``to_nwb`` completes a stream). The file says so in its ``notes``; ``from_nwb`` re-runs it to that time bit
for bit, and ``from_nwb(path, state="final")`` continues the simulation from there.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..brian.network import NetworkView
from ..brian.recorded import stream_earlier
from ..errors import InvalidFileError, warn
from ..kinds.registry import BY_NWB_TYPE
from ..model.timeline import Recording
from ..nwb.atomic import atomic_path, check_target
from ..nwb.attributes import narrow_integer_attributes
from ..nwb.datasets import StorageOptions
from ..nwb.extension import nwb_io
from ..nwb.mapping import model_from_nwb
from ..nwb.stream_store import StreamStore, store_path
from .reader import from_nwb
from .garbage import leaves_no_garbage
from .writer import write_results


@leaves_no_garbage
def recover(path: str | os.PathLike, output: str | os.PathLike | None = None, *, overwrite: bool = False,
            keep: bool = False) -> Path:
    """Write the NWB file of a stream that was not completed (its process died, or never called ``to_nwb``).

    Parameters
    ----------
    path : str or path-like
        The file the stream was writing (``stream(net, path)``); its pieces are in ``<path>.stream``.
    output : str or path-like, optional
        Where to write the recovered file (default: ``path``).
    overwrite : bool
        Replace an existing ``output``.
    keep : bool
        Keep the stream's folder after the file is written (by default it is removed: the file holds it all).

    Returns
    -------
    pathlib.Path
        The recovered file: the recording up to the end of the last piece the stream committed.

    Raises
    ------
    FileNotFoundError
        There is no stream of ``path``.
    InvalidFileError
        The stream committed no piece (the process ended during the first one), or its files are damaged.

    Notes
    -----
    Like ``from_nwb``, it sets process-wide Brian2 state (``defaultclock.dt``, the preferences the model was
    written with): run it in a process of its own (``brian2nwb recover PATH``).
    """
    folder = store_path(path)
    if not folder.exists():
        raise FileNotFoundError(f"{folder} does not exist: there is no stream of {path} to recover.")
    target = check_target(output if output is not None else path, overwrite)
    try:
        store = StreamStore(folder, mode="r")
    except OSError as error:  # not HDF5, cut short, or missing
        raise InvalidFileError(f"{folder / 'pieces.h5'} cannot be read ({error}): this stream cannot be "
                               "recovered.") from None
    try:
        if store.commits == 0:
            raise InvalidFileError(f"{folder} holds no committed piece: the process ended before the stream's first "
                                   "commit (during its first piece). There is nothing to recover.")
        model_path = store.model_path(store.commits)
        if not model_path.is_file():
            raise InvalidFileError(f"{model_path} is missing: the stream's last commit cannot be recovered.")
        rebuilt = from_nwb(model_path, state="final", progress=False)  # the monitors, named as recorded
        streamed = set(store.monitors())
        for monitor in rebuilt.objects:
            if monitor.name in streamed:
                stream_earlier(monitor, store.pieces_of(monitor.name, lambda variable, monitor=monitor:
                                                        monitor.variables[variable].get_value()))
        with nwb_io(model_path, "r") as source:
            nwbfile = source.read()
            recording = Recording(model_from_nwb(nwbfile.lab_meta_data["brian2"], BY_NWB_TYPE).tables)
            view = NetworkView(name=rebuilt.name, t_end=store.t_end,
                               objects=sorted(rebuilt.objects, key=lambda obj: obj.name))
            left_out = write_results(view, nwbfile, StorageOptions("auto", None, "hdf5"), recording, recorded=True)
            recovered = (f"Recovered by brian2nwb.recover from the stream of a process that ended before to_nwb: "
                         f"the recording up to t = {store.t_end:g} s (commit {store.commits}), with the model, "
                         "timeline and state at that time.")
            nwbfile.fields["notes"] = f"{nwbfile.notes}\n{recovered}" if nwbfile.notes else recovered
            nwbfile.set_modified()  # (hdmf exports an unmodified container as it was read)
            with atomic_path(target, overwrite) as partial:
                with nwb_io(partial, mode="w") as out:
                    out.export(src_io=source, nwbfile=nwbfile)
                narrow_integer_attributes(partial)
    finally:
        store.close()
    if left_out:
        warn("Not written to " + str(target) + ":\n  " + "\n  ".join(left_out))
    if not keep:
        store.remove()
    return target
