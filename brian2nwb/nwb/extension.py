"""The ``ndx-brian2`` NWB extension: its namespace, from the installed ``ndx-brian2`` package.

The spec (`brian2nwb.model.format` finds it) is loaded into a copy of pynwb's type map that only brian2nwb
uses, so that importing brian2nwb does not add the namespace to files that other code in the same process
writes with pynwb.
"""

from __future__ import annotations

import os
from pathlib import Path

from hdmf.build import BuildManager
from pynwb import NWBHDF5IO, get_type_map

from ..model.format import NAMESPACE, NAMESPACE_FILE
from .upgrade import upgrade

#: pynwb's type map with ndx-brian2 added, for brian2nwb's own reading and writing.
TYPE_MAP = get_type_map(copy=True)
TYPE_MAP.load_namespaces(str(NAMESPACE_FILE))


def namespace_version() -> str:
    """The version of the ndx-brian2 spec this brian2nwb writes and reads."""
    return TYPE_MAP.namespace_catalog.get_namespace(NAMESPACE).version


def nwb_class(name: str) -> type:
    """The container class of an ndx-brian2 type."""
    return TYPE_MAP.get_dt_container_cls(name, NAMESPACE)


class UpgradingRead:
    """What brian2nwb's IO objects add to hdmf's: a file of an earlier ndx-brian2 version (``format_version``)
    is brought to the current layout (`brian2nwb.nwb.upgrade`) when its builders are read, before hdmf builds
    any container from them."""

    format_version: str | None = None

    def read_builder(self):
        builder = super().read_builder()
        if self.format_version is not None:
            upgrade(builder, self.format_version)
            self.format_version = None  # hdmf reads the builders once and keeps them
        return builder


class HDF5IO(UpgradingRead, NWBHDF5IO):
    """pynwb's HDF5 IO, reading files of earlier ndx-brian2 versions as the current one."""


def nwb_io(path: str | os.PathLike, mode: str, backend: str | None = None, file=None,
           cached_namespaces: bool = False, format_version: str | None = None):
    """An NWB IO object (HDF5, or Zarr for folders) that knows the ndx-brian2 types.

    ``backend`` None: Zarr if ``path`` is a folder (a Zarr store), else HDF5. ``file``: an open ``h5py.File``
    to read (a remote file, `brian2nwb.nwb.remote`), instead of opening ``path``. ``cached_namespaces``: read
    any NWB file with the extensions cached in it (pynwb's types plus the file's), for reading only.
    ``format_version``: the ndx-brian2 version of the file read (`brian2nwb.nwb.upgrade.format_version`), if
    an earlier one.
    """
    # brian2nwb's types; or, for any NWB file read, pynwb's plus those the file caches
    types = {"load_namespaces": True} if cached_namespaces else {"manager": BuildManager(TYPE_MAP)}
    if cached_namespaces and mode != "r":
        raise ValueError("Files are read with the extensions they cache, never written so.")
    io = _open(path, mode, backend, file, types)
    io.format_version = format_version
    return io


def _open(path, mode: str, backend: str | None, file, types: dict):
    if file is not None:
        return HDF5IO(file=file, mode=mode, **types)
    if backend is None:
        backend = "zarr" if Path(path).is_dir() else "hdf5"
    if backend == "zarr":
        try:
            import hdmf_zarr
            from hdmf_zarr.nwb import NWBZarrIO
        except ImportError:
            raise ImportError("Zarr needs hdmf-zarr: pip install 'brian2nwb[zarr]'.") from None
        io_class = NWBZarrIO
        if mode == "r" and hasattr(hdmf_zarr, "NWBZarrV2IO") and hdmf_zarr.is_zarr_v2_file(str(path)):
            io_class = hdmf_zarr.NWBZarrV2IO  # a store written with zarr 2 (hdmf-zarr < 0.14), read by zarr 3
        upgrading = type(io_class.__name__, (UpgradingRead, io_class), {"__doc__": HDF5IO.__doc__})
        return upgrading(str(path), mode=mode, **types)
    return HDF5IO(str(path), mode=mode, **types)


# The types the shared machinery uses; each kind looks up its own types with `nwb_class`.
QuantityData = nwb_class("QuantityData")
TimedArraySeries = nwb_class("TimedArraySeries")
Brian2Simulation = nwb_class("Brian2Simulation")

__all__ = [
    "NAMESPACE",
    "TYPE_MAP",
    "nwb_class",
    "nwb_io",
    "QuantityData",
    "TimedArraySeries",
    "Brian2Simulation",
]
