"""Checks of a model read from a file before any of it reaches Brian2.

A file from the internet is untrusted. Brian2 turns model code into Python (numpy
target) or C code and evaluates unit strings, so every code string, unit, name and
size is checked here first: code may use only arithmetic, comparisons, boolean
logic, calls of known functions and known identifiers; no attribute access,
subscripts, strings, lambdas or names starting with an underscore.
"""

from __future__ import annotations

import ast
import math
import re

import numpy as np
from brian2.core.namespace import DEFAULT_CONSTANTS, DEFAULT_FUNCTIONS, DEFAULT_UNITS
from brian2.stateupdaters.base import StateUpdateMethod

from .description import ModelDescription, ObjectDescription
from .errors import InvalidFileError, UnsafeModelError, printable  # noqa: F401 - InvalidFileError for kinds
from .fields import BASE_FIELDS, Field, Role
from .stored import StoredColumn
from .table_docs import NETWORK_TABLES, find


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
MAX_OBJECTS = 10_000  # objects of one network
MAX_SIZE_WITHOUT_DATA = 10_000_000  # elements of a group whose state the file does not hold
FLAGS = {"constant", "unless refractory", "event-driven", "clock-driven", "summed", "shared", "linked",
         "constant over dt"}
#: Brian2's schedule slots, each with its ``before_`` and ``after_`` variants.
SCHEDULE_SLOTS = {f"{prefix}{slot}" for slot in ("start", "groups", "thresholds", "synapses", "resets", "end")
                  for prefix in ("", "before_", "after_")}
#: Identifiers Brian2 itself provides in model code.
SPECIAL_NAMES = {"t", "dt", "t_in_timesteps", "i", "j", "N", "N_pre", "N_post", "N_incoming", "N_outgoing", "xi",
                 "lastspike", "not_refractory", "lastupdate", "True", "False"}
#: Variables Brian2 gives groups besides those their equations declare, which a state table may hold (a
#: kind's own are its `Kind.names`).
STATE_NAMES = {"lastspike", "not_refractory", "lastupdate"}
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


def sizes_of(model) -> dict[str, int]:
    """Number of elements of every object with a size (``N``, or ``stop - start`` for a view), checked."""
    sizes = {}
    for description in model.objects:
        attrs, what = description.attrs, f"'{description.name}'"
        if "N" in attrs:
            sizes[description.name] = check_size(attrs["N"], f"The size of {what}")
        elif "start" in attrs and "stop" in attrs:
            sizes[description.name] = (check_size(attrs["stop"], f"The end of {what}")
                                       - check_size(attrs["start"], f"The start of {what}"))
    return sizes


class CheckedModel(ModelDescription):
    """A model read from a file whose every field `check_model` checked by its declared role: its code is
    re-rendered from checked syntax trees, its names, sizes, times and tables are of the types and ranges
    declared. Only `check_model` makes one, and the builders (`brian2nwb.reader`) take nothing else."""


def check_model(model: ModelDescription, kinds: dict, user_identifiers: set[str] = frozenset(),
                user_functions: set[str] = frozenset(), stimuli: set[str] = frozenset()) -> CheckedModel:
    """Check every field of a model read from a file: each attribute of each object by the role its kind
    declares (`Kind.fields`), each column of each table by the role its `TableDoc` declares, then what
    each kind checks of its own structure (`Kind.check`).

    ``kinds`` maps description kinds to `brian2nwb.kind.Kind`.

    Returns
    -------
    CheckedModel
        A copy of ``model`` holding the checked (re-rendered) values; ``model`` is not changed.

    Raises
    ------
    InvalidFileError, UnsafeModelError
        Naming the object, the field and what was expected.
    """
    if len(model.objects) > MAX_OBJECTS:
        raise InvalidFileError(f"The file holds {len(model.objects)} objects; brian2nwb reads at most {MAX_OBJECTS}.")
    check_time(model.attrs.get("t_end", 0.0), "The recording's end time t_end", allow_zero=True)
    check_name(model.attrs.get("network", "network"), "Network name")
    names = {check_name(d.name, "Object name") for d in model.objects}
    for description in model.objects:
        kind = kinds.get(description.kind)
        if kind is None or kind.build is None:
            raise UnsafeModelError(f"'{description.name}' is a {description.kind!r}, which brian2nwb does not "
                                   "rebuild.")
    tables = {name: FieldChecker(None, names).network_table(name, table) for name, table in model.tables.items()}
    checked = CheckedModel(objects=[], tables=tables, attrs=dict(model.attrs))
    namespace = tables.get("identifiers", {})
    identifiers = {str(i) for i in namespace.get("identifier", [])} | set(user_identifiers)
    functions = {str(i) for i, kind in zip(namespace.get("identifier", []), namespace.get("kind", []))
                 if kind != "constant"} | set(user_functions)
    declared = set()
    for description in model.objects:
        if isinstance(description.attrs.get("model"), str):
            declared |= declared_variables(description.attrs["model"])
        declared |= kinds[description.kind].names
    code = CodeChecker(identifiers | declared, functions)
    checked.objects = [FieldChecker(code, names, kinds[d.kind]).description(d) for d in model.objects]
    check_network_tables(checked, set(stimuli))
    sizes = sizes_of(checked)
    for description in checked.objects:
        kind = kinds[description.kind]
        _check_object(description, names, sizes, kind)
        if kind.check is not None:
            kind.check(description, checked, code)
    clocks = tables.get("clocks", {})
    for name, dt in zip(clocks.get("clock", []), clocks.get("dt", [])):
        check_time(dt, f"dt of clock '{name}'")
    check_recording(checked, {str(name) for name in tables.get("schedule", {}).get("object", [])} | names)
    return checked


