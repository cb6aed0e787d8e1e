"""The Python code of a simulation as data: the functions of its NetworkOperations and the Python functions its
model code calls, each as its source and what every free name in it refers to - and, for code the user chose
to trust (`brian2nwb.trust.signature`), the functions rebuilt from that data.

A free name is a global the function reads (or writes) or a variable of an enclosing function (a closure cell).
What it refers to is kept as one of the format's environment kinds: an ``object`` of the network (by name), a
``value`` (`brian2nwb.brian.python_values`), a ``module`` or an ``import`` (an importable function or class,
by qualified name) or ``code`` (another function of the script, kept as source in turn). What cannot be kept (an
open file, an instance of the script's own class, a function whose source cannot be found) is said, and the
function is left out.
"""

from __future__ import annotations

import ast
import builtins
import dis
import importlib
import inspect
import linecache
import textwrap
import types
from dataclasses import dataclass, field

from brian2 import Clock, Function, Unit, defaultclock
from brian2.core.clocks import DefaultClockProxy
from brian2.core.base import BrianObject
from brian2.units.fundamentalunits import get_dimensions, get_or_create_dimension

from .python_values import NotStorable, decode, encode

#: The instructions that read or write a global name.
_GLOBAL_OPS = {"LOAD_GLOBAL", "STORE_GLOBAL", "DELETE_GLOBAL", "LOAD_NAME"}


@dataclass
class Code:
    """One function as data: a row of ``python_code`` and its rows of ``python_environment``."""

    function: str  # the row's name
    kind: str  # operation, function or helper
    definition: str
    source: str
    options: dict = field(default_factory=dict)
    environment: list[dict] = field(default_factory=list)  # identifier, kind, reference, closure, value


@dataclass
class CapturedCode:
    """Every function captured, by row name, and what could not be (for the writer's warning)."""

    rows: dict[str, Code] = field(default_factory=dict)
    left_out: dict[str, str] = field(default_factory=dict)  # row name -> why it could not be kept


def operation_function(operation):
    """The Python function a NetworkOperation calls (None if it calls something else, e.g. a bound method)."""
    function = getattr(operation, "function", None)
    return function if isinstance(function, types.FunctionType) else None


def python_implementation(function: Function):
    """The Python function of a Brian2 ``Function`` (the one ``@check_units``/``@implementation`` wrap) and the
    options to wrap it again, or None if it has no Python implementation brian2nwb can keep."""
    original = getattr(function, "pyfunc", None)
    while isinstance(getattr(original, "_orig_func", None) or getattr(original, "__wrapped__", None),
                     types.FunctionType):  # through @check_units and functools.wraps
        original = getattr(original, "_orig_func", None) or original.__wrapped__
    if not isinstance(original, types.FunctionType):
        return None
    implementations = function.implementations._implementations.values()
    codes = [getattr(implementation, "_code", None) for implementation in implementations]
    discard_units = any(isinstance(code, types.FunctionType) and code.__code__ is original.__code__
                        and code.__globals__ is not original.__globals__ for code in codes)
    options = {"arg_units": [_dimensions(unit) for unit in function._arg_units],
               "return_unit": _dimensions(function._return_unit),
               "arg_types": list(function._arg_types), "return_type": function._return_type,
               "stateless": bool(function.stateless), "auto_vectorise": bool(function.auto_vectorise),
               "discard_units": bool(discard_units)}
    if not all(isinstance(value, (str, list)) or value is None for value in (options["return_type"],)):
        return None  # a return type computed by a function
    return original, options


def _dimensions(unit):
    if unit is None or unit is bool:
        return None if unit is None else "bool"
    if callable(unit) and not hasattr(unit, "dim"):
        raise NotStorable("a unit computed by a function")
    return [float(d) for d in get_dimensions(unit)._dims]


