"""The ndx-brian2 format as brian2nwb reads it: where the installed extension keeps its spec, and its
declarations.

The ``ndx-brian2`` package declares every type, attribute, table and column once; its generator writes the NWB
spec and ``ndx-brian2.fields.json``: the role of every attribute and column, the tables each type may hold, the
actions a step of the recording may have. brian2nwb declares none of these itself: the kinds, the checks and
the writer read them here (`brian2nwb.model.fields`, `brian2nwb.model.tables`).

brian2nwb finds the extension's files without importing ``ndx_brian2``: importing it loads the namespace into
pynwb's global type map, from where pynwb would cache it in every file any code of the process writes.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

NAMESPACE = "ndx-brian2"


def spec_folder() -> Path:
    """The folder of the installed ndx-brian2's spec: inside the package when installed from a wheel, the
    extension's own ``spec/`` in a source checkout (an editable install)."""
    found = importlib.util.find_spec("ndx_brian2")
    if found is None or not found.submodule_search_locations:
        raise ImportError("brian2nwb needs the ndx-brian2 extension: pip install ndx-brian2 (in a checkout of "
                          "brian2nwb: pip install ./extensions/ndx-brian2).")
    package = Path(next(iter(found.submodule_search_locations)))
    for folder in (package / "spec", package.parents[2] / "spec"):
        if (folder / f"{NAMESPACE}.namespace.yaml").is_file():
            return folder
    raise ImportError(f"The ndx-brian2 package at {package} has no spec: reinstall it.")


SPEC_FOLDER = spec_folder()
NAMESPACE_FILE = SPEC_FOLDER / f"{NAMESPACE}.namespace.yaml"

#: The declarations: ``{"version", "roles", "actions", "types": {type: {"inc", "attributes", "tables"}}}``.
DECLARATIONS: dict = json.loads((SPEC_FOLDER / f"{NAMESPACE}.fields.json").read_text())

#: The format version the installed extension declares (the version brian2nwb writes).
VERSION: str = DECLARATIONS["version"]


def lineage(nwb_type: str, below: str | None = None) -> list[dict]:
    """The declarations of ``nwb_type`` and of the ndx-brian2 types it extends, the farthest first, stopping
    before ``below`` (and at the first core type)."""
    types, chain = DECLARATIONS["types"], []
    while nwb_type in types and nwb_type != below:
        chain.append(types[nwb_type])
        nwb_type = types[nwb_type]["inc"]
    return chain[::-1]
