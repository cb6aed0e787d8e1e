"""Where a network's inputs came from: the other NWB files `spikes_from_nwb` and `timed_array_from_nwb` read.

Each object they make is registered here with an `InputSource` (kept while the
object lives; nothing is added to the Brian2 object). `to_nwb` writes the
sources of the objects it writes into the network table ``input_sources``
(`brian2nwb.model.tables.NETWORK_TABLES`); `from_nwb` reads them back into
`RebuiltNetwork.input_sources`, so that writing a re-run keeps them. The inputs
themselves are in the file as for any SpikeGeneratorGroup or TimedArray: the
source file is not needed to rebuild them.
"""

from __future__ import annotations

import hashlib
import json
import weakref
from dataclasses import dataclass, field

import numpy as np

KINDS = ("spikes", "waveform")


@dataclass(frozen=True)
class InputSource:
    """An input made from another NWB file.

    Attributes
    ----------
    kind : {"spikes", "waveform"}
        A SpikeGeneratorGroup's spike trains, or a TimedArray's values.
    source : str
        The path or URL the file was read from, as given.
    identifier : str
        The source file's NWB ``identifier``.
    path : str
        The object read, by its path in the source file (``/units``, ``/stimulus/presentation/stim``).
    selection : dict
        What was selected and how it was turned into the input: unit ids (neuron ``k`` of the generator is
        unit ``ids[k]``), windows, intervals, offset, dt, collision or resampling method, unit.
    checksum : str
        ``sha256:`` of the arrays handed to Brian2 (spikes: neuron indices as int32 then times in seconds as
        float64; waveforms: values in SI base units as float64), so a later read of the same selection can
        be compared.
    """

    kind: str
    source: str
    identifier: str
    path: str
    selection: dict = field(default_factory=dict)
    checksum: str = ""

    @property
    def neuron_of_unit(self) -> dict:
        """Unit id -> index of the generator neuron that plays it (spike inputs)."""
        return {unit: neuron for neuron, unit in enumerate(self.selection.get("ids", []))}


_SOURCES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def register(obj, record: InputSource) -> None:
    _SOURCES[obj] = record


def input_source(obj) -> InputSource | None:
    """The `InputSource` of a SpikeGeneratorGroup or TimedArray made by `spikes_from_nwb` or
    `timed_array_from_nwb` (None for any other object)."""
    return _SOURCES.get(obj)


def checksum(*arrays: np.ndarray) -> str:
    digest = hashlib.sha256()
    for array in arrays:
        digest.update(np.ascontiguousarray(array).tobytes())
    return "sha256:" + digest.hexdigest()


COLUMNS = ("object", "kind", "source", "identifier", "path", "selection", "checksum")


def sources_table(objects, timed_arrays: dict, inherited: dict | None = None) -> dict | None:
    """The ``input_sources`` table of a file: one row per written object with a source (``objects``: the
    network's objects; ``timed_arrays``: file name -> TimedArray; ``inherited``: object name -> `InputSource`
    of a rebuilt network). None when there is none."""
    rows = {}
    for obj in objects:
        record = input_source(obj)
        if record is not None:
            rows[obj.name] = record
    for name, array in timed_arrays.items():
        record = input_source(array)
        if record is not None:
            rows[name] = record
    names = {obj.name for obj in objects} | set(timed_arrays)
    for name, record in (inherited or {}).items():
        if name in names:
            rows.setdefault(name, record)
    if not rows:
        return None
    table = {column: [] for column in COLUMNS}
    for name, record in sorted(rows.items()):
        values = {"object": name, "kind": record.kind, "source": record.source, "identifier": record.identifier,
                  "path": record.path, "selection": json.dumps(record.selection, sort_keys=True),
                  "checksum": record.checksum}
        for column in COLUMNS:
            table[column].append(values[column])
    return {column: np.asarray(values, dtype=object) for column, values in table.items()}


def sources_from_table(table: dict | None) -> dict:
    """Object name -> `InputSource`, from a file's (checked) ``input_sources`` table."""
    if not table:
        return {}
    found = {}
    for k, name in enumerate(table["object"]):
        try:
            selection = json.loads(str(table["selection"][k]))
        except (ValueError, RecursionError):  # the text is for readers; a bad one is dropped
            selection = {}
        found[str(name)] = InputSource(str(table["kind"][k]), str(table["source"][k]), str(table["identifier"][k]),
                                       str(table["path"][k]), selection if isinstance(selection, dict) else {},
                                       str(table["checksum"][k]))
    return found