def capture(functions: dict, objects: dict) -> CapturedCode:
    """``functions``: ``{row name: (kind, python function, options)}``; ``objects``: the network's objects by
    name. Returns the rows (helpers the functions call included) and what was left out."""
    captured = CapturedCode()
    shared: dict[int, str] = {}  # id of a value -> 'function:identifier' of the first row that refers to it
    for name, (kind, function, options) in functions.items():
        try:
            rows, seen = {}, dict(shared)
            _capture(name, kind, function, options, objects, rows, {}, seen)
        except NotStorable as error:
            captured.left_out[name] = str(error)
            continue
        captured.rows.update(rows)
        shared = seen
    return captured


def _capture(name: str, kind: str, function, options: dict, objects: dict, rows: dict, helpers: dict,
             shared: dict) -> None:
    source, definition = function_source(function)
    code = Code(name, kind, definition, source, options)
    rows[name] = code
    helpers[id(function)] = name
    closure = dict(zip(function.__code__.co_freevars, function.__closure__ or ()))
    for identifier in sorted(free_names(function.__code__) | set(closure)):
        if identifier in closure:
            try:
                value = closure[identifier].cell_contents
            except ValueError:
                raise NotStorable(f"its closure variable '{identifier}' has no value") from None
        elif identifier in function.__globals__:
            value = function.__globals__[identifier]
        else:
            continue  # a builtin, or a name not defined (as in the script)
        entry = _refer(identifier, value, objects, rows, helpers, shared)
        entry["closure"] = identifier in closure
        if entry["kind"] == "value" and not isinstance(value, (type(None), bool, int, float, str, tuple)):
            # one object several functions see (an array one fills, another reads): the same at the rebuild
            if id(value) in shared:
                entry["reference"], entry["value"] = shared[id(value)], ""
            else:
                shared[id(value)] = f"{name}:{identifier}"
        code.environment.append(entry)


def _refer(identifier: str, value, objects: dict, rows: dict, helpers: dict, shared: dict) -> dict:
    """What ``identifier`` refers to, as an environment row (a function of the script is captured too)."""
    if isinstance(value, (Clock, DefaultClockProxy)):
        return {"identifier": identifier, "kind": "clock", "reference": value.name}
    if isinstance(value, BrianObject):
        if objects.get(getattr(value, "name", None)) is not value:
            raise NotStorable(f"'{identifier}' is a Brian2 object that is not part of the network")
        return {"identifier": identifier, "kind": "object", "reference": value.name}
    if isinstance(value, types.ModuleType):
        if value.__name__ == "__main__" or not _importable(value.__name__, None, value):
            raise NotStorable(f"'{identifier}' is the module {value.__name__}, which cannot be imported")
        return {"identifier": identifier, "kind": "module", "reference": value.__name__}
    qualified = _qualified_name(value)
    if qualified is not None:
        return {"identifier": identifier, "kind": "import", "reference": qualified}
    if isinstance(value, types.FunctionType):
        if id(value) not in helpers:
            helper = f"{value.__name__}_{len(rows)}_of_{next(iter(rows))}"
            _capture(helper, "helper", value, {}, objects, rows, helpers, shared)
        return {"identifier": identifier, "kind": "code", "reference": helpers[id(value)]}
    try:
        return {"identifier": identifier, "kind": "value", "reference": "", "value": encode(value)}
    except NotStorable as error:
        raise NotStorable(f"'{identifier}' is {error}") from None


def _qualified_name(value) -> str | None:
    """``module:qualified.name`` of an importable function, class or ufunc that is this very object."""
    module = getattr(value, "__module__", None)
    qualname = getattr(value, "__qualname__", None) or getattr(value, "__name__", None)
    if module is None and type(value).__name__ == "ufunc":
        module = "numpy"
    if not isinstance(module, str) or not isinstance(qualname, str) or module == "__main__" or "<" in qualname:
        return None
    if not (callable(value) or isinstance(value, type)):
        return None
    return f"{module}:{qualname}" if _importable(module, qualname, value) else None


