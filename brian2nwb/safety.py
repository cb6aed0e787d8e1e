"""Checks of a model read from a file before any of it reaches Brian2.

A file from the internet is untrusted. Brian2 turns model code into Python (numpy
target) or C code and evaluates unit strings, so every code string, unit, name and
size is checked here first: code may use only arithmetic, comparisons, boolean
logic, calls of known functions and known identifiers; no attribute access,
subscripts, strings, lambdas or names starting with an underscore.
"""

from __future__ import annotations

import ast
import re

import numpy as np
from brian2.core.namespace import DEFAULT_CONSTANTS, DEFAULT_FUNCTIONS, DEFAULT_UNITS
from brian2.stateupdaters.base import StateUpdateMethod


class UnsafeModelError(ValueError):
    """The file's model holds something brian2nwb will not hand to Brian2."""


#: Largest group or synapse count accepted (Brian2 indexes with 32-bit integers).
MAX_SIZE = 2**31 - 1
NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_UNIT_TOKENS = {"integer", "boolean", "1", "metre", "kilogram", "second", "amp", "kelvin", "mole", "candela"}
_UNIT = re.compile(r"^[A-Za-z0-9.*/ +-]+$")
FLAGS = {"constant", "unless refractory", "event-driven", "clock-driven", "summed", "shared", "linked",
         "constant over dt"}
#: Brian2's schedule slots, each with its ``before_`` and ``after_`` variants.
SCHEDULE_SLOTS = {f"{prefix}{slot}" for slot in ("start", "groups", "thresholds", "synapses", "resets", "end")
                  for prefix in ("", "before_", "after_")}
#: Identifiers Brian2 itself provides in model code.
SPECIAL_NAMES = {"t", "dt", "t_in_timesteps", "i", "j", "N", "N_pre", "N_post", "N_incoming", "N_outgoing", "xi",
                 "lastspike", "not_refractory", "lastupdate", "True", "False", "rates"}
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

    def check_code(self, code: str, what: str, mode: str = "exec") -> None:
        """Statements (``mode="exec"``) or one expression (``"eval"``) of Brian2 code."""
        if not isinstance(code, str):
            raise UnsafeModelError(f"{what}: code must be text, not {type(code).__name__}.")
        if len(code) > 100_000:
            raise UnsafeModelError(f"{what}: {len(code)} characters of code is more than any model needs.")
        source = "\n".join(line.split("#")[0].strip() for line in code.splitlines()) if mode == "exec" else code
        try:
            tree = ast.parse(source.strip(), mode=mode)
        except SyntaxError as error:
            raise UnsafeModelError(f"{what}: not Brian2 code ({error.msg}): {code!r}") from None
        # names a block assigns with '=' are its own temporaries (local variables in Brian2)
        temporaries = {target.id for node in ast.walk(tree) if isinstance(node, ast.Assign)
                       for target in node.targets if isinstance(target, ast.Name)}
        for node in ast.walk(tree):
            if not isinstance(node, _ALLOWED_NODES):
                raise UnsafeModelError(f"{what}: {type(node).__name__} is not allowed in model code: {code!r}")
            if isinstance(node, ast.Constant) and not isinstance(node.value, (int, float, bool)):
                raise UnsafeModelError(f"{what}: only numbers may appear as literals: {code!r}")
            if isinstance(node, ast.Call):
                if not isinstance(node.func, ast.Name) or node.func.id not in self.functions or node.keywords:
                    raise UnsafeModelError(f"{what}: call of an unknown function in {code!r}")
            if isinstance(node, ast.Name):
                if node.id.startswith("_") or not (self.known(node.id) or node.id in temporaries):
                    raise UnsafeModelError(f"{what}: unknown identifier {node.id!r} in {code!r}")

    def check_expression(self, code: str, what: str) -> None:
        self.check_code(code, what, mode="eval")

    def check_equations(self, text: str, what: str, flags: frozenset = frozenset()) -> None:
        """Equations as brian2nwb writes them, one per line, before Brian2 parses them; ``flags`` are
        allowed besides the common `FLAGS`."""
        for line in text.splitlines():
            if not line.strip():
                continue
            match = _EQUATION.match(line)
            if match is None:
                raise UnsafeModelError(f"{what}: not an equation: {line!r}")
            check_name(match["diff"] or match["var"], f"{what}: variable")
            check_unit(match["unit"], what)
            if match["flags"]:
                for flag in match["flags"].split(","):
                    if flag.strip() not in FLAGS | flags:
                        raise UnsafeModelError(f"{what}: unknown flag {flag.strip()!r} in {line!r}")
            if match["expr"]:
                self.check_expression(match["expr"], what)


