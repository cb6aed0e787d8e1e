"""Brian2 equations as text that parses back exactly.

``str(Equations)`` does not round-trip in Brian2 2.9 (units print as ``V`` or
``S/(m^2)``, integer and boolean types are lost), so each equation is written here
as ``lhs = expr : UNIT (flags)`` with UNIT ``integer``, ``boolean``, ``1`` or a
product of SI base units (``metre ** 2 * kilogram * second ** -3 * amp ** -1``).
"""

from __future__ import annotations

from collections.abc import Iterable

from brian2.equations.equations import (
    BOOLEAN,
    DIFFERENTIAL_EQUATION,
    INTEGER,
    SUBEXPRESSION,
    SingleEquation,
)
from brian2.units.fundamentalunits import DIMENSIONLESS


def unit_text(equation: SingleEquation) -> str:
    """The unit part of an equation: ``integer``, ``boolean``, ``1`` or SI base units."""
    if equation.var_type == INTEGER:
        return "integer"
    if equation.var_type == BOOLEAN:
        return "boolean"
    if equation.dim is DIMENSIONLESS:
        return "1"
    return repr(equation.dim)


def equation_text(equation: SingleEquation, flags: Iterable[str] | None = None) -> str:
    """One equation as a line that Brian2's parser reads back to the same equation."""
    flags = list(equation.flags if flags is None else flags)
    flag_text = f" ({', '.join(flags)})" if flags else ""
    unit = unit_text(equation)
    if equation.type == DIFFERENTIAL_EQUATION:
        return f"d{equation.varname}/dt = {equation.expr.code} : {unit}{flag_text}"
    if equation.type == SUBEXPRESSION:
        return f"{equation.varname} = {equation.expr.code} : {unit}{flag_text}"
    return f"{equation.varname} : {unit}{flag_text}"


def equations_text(equations: Iterable[SingleEquation]) -> str:
    """Several equations, one per line, in the given order."""
    return "\n".join(equation_text(eq) for eq in equations)