def _importable(module: str, qualname: str | None, value) -> bool:
    try:
        found = importlib.import_module(module)
        for part in (qualname.split(".") if qualname else ()):
            found = getattr(found, part)
    except Exception:  # noqa: BLE001 - whatever importing it raises, it is not importable as named
        return False
    return found is value


def function_source(function) -> tuple[str, str]:
    """The dedented source of ``function`` without its decorators, and the name it defines; checked to
    compile to the code that runs (`NotStorable` otherwise: a source edited since, a lambda, code typed
    into an interpreter)."""
    if function.__name__ == "<lambda>":
        raise NotStorable("a lambda (give the function a name with def)")
    try:
        lines, _ = inspect.getsourcelines(function)
    except (OSError, TypeError):
        raise NotStorable(f"the source of {function.__name__}() cannot be found (defined in an interpreter?)") \
            from None
    text = textwrap.dedent("".join(lines))
    try:
        tree = ast.parse(text)
    except SyntaxError:
        raise NotStorable(f"the source of {function.__name__}() cannot be parsed alone") from None
    definition = tree.body[0] if len(tree.body) == 1 else None
    if not isinstance(definition, ast.FunctionDef) or definition.name != function.__name__:
        raise NotStorable(f"the source of {function.__name__}() is not one function definition")
    body = text.splitlines(keepends=True)[definition.lineno - 1:definition.end_lineno]
    source = "".join(body)
    if not _source_is_current(function):
        raise NotStorable(f"the source of {function.__name__}() found on disk is not the code that ran "
                          "(edited since?)")
    return source, definition.name


def _source_is_current(function) -> bool:
    """Whether the file (or notebook cell) the function's source comes from still compiles to the function's
    code (the whole file: its imports change the code Python compiles for a call)."""
    code = function.__code__
    lines = linecache.getlines(code.co_filename, function.__globals__)
    try:
        module = compile("".join(lines), code.co_filename, "exec", dont_inherit=True)
    except (SyntaxError, ValueError):
        return False
    pending = [module]
    while pending:
        candidate = pending.pop()
        if candidate.co_name == code.co_name and candidate.co_firstlineno == code.co_firstlineno:
            return same_code(candidate, code)
        pending.extend(c for c in candidate.co_consts if isinstance(c, types.CodeType))
    return False


def free_names(code: types.CodeType) -> set[str]:
    """The global names ``code`` and the functions nested in it read or write."""
    names = {instruction.argval for instruction in dis.get_instructions(code) if instruction.opname in _GLOBAL_OPS}
    for constant in code.co_consts:
        if isinstance(constant, types.CodeType):
            names |= free_names(constant)
    return {name for name in names if isinstance(name, str)}


def _factory(source: str, definition: str, freevars: tuple) -> str:
    body = textwrap.indent(source, "    ")
    return f"def _brian2nwb_factory({', '.join(freevars)}):\n{body}\n    return {definition}\n"


def same_code(first: types.CodeType, second: types.CodeType) -> bool:
    """Whether two code objects run the same instructions on the same names and constants."""
    if (first.co_code != second.co_code or first.co_names != second.co_names
            or first.co_varnames != second.co_varnames or first.co_freevars != second.co_freevars
            or first.co_argcount != second.co_argcount or len(first.co_consts) != len(second.co_consts)):
        return False
    for a, b in zip(first.co_consts, second.co_consts):
        if isinstance(a, types.CodeType) and isinstance(b, types.CodeType):
            if not same_code(a, b):
                return False
        elif isinstance(a, types.CodeType) or isinstance(b, types.CodeType) or type(a) is not type(b) or a != b:
            if not (a != a and b != b):  # NaN constants
                return False
    return True


# --- rebuilding trusted code ------------------------------------------------------------------------------------

