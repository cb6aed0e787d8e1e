"""``trust_file``: sign the Python code of a file with this user's key (``brian2nwb trust FILE``)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import h5py

from ..errors import InvalidFileError
from ..kinds.registry import BY_NAME
from ..nwb.atomic import atomic_path
from ..trust.model import check_model
from ..trust.signature import has_code, sign
from .reader import read_file

#: Where a brian2nwb file keeps its simulation (the ``Brian2Simulation`` group) and its signature.
SIMULATION_GROUP = "general/brian2"


def trust_file(path: str | os.PathLike) -> list[str]:
    """Sign the Python code ``path`` holds with this user's key, so that `from_nwb` runs it from now on.

    The model is read and checked as `from_nwb` reads it (a file whose model is refused is not signed); the
    file is copied beside itself, the copy's ``code_signature`` set, and the copy moved into place (the file
    is never half-written).

    Returns
    -------
    list of str
        The functions now trusted.

    Raises
    ------
    InvalidFileError
        The file holds no Python code, or cannot be read, or its model is refused.
    """
    path = Path(path)
    if path.is_dir():
        raise InvalidFileError(f"{path} is a folder (a Zarr store); brian2nwb trust signs HDF5 files.")
    model, timed_arrays, _ = read_file(path, [])
    checked = check_model(model, BY_NAME, stimuli=set(timed_arrays))
    if not has_code(checked.tables):
        raise InvalidFileError(f"{path} holds no Python code: there is nothing to trust.")
    signature = sign(checked.tables)
    with atomic_path(path, overwrite=True) as partial:
        shutil.copy2(path, partial)
        with h5py.File(partial, "r+") as file:
            file[SIMULATION_GROUP].attrs["code_signature"] = signature
    return [str(name) for name in checked.tables["python_code"]["function"]]
