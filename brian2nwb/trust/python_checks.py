"""Checks of the Python code a file holds, and of what its names refer to, before anything else reads it.

These checks never run the code (whether it may run is `brian2nwb.trust.signature`'s question): they make sure
that what ``info``, ``describe`` and the model card show, and what a trusted rebuild would compile, is one
function definition per row, that every reference names an object of the file, another row or a dotted Python
name, and that every value is JSON of the forms `brian2nwb.brian.python_values` writes.
"""

from __future__ import annotations

import ast
import json
import re

from ..errors import UnsafeModelError, printable
from .code import MAX_CODE_LENGTH

#: A module (``numpy.random``) or an importable name (``numpy:random.rand``).
DOTTED = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")

#: Most functions a file's code holds.
MAX_FUNCTIONS = 1_000


def check_python(source: str, what: str) -> str:
    """One function definition without decorators (parsed, never run)."""
    if len(source) > MAX_CODE_LENGTH:
        raise UnsafeModelError(f"{what}: {len(source)} characters, more than brian2nwb reads ({MAX_CODE_LENGTH}).")
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        raise UnsafeModelError(f"{what}: not Python source that parses.") from None
    if len(tree.body) != 1 or not isinstance(tree.body[0], ast.FunctionDef) or tree.body[0].decorator_list:
        raise UnsafeModelError(f"{what}: must be one function definition without decorators.")
    return source


def check_json(text: str, what: str) -> str:
    """JSON text (its forms are checked where it is decoded) or empty."""
    if text == "":
        return text
    try:
        json.loads(text, parse_constant=_refuse)
    except (ValueError, RecursionError):
        raise UnsafeModelError(f"{what}: not JSON.") from None
    return text


def _refuse(name):
    raise ValueError(name)


def check_python_tables(tables: dict, objects: set[str]) -> None:
    """Rows that fit together: each source defines its row's ``definition``; each environment row belongs to a
    row of ``python_code`` and refers to an object or clock of the file, another row, or a dotted name."""
    code = tables.get("python_code", {})
    functions = [str(name) for name in code.get("function", [])]
    if len(functions) > MAX_FUNCTIONS:
        raise UnsafeModelError(f"The file holds {len(functions)} Python functions; brian2nwb reads at most "
                               f"{MAX_FUNCTIONS}.")
    if len(set(functions)) != len(functions):
        raise UnsafeModelError("The 'python_code' table names a function twice.")
    for name, definition, source, options in zip(functions, code.get("definition", []), code.get("source", []),
                                                 code.get("options", [])):
        if ast.parse(source).body[0].name != definition:
            raise UnsafeModelError(f"The Python function '{name}' does not define '{printable(definition)}'.")
        if not isinstance(json.loads(options or "{}"), dict):
            raise UnsafeModelError(f"The options of the Python function '{name}' are not a JSON object.")
    environment = tables.get("python_environment", {})
    for function, identifier, kind, reference in zip(*(environment.get(column, []) for column in
                                                       ("function", "identifier", "kind", "reference"))):
        what = f"The name '{identifier}' of the Python function '{function}'"
        if function not in functions:
            raise UnsafeModelError(f"{what}: there is no such function in 'python_code'.")
        if kind == "object" and reference not in objects:
            raise UnsafeModelError(f"{what}: refers to '{printable(reference)}', which is not an object of the file.")
        clocks = {str(name) for name in tables.get("clocks", {}).get("clock", [])} | {"defaultclock"}
        if kind == "clock" and reference not in clocks:
            raise UnsafeModelError(f"{what}: refers to the clock '{printable(reference)}', which the file does not "
                                   "have.")
        if kind == "code" and reference not in functions:
            raise UnsafeModelError(f"{what}: refers to the function '{printable(reference)}', which the file does not "
                                   "hold.")
        if kind == "module" and not DOTTED.match(reference):
            raise UnsafeModelError(f"{what}: '{printable(reference)}' is not a module name.")
        if kind == "import":
            module, _, qualname = reference.partition(":")
            if not (DOTTED.match(module) and DOTTED.match(qualname)):
                raise UnsafeModelError(f"{what}: '{printable(reference)}' is not 'module:qualified.name'.")
