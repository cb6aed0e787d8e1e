"""Spike trains made fit for a Brian2 ``SpikeGeneratorGroup``: at most one spike per neuron and time step.

Brian2 puts a generator's spike at time ``t`` into time step ``int((t + dt/1000) / dt)``
and refuses a neuron with two spikes in one step. Recorded spike trains (another
dt, another clock) may have them. `fit_to_dt` handles them by the caller's
explicit choice, and reports what it did:

- ``"error"``: refuse, naming the first neuron and time step with two spikes;
- ``"merge"``: keep the first spike of each neuron and step, drop the others
  (their number is reported);
- ``"shift"``: move each extra spike to the next step in which its neuron has
  none (its time becomes that step's start; the number moved and the largest
  shift are reported). No spike is lost.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

COLLISIONS = ("error", "merge", "shift")


class SpikeCollisionError(ValueError):
    """Two spikes of one neuron fall into one time step and the caller chose ``collisions="error"``."""


@dataclass(frozen=True)
class FittedSpikes:
    """Spikes sorted by time step and neuron; what was changed to fit them."""

    indices: np.ndarray  # int32
    times: np.ndarray  # float64 seconds
    merged: int = 0  # spikes dropped by "merge"
    shifted: int = 0  # spikes moved by "shift"
    largest_shift: float = 0.0  # seconds


def time_steps(times: np.ndarray, dt: float) -> np.ndarray:
    """The time step Brian2's SpikeGeneratorGroup puts each spike into (its own rule, ``spikegeneratorgroup.py``)."""
    return np.asarray((times + 1e-3 * dt) / dt).astype(np.int64)


def fit_to_dt(indices: np.ndarray, times: np.ndarray, dt: float, collisions: str) -> FittedSpikes:
    """Spikes (neuron ``indices``, ``times`` in seconds, any order) with at most one per neuron and step of ``dt``.

    Raises
    ------
    SpikeCollisionError
        With ``collisions="error"``, when a neuron has two spikes in one step.
    """
    if collisions not in COLLISIONS:
        raise ValueError(f"collisions must be one of {', '.join(map(repr, COLLISIONS))}, not {collisions!r}.")
    indices = np.asarray(indices, dtype=np.int32)
    times = np.asarray(times, dtype=np.float64)
    steps = time_steps(times, dt)
    order = np.lexsort((times, indices, steps))  # by step, then neuron, then time
    indices, times, steps = indices[order], times[order], steps[order]
    repeated = np.zeros(len(times), dtype=bool)
    repeated[1:] = (np.diff(steps) == 0) & (np.diff(indices) == 0)
    if not repeated.any():
        return FittedSpikes(indices, times)
    if collisions == "error":
        first = int(np.argmax(repeated))
        raise SpikeCollisionError(
            f"{int(repeated.sum())} spikes fall into a time step in which their neuron already spikes (first: neuron "
            f"{int(indices[first])}, {float(times[first - 1])!r} s and {float(times[first])!r} s with dt = {float(dt)!r} s), and Brian2 "
            "allows one spike per neuron and step. Pass collisions='merge' (keep one per step) or 'shift' (move "
            "the others to the next free step), or a smaller dt.")
    if collisions == "merge":
        keep = ~repeated
        return FittedSpikes(indices[keep], times[keep], merged=int(repeated.sum()))
    return _shift(indices, times, steps, dt, np.unique(indices[repeated]))


def _shift(indices, times, steps, dt, colliding) -> FittedSpikes:
    by_neuron = np.lexsort((times, steps, indices))
    indices, times, steps = indices[by_neuron], times[by_neuron], steps[by_neuron].copy()
    moved = np.zeros(len(times), dtype=bool)
    for k in np.flatnonzero(np.isin(indices, colliding))[1:]:  # a neuron's steps made strictly increasing
        if indices[k] == indices[k - 1] and steps[k] <= steps[k - 1]:
            steps[k] = steps[k - 1] + 1
            moved[k] = True
    new_times = np.where(moved, steps * dt, times)
    largest = float(np.max(new_times[moved] - times[moved])) if moved.any() else 0.0
    order = np.lexsort((indices, steps))
    return FittedSpikes(indices[order], new_times[order], shifted=int(moved.sum()), largest_shift=largest)
