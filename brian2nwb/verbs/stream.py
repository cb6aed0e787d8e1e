"""``stream``: a recording written while the network runs, so that the process holds one piece at a time.

After ``stream(net, "sim.nwb", every=10*second)``, every ``run()`` is made as pieces of at most ``every`` of
simulated time (`brian2nwb.brian.pieces`: bit-identical to the whole run, recorded as one run). After each
piece but a run's last, each monitor's new data is appended to ``sim.nwb.stream/pieces.h5``
(`brian2nwb.nwb.stream_store`), the model as it stands is written beside it (``to_nwb`` without the results:
what `brian2nwb.recover` completes if the process dies), and the monitor is emptied: it holds the current
piece. ``to_nwb(net, "sim.nwb")`` writes the file as it would have without streaming (the monitors' earlier
pieces read back where the writers read what a monitor recorded, `brian2nwb.brian.recorded`) and removes the
stream's folder.

Refused: C++ standalone (before anything runs) and ``restore()`` (it would rewind what is written).
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable
from pathlib import Path

from brian2 import EventMonitor, Network, PopulationRateMonitor, StateMonitor, second
from brian2.core.magic import MagicNetwork, collect, magic_network

from ..brian import standalone
from ..brian.internals import forget_recorded, hook_network_methods
from ..brian.network import network_time
from ..errors import Brian2NWBWarning
from ..brian.pieces import run_in_pieces
from ..brian.recorded import stream_earlier
from ..nwb.atomic import check_target
from ..nwb.stream_store import StreamStore, store_path
from .snapshot import recorder_of, snapshot

#: The monitors whose recordings are streamed (SpikeMonitor is an EventMonitor), and what each records.
STREAMED = (EventMonitor, StateMonitor, PopulationRateMonitor)

_STREAMS: dict = {}  # id(network) -> Stream


class Stream:
    """A network's streamed recording: the target file, the store of its pieces, and what ``to_nwb`` is given
    when the model is written after each piece."""

    def __init__(self, net: Network, target: Path, recorder, to_nwb_arguments: dict):
        self.net, self.target, self.recorder = net, target, recorder
        self.to_nwb_arguments = to_nwb_arguments
        self.store = StreamStore(store_path(target))

    def monitors(self) -> list:
        """The monitors of the recording (a magic network's too: it holds no objects between runs)."""
        return [obj for obj in self.recorder.view().objects if isinstance(obj, STREAMED) and _records(obj)]

    def flush(self, net=None) -> None:
        """Append every monitor's current piece to the store, write the model beside it, commit the piece and
        empty the monitors."""
        if not self.store.file.id.valid:
            raise RuntimeError(f"The stream of {self.target} was completed by to_nwb; call brian2nwb.stream() "
                               "again to record further runs into another file.")
        monitors = self.monitors()
        for monitor in monitors:
            self.store.append(monitor.name, {name: monitor.variables[name].get_value()
                                             for name in _variables(monitor)})
        self._write_model(self.store.model_path(self.store.pieces + 1))
        self.store.commit(network_time(self.net))
        for monitor in monitors:
            stream_earlier(monitor, lambda variable, monitor=monitor: self.earlier(monitor, variable))
            forget_recorded(monitor)

    def _write_model(self, path: Path) -> None:
        """The file ``to_nwb`` would write now, without the results (they are in the store)."""
        from .writer import write_network  # (the writer completes streams: it imports this module)

        arguments = {"subject": None, "source_script": "auto", "compression": "auto", "compression_opts": None,
                     **self.to_nwb_arguments}
        with warnings.catch_warnings():  # what is left out is said when the file is completed or recovered
            warnings.simplefilter("ignore", Brian2NWBWarning)
            write_network(self.net, path, {}, overwrite=False, backend="hdf5", progress=False, results=False,
                          **arguments)

    def earlier(self, monitor, variable: str):
        """The pieces of ``monitor`` written so far."""
        if not self.store.file.id.valid:
            raise RuntimeError(f"The earlier pieces of '{monitor.name}' were written to {self.target} by to_nwb "
                               "and removed: read that file (the monitor holds only its last piece).")
        return self.store.values(monitor.name, variable, monitor.variables[variable].get_value())

    def completed(self) -> None:
        """The file is written: the pieces are no longer needed."""
        self.store.remove()
        _STREAMS.pop(id(self.net), None)


def stream(net: Network | None, path: str | os.PathLike, every=10 * second, *, seed: int | None = None,
           overwrite: bool = False, **to_nwb_arguments) -> Stream:
    """Write the recording into ``path`` while ``net`` runs; ``to_nwb(net, path)`` completes the file.

    Parameters
    ----------
    net : brian2.Network or None
        The network, before its first run (None: the magic network of plain ``run()`` calls).
    path : str or path-like
        The ``.nwb`` file ``to_nwb`` will write; the pieces are kept beside it in the folder ``<path>.stream``.
    every : Quantity
        Simulated time between two pieces (rounded down to whole time steps): each monitor holds at most
        this much recording.
    seed : int, optional
        As for `brian2nwb.snapshot` (which ``stream`` calls when the network has no recorder yet).
    overwrite : bool
        Replace an existing ``path`` when the file is completed.
    **to_nwb_arguments
        `to_nwb`'s ``subject``, ``source_script``, ``compression`` and NWBFile fields (``session_description``,
        ``identifier``...), for the model written after each piece: what `recover` puts in the file if the
        process dies before ``to_nwb`` (which takes its own arguments).

    Returns
    -------
    Stream

    Notes
    -----
    While streaming, a monitor holds the recording since the last piece (``SpikeMonitor.count`` keeps counting
    every spike). After each piece the model is written (``to_nwb`` without the results, into the stream's
    folder): for a model of many synapses, choose ``every`` so that this write stays small next to the piece's
    simulation. Runtime device only (numpy and Cython targets).
    """
    if standalone.active():
        raise RuntimeError("C++ standalone cannot be streamed: its monitors are filled when the program ends. "
                           "Write the recording with to_nwb after device.build() instead.")
    target = check_target(path, overwrite)
    if store_path(target).exists():
        raise FileExistsError(f"{store_path(target)} holds the pieces of an earlier stream: brian2nwb.recover("
                              f"'{target}') writes them into a file, or remove the folder first.")
    for name in ("backend", "progress", "results"):
        if name in to_nwb_arguments:
            raise TypeError(f"stream() takes no '{name}': pass it to to_nwb, which completes the file.")
    length = float(every / second)
    if not length > 0:
        raise ValueError(f"every must be a positive time, not {every!r}.")
    net = net if net is not None else magic_network
    recorder = snapshot(net, seed=seed)  # the network's recorder (snapshot() returns one made earlier)
    streamed = Stream(net, target, recorder, to_nwb_arguments)
    _STREAMS[id(net)] = streamed
    split_runs(net, every, streamed.flush, recorder)
    hook_network_methods(net, {"restore": _refuse_restore})
    return streamed


def _refuse_restore(original):
    def hooked(*args, **kwargs):
        raise RuntimeError("A streamed network cannot restore(): it would rewind monitors whose pieces are already "
                           "written. Stream each branch into a file of its own (from_nwb(..., state='final') "
                           "continues a file), or record with snapshot() and to_nwb without streaming.")
    return hooked


def stream_of(net: Network | None) -> Stream | None:
    """The stream of ``net``, if `stream` was called for it."""
    return _STREAMS.get(id(net if net is not None else magic_network))


def split_runs(net: Network, every, between: Callable, recorder=None) -> None:
    """Make every later ``net.run(duration, ...)`` a sequence of runs of at most ``every`` (a Brian2 time),
    recorded by ``net``'s `brian2nwb.snapshot` recorder as one run; ``between(net)`` runs between pieces."""
    recorder = recorder if recorder is not None else recorder_of(net)
    if recorder is None:
        raise RuntimeError("Call brian2nwb.snapshot(net) before splitting its runs.")
    length = float(every / second)

    def run(original):
        def hooked(duration, report=None, report_period=10 * second, namespace=None, profile=None, level=0):
            arguments = dict(report=report, report_period=report_period, namespace=namespace, profile=profile,
                             level=level + 3)  # Brian2 finds the caller's names above this frame, run_in_pieces, piece

            def piece(length_of_piece, **given):
                try:
                    return original(length_of_piece, **given)
                finally:
                    recorder.continuing = True  # the next pieces continue this run

            visible = _magic_objects(level + 1) if isinstance(net, MagicNetwork) else []  # as MagicNetwork.run
            try:
                run_in_pieces(net, piece, float(duration / second), length, between, lambda: net.objects or visible,
                              **arguments)
            finally:
                recorder.continuing = False
        return hooked

    hook_network_methods(net, {"run": run})


def _magic_objects(level: int) -> list:
    """The objects a magic ``run()`` called ``level`` frames above the caller will simulate (Brian2's ``collect``,
    and the objects they contain): whose clocks its pieces end on (it holds none before and between runs)."""
    found = collect(level + 1)
    return [*found, *(inner for obj in found for inner in obj.contained_objects)]


def _records(monitor) -> bool:
    return getattr(monitor, "record", True) is not False and bool(_variables(monitor))


def _variables(monitor) -> list[str]:
    """The arrays a monitor grows while it records (time on axis 0)."""
    if isinstance(monitor, StateMonitor):
        return ["t", *sorted(monitor.record_variables)] if len(monitor.record) else []
    if isinstance(monitor, PopulationRateMonitor):
        return ["t", "rate"]
    return sorted(monitor.record_variables)