class FieldChecker:
    """Checks each field by the role it is declared with (`brian2nwb.fields.Role`), returning its checked
    value: code re-rendered from its checked syntax tree, names and words from their allow-lists, numbers
    of the declared type and range.

    Parameters
    ----------
    code : CodeChecker or None
        Checks code (None where no field holds code: the network's tables).
    objects : set of str
        The names of the file's objects (what a `Role.OBJECT` may name).
    kind : brian2nwb.kind.Kind, optional
        The kind of the object whose fields are checked.
    """

    def __init__(self, code: CodeChecker | None, objects: set[str], kind=None):
        self.code, self.objects, self.kind = code, objects, kind

    def description(self, description: ObjectDescription) -> ObjectDescription:
        """A copy of one object's description with every attribute and table checked."""
        what = f"'{description.name}'"
        fields = {field.name: field for field in BASE_FIELDS + tuple(self.kind.fields)}
        attrs = {}
        for key, value in description.attrs.items():
            if key not in fields:
                raise UnsafeModelError(f"{what}: a {description.kind} has no attribute {printable(key)!r}.")
            attrs[key] = self.value(fields[key], value, f"{what} {key}")
        missing = [field.name for field in self.kind.fields if field.required and field.name not in attrs]
        if missing:
            raise InvalidFileError(f"{what}: a {description.kind} needs the attribute(s) {', '.join(missing)}.")
        tables = {name: self.object_table(name, table, what) for name, table in description.tables.items()}
        return ObjectDescription(description.kind, description.name, attrs, tables)

    def object_table(self, name: str, table: dict, what: str) -> dict:
        """An object's table: declared columns checked by role; a column of text must be declared (state
        tables hold variables, checked by `_check_state_tables`)."""
        if is_state_table(name):
            return dict(table)
        doc = find(name, self.kind.table_docs, self.kind.elements)
        checked = {}
        for column, values in table.items():
            field = doc.field(column)
            if field is not None:
                checked[column] = self.column(field, values, f"{what} {name} column '{column}'")
            elif _is_text(values):
                raise UnsafeModelError(f"{what}: its table '{printable(name)}' has a column of text "
                                       f"'{printable(column)}' that a {self.kind.name} does not have.")
            else:
                checked[column] = values
        return checked

    def network_table(self, name: str, table: dict) -> dict:
        """A network table: a known table, every column declared and checked."""
        doc = NETWORK_TABLES.get(name)
        if doc is None:
            raise InvalidFileError(f"The network table '{printable(name)}' is not one brian2nwb writes (known: "
                                   f"{', '.join(sorted(NETWORK_TABLES))}).")
        checked = {}
        for column, values in table.items():
            field = doc.field(column)
            if field is None:
                raise InvalidFileError(f"The network table '{name}' has an unknown column '{printable(column)}'.")
            checked[column] = self.column(field, values, f"The '{name}' table's column '{column}'")
        return checked

    def value(self, field: Field, value, what: str):
        """One attribute's checked value."""
        role = field.role
        if role.is_text and role is not Role.NAMES:
            return self._text(field, value, what)
        if role is Role.NAMES:
            names = [v.strip() for v in value.split(",") if v.strip()] if isinstance(value, str) else value
            if not isinstance(names, (list, tuple, np.ndarray)):
                raise UnsafeModelError(f"{what}: names must be text, not {type(value).__name__}.")
            return [check_name(str(name) if isinstance(name, str) else name, what) for name in names]
        if role is Role.DIMENSIONS:
            return _dimensions(np.asarray(value), what, (7,))
        return self.column(field, np.asarray([value]), what)[0].item()

    def column(self, field: Field, values, what: str):
        """One column's checked values (numbers are checked at once; text is checked row by row)."""
        role = field.role
        if role.is_text:
            return np.asarray([self._text(field, value, what) for value in np.asarray(values, dtype=object).ravel()],
                              dtype=object)
        if role is Role.DIMENSIONS:
            return _dimensions(np.asarray(values), what, (len(values), 7))
        array = values if isinstance(values, StoredColumn) else np.asarray(values)
        kinds = "bui" if role in (Role.SIZE, Role.INTEGER, Role.FLAG) else "buif"
        if array.dtype.kind not in kinds:
            wanted = "whole numbers" if kinds == "bui" else "numbers"
            raise InvalidFileError(f"{what}: holds {array.dtype} values; it must hold {wanted}.")
        if isinstance(array, StoredColumn) or not array.size:
            return array
        if role is Role.FLAG and array.dtype.kind != "b" and not np.isin(array, (0, 1)).all():
            raise InvalidFileError(f"{what}: must be true or false (0 or 1).")
        if role is Role.SIZE and (array.min() < 0 or array.max() > MAX_SIZE):
            raise UnsafeModelError(f"{what}: must be whole numbers from 0 to {MAX_SIZE}.")
        if role is Role.TIME and not (np.all(np.isfinite(array)) and array.min() >= 0 and array.max() <= 1e9):
            raise UnsafeModelError(f"{what}: must be finite times from 0 to 1e9 seconds.")
        return array

    def _text(self, field: Field, value, what: str) -> str:
        if not isinstance(value, str):
            raise UnsafeModelError(f"{what}: must be text, not {type(value).__name__}.")
        role = field.role
        if len(value) > MAX_CODE_LENGTH:
            raise UnsafeModelError(f"{what}: {len(value)} characters, more than brian2nwb reads ({MAX_CODE_LENGTH}).")
        if role in (Role.NAME, Role.CHOICE) and value in field.choices:
            return value
        if role is Role.CHOICE:
            raise UnsafeModelError(f"{what}: {printable(value)!r} is not one of {', '.join(map(repr, field.choices))}.")
        if role is Role.NAME:
            return check_name(value, what)
        if role is Role.OBJECT:
            if value not in self.objects:
                raise UnsafeModelError(f"{what}: '{printable(value)}' is not an object of the file.")
            return value
        if role is Role.METHOD:
            return check_method(value, what)
        if role is Role.SLOT:
            return check_when(value, what)
        if role is Role.LITERAL:
            if not _is_literal(value):
                raise UnsafeModelError(f"{what}: {printable(value)!r} is not a literal (True, False, a number or a "
                                       "name).")
            return value
        if role is Role.TEXT:
            return value
        if self.code is None:
            raise UnsafeModelError(f"{what}: code where no code belongs.")
        if role is Role.EQUATIONS:
            return self.code.check_equations(value, what, self.kind.flags)
        if role is Role.STATEMENTS:
            return self.code.check_code(value, what)
        return self.code.check_expression(value, what)


