"""Brian2 equations as text that parses back exactly.

``str(Equations)`` does not round-trip in Brian2 2.9 (units print as ``V`` or
``S/(m^2)``, integer and boolean types are lost), so each equation is written here
as ``lhs = expr : UNIT (flags)`` with UNIT ``integer``, ``boolean``, ``1`` or a
product of SI base units (``metre ** 2 * kilogram * second ** -3 * amp ** -1``).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

import sympy
from brian2 import Equations
from brian2.equations.equations import (
    BOOLEAN,
    DIFFERENTIAL_EQUATION,
    INTEGER,
    SUBEXPRESSION,
    SingleEquation,
)
from brian2.parsing.sympytools import str_to_sympy
from brian2.units.fundamentalunits import DIMENSIONLESS, get_unit
from sympy.printing.mathml import mathml as sympy_mathml


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


def readable_unit(equation: SingleEquation) -> str:
    """The unit of an equation as people write it (``volt``, ``hertz``) where Brian2's parser reads that
    back (no parentheses), else as `unit_text` does (SI base units)."""
    if equation.var_type in (INTEGER, BOOLEAN) or equation.dim is DIMENSIONLESS:
        return unit_text(equation)
    named = repr(get_unit(equation.dim))
    return unit_text(equation) if "(" in named else named


def readable_equations(text: str) -> list[tuple[str, str, str]]:
    """(line, LaTeX, MathML) of each equation of Brian2 equations ``text`` (already checked), in Brian2's
    order: the line is Brian2 code with a readable unit (Brian2's `Equations` parses it back)."""
    rendered = []
    for equation in Equations(text).ordered:
        flags = f" ({', '.join(equation.flags)})" if equation.flags else ""
        unit = readable_unit(equation)
        if equation.type == DIFFERENTIAL_EQUATION:
            lhs = rf"\frac{{\mathrm{{d}}{_latex_name(equation.varname)}}}{{\mathrm{{d}}t}}"
            lhs_mathml = (f"<mfrac><mrow><mi mathvariant=\"normal\">d</mi>{_mathml_name(equation.varname)}</mrow>"
                          "<mrow><mi mathvariant=\"normal\">d</mi><mi>t</mi></mrow></mfrac>")
            line = f"d{equation.varname}/dt = {equation.expr.code} : {unit}{flags}"
        elif equation.type == SUBEXPRESSION:
            lhs, lhs_mathml = _latex_name(equation.varname), _mathml_name(equation.varname)
            line = f"{equation.varname} = {equation.expr.code} : {unit}{flags}"
        else:
            lhs, lhs_mathml = _latex_name(equation.varname), _mathml_name(equation.varname)
            line = f"{equation.varname} : {unit}{flags}"
        unit_label = str(get_unit(equation.dim)) if equation.dim is not DIMENSIONLESS else "1"
        unit_latex, unit_mathml = _latex_escape(unit_label), html.escape(unit_label)
        if equation.expr is None:
            latex_text = rf"{lhs} \quad [\mathrm{{{unit_latex}}}]"
            mathml = f"<mrow>{lhs_mathml}<mspace width=\"1em\"/><mtext>[{unit_mathml}]</mtext></mrow>"
        else:
            expression = str_to_sympy(equation.expr.code)
            latex_text = rf"{lhs} = {sympy.latex(expression)} \quad [\mathrm{{{unit_latex}}}]"
            mathml = (f"<mrow>{lhs_mathml}<mo>=</mo>{sympy_mathml(expression, printer='presentation')}"
                      f"<mspace width=\"1em\"/><mtext>[{unit_mathml}]</mtext></mrow>")
        rendered.append((line, latex_text, f"<math display=\"block\">{mathml}</math>"))
    return rendered


def _latex_name(name: str) -> str:
    return sympy.latex(sympy.Symbol(name))


def _mathml_name(name: str) -> str:
    return sympy_mathml(sympy.Symbol(name), printer="presentation")


def _latex_escape(text: str) -> str:
    return re.sub(r"([#$%&_{}])", r"\\\1", text).replace(" ", r"\ ")
