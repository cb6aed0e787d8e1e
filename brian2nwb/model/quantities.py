"""Physical quantities: Brian2 dimensions as 7 SI exponents and readable SI unit names."""

from __future__ import annotations

import numpy as np
from brian2.units.fundamentalunits import Dimension, get_dimensions

#: The SI base units in the order of Brian2's dimension exponents.
SI_BASE_UNITS = ("metre", "kilogram", "second", "ampere", "kelvin", "mole", "candela")

#: Derived SI units a name may start with, by their exponents of the base units.
_NAMED_UNITS = {
    "volt": (2, 1, -3, -1, 0, 0, 0),
    "siemens": (-2, -1, 3, 2, 0, 0, 0),
    "ohm": (2, 1, -3, -2, 0, 0, 0),
    "farad": (-2, -1, 4, 2, 0, 0, 0),
    "henry": (2, 1, -2, -2, 0, 0, 0),
    "coulomb": (0, 0, 1, 1, 0, 0, 0),
    "joule": (2, 1, -2, 0, 0, 0, 0),
    "watt": (2, 1, -3, 0, 0, 0, 0),
    "newton": (1, 1, -2, 0, 0, 0, 0),
    "pascal": (-1, 1, -2, 0, 0, 0, 0),
    "hertz": (0, 0, -1, 0, 0, 0, 0),
}


def dimensions_of(value) -> np.ndarray:
    """The 7 SI base-unit exponents of a quantity, unit or `Dimension` as float64."""
    dim = value if isinstance(value, Dimension) else get_dimensions(value)
    return np.asarray([dim.get_dimension(symbol) for symbol in ("m", "kg", "s", "A", "K", "mol", "cd")],
                      dtype=np.float64)


def si_unit_name(dimensions) -> str:
    """A readable SI unit for the given base-unit exponents, as an expression unit libraries parse.

    A derived SI unit, with the base units left over, where that is shorter than
    the base units alone: ``volt``, ``siemens/metre**2``, ``volt/second``,
    ``ampere/metre**2``; otherwise base units, e.g. ``metre**2``,
    ``second**-0.5``. The expressions use ``*``, ``/`` and ``**`` (Python's
    ``quantities``, used by neo, and ``pint`` parse them). The exact dimension is
    always stored next to this name.
    """
    dims = dimensions_of(dimensions) if isinstance(dimensions, Dimension) else np.asarray(dimensions, dtype=np.float64)
    if not dims.any():
        return "dimensionless"
    if tuple(dims) == _NAMED_UNITS["siemens"]:
        return "S"  # neo looks a single unit up by name after stripping a plural 's': "siemens" would fail
    candidates = [("", dims)] + [(name, dims - np.asarray(named, dtype=np.float64))
                                 for name, named in _NAMED_UNITS.items()]
    # fewest unit symbols (a named unit counts one); on a tie the named unit
    name, rest = min(candidates, key=lambda c: (np.abs(c[1]).sum() + (1 if c[0] else 0), not c[0], c[0]))
    up = [_power(base, e) for base, e in zip(SI_BASE_UNITS, rest) if e > 0]
    down = [(base, e) for base, e in zip(SI_BASE_UNITS, rest) if e < 0]
    top = ([name] if name else []) + up
    if not top:  # only negative exponents: second**-1
        return "*".join(_power(base, e) for base, e in down)
    text = "*".join(top)
    if down:
        below = [_power(base, -e) for base, e in down]
        text += "/" + (below[0] if len(below) == 1 else "(" + "*".join(below) + ")")
    return text


def _power(base: str, exponent: float) -> str:
    if exponent == 1:
        return base
    return f"{base}**{int(exponent) if exponent == int(exponent) else exponent:g}"
