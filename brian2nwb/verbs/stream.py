"""``stream``: a recording written while the network runs, so that the process holds one piece at a time.

After ``stream(net, "sim.nwb", every=10*second)``, every ``run()`` is made as pieces of at most ``every`` of
simulated time (`brian2nwb.brian.pieces`: bit-identical to the whole run, recorded as one run). After each
piece but a run's last, each monitor's new data is appended to ``sim.nwb.stream/pieces.h5``
(`brian2nwb.nwb.stream_store`) and the monitor emptied: it holds the current piece. From time to time (see
``commit_every``) the pieces are committed with the model as it stands (``to_nwb`` without the recordings):
what `brian2nwb.recover` completes if the process dies. ``to_nwb(net, "sim.nwb")`` writes the last piece too
and then the file as it would have without streaming, reading the recording from disk (the writers read what
a monitor recorded through `brian2nwb.brian.recorded`; spikes are grouped by neuron out of core), and removes
the stream's folder.

Refused: C++ standalone (before anything runs) and ``restore()`` (it would rewind what is written).
"""

from __future__ import annotations

import os
import time
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
from ..brian.recorded import own_values, recorded_before, stream_earlier
from ..nwb.atomic import check_target
from ..nwb.stream_store import StreamStore, store_path
from .snapshot import recorder_of, snapshot
from .garbage import leaves_no_garbage

#: The monitors whose recordings are streamed (SpikeMonitor is an EventMonitor), and what each records.
STREAMED = (EventMonitor, StateMonitor, PopulationRateMonitor)

_STREAMS: dict = {}  # id(network) -> Stream
#: With ``max_bytes``, a piece is planned to fill this share of it (the rate of the last piece may change).
BUDGET_SHARE = 0.8
#: By default a stream commits once the time since its last commit is this many times what the last commit's
#: model write took.
COMMIT_COST = 10


class Stream:
    """A network's streamed recording: the target file, the store of its pieces, and what ``to_nwb`` is given
    when the model is written at a commit."""

    def __init__(self, net: Network, target: Path, recorder, to_nwb_arguments: dict, commit_every: float | None,
                 every: float, max_bytes: int | None):
        self.net, self.target, self.recorder = net, target, recorder
        self.to_nwb_arguments = to_nwb_arguments
        self.commit_every, self.every, self.max_bytes = commit_every, every, max_bytes
        self.store = StreamStore(store_path(target))
        #: Every piece written: (simulated time at its end in seconds, bytes of recorded data).
        self.pieces: list[tuple[float, int]] = []
        self._committed_at = time.perf_counter()
        self._model_seconds = 0.0  # what the last model write took
        self._flushed_at = network_time(net)
        self._rate: float | None = None  # bytes per simulated second of the last piece

    def piece_length(self) -> float:
        """The longest next piece (seconds): ``every``, and with ``max_bytes``, what the last piece's bytes per
        simulated second would fill (the first piece: a hundredth of ``every`` to measure it)."""
        if self.max_bytes is None:
            return self.every
        if self._rate is None:
            return self.every / 100
        return min(self.every, BUDGET_SHARE * self.max_bytes / self._rate) if self._rate > 0 else self.every

    def monitors(self) -> list:
        """The monitors of the recording (a magic network's too: it holds no objects between runs)."""
        return [obj for obj in self.recorder.view().objects if isinstance(obj, STREAMED) and _records(obj)]

    @leaves_no_garbage
    def flush(self, net=None, commit: bool | None = None) -> None:
        """Append every monitor's current piece to the store and empty the monitors; commit (write the model
        beside the pieces, then mark them kept) when ``commit`` or, if None, when one is due."""
        if not self.store.file.id.valid:
            raise RuntimeError(f"The stream of {self.target} was completed by to_nwb; call brian2nwb.stream() "
                               "again to record further runs into another file.")
        monitors = self.monitors()
        size = 0
        for monitor in monitors:
            arrays = {name: own_values(monitor, name) for name in _variables(monitor)}
            self.store.append(monitor.name, arrays)
            size += sum(array.nbytes for array in arrays.values())
        now = network_time(self.net)
        if now > self._flushed_at:  # (a magic network's new simulation starts again at 0)
            self._rate = size / (now - self._flushed_at)
        self._flushed_at = now
        self.pieces.append((now, size))
        if commit or (commit is None and self._commit_due()):
            started = time.perf_counter()
            self._write_model(self.store.model_path(self.store.commits + 1))
            self.store.commit(now)
            self._committed_at = time.perf_counter()
            self._model_seconds = self._committed_at - started
        for monitor in monitors:
            stream_earlier(monitor, self.store.pieces_of(monitor.name, lambda name, monitor=monitor:
                                                         monitor.variables[name].get_value()))
            forget_recorded(monitor)
            recorded_before(monitor, 0)  # (what it held before the recording is not in the piece)

    def _commit_due(self) -> bool:
        """``commit_every`` seconds passed since the last commit; by default, `COMMIT_COST` times what writing
        the model took (so that it costs at most about 1/`COMMIT_COST` of the time)."""
        since = time.perf_counter() - self._committed_at
        return since >= (self.commit_every if self.commit_every is not None else COMMIT_COST * self._model_seconds)

    def _write_model(self, path: Path) -> None:
        """The file ``to_nwb`` would write now, without the results (they are in the store)."""
        from .writer import write_network  # (the writer completes streams: it imports this module)

        arguments = {"subject": None, "source_script": "auto", "compression": "auto", "compression_opts": None,
                     **self.to_nwb_arguments}
        with warnings.catch_warnings():  # what is left out is said when the file is completed or recovered
            warnings.simplefilter("ignore", Brian2NWBWarning)
            write_network(self.net, path, {}, overwrite=False, backend="hdf5", progress=False, results=False,
                          **arguments)

    def completed(self) -> None:
        """The file is written: the pieces are no longer needed."""
        self.store.remove()
        _STREAMS.pop(id(self.net), None)


