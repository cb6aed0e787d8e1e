"""The model card: the network as a person reads it - equations (with units and flags), thresholds, resets,
refractoriness, synaptic code, parameters with units, connectivity, inputs, monitors and runs.

Built from a `ModelDescription` (a live network's, or a file's after `check_model`), driven by what each
kind declares: an attribute is shown by its `Role` (equations as LaTeX/MathML and as Brian2 code that
Brian2's `Equations` parses back, code as code blocks, times in ms), a table by its `TableDoc` (columns of
code as code, state tables as parameters with units). A new kind needs no edit here.

`to_nwb` writes the Markdown into the file (``/general/brian2/model_card``, a text dataset that pynwb,
h5ls and Neurosift show); ``brian2nwb describe`` prints it, or HTML with the file's plots.
"""

from __future__ import annotations

import os

import numpy as np
from brian2 import Network, Quantity, second
from brian2.units.fundamentalunits import DIMENSIONLESS, get_or_create_dimension

from ..brian.equations import readable_equations
from ..brian.stored import StoredColumn
from ..model.description import ModelDescription, ObjectDescription
from ..model.document import Bullets, Code, Document, Equation, Heading, Paragraph, TableBlock
from ..model.fields import Role, size_field
from ..kinds.registry import BY_NAME
from ..model.tables import NETWORK_TABLES, find
from .garbage import leaves_no_garbage

#: The language tags of the card's code blocks: equations (one per line, Brian2's `Equations` reads them)
#: and statements.
EQUATIONS_BLOCK = "brian2-equations"
CODE_BLOCK = "brian2-code"

#: Tables shown as parameters (state at the start, else at the end).
STATE_TABLES = ("initial_state", "final_state")
SHARED_TABLES = ("initial_shared_state", "final_shared_state")

#: Most rows of a table of code shown (a network may have thousands of steps).
MAX_ROWS = 50


def model_card(model: ModelDescription, kinds: dict, timed_arrays: dict | None = None,
               code_trust: str | None = None) -> Document:
    """The card of ``model`` (``kinds`` maps description kinds to `brian2nwb.kinds.kind.Kind`;
    ``timed_arrays`` maps TimedArray names to their values; ``code_trust``: whether the file's Python code
    runs here, `brian2nwb.trust.signature.trust_status`, for a file's card)."""
    attrs = model.attrs
    card = Document(f"Brian2 model: {attrs.get('network', 'network')}")
    runs = model.tables.get("runs", {})
    durations = np.asarray(runs.get("duration", []), dtype=float)
    card.add(Paragraph(
        f"Simulated with Brian2 {attrs.get('brian2_version', '?')} ({attrs.get('device', '?')} device, "
        f"{attrs.get('codegen_target', '?')} target; Python {attrs.get('python_version', '?')}, numpy "
        f"{attrs.get('numpy_version', '?')}) and written by brian2nwb {attrs.get('brian2nwb_version', '?')}: "
        f"dt = {_time(attrs.get('dt'))}, {len(durations)} run(s), {_time(durations.sum())} simulated in all. "
        f"{len(model.objects)} objects."))
    if len(durations):
        card.add(Heading(1, "Runs"), TableBlock(
            ["run", "start", "duration", "seed"],
            [[str(k), _time(start), _time(duration), str(seed)] for k, (start, duration, seed) in enumerate(
                zip(runs.get("start_time", []), durations, runs.get("seed", [-1] * len(durations))))]))
    card.add(Heading(1, "Objects"))
    for description in model.objects:
        kind = kinds.get(description.kind)
        if kind is not None:
            _object(card, description, kind)
    _inputs(card, model, timed_arrays or {})
    _python_code(card, model, code_trust)
    _sources(card, model)
    _steps(card, model)
    return card


#: What a reader is told about a file's Python code, by `brian2nwb.trust.signature.trust_status`.
TRUST_NOTES = {
    "trusted": "It is signed with your key (you wrote the file, or trusted it): from_nwb runs it.",
    "untrusted": "It is not signed with your key: from_nwb does not run it unless you pass trust_code=True "
                 "(or run 'brian2nwb trust FILE'). Read it first: it runs with your permissions.",
}


