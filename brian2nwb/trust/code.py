"""Checks of model code, names, units, sizes and times read from a file, before Brian2 sees any of them.

A file from the internet is untrusted. Brian2 turns model code into Python (numpy
target) or C code and evaluates unit strings, so every code string, unit, name and
size is checked here first: code may use only arithmetic, comparisons, boolean
logic, calls of known functions and known identifiers; no attribute access,
subscripts, strings, lambdas or names starting with an underscore. Checked code is
handed to Brian2 re-rendered from its checked syntax tree, never as the file's text.
"""

from __future__ import annotations

import ast
import math
import re

import numpy as np
from brian2.core.namespace import DEFAULT_CONSTANTS, DEFAULT_FUNCTIONS, DEFAULT_UNITS
from brian2.stateupdaters.base import StateUpdateMethod

from ..errors import UnsafeModelError, printable

#: Largest group or synapse count accepted (Brian2 indexes with 32-bit integers).
MAX_SIZE = 2**31 - 1


NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


_UNIT_TOKENS = {"integer", "boolean", "metre", "kilogram", "second", "amp", "kelvin", "mole", "candela"}


#: Limits far above any real model, so that no file can make checking or building take forever.
MAX_CODE_LENGTH = 100_000  # characters of one code string


MAX_DEPTH = 64  # nesting of one expression


MAX_NODES = 20_000  # terms of one code string


MAX_INTEGER = 2**63  # integer literals


MAX_EXPONENT = 1024  # a literal exponent in code


MAX_UNIT_POWER = 100  # exponents of base units


MAX_VARIABLES = 1_000  # equations of one object


FLAGS = {"constant", "unless refractory", "event-driven", "clock-driven", "summed", "shared", "linked",
         "constant over dt"}


#: Brian2's schedule slots, each with its ``before_`` and ``after_`` variants.
SCHEDULE_SLOTS = {f"{prefix}{slot}" for slot in ("start", "groups", "thresholds", "synapses", "resets", "end")
                  for prefix in ("", "before_", "after_")}


#: Identifiers Brian2 itself provides in model code.
SPECIAL_NAMES = {"t", "dt", "t_in_timesteps", "i", "j", "N", "N_pre", "N_post", "N_incoming", "N_outgoing", "xi",
                 "lastspike", "not_refractory", "lastupdate", "True", "False"}


_ALLOWED_NODES = (
    ast.Module, ast.Expression, ast.Expr, ast.Assign, ast.AugAssign, ast.Name, ast.Load, ast.Store,
    ast.Constant, ast.BinOp, ast.UnaryOp, ast.BoolOp, ast.Compare, ast.Call, ast.IfExp,
    ast.operator, ast.unaryop, ast.boolop, ast.cmpop,
)


_EQUATION = re.compile(r"^\s*(?:d(?P<diff>\w+)\s*/\s*dt|(?P<var>\w+))\s*(?:=\s*(?P<expr>[^:]+?))?\s*:\s*"
                       r"(?P<unit>[^():]+?)\s*(?:\((?P<flags>[^()]*)\))?\s*$")


def check_name(name: str, what: str) -> str:
    if not isinstance(name, str) or not NAME.match(name) or name.startswith("_"):
        raise UnsafeModelError(f"{what} {name!r} is not a valid Brian2 name (letters, digits and '_', "
                               "starting with a letter).")
    return name


def check_size(value, what: str) -> int:
    if not np.isscalar(value) or int(value) != value or not 0 <= int(value) <= MAX_SIZE:
        raise UnsafeModelError(f"{what} is {value!r}; it must be a whole number from 0 to {MAX_SIZE}.")
    return int(value)


def check_time(value, what: str, allow_zero: bool = False) -> float:
    value = float(value)
    if not np.isfinite(value) or value < 0 or (value == 0 and not allow_zero) or value > 1e9:
        raise UnsafeModelError(f"{what} is {value!r} s; it must be a positive, finite time.")
    return value


def check_method(method: str, what: str) -> str:
    for name in method.split(","):
        if name.strip() not in StateUpdateMethod.stateupdaters:
            raise UnsafeModelError(f"{what}: unknown integration method {name.strip()!r}.")
    return method


def check_when(when: str, what: str) -> str:
    if when not in SCHEDULE_SLOTS:
        raise UnsafeModelError(f"{what}: unknown schedule slot {when!r}.")
    return when