def _is_text(values) -> bool:
    return not isinstance(values, StoredColumn) and np.asarray(values).dtype.kind in "OUS"


def _is_literal(value: str) -> bool:
    if value in ("True", "False") or NAME.match(value):
        return True
    try:
        return math.isfinite(float(value))
    except (ValueError, OverflowError):
        return False


def _dimensions(array: np.ndarray, what: str, shape: tuple) -> np.ndarray:
    if array.shape != shape or array.dtype.kind not in "iuf" or not np.all(np.isfinite(array)) \
            or (array.size and np.abs(array).max() > MAX_UNIT_POWER):
        raise InvalidFileError(f"{what}: dimensions must be 7 finite exponents of SI base units, up to "
                               f"{MAX_UNIT_POWER}.")
    return array


#: Most time steps `RebuiltNetwork.run_recorded` simulates unless asked for more.
MAX_RECORDED_STEPS = 10**8


def check_network_tables(model, stimuli: set[str]) -> None:
    """The identifiers (constants, TimedArrays that name a stimulus series, functions) and the runs of the
    network: types, ranges and references. ``stimuli`` are the names of the file's TimedArray series."""
    runs = model.tables.get("runs", {})
    count = len(runs.get("duration", []))
    for column in ("start_time", "duration", "seed"):
        if len(runs.get(column, [])) != count:
            raise InvalidFileError(f"The runs table has no '{column}' column of {count} rows.")
    for k in range(count):
        check_time(runs["duration"][k], f"Run {k}'s duration", allow_zero=True)
        check_time(runs["start_time"][k], f"Run {k}'s start time", allow_zero=True)
        seed = runs["seed"][k]
        if not np.isscalar(seed) or int(seed) != seed or not -1 <= int(seed) < 2**32:
            raise InvalidFileError(f"Run {k}'s seed is {seed!r}; it must be -1 (none) or a 32-bit seed.")
    table = model.tables.get("identifiers", {})
    rows_count = len(table.get("identifier", []))
    columns = ("identifier", "scope", "run", "kind", "value", "dimensions", "dtype", "reference")
    if rows_count and any(len(table.get(column, [])) != rows_count for column in columns):
        raise InvalidFileError("The identifiers table lacks a column or has columns of different lengths.")
    names = {d.name for d in model.objects}
    binomials = check_binomials(model.tables.get("binomials", {}))
    for k in range(rows_count):
        identifier, kind = str(table["identifier"][k]), str(table["kind"][k])
        what = f"Identifier '{printable(identifier)}'"
        if str(table["scope"][k]) != "run" and str(table["scope"][k]) not in names:
            raise InvalidFileError(f"{what}: its scope {printable(table['scope'][k])!r} is not 'run' or an object.")
        if not 0 <= int(table["run"][k]) < max(count, 1):
            raise InvalidFileError(f"{what}: run {table['run'][k]} out of range (the file has {count} runs).")
        value = float(table["value"][k])
        if kind == "constant" and not str(table["dtype"][k]):
            raise InvalidFileError(f"{what}: a constant without a type.")
        if kind == "binomial" and str(table["reference"][k]) not in binomials:
            raise InvalidFileError(f"{what}: its BinomialFunction '{printable(table['reference'][k])}' is not a row "
                                   "of the binomials table.")
        if kind == "timed_array":
            check_time(value, f"{what}: the TimedArray's dt")
            if str(table["reference"][k]) not in stimuli:
                raise InvalidFileError(f"{what}: its values '{printable(table['reference'][k])}' are not a "
                                       "TimedArraySeries of the file's /stimulus.")


