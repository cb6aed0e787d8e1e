"""``run_with_checkpoints``: a long run in pieces, with a complete brian2nwb file (or, for a streamed network, a
commit of its stream) after each.

Every checkpoint is written atomically over the previous one, so a process killed
at any moment (even during a write) leaves the newest complete checkpoint.
``from_nwb(path, state="final")`` rebuilds the network from it - state, spikes in
flight, and the randomness of the runs to come - and the same function continues
it to the end.
"""

from __future__ import annotations

import os
from pathlib import Path

from brian2 import Network, second

from ..brian.network import network_time
from ..nwb.atomic import check_target
from .snapshot import recorder_of, snapshot
from .stream import stream_of
from .writer import to_nwb


def run_with_checkpoints(net: Network, until, every, path: str | os.PathLike, **to_nwb_kwargs) -> Path:
    """Run ``net`` until simulated time ``until`` in runs of ``every``, writing ``path`` after each.

    Parameters
    ----------
    net : brian2.Network
        A network recorded with `brian2nwb.snapshot` (call it before the first
        run), or one rebuilt from a checkpoint with ``from_nwb(path,
        state="final")`` (it is then recorded from there on).
    until : brian2 Quantity
        The simulated time to reach (the total, not what is left: resuming with
        the same arguments finishes the same simulation).
    every : brian2 Quantity
        Simulated time between checkpoints; each piece is one ``run()``.
    path : path-like
        The checkpoint file, replaced after every piece.
    **to_nwb_kwargs
        Passed to `to_nwb` (``subject=``, ``backend=``...).

    Notes
    -----
    A network streamed into ``path`` (`brian2nwb.stream`) is not written whole after each piece: its stream
    commits (the pieces recorded so far, the model, the state), and ``to_nwb`` completes ``path`` at the end.
    After a crash, ``brian2nwb.recover(path)`` writes the file up to the newest commit, and
    ``from_nwb(path, state="final")`` continues from there into a stream of a second file.

    Returns
    -------
    pathlib.Path
        The checkpoint, which holds the end of the simulation.
    """
    if recorder_of(net) is None:
        snapshot(net)  # a network from from_nwb(..., state="final"): its continuation is recorded from here
    until_s, every_s = float(until / second), float(every / second)
    if every_s <= 0:
        raise ValueError(f"every must be a positive time, not {every}.")
    streamed = stream_of(net)
    if streamed is not None and streamed.target != check_target(path, overwrite=True):
        raise ValueError(f"{net.name} is streamed into {streamed.target}: its checkpoints are that stream's "
                         f"commits, so pass path={str(streamed.target)!r}.")
    written = Path(path)
    while network_time(net) < until_s - 1e-12:
        net.run(min(every_s, until_s - network_time(net)) * second)
        if streamed is not None and network_time(net) < until_s - 1e-12:
            streamed.flush(commit=True)  # a checkpoint: brian2nwb.recover(path) writes the file up to here
        else:
            written = to_nwb(net, path, overwrite=True, **{"source_script": None, **to_nwb_kwargs})
    return written