class CodeChecker:
    """Checks Brian2 model code against the identifiers the file defines.

    Parameters
    ----------
    identifiers : set of str
        Variables of the model's groups, the file's namespace identifiers and
        user-supplied names; Brian2's default units, constants and functions and
        its special names are always known.
    functions : set of str
        Names that may be called besides Brian2's default functions (TimedArrays,
        user-supplied functions).
    """

    def __init__(self, identifiers: set[str], functions: set[str]):
        self.functions = set(DEFAULT_FUNCTIONS) | set(functions)
        self.identifiers = (set(identifiers) | set(DEFAULT_UNITS) | set(DEFAULT_CONSTANTS) | SPECIAL_NAMES
                            | self.functions)

    def known(self, name: str) -> bool:
        if name in self.identifiers or re.match(r"^xi_\w+$", name):
            return True
        for suffix in ("_pre", "_post", "_syn"):
            if name.endswith(suffix) and name[: -len(suffix)] in self.identifiers:
                return True
        return False

    def check_code(self, code: str, what: str, mode: str = "exec") -> str:
        """Statements (``mode="exec"``) or one expression (``"eval"``) of Brian2 code.

        Returns
        -------
        str
            The code re-rendered from its checked syntax tree: what is handed to
            Brian2 instead of the file's text.
        """
        tree = parse_bounded(code, what, mode)
        # names a block assigns with '=' are its own temporaries (local variables in Brian2)
        temporaries = {target.id for node in ast.walk(tree) if isinstance(node, ast.Assign)
                       for target in node.targets if isinstance(target, ast.Name)}
        for node in ast.walk(tree):
            if not isinstance(node, _ALLOWED_NODES):
                raise UnsafeModelError(f"{what}: {type(node).__name__} is not allowed in model code: {_show(code)}")
            if isinstance(node, ast.Constant):
                _check_number(node.value, what, code)
            if isinstance(node, ast.Call):
                if not isinstance(node.func, ast.Name) or node.func.id not in self.functions or node.keywords:
                    raise UnsafeModelError(f"{what}: call of an unknown function in {_show(code)}")
            if isinstance(node, ast.Name):
                if node.id.startswith("_") or not (self.known(node.id) or node.id in temporaries):
                    raise UnsafeModelError(f"{what}: unknown identifier {node.id!r} in {_show(code)}")
            if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
                _check_power(node, what, code)
        return ast.unparse(tree)

    def check_expression(self, code: str, what: str) -> str:
        """One expression; returns it re-rendered (see `check_code`)."""
        return self.check_code(code, what, mode="eval")

    def check_equations(self, text: str, what: str, flags: frozenset = frozenset()) -> str:
        """Equations as brian2nwb writes them, one per line, before Brian2 parses them; ``flags`` are
        allowed besides the common `FLAGS`. Returns them re-rendered from their checked parts."""
        lines = [line for line in str(text).splitlines() if line.strip()]
        if len(lines) > MAX_VARIABLES:
            raise UnsafeModelError(f"{what}: {len(lines)} equations; brian2nwb reads at most {MAX_VARIABLES} per "
                                   "object.")
        rendered = []
        for line in lines:
            match = _EQUATION.match(line)
            if match is None:
                raise UnsafeModelError(f"{what}: not an equation: {_show(line)}")
            name = check_name(match["diff"] or match["var"], f"{what}: variable")
            unit = check_unit(match["unit"], what)
            flag_names = [flag.strip() for flag in match["flags"].split(",")] if match["flags"] else []
            for flag in flag_names:
                if flag not in FLAGS | flags:
                    raise UnsafeModelError(f"{what}: unknown flag {flag!r} in {_show(line)}")
            left = f"d{name}/dt" if match["diff"] else name
            right = f" = {self.check_expression(match['expr'], what)}" if match["expr"] else ""
            suffix = f" ({', '.join(flag_names)})" if flag_names else ""
            rendered.append(f"{left}{right} : {unit}{suffix}")
        return "\n".join(rendered)


