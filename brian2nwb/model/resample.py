"""Samples taken at one set of times, resampled onto a Brian2 ``TimedArray``'s grid.

A TimedArray of step ``dt`` holds in row ``g`` the value for simulated times
``[g*dt, (g+1)*dt)``; grid point ``g`` stands for source time ``start + g*dt``.
Two methods, chosen by the caller:

- ``"hold"`` (sample and hold, what a stimulus generator outputs): row ``g`` is
  the last sample taken at or before ``start + g*dt``. When ``dt`` is the series'
  sampling interval and ``start`` one of its samples, the rows are the samples,
  unchanged.
- ``"linear"``: the straight line between the samples before and after
  ``start + g*dt`` (the last sample is held after the series ends).

A sample counts as "at" a grid time when it is within a millionth of a sampling
interval of it, so that ``starting_time + k/rate`` and ``start + g*dt`` meet
whatever their rounding.
"""

from __future__ import annotations

import numpy as np

METHODS = ("hold", "linear")
#: Fraction of a sample interval within which a sample is taken to be at a grid time.
TOLERANCE = 1e-6


def positions(grid_times: np.ndarray, starting_time: float | None, rate: float | None,
              timestamps: np.ndarray | None) -> np.ndarray:
    """Where each grid time falls in the series, in samples (3.5: half-way between samples 3 and 4), from
    ``starting_time`` and ``rate`` (regular series) or from ``timestamps`` (increasing, irregular)."""
    if timestamps is None:
        return (grid_times - starting_time) * rate
    after = np.searchsorted(timestamps, grid_times, side="right")  # first sample after each grid time
    before = np.clip(after - 1, 0, len(timestamps) - 1)
    nxt = np.clip(after, 0, len(timestamps) - 1)
    span = timestamps[nxt] - timestamps[before]
    fraction = np.divide(grid_times - timestamps[before], span, out=np.zeros(len(grid_times)), where=span > 0)
    # a grid time a hair before a sample is at it
    at_next = (span > 0) & (fraction > 1 - TOLERANCE)
    return np.where(at_next, nxt, before + fraction).astype(np.float64)


def sample_rows(position: np.ndarray, method: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each grid point, the two sample rows and the weight of the second one (0 for "hold")."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(map(repr, METHODS))}, not {method!r}.")
    first = np.floor(position + TOLERANCE).astype(np.int64)
    if method == "hold":
        return first, first, np.zeros(len(position))
    weight = position - first
    weight[weight < TOLERANCE] = 0.0
    return first, first + 1, weight


def resample(values: np.ndarray, first: np.ndarray, second: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Rows of ``values`` (rows: samples, read from row 0 = the lowest sample row asked for) combined per grid
    point: ``values[first] * (1 - weight) + values[second] * weight``, the last row held past the end."""
    last = len(values) - 1
    first, second = np.minimum(first, last), np.minimum(second, last)
    if not weight.any():
        return values[first]
    w = weight.reshape((-1,) + (1,) * (values.ndim - 1))
    return values[first] * (1 - w) + values[second] * w
