"""Checks of a model read from a file, field by field, before any of it reaches Brian2.

Every attribute of every object is checked by the role its kind declares for it
(`brian2nwb.kinds.kind.Kind.fields`), every column of every table by the role its
`brian2nwb.model.tables.TableDoc` declares (code by `brian2nwb.trust.code`), then what
relates fields to each other and what each kind checks of its own structure. The
result is a `CheckedModel`: a copy holding the checked values, the only kind of model
the builders take.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from ..brian.stored import StoredColumn
from ..errors import InvalidFileError, UnsafeModelError, printable
from ..model.description import ModelDescription, ObjectDescription
from ..model.fields import BASE_FIELDS, Field, Role, size_field
from ..model.tables import NETWORK_TABLES, find
from .code import (
    MAX_CODE_LENGTH,
    MAX_INTEGER,
    MAX_SIZE,
    MAX_UNIT_POWER,
    NAME,
    CodeChecker,
    check_method,
    check_name,
    check_size,
    check_time,
    check_when,
    declared_variables,
)
from .python_checks import check_json, check_python, check_python_tables
from .steps import check_preference, check_schedule, check_steps

#: Limits far above any real model.
MAX_OBJECTS = 10_000  # objects of one network
MAX_SIZE_WITHOUT_DATA = 10_000_000  # elements of a group whose state the file does not hold


#: Variables Brian2 gives groups besides those their equations declare, which a state table may hold (a
#: kind's own are its `Kind.names`).
STATE_NAMES = {"lastspike", "not_refractory", "lastupdate"}


def sizes_of(model, kinds: dict) -> dict[str, int]:
    """Number of elements of every object with a size (the field its kind declares with `Role.ELEMENTS`, or
    ``stop - start`` for a view), checked."""
    sizes = {}
    for description in model.objects:
        attrs, what = description.attrs, f"'{description.name}'"
        size = size_field(kinds[description.kind].fields)
        if size in attrs:
            sizes[description.name] = check_size(attrs[size], f"The size of {what}")
        elif "start" in attrs and "stop" in attrs:
            sizes[description.name] = (check_size(attrs["stop"], f"The end of {what}")
                                       - check_size(attrs["start"], f"The start of {what}"))
    return sizes


@dataclasses.dataclass
class CheckedModel(ModelDescription):
    """A model read from a file whose every field `check_model` checked by its declared role: its code is
    re-rendered from checked syntax trees, its names, sizes, times and tables are of the types and ranges
    declared. Only `check_model` makes one, and the builders (`brian2nwb.verbs.reader`) take nothing else.

    ``sizes`` holds the number of elements of every object with a size (`sizes_of`), for the kinds' checks.
    """

    sizes: dict[str, int] = dataclasses.field(default_factory=dict)


def check_model(model: ModelDescription, kinds: dict, user_identifiers: set[str] = frozenset(),
                user_functions: set[str] = frozenset(), stimuli: set[str] = frozenset()) -> CheckedModel:
    """Check every field of a model read from a file: each attribute of each object by the role its kind
    declares (`Kind.fields`), each column of each table by the role its `TableDoc` declares, then what
    each kind checks of its own structure (`Kind.check`).

    ``kinds`` maps description kinds to `brian2nwb.kinds.kind.Kind`.

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
    check_python_tables(tables, names)
    sizes = checked.sizes = sizes_of(checked, kinds)
    for description in checked.objects:
        kind = kinds[description.kind]
        _check_object(description, names, sizes, kind)
        if kind.check is not None:
            kind.check(description, checked, code)
    clocks = tables.get("clocks", {})
    for name, dt in zip(clocks.get("clock", []), clocks.get("dt", [])):
        check_time(dt, f"dt of clock '{name}'")
    check_recording(checked, {str(name) for name in tables.get("schedule", {}).get("object", [])} | names, kinds)
    return checked


class FieldChecker:
    """Checks each field by the role it is declared with (`brian2nwb.model.fields.Role`), returning its checked
    value: code re-rendered from its checked syntax tree, names and words from their allow-lists, numbers
    of the declared type and range.

    Parameters
    ----------
    code : CodeChecker or None
        Checks code (None where no field holds code: the network's tables).
    objects : set of str
        The names of the file's objects (what a `Role.OBJECT` may name).
    kind : brian2nwb.kinds.kind.Kind, optional
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
            return [check_name(name, what) for name in names]
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
        kinds = "bui" if role in (Role.SIZE, Role.ELEMENTS, Role.INTEGER, Role.FLAG) else "buif"
        if array.dtype.kind not in kinds:
            wanted = "whole numbers" if kinds == "bui" else "numbers"
            raise InvalidFileError(f"{what}: holds {array.dtype} values; it must hold {wanted}.")
        if isinstance(array, StoredColumn) or not array.size:
            return values
        if role is Role.FLAG and array.dtype.kind != "b" and not np.isin(array, (0, 1)).all():
            raise InvalidFileError(f"{what}: must be true or false (0 or 1).")
        if role in (Role.SIZE, Role.ELEMENTS) and (array.min() < 0 or array.max() > MAX_SIZE):
            raise UnsafeModelError(f"{what}: must be whole numbers from 0 to {MAX_SIZE}.")
        if role is Role.TIME and not (np.all(np.isfinite(array)) and array.min() >= 0 and array.max() <= 1e9):
            raise UnsafeModelError(f"{what}: must be finite times from 0 to 1e9 seconds.")
        return values  # as read (a quantity keeps its unit)

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
        if role is Role.PYTHON:
            return check_python(value, what)
        if role is Role.JSON:
            return check_json(value, what)
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


def check_recording(model, known: set[str], kinds: dict) -> None:
    """The steps (`brian2nwb.trust.steps`), the settings the model was written with (schedule, preferences)
    and the random states (shapes and positions a Mersenne Twister and Brian2's blocks can have)."""
    check_steps(model, known, kinds)
    slots = model.tables.get("slots", {}).get("slot", [])
    if len(slots):
        check_schedule(",".join(str(s) for s in slots), "The network's schedule")
    table = model.tables.get("preferences", {})
    for name, value in zip(table.get("preference", []), table.get("value", [])):
        check_preference(str(name), str(value), "The network's preferences")
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
    only these (`brian2nwb.verbs.network_model.describe_network`) and the reader accepts only these."""
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
            dtype = values.dtype if isinstance(values, StoredColumn) else np.asarray(values).dtype
            if dtype.kind not in "biuf":
                raise InvalidFileError(f"{what}: {table} column '{column}' holds {dtype} values; a variable holds "
                                       "numbers or booleans.")
            expected = 1 if shared else size
            if expected is not None and len(values) != expected:
                raise UnsafeModelError(f"{what}: {table} column '{column}' has {len(values)} rows for "
                                       f"{expected} element(s).")
    stored = any(len(values) == size for values in tables.get("final_state", {}).values())
    if kind.stateful and size is not None and size > MAX_SIZE_WITHOUT_DATA and not stored:
        raise InvalidFileError(f"{what} declares {size} elements but the file holds no values for them; brian2nwb "
                               f"builds groups of more than {MAX_SIZE_WITHOUT_DATA} elements only from stored state.")