def parse_bounded(code, what: str, mode: str = "exec") -> ast.AST:
    """The syntax tree of ``code``, refused if it is not text, too long, too deep or too large."""
    if not isinstance(code, str):
        raise UnsafeModelError(f"{what}: code must be text, not {type(code).__name__}.")
    if len(code) > MAX_CODE_LENGTH:
        raise UnsafeModelError(f"{what}: {len(code)} characters of code, more than brian2nwb reads "
                               f"({MAX_CODE_LENGTH}).")
    if code.count("(") > MAX_DEPTH * 50 or "\x00" in code:
        raise UnsafeModelError(f"{what}: not Brian2 code (too many parentheses or a NUL character).")
    source = "\n".join(line.split("#")[0].strip() for line in code.splitlines()) if mode == "exec" else code
    try:
        tree = ast.parse(source.strip(), mode=mode)
    except (SyntaxError, ValueError) as error:
        raise UnsafeModelError(f"{what}: not Brian2 code ({getattr(error, 'msg', error)}): {_show(code)}") from None
    except (RecursionError, MemoryError):
        raise UnsafeModelError(f"{what}: code nested too deeply: {_show(code)}") from None
    count = 0
    stack = [(tree, 0)]
    while stack:  # iterative: a deep tree must not exhaust Python's stack here
        node, depth = stack.pop()
        count += 1
        if depth > MAX_DEPTH or count > MAX_NODES:
            raise UnsafeModelError(f"{what}: code deeper than {MAX_DEPTH} levels or larger than {MAX_NODES} "
                                   f"terms: {_show(code)}")
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return tree


def _check_number(value, what: str, code: str) -> None:
    if isinstance(value, bool):
        return
    if not isinstance(value, (int, float)):
        raise UnsafeModelError(f"{what}: only numbers may appear as literals: {_show(code)}")
    if isinstance(value, int) and abs(value) > MAX_INTEGER or isinstance(value, float) and not math.isfinite(value):
        raise UnsafeModelError(f"{what}: a number in {_show(code)} is out of range (integers up to 2**63, finite "
                               "floats).")


def _check_power(node: ast.BinOp, what: str, code: str) -> None:
    """No exponent towers (``2**2**2**...``) and no literal exponent beyond `MAX_EXPONENT`."""
    exponent = node.right
    if any(isinstance(inner, ast.BinOp) and isinstance(inner.op, ast.Pow) for inner in ast.walk(exponent)):
        raise UnsafeModelError(f"{what}: a power inside an exponent is refused (exponent towers can take forever "
                               f"to evaluate): {_show(code)}")
    if isinstance(exponent, ast.UnaryOp):
        exponent = exponent.operand
    if isinstance(exponent, ast.Constant) and isinstance(exponent.value, (int, float)) and \
            abs(exponent.value) > MAX_EXPONENT:
        raise UnsafeModelError(f"{what}: the exponent {exponent.value} is larger than {MAX_EXPONENT}: "
                               f"{_show(code)}")


def _show(text: str) -> str:
    """Code quoted in an error message: printable and at most 200 characters."""
    text = printable(text)
    return repr(text if len(text) <= 200 else text[:200] + "...")


def check_unit(unit: str, what: str) -> str:
    """Units are ``1`` or products and quotients of SI base units with small numeric exponents, written
    flat (``metre ** -2 * amp``), as Brian2 writes them; returns the unit re-rendered from its checked
    syntax tree (Brian2 evaluates units)."""
    text = str(unit).strip()
    try:
        tree = ast.parse(text, mode="eval").body if len(text) <= 500 else None
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        tree = None
    rendered = _render_unit(tree)
    if rendered is None:
        raise UnsafeModelError(f"{what}: unit {_show(text)} is not 1 or a product of SI base units with exponents "
                               f"up to {MAX_UNIT_POWER}.")
    return rendered


def _render_unit(node) -> str | None:
    """Brian2's text of a unit's syntax tree; None if it is not a flat product of base-unit powers."""
    def number(node):
        sign = -1 if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) else 1
        node = node.operand if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)) else node
        if isinstance(node, ast.Constant) and type(node.value) in (int, float) and abs(node.value) <= MAX_UNIT_POWER:
            return sign * node.value
        return None

    def factor(node):
        if isinstance(node, ast.Name) and node.id in _UNIT_TOKENS:
            return node.id
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow) and isinstance(node.left, ast.Name) \
                and node.left.id in _UNIT_TOKENS and number(node.right) is not None:
            return f"{node.left.id} ** {number(node.right)!r}"
        return None

    if isinstance(node, ast.Constant) and node.value == 1 and type(node.value) is int:
        return "1"
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mult, ast.Div)):
        left, right = _render_unit(node.left), factor(node.right)
        if left is None or right is None or left == "1" and isinstance(node.op, ast.Mult):
            return None
        return f"{left} {'*' if isinstance(node.op, ast.Mult) else '/'} {right}"
    return factor(node)


def declared_variables(text: str) -> set[str]:
    """Names of the variables declared by equations text (before checking it)."""
    names = set()
    for line in text.splitlines():
        match = _EQUATION.match(line)
        if match is not None:
            names.add(match["diff"] or match["var"])
    return names