def check_binomials(table: dict) -> set[str]:
    """The BinomialFunctions (whole n >= 0 up to 2**31, 0 <= p <= 1); returns their names."""
    names = [str(name) for name in table.get("function", [])]
    columns = [np.asarray(table.get(column, []), dtype=float) for column in ("n", "p", "approximate")]
    if any(len(column) != len(names) for column in columns):
        raise InvalidFileError("The binomials table lacks a column or has columns of different lengths.")
    for name, n, p in zip(names, columns[0], columns[1]):
        check_name(name, "BinomialFunction")
        if not (np.isfinite(n) and n == int(n) and 0 <= n < 2**31 and 0 <= p <= 1):
            raise InvalidFileError(f"BinomialFunction '{name}': n={n!r}, p={p!r}; n must be a whole number and p a "
                                   "probability.")
    return set(names)


def check_recording(model, known: set[str]) -> None:
    """The steps (`brian2nwb.timeline.check`), the settings the model was written with (schedule,
    preferences) and the random states (shapes and positions a Mersenne Twister and Brian2's blocks can
    have)."""
    from . import preferences, timeline

    timeline.check(model, known)
    slots = model.tables.get("slots", {}).get("slot", [])
    if len(slots):
        timeline.ACTIONS["schedule"].check(timeline.Step("schedule", value=",".join(str(s) for s in slots)),
                                           "The network's schedule")
    table = model.tables.get("preferences", {})
    for name, value in zip(table.get("preference", []), table.get("value", [])):
        if not preferences.is_allowed(str(name), str(value)):
            raise UnsafeModelError(f"The preference {printable(name)!r} = {printable(value)!r} is not one brian2nwb "
                                   "sets.")
    runs = len(model.tables.get("runs", {}).get("duration", []))
    states = model.tables.get("random_states", {})
    if not states:
        return
    blocks = model.tables.get("random_blocks", {}).get("values")
    block_count, block_size = (0, 0) if blocks is None else (np.shape(blocks) + (0,))[:2]
    keys = np.asarray(states.get("mt_keys", []))
    rows = len(states.get("run", []))
    if keys.shape != (rows, 624) or any(len(states.get(column, [])) != rows for column in (
            "mt_pos", "has_gauss", "cached_gaussian", "rand_index", "randn_index", "rand_block", "randn_block")):
        raise UnsafeModelError("The random_states table does not hold one Mersenne Twister state per row.")
    for k in range(rows):
        if not 0 <= int(states["run"][k]) <= runs or not 0 <= int(states["mt_pos"][k]) <= 624:
            raise UnsafeModelError(f"random_states row {k}: run or position out of range.")
        for kind in ("rand", "randn"):
            block, index = int(states[f"{kind}_block"][k]), int(states[f"{kind}_index"][k])
            if not -1 <= block < block_count or not 0 <= index < max(block_size, 1) or (block >= 0) != (index > 0):
                raise UnsafeModelError(f"random_states row {k}: the '{kind}' block {block} at {index} does not "
                                       "exist.")