def _python_code(card: Document, model: ModelDescription, code_trust: str | None) -> None:
    code = model.tables.get("python_code", {})
    if not len(code.get("function", [])):
        return
    card.add(Heading(1, "Python code"), Paragraph(NETWORK_TABLES["python_code"].doc))
    if code_trust in TRUST_NOTES:
        card.add(Paragraph(TRUST_NOTES[code_trust]))
    environment = model.tables.get("python_environment", {})
    for k, name in enumerate(code["function"]):
        card.add(Heading(2, f"{code['kind'][k]} `{name}`"), Code(str(code["source"][k]), "python"))
        rows = [[f"`{environment['identifier'][r]}`", str(environment["kind"][r]),
                 _text(environment["reference"][r] or environment["initial_value"][r])[:80]]
                for r in range(len(environment.get("function", []))) if environment["function"][r] == name]
        if rows:
            card.add(TableBlock(["name", "refers to", "what"], rows))


def timed_array_values(timed_arrays: dict) -> dict:
    """{name: values as a Quantity} of {name: TimedArray}."""
    return {name: Quantity(array.values, dim=array.dim) for name, array in timed_arrays.items()}


def _object(card: Document, description: ObjectDescription, kind) -> None:
    size = description.attrs.get(size_field(kind.fields))
    rows = _rows(description.tables.get(STATE_TABLES[0]) or description.tables.get(STATE_TABLES[1]))
    extent = size if size is not None else rows  # synapses: one row of state per synapse
    card.add(Heading(2, f"{description.kind} `{description.name}`"
                        + (f" ({extent} {kind.elements})" if extent else "")))
    settings = []
    for field in kind.fields:
        value = description.attrs.get(field.name)
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if field.role is Role.EQUATIONS:
            lines = []
            for line, latex, mathml in readable_equations(str(value)):
                card.add(Equation(latex, mathml))
                lines.append(line)
            card.add(Paragraph(f"{field.name} (Brian2 equations):"), Code("\n".join(lines), EQUATIONS_BLOCK))
        elif field.role is Role.STATEMENTS:
            card.add(Paragraph(f"{field.name}:"), Code(str(value), CODE_BLOCK))
        elif field.role is Role.TIME:
            settings.append(f"{field.name}: {_time(value)}")
        elif field.role is Role.DIMENSIONS:
            continue
        elif field.role.is_text:
            settings.append(f"{field.name}: `{_text(value)}`")
        else:
            settings.append(f"{field.name}: {_text(value)}")
    if settings:
        card.add(Bullets(settings))
    _state(card, description, STATE_TABLES, "Variables")
    _state(card, description, SHARED_TABLES, "Shared variables")
    for name, table in description.tables.items():
        if not _rows(table) or name in STATE_TABLES + SHARED_TABLES or name.startswith("step_"):
            continue
        doc = find(name, kind.table_docs, kind.elements)
        code = [column for column in table if (field := doc.field(column)) is not None
                and field.role in (Role.STATEMENTS, Role.EXPRESSION, Role.EQUATIONS)]
        if code:
            _code_table(card, name, table, code, doc)
        else:
            _values(card, f"{name} ({_rows(table)} rows): {doc.doc}", table, doc, header="column")


def _rows(table: dict | None) -> int:
    return len(next(iter(table.values()))) if table else 0


def _state(card: Document, description: ObjectDescription, names: tuple, title: str) -> None:
    for name in names:
        if description.tables.get(name):
            when = "at the start" if name.startswith("initial") else "at the end of the recording"
            _values(card, f"{title} ({when})", description.tables[name])
            return


