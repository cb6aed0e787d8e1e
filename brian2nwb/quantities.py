"""Physical quantities: Brian2 dimensions as 7 SI exponents and readable SI unit names."""

from __future__ import annotations

import numpy as np
from brian2.units.fundamentalunits import Dimension, get_dimensions

#: The SI base units in the order of Brian2's dimension exponents.
SI_BASE_UNITS = ("metre", "kilogram", "second", "ampere", "kelvin", "mole", "candela")

#: Names for derived SI units, keyed by their exponents of the base units.
_NAMED_UNITS = {
    (2, 1, -3, -1, 0, 0, 0): "volt",
    (-2, -1, 3, 2, 0, 0, 0): "siemens",
    (2, 1, -3, -2, 0, 0, 0): "ohm",
    (-2, -1, 4, 2, 0, 0, 0): "farad",
    (2, 1, -2, -2, 0, 0, 0): "henry",
    (0, 0, 1, 1, 0, 0, 0): "coulomb",
    (2, 1, -2, 0, 0, 0, 0): "joule",
    (2, 1, -3, 0, 0, 0, 0): "watt",
    (1, 1, -2, 0, 0, 0, 0): "newton",
    (-1, 1, -2, 0, 0, 0, 0): "pascal",
    (0, 0, -1, 0, 0, 0, 0): "hertz",
    (-3, 0, 0, 0, 0, 1, 0): "mole/metre^3",
}


def dimensions_of(value) -> np.ndarray:
    """The 7 SI base-unit exponents of a quantity, unit or `Dimension` as float64."""
    dim = value if isinstance(value, Dimension) else get_dimensions(value)
    return np.asarray(dim._dims, dtype=np.float64)


def si_unit_name(dimensions) -> str:
    """A readable SI unit name for the given base-unit exponents.

    A named SI unit is used where one fits exactly (``volt``, ``siemens``, ``hertz``...);
    otherwise the base units are spelled out, e.g. ``metre^2 kilogram second^-4 ampere^-1``
    for volt/second. The exact dimension is always stored next to this name.
    """
    dims = tuple(float(d) for d in np.asarray(dimensions if not isinstance(dimensions, Dimension)
                                               else dimensions._dims))
    if not any(dims):
        return "dimensionless"
    as_int = tuple(int(d) for d in dims)
    if as_int == dims and as_int in _NAMED_UNITS:
        return _NAMED_UNITS[as_int]
    parts = []
    for name, exponent in zip(SI_BASE_UNITS, dims):
        if exponent == 0:
            continue
        if exponent == 1:
            parts.append(name)
        else:
            parts.append(f"{name}^{int(exponent) if exponent == int(exponent) else exponent:g}")
    return " ".join(parts)