def _check_object(description, names: set[str], sizes: dict, kind) -> None:
    """What relates fields to each other (checked one by one by `FieldChecker`): a method option's value
    and its type, the index array of a linked variable, the state tables."""
    tables, what = description.tables, f"'{description.name}'"
    options = tables.get("method_options", {})
    for option, option_type, value in zip(options.get("option", []), options.get("type", []),
                                          options.get("value", [])):
        if not _is_option_value(str(option_type), str(value)):
            raise UnsafeModelError(f"{what}: method option {option!r} has the value {printable(value)!r}, not a "
                                   f"{printable(option_type)} (options may be booleans, numbers and names).")
    links = tables.get("links", {})
    for variable, target, index in zip(links.get("variable", []), links.get("target", []), links.get("index", [])):
        if str(index) == "array":
            column = np.asarray(tables.get(f"link_{variable}_index", {}).get("index", []))
            limit = sizes.get(str(target))
            if len(column) != sizes.get(description.name, len(column)) or (
                    len(column) and (column.dtype.kind not in "iu" or limit is not None
                                     and (column.min() < 0 or column.max() >= limit))):
                raise UnsafeModelError(f"{what}: the index of linked variable '{variable}' does not fit the groups.")
    _check_state_tables(description, sizes.get(description.name), kind)


def _is_option_value(kind: str, value: str) -> bool:
    """Whether ``value`` is the text of a method option of type ``kind`` (bool, int, float or a name)."""
    if kind == "bool":
        return value in ("True", "False")
    if kind == "str":
        return bool(NAME.match(value))
    try:
        number = int(value) if kind == "int" else float(value)
    except (ValueError, OverflowError):
        return False
    return kind in ("int", "float") and (kind == "float" or abs(number) < MAX_INTEGER) and math.isfinite(number)


def state_variables(description, kind) -> set[str]:
    """The variables an object's state tables may hold: those its equations declare, its kind's own
    (`Kind.names`) and those Brian2 gives every group (`STATE_NAMES`). The one definition: the writer keeps
    only these (`brian2nwb.model.describe_model`) and the reader accepts only these."""
    return declared_variables(str(description.attrs.get("model", ""))) | set(kind.names) | STATE_NAMES


def is_state_table(table: str) -> bool:
    """Whether an object's table holds variables (``initial_state``, ``final_shared_state``,
    ``step_<k>_state``...)."""
    return table in ("initial_state", "final_state") or table.endswith("shared_state") or (
        table.startswith("step_") and table.endswith("_state"))


def _check_state_tables(description, size: int | None, kind) -> None:
    """State tables hold only the object's own variables (never Brian2's internal arrays, which are offsets
    into memory), one value per element or one shared value."""
    what, tables = f"'{description.name}'", description.tables
    variables = state_variables(description, kind)
    for table, columns in tables.items():
        shared = table.endswith("shared_state")
        if not is_state_table(table):
            continue
        for column, values in columns.items():
            if column not in variables:
                raise UnsafeModelError(f"{what}: {table} holds values of {column!r}, which is not a variable of "
                                       f"the object (its variables: {', '.join(sorted(variables)) or 'none'}); "
                                       "Brian2's internal variables are never read from a file.")
            expected = 1 if shared else size
            if expected is not None and len(values) != expected:
                raise UnsafeModelError(f"{what}: {table} column '{column}' has {len(values)} rows for "
                                       f"{expected} element(s).")
    stored = any(len(values) == size for values in tables.get("final_state", {}).values())
    if kind.stateful and size is not None and size > MAX_SIZE_WITHOUT_DATA and not stored:
        raise InvalidFileError(f"{what} declares {size} elements but the file holds no values for them; brian2nwb "
                               f"builds groups of more than {MAX_SIZE_WITHOUT_DATA} elements only from stored state.")