def _values(card: Document, title: str, table: dict, doc=None, header: str = "variable") -> None:
    rows = []
    for column, values in table.items():
        field = doc.field(column) if doc is not None else None
        if field is not None and field.role is Role.TIME and not isinstance(values, Quantity):
            values = Quantity(np.asarray(values, dtype=float), dim=second.dim)  # seconds, shown in ms...
        rows.append([f"`{column}`", *_column(values)])
    if rows:
        card.add(Paragraph(title if title.endswith(".") else f"{title}:"), TableBlock([header, "unit", "value"], rows))


def _code_table(card: Document, name: str, table: dict, code: list[str], doc) -> None:
    length = len(next(iter(table.values())))
    card.add(Paragraph(f"{name}:"))
    for row in range(min(length, MAX_ROWS)):
        label = ", ".join(f"{column} = {_cell(table[column][row], doc.field(column))}" for column in table
                          if column not in code)
        text = "\n".join(str(table[column][row]) for column in code if str(table[column][row]).strip())
        card.add(Bullets([label or f"row {row}"]), Code(text, CODE_BLOCK))
    if length > MAX_ROWS:
        card.add(Paragraph(f"({length - MAX_ROWS} more rows in the file)"))


def _inputs(card: Document, model: ModelDescription, timed_arrays: dict) -> None:
    identifiers = model.tables.get("identifiers", {})
    if not identifiers or not len(identifiers.get("identifier", [])):
        return
    rows = []
    values, dims = identifiers.get("value"), identifiers.get("dimensions")
    for k, identifier in enumerate(identifiers["identifier"]):
        kind = str(identifiers["kind"][k])
        value = np.nan if values is None else values[k]
        if kind == "constant":
            shown = _quantity(value, None if dims is None else dims[k])
        elif kind == "timed_array":
            array = timed_arrays.get(str(identifiers.get("reference", identifiers["identifier"])[k]))
            count = "" if array is None else f"{np.size(array)} values in {_column(array)[0]}, "
            shown = f"TimedArray: {count}dt = {_time(value)}"
        else:
            shown = kind
        rows.append([f"`{identifier}`", str(identifiers["scope"][k]), str(identifiers["run"][k]), shown])
    card.add(Heading(1, "External constants and inputs"),
             Paragraph(NETWORK_TABLES["identifiers"].doc), TableBlock(["identifier", "scope", "run", "value"], rows))


def _sources(card: Document, model: ModelDescription) -> None:
    table = model.tables.get("input_sources", {})
    if not len(table.get("object", [])):
        return
    rows = [[f"`{table['object'][k]}`", str(table["kind"][k]), str(table["source"][k]), str(table["identifier"][k]),
             str(table["path"][k])] for k in range(len(table["object"]))]
    card.add(Heading(1, "Inputs from other NWB files"), Paragraph(NETWORK_TABLES["input_sources"].doc),
             TableBlock(["object", "kind", "source", "identifier", "path"], rows))


def _steps(card: Document, model: ModelDescription) -> None:
    steps = model.tables.get("steps", {})
    actions = [str(action) for action in steps.get("action", [])]
    if not actions or set(actions) == {"run"}:
        return
    rows = [[action, str(steps["target"][k]), str(steps["run"][k]), str(steps["value"][k])]
            for k, action in enumerate(actions[:MAX_ROWS])]
    card.add(Heading(1, "What happened between runs"), TableBlock(["action", "target", "run", "value"], rows))
    if len(actions) > MAX_ROWS:
        card.add(Paragraph(f"({len(actions) - MAX_ROWS} more steps in the file)"))


def _cell(value, field) -> str:
    return _time(value) if field is not None and field.role is Role.TIME else _text(value)


def _time(seconds) -> str:
    if seconds is None:
        return "?"
    return f"{float(seconds) * 1e3:.6g} ms"


def _text(value) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(map(str, value))
    if isinstance(value, np.ndarray):
        return ", ".join(map(str, value.ravel()[:20])) + (" ..." if value.size > 20 else "")
    return str(value.item() if isinstance(value, np.generic) else value)


