"""What a brian2nwb file holds, read without loading its large arrays (for ``brian2nwb info``)."""

from __future__ import annotations

import os

from ..errors import printable
from ..kinds.registry import BY_NWB_TYPE
from ..model.fields import size_field
from ..nwb.mapping import object_containers
from ..trust.container import open_untrusted


def summarize(path: str | os.PathLike) -> dict:
    """A JSON-ready summary: groups, synapses, inputs, monitors, recordings, duration, provenance."""
    with open_untrusted(path) as io:
        nwbfile = io.read()
        simulation = nwbfile.lab_meta_data.get("brian2")
        summary = {
            "file": str(path),
            "session_description": nwbfile.session_description,
            "identifier": nwbfile.identifier,
            "groups": [], "synapses": [], "inputs": [], "monitors": [],
            "recordings": {"units": 0, "spikes": 0, "series": {}, "events": {}, "stimulus": {}},
        }
        if simulation is not None:
            summary["provenance"] = {name: getattr(simulation, name) for name in (
                "network", "brian2_version", "brian2nwb_version", "numpy_version", "python_version", "device",
                "codegen_target", "initial_state_source") if getattr(simulation, name, None) is not None}
            summary["duration_s"] = float(simulation.t_end)
            summary["dt_s"] = float(simulation.dt)
            for name, obj in sorted((obj.name, obj) for obj in object_containers(simulation)):
                _add_object(summary, name, obj)
            summary["runs"] = _rows(simulation.brian2_tables.get("runs"))
            sources = _text_rows(simulation.brian2_tables.get("input_sources"), ("object", "kind", "source",
                                                                                 "identifier", "path"))
            if sources:
                summary["input_sources"] = sources
            code = _text_rows(simulation.brian2_tables.get("python_code"), ("function", "kind"))
            if code:
                summary["python_code"] = {"functions": code, "trust": _code_trust(simulation)}
        units = nwbfile.units
        if units is not None:
            summary["recordings"]["units"] = len(units)
            summary["recordings"]["spikes"] = int(len(units["spike_times"].target.data))
        for name, series in nwbfile.acquisition.items():
            summary["recordings"]["series"][name] = {"shape": list(series.data.shape), "unit": series.unit}
        inputs = dict(nwbfile.stimulus)
        for name, table in (nwbfile.events or {}).items():
            if table.neurodata_type == "SpikeGeneratorTable":  # an input, kept where NWB keeps events
                inputs[name] = table
            else:
                summary["recordings"]["events"][name] = len(table)
        for name, item in inputs.items():
            size = len(item) if hasattr(item, "columns") else list(item.data.shape)
            summary["recordings"]["stimulus"][name] = {"type": item.neurodata_type, "size": size}
    return summary


def _add_object(summary: dict, name: str, obj) -> None:
    kind = BY_NWB_TYPE.get(obj.neurodata_type)
    roles = {listed.value for listed in kind.listed_as} if kind is not None else set()
    kind_name = str(getattr(obj, "kind", None) or obj.neurodata_type[: -len("Model")])
    if "group" in roles:
        count = getattr(obj, size_field(kind.fields) or "", None)
        size = count if count is not None else int(obj.stop - obj.start)
        entry = {"name": name, "kind": kind_name, "size": int(size), "elements": kind.elements}
        if getattr(obj, "model", None):
            entry["equations"] = obj.model.count("\n") + 1
        summary["groups"].append(entry)
    if "synapses" in roles:
        summary["synapses"].append({"name": name, "source": obj.source, "target": obj.target,
                                    "synapses": _rows(obj.brian2_tables.get("connectivity"))})
    if "input" in roles:
        summary["inputs"].append({"name": name, "kind": kind_name})
    if "monitor" in roles:
        summary["monitors"].append({"name": name, "kind": kind_name, "source": obj.source})


def _rows(table) -> int:
    """Rows of a `Brian2Table` (0 if absent), read from its first column's shape."""
    if table is None or not len(table.colnames):
        return 0
    return int(table.vector_datas[str(table.colnames[0])].data.shape[0])


def _code_trust(simulation) -> str:
    """Whether the file's Python code runs here: 'trusted' (signed with this user's key) or 'untrusted'."""
    from ..nwb.mapping import table_from_nwb
    from ..trust.signature import SIGNED_TABLES, trust_status

    tables = {name: table_from_nwb(simulation.brian2_tables[name]) for name in SIGNED_TABLES
              if name in simulation.brian2_tables}
    return trust_status(tables, getattr(simulation, "code_signature", None))


def _text_rows(table, columns: tuple, limit: int = 100) -> list[dict]:
    """The first ``limit`` rows of a `Brian2Table`'s text ``columns`` (printable, at most 200 characters each)."""
    if table is None or not set(columns) <= set(table.colnames):
        return []
    values = {}
    for column in columns:
        data = table.vector_datas[column].data
        values[column] = [printable(v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v))[:200]
                          for v in data[:min(limit, len(data))]]
    return [dict(zip(columns, row)) for row in zip(*values.values())]


def format_summary(summary: dict) -> str:
    """The summary as lines for a terminal."""
    lines = [summary["file"], f"  {summary['session_description']}"]
    provenance = summary.get("provenance")
    if provenance:
        lines.append(f"  Brian2 {provenance.get('brian2_version')} ({provenance.get('device')}, "
                     f"{provenance.get('codegen_target')}), brian2nwb {provenance.get('brian2nwb_version')}, "
                     f"{summary.get('duration_s', 0):g} s simulated in {summary.get('runs', 0)} run(s), "
                     f"dt = {summary.get('dt_s', 0):g} s, state at t=0: {provenance.get('initial_state_source')}")
    sections = (("groups", lambda g: f"{g['name']} ({g['kind']}, {g['size']} {g['elements']})"),
                ("synapses", lambda s: f"{s['name']}: {s['source']} -> {s['target']}, {s['synapses']} synapses"),
                ("inputs", lambda i: f"{i['name']} ({i['kind']})"),
                ("monitors", lambda m: f"{m['name']} ({m['kind']} of {m['source']})"))
    for key, line in sections:
        if summary[key]:
            lines.append(f"  {key}:")
            lines.extend(f"    {line(item)}" for item in summary[key])
    if summary.get("input_sources"):
        lines.append("  inputs read from other NWB files:")
        lines.extend(f"    {row['object']} ({row['kind']}): {row['path']} of {row['source']} (identifier "
                     f"{row['identifier']})" for row in summary["input_sources"])
    code = summary.get("python_code")
    if code:
        runs = ("runs in from_nwb (signed with your key)" if code["trust"] == "trusted" else
                "does not run in from_nwb: not signed with your key (see 'brian2nwb describe'; trust it with "
                "'brian2nwb trust FILE' or from_nwb(..., trust_code=True))")
        lines.append(f"  Python code: {', '.join(row['function'] + ' (' + row['kind'] + ')' for row in code['functions'])}"
                     f"; it {runs}")
    recordings = summary["recordings"]
    lines.append(f"  recorded: {recordings['spikes']} spikes in {recordings['units']} units")
    for name, series in recordings["series"].items():
        lines.append(f"    {name}: {' x '.join(map(str, series['shape']))} samples ({series['unit']})")
    for name, count in recordings["events"].items():
        lines.append(f"    {name}: {count} events")
    for name, stimulus in recordings["stimulus"].items():
        lines.append(f"    stimulus {name}: {stimulus['type']} {stimulus['size']}")
    return "\n".join(lines)
