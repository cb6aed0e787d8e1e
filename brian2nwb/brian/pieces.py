"""A run of the runtime device made as consecutive runs of at most ``every`` of simulated time.

What streaming recordings build on (issue 22): between two pieces, brian2nwb can write
what the monitors recorded and empty them. Measured here (``tests/test_run_pieces.py``),
on numpy and Cython with Brian2 2.9 and 2.11: ``run(T)`` and the same network run as
pieces give bit-identical results - the clocks advance by whole steps, the random
stream, synaptic queues and spike generators carry over - and a monitor emptied with
`brian2nwb.brian.internals.forget_recorded` between pieces records the next piece as it
would have: the pieces concatenated equal the whole.

A piece ends on a whole step of every clock of the network (``every`` rounded down
to a common multiple of the clocks' steps, at least one). A ``stop()`` inside a piece
ends the run there, as it would have ended the whole run.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .internals import was_stopped
from .network import network_time


def piece_ends(start: float, duration: float, every: float, steps: list[float]) -> list[float]:
    """The end times of the pieces of a run from ``start`` lasting ``duration`` (seconds): every ``every``
    (rounded down to whole steps of the largest clock step, at least one step), the last at the run's end."""
    step = max(steps)
    length = max(int(np.floor(every / step + 1e-9)), 1) * step
    count = int(np.ceil(duration / length - 1e-9))
    ends = [start + k * length for k in range(1, count)]
    return ends + [start + duration]


def clock_steps(objects) -> list[float]:
    """The time steps (seconds) of the clocks of ``objects``; Brian2's default clock's when there are none (a
    magic network before its first run: its objects are collected inside ``run()``)."""
    from brian2 import defaultclock, second

    steps = {float(obj.clock.dt / second) for obj in objects if hasattr(obj, "clock")}
    return sorted(steps) or [float(defaultclock.dt / second)]


def run_in_pieces(net, run: Callable, duration: float, every: float | Callable[[], float], between: Callable,
                  objects: Callable, **arguments) -> None:
    """``run(duration, **arguments)`` made as pieces ending at `piece_ends`; ``between(net)`` after every piece
    but the last (the last piece's data stay for the caller). ``run`` is Brian2's own ``Network.run`` of
    ``net``; ``every`` the longest piece in seconds (or a function giving it, asked before each piece);
    ``objects()`` the network's objects (whose clocks the pieces end on, asked again after each piece);
    ``arguments`` the run's keyword arguments (``level`` already counting the caller's frames)."""
    from brian2 import second

    start = network_time(net)  # a magic network that starts a new simulation moves it back to 0: see below
    end_of_run = start + duration
    while True:
        steps = clock_steps(objects())
        end = piece_ends(start, end_of_run - start, every() if callable(every) else every, steps)[0]
        run((end - start) * second, **arguments)
        if was_stopped(net):
            return  # stop() ended the run inside this piece, as it would have ended the whole run
        now = network_time(net)
        if abs(now - end) > 0.5 * steps[0]:  # Brian2 started the piece elsewhere (a new magic simulation)
            end_of_run = now - (end - start) + duration
        if now >= end_of_run - 0.5 * steps[0]:
            return
        start = now
        between(net)