def stream(net: Network | None, path: str | os.PathLike, every=10 * second, *, seed: int | None = None,
           overwrite: bool = False, keep: str = "piece", max_bytes: int | None = None,
           commit_every: float | None = None, **to_nwb_arguments) -> Stream:
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
    max_bytes : int, optional
        A budget for a piece's recorded data (all monitors): pieces are also shortened so that, at the rate the
        last piece recorded, the next one fills about 80% of it (the first piece, a hundredth of ``every``,
        measures the rate). A burst of activity can exceed it; Brian2's arrays may reserve up to twice
        their data.
    seed : int, optional
        As for `brian2nwb.snapshot` (which ``stream`` calls when the network has no recorder yet).
    overwrite : bool
        Replace an existing ``path`` when the file is completed.
    keep : {"piece", "nothing"}
        What the monitors hold between runs: the last piece of the last run (``"piece"``; during a run they
        hold the current piece), or nothing (``"nothing"``: the last piece is written too, so that nothing
        recorded stays in memory between runs; the recording is read from the file).
    commit_every : float, optional
        Wall-clock seconds between two commits: what `recover` restores after a crash ends at the last one. A
        commit writes the model as it stands (``to_nwb`` without the recordings) beside the pieces; by default
        one is made after a piece once ten times what the last one took has passed (so that commits cost about
        a tenth of the time at most); 0 commits after every piece.
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
    every spike); once ``to_nwb`` completes the file, nothing (its last piece is written too). Runtime device
    only (numpy and Cython targets).
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
    if keep not in ("piece", "nothing"):
        raise ValueError(f"keep must be 'piece' or 'nothing', not {keep!r}.")
    if max_bytes is not None and not (isinstance(max_bytes, int) and max_bytes > 0):
        raise ValueError(f"max_bytes must be a positive number of bytes, not {max_bytes!r}.")
    if commit_every is not None and not commit_every >= 0:
        raise ValueError(f"commit_every must be a number of seconds (0 or more), not {commit_every!r}.")
    net = net if net is not None else magic_network
    recorder = snapshot(net, seed=seed)  # the network's recorder (snapshot() returns one made earlier)
    streamed = Stream(net, target, recorder, to_nwb_arguments, commit_every, length, max_bytes)
    _STREAMS[id(net)] = streamed
    split_runs(net, streamed.piece_length, streamed.flush, recorder,
               after=streamed.flush if keep == "nothing" else None)
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


def split_runs(net: Network, every, between: Callable, recorder=None, after: Callable | None = None) -> None:
    """Make every later ``net.run(duration, ...)`` a sequence of runs of at most ``every`` (a Brian2 time, or
    a function giving the next piece's longest length in seconds), recorded by ``net``'s `brian2nwb.snapshot`
    recorder as one run; ``between(net)`` runs between pieces, ``after(net)`` after the run's last one."""
    recorder = recorder if recorder is not None else recorder_of(net)
    if recorder is None:
        raise RuntimeError("Call brian2nwb.snapshot(net) before splitting its runs.")
    length = every if callable(every) else float(every / second)

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
            if after is not None:
                after(net)
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