def _column(values) -> tuple[str, str]:
    """(unit, summary) of a column: its range and mean in its best unit, in a few passes over it and no copy
    (columns of 10^8 synapses); a column still in the file (`StoredColumn`) is not read for this."""
    if isinstance(values, StoredColumn):
        return "", f"{values.size} values (read when the network is built)"
    array = np.asarray(values)
    with_unit = isinstance(values, Quantity) and values.dim is not DIMENSIONLESS
    if array.size == 0 or array.dtype.kind not in "iuf":
        text = "(none)" if array.size == 0 else _text(array) if array.dtype.kind != "b" else \
            f"{int(np.count_nonzero(array))} of {array.size} true"
        return ("1" if not with_unit else str(values.dim)), text
    low, high = array.min(), array.max()
    unusual = ""
    if array.dtype.kind == "f" and not (np.isfinite(low) and np.isfinite(high)):
        finite = array[np.isfinite(array)]  # rare: a column with inf or NaN
        unusual = f", {array.size - finite.size} not finite"
        if not finite.size:
            return ("1" if not with_unit else str(values.dim)), f"{array.size} values, none finite"
        array, low, high = finite, finite.min(), finite.max()
    unit = _best_unit(values.dim, low, high) if with_unit else None
    scale = float(unit) if unit is not None else 1.0
    if low == high:
        text = f"{low / scale:.6g}" + (f" (all {array.size}{unusual})" if array.size > 1 else "")
    else:
        text = (f"{low / scale:.6g} to {high / scale:.6g}, mean {array.mean(dtype=np.float64) / scale:.6g} "
                f"({array.size} values{unusual})")
    return ("1" if unit is None else str(unit)), text


def _best_unit(dim, low, high):
    """Brian2's best unit for values from ``low`` to ``high`` (Brian2's own choice looks at every value)."""
    magnitudes = [abs(float(x)) for x in (low, high) if x != 0]
    return Quantity(max(magnitudes, default=1.0), dim=dim).get_best_unit()


def _quantity(value, dimensions) -> str:
    if dimensions is None or not np.any(dimensions):
        return f"{float(value):.6g}"
    return str(Quantity(float(value), dim=get_or_create_dimension(np.asarray(dimensions, dtype=float))))


def card_of_file(source) -> Document:
    """The card of a brian2nwb file (a path or an ``https://`` URL), from its model after `check_model`
    (never from the text the file holds)."""
    from ..trust.model import check_model
    from .reader import read_file

    from ..trust.signature import trust_status

    model, timed_arrays, _ = read_file(source, [])
    checked = check_model(model, BY_NAME, stimuli=set(timed_arrays))
    return model_card(checked, BY_NAME, timed_arrays, trust_status(checked.tables, checked.attrs.get("code_signature")))


def card_of_network(net=None) -> Document:
    """The card of a live network (None: the magic network of a script that calls ``run()``), as `to_nwb`
    would write it now."""
    from brian2.core.magic import magic_network

    from ..brian.network import used_timed_arrays, view_network
    from ..nwb.metadata import software_attributes
    from .network_model import describe_network, earlier_timed_arrays
    from .snapshot import recorder_of

    recorder = recorder_of(net)
    view = recorder.view() if recorder is not None else view_network(net)
    timed_arrays = used_timed_arrays(view, earlier_timed_arrays(recorder))
    model, _ = describe_network(view, recorder, net if net is not None else magic_network,
                                {id(array): name for name, array in timed_arrays.items()})
    model.attrs = {**software_attributes(view), **model.attrs}
    return model_card(model, BY_NAME, timed_array_values(timed_arrays))


@leaves_no_garbage
def model_card_text(source: str | os.PathLike | Network | None = None) -> str:
    """The model card as Markdown: of a brian2nwb file (a path or an ``https://`` URL), of a live
    `brian2.Network`, or (None) of the magic network of a script that calls ``run()``.

    The same text `to_nwb` writes into the file (``/general/brian2/model_card``): equations in LaTeX and as
    Brian2 code, thresholds, resets, synaptic code, parameters with units, connectivity, inputs and runs.
    """
    if source is None or isinstance(source, Network):
        return card_of_network(source).to_markdown()
    return card_of_file(source).to_markdown()
