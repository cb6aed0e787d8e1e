"""Brian2's `BinomialFunction`: declarative (``n``, ``p``, ``approximate``), so a file holds it and a rebuilt
network gets one that draws the same numbers.

Brian2 does not keep ``n`` and ``p`` on the object: its numpy implementation
closes over them (``n``, ``p``), or, when it approximates with a normal
distribution, over ``loc = n * p`` and ``scale = sqrt(n * p * (1 - p))``. In that
case ``n`` and ``p`` are solved for and accepted only if they give back ``loc``
and ``scale`` bit for bit (every target's code is generated from those).
"""

from __future__ import annotations

import numpy as np


def parameters(function) -> tuple[int, float, bool] | None:
    """``(n, p, approximate)`` of a BinomialFunction such that ``BinomialFunction(n, p, approximate)`` draws
    the same numbers; None if they cannot be told."""
    try:
        sample = function.implementations["numpy"].get_code(None)
        closed = dict(zip(sample.__code__.co_freevars, (cell.cell_contents for cell in sample.__closure__)))
    except (AttributeError, KeyError, TypeError, ValueError):
        return None
    if "n" in closed and "p" in closed:
        return int(closed["n"]), float(closed["p"]), False
    if "loc" in closed and "scale" in closed:
        return _solve(float(closed["loc"]), float(closed["scale"]))
    return None


def _solve(loc: float, scale: float) -> tuple[int, float, bool] | None:
    """``n``, ``p`` with ``n * p == loc`` and ``sqrt(n * p * (1 - p)) == scale`` exactly (the normal case)."""
    if not (loc > 0 and 0 < scale and scale**2 < loc):
        return None
    p_estimate = 1.0 - scale**2 / loc
    n = int(round(loc / p_estimate))
    if n <= 0:
        return None
    p = loc / n
    candidates = [p]
    for direction in (np.inf, -np.inf):
        value = p
        for _ in range(8):
            value = float(np.nextafter(value, direction))
            candidates.append(value)
    for p in candidates:
        if 0 < p < 1 and n * p == loc and np.sqrt(n * p * (1 - p)) == scale and n * p > 5 and n * (1 - p) > 5:
            return n, p, True
    return None


def build(n: int, p: float, approximate: bool):
    """A BinomialFunction with these parameters."""
    from brian2.input.binomial import BinomialFunction

    return BinomialFunction(int(n), float(p), approximate=bool(approximate))