def check_unit(unit: str, what: str) -> None:
    """Units are products of SI base units with numeric exponents (Brian2 evaluates them)."""
    unit = unit.strip()
    tokens = re.findall(r"[A-Za-z_]+", unit)
    if not _UNIT.match(unit) or any(token not in _UNIT_TOKENS for token in tokens):
        raise UnsafeModelError(f"{what}: unit {unit!r} is not a product of SI base units.")


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


def check_model(model, kinds: dict, user_identifiers: set[str] = frozenset(),
                user_functions: set[str] = frozenset()) -> None:
    """Check every name, size, time and code string of a model read from a file.

    ``kinds`` maps description kinds to `brian2nwb.kind.Kind`; a kind's own
    ``check`` runs after the generic checks of its description.

    Raises
    ------
    UnsafeModelError
        Naming the object and the field that is not acceptable.
    """
    namespace = model.tables.get("identifiers", {})
    identifiers = {str(i) for i in namespace.get("identifier", [])} | set(user_identifiers)
    for identifier in identifiers - set(user_identifiers):
        check_name(identifier, "Namespace identifier")
    functions = {str(i) for i, kind in zip(namespace.get("identifier", []), namespace.get("kind", []))
                 if kind != "constant"} | set(user_functions)
    declared = set()
    for description in model.objects:
        if "model" in description.attrs:
            declared |= declared_variables(str(description.attrs["model"]))
        if description.kind in kinds:
            declared |= kinds[description.kind].names
    checker = CodeChecker(identifiers | declared, functions)
    names = {check_name(d.name, "Object name") for d in model.objects}
    sizes = sizes_of(model)
    for description in model.objects:
        kind = kinds.get(description.kind)
        if kind is None or kind.build is None:
            raise UnsafeModelError(f"'{description.name}' is a {description.kind!r}, which brian2nwb does not "
                                   "rebuild.")
        _check_object(description, checker, names, sizes, kind.flags)
        if kind.check is not None:
            kind.check(description, model, checker)
    clocks = model.tables.get("clocks", {})
    for name, dt in zip(clocks.get("clock", []), clocks.get("dt", [])):
        check_name(str(name), "Clock name")
        check_time(dt, f"dt of clock '{name}'")
    schedule = model.tables.get("schedule", {})
    for name, when in zip(schedule.get("object", []), schedule.get("when", [])):
        check_name(str(name), "Scheduled object name")
        check_when(str(when), f"'{name}'")
    runs = model.tables.get("runs", {})
    for duration in runs.get("duration", []):
        check_time(duration, "A run's duration", allow_zero=True)
    check_recording(model, {str(name) for name in schedule.get("object", [])} | names)


#: What a step of the recording may do (see `brian2nwb.rebuilt`).
STEP_ACTIONS = {"run", "add", "remove", "activate", "deactivate", "set", "store", "restore"}
#: More steps than this is not a recording but an attack.
MAX_STEPS = 10_000_000