def build_functions(trusted, objects: dict, state: str, kinds: tuple = ("operation", "function"),
                    clocks: dict | None = None) -> dict:
    """The Python functions of trusted code whose rows are of ``kinds``, by row name: each compiled from its
    source in a namespace of what its names referred to (the network's rebuilt ``objects`` and ``clocks``, values
    as they were at the ``state`` 'initial' or 'final', modules imported, the helpers it calls built in turn).

    ``trusted`` is a `brian2nwb.trust.signature.TrustedCode`: only code its reader chose to trust is run.
    """
    rows, environment = trusted.rows, trusted.environment
    built: dict[str, types.FunctionType] = {}
    values: dict[str, object] = {}  # 'function:identifier' -> the value (one object, however many refer to it)

    def value_of(function: str, identifier: str):
        key = f"{function}:{identifier}"
        if key not in values:
            entry = next(e for e in environment.get(function, []) if e["identifier"] == identifier)
            values[key] = decode(entry["initial_value" if state == "initial" else "final_value"])
        return values[key]

    def build(name: str):
        if name in built:
            return built[name]
        row = rows[name]
        entries = environment.get(name, [])
        namespace = {"__builtins__": builtins, "__name__": f"brian2nwb_code_{name}"}
        built[name] = None  # a helper that calls this one back finds it in the namespace when it runs
        closure = {}
        for entry in entries:
            value = _resolve(entry, objects, clocks or {}, build, value_of, name)
            (closure if entry["closure"] else namespace)[entry["identifier"]] = value
        freevars = tuple(entry["identifier"] for entry in entries if entry["closure"])
        source = _factory(row["source"], row["definition"], freevars)
        exec(compile(source, f"<{name} from the file>", "exec", dont_inherit=True), namespace)  # noqa: S102
        function = namespace.pop("_brian2nwb_factory")(*(closure[variable] for variable in freevars))
        built[name] = function
        for entry in entries:  # functions that call each other: each finds the other once both exist
            if entry["kind"] == "code" and not entry["closure"] and namespace[entry["identifier"]] is None:
                namespace[entry["identifier"]] = build(entry["reference"])
        return function

    return {name: build(name) for name, row in rows.items() if row["kind"] in kinds}


def _resolve(entry: dict, objects: dict, clocks: dict, build, value_of, function: str):
    kind, reference = entry["kind"], entry["reference"]
    if kind == "object":
        return objects[reference]
    if kind == "clock":
        return clocks.get(reference, defaultclock)
    if kind in ("module", "import"):
        module, _, qualname = reference.partition(":")
        try:
            found = importlib.import_module(module)
            for part in qualname.split(".") if qualname else ():
                found = getattr(found, part)
        except (ImportError, AttributeError) as error:
            raise ImportError(f"The file's Python code ('{function}') needs {reference}, which is not installed here "
                              f"({type(error).__name__}: {error}); install it, or pass from_nwb(..., operations=/"
                              "functions=) to run without the file's code.") from None
        return found
    if kind == "code":
        return build(reference)
    if reference:  # the value another function refers to too
        return value_of(*reference.split(":", 1))
    return value_of(function, entry["identifier"])


def brian2_function(function, options: dict) -> Function:
    """A Brian2 ``Function`` of a rebuilt Python function, wrapped as the recorded one was."""
    arg_units = [_unit(dimensions) for dimensions in options["arg_units"]]
    wrapped = Function(function, arg_units=arg_units, return_unit=_unit(options["return_unit"]),
                       arg_types=options["arg_types"], return_type=options["return_type"],
                       stateless=options["stateless"], auto_vectorise=options["auto_vectorise"])
    if options["discard_units"]:
        wrapped.implementations.add_numpy_implementation(wrapped_func=function, discard_units=True)
    return wrapped


def _unit(dimensions):
    if dimensions is None:
        return None
    if dimensions == "bool":
        return bool
    return Unit(1, dim=get_or_create_dimension(dimensions))
