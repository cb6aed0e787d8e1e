"""``run_with_checkpoints``: a long run in pieces, with a complete brian2nwb file after each.

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
from .snapshot import recorder_of, snapshot
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
    written = Path(path)
    while network_time(net) < until_s - 1e-12:
        net.run(min(every_s, until_s - network_time(net)) * second)
        written = to_nwb(net, path, overwrite=True, **{"source_script": None, **to_nwb_kwargs})
    return written