def check_recording(model, known: set[str]) -> None:
    """The steps (known actions, targets that exist, runs in range) and the random states (shapes and
    positions a Mersenne Twister and Brian2's blocks can have)."""
    runs = len(model.tables.get("runs", {}).get("duration", []))
    steps = model.tables.get("steps", {})
    actions, targets, step_runs = steps.get("action", []), steps.get("target", []), steps.get("run", [])
    if not len(actions) == len(targets) == len(step_runs) or len(actions) > MAX_STEPS:
        raise UnsafeModelError("The steps table has columns of different lengths or too many rows.")
    for k, (action, target, run) in enumerate(zip(actions, targets, step_runs)):
        if str(action) not in STEP_ACTIONS:
            raise UnsafeModelError(f"Step {k}: unknown action {action!r}.")
        if str(action) == "run":
            if not 0 <= int(run) < runs:
                raise UnsafeModelError(f"Step {k} runs run {run}; the file has {runs} runs.")
        elif str(action) in ("store", "restore"):
            check_name(str(target), f"Step {k}: stored state")
        elif str(target) not in known:
            raise UnsafeModelError(f"Step {k} ({action}) names {target!r}, which is not an object of the file.")
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
        if not 0 <= int(states["run"][k]) < runs or not 0 <= int(states["mt_pos"][k]) <= 624:
            raise UnsafeModelError(f"random_states row {k}: run or position out of range.")
        for kind in ("rand", "randn"):
            block, index = int(states[f"{kind}_block"][k]), int(states[f"{kind}_index"][k])
            if not -1 <= block < block_count or not 0 <= index < max(block_size, 1) or (block >= 0) != (index > 0):
                raise UnsafeModelError(f"random_states row {k}: the '{kind}' block {block} at {index} does not "
                                       "exist.")


def _check_object(description, checker: CodeChecker, names: set[str], sizes: dict, flags: frozenset) -> None:
    """The fields any kind may have: references, equations, code, names, types, state columns."""
    attrs, tables, what = description.attrs, description.tables, f"'{description.name}'"
    for key in ("source", "target"):
        if key in attrs and attrs[key] not in names:
            raise UnsafeModelError(f"{what}: its {key} '{attrs[key]}' is not an object of the file.")
    if "model" in attrs:
        checker.check_equations(str(attrs["model"]), f"{what} model", flags)
    if "method" in attrs:
        check_method(str(attrs["method"]), what)
    for key in ("threshold", "refractory", "rates", "weight"):
        if key in attrs:
            checker.check_expression(str(attrs[key]), f"{what} {key}")
    if "reset" in attrs:
        checker.check_code(str(attrs["reset"]), f"{what} reset")
    for key in ("variables", "target_var", "event", "multisynaptic_index"):
        values = attrs.get(key)
        for value in ([values] if isinstance(values, str) else values or []):
            check_name(str(value), f"{what} {key}")
    events = tables.get("events", {})
    for event, condition, code in zip(events.get("event", []), events.get("condition", []), events.get("code", [])):
        check_name(str(event), f"{what} event")
        checker.check_expression(str(condition), f"{what} event condition")
        if code:
            checker.check_code(str(code), f"{what} event code")
    for name, code in zip(tables.get("run_regularly", {}).get("operation", []),
                          tables.get("run_regularly", {}).get("code", [])):
        check_name(str(name), f"{what} operation")
        checker.check_code(str(code), f"{what} operation '{name}'")
    for dtype in tables.get("dtypes", {}).get("dtype", []):
        if str(dtype) not in ("float16", "float32", "float64", "longdouble"):
            raise UnsafeModelError(f"{what}: unknown floating-point type {dtype!r}.")
    links = tables.get("links", {})
    for variable, target, target_variable, index in zip(links.get("variable", []), links.get("target", []),
                                                        links.get("target_variable", []), links.get("index", [])):
        if target not in names:
            raise UnsafeModelError(f"{what}: linked to '{target}', which is not an object of the file.")
        check_name(str(variable), f"{what} linked variable")
        check_name(str(target_variable), f"{what} link target variable")
        if str(index) == "array":
            column = np.asarray(tables.get(f"link_{variable}_index", {}).get("index", []))
            limit = sizes.get(str(target))
            if len(column) != sizes.get(description.name, len(column)) or (
                    len(column) and limit is not None and (column.min() < 0 or column.max() >= limit)):
                raise UnsafeModelError(f"{what}: the index of linked variable '{variable}' does not fit the groups.")
        elif str(index):
            check_name(str(index), f"{what} link index")
    size = sizes.get(description.name)
    for table in [name for name in tables if name in ("initial_state", "final_state") or
                  (name.startswith("step_") and not name.endswith("_shared_state"))]:
        columns = tables.get(table, {})
        for column, values in columns.items():
            if size is not None and len(values) != size:
                raise UnsafeModelError(f"{what}: {table} column '{column}' has {len(values)} rows for {size} "
                                       "elements.")
