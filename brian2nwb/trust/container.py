"""A file's container checked before any library reads it: links, filters, codecs and declared sizes.

pynwb, hdmf, h5py, zarr and numcodecs read whatever a file declares: an HDF5
external link opens another file, a Zarr array whose metadata names the
``pickle`` codec is unpickled by numcodecs when a chunk is read (with some
numcodecs versions), a dataset declared with 10**10 rows and no data behind it
is allocated whole. So before pynwb opens a file, this module reads only its
metadata (HDF5 link table, dataset headers and attributes, in a child process
that a damaged file may crash without harm: `brian2nwb.trust.hdf5_walk`; Zarr's
JSON documents, parsed with ``json``) and refuses, with an `InvalidFileError`:

- HDF5: external links, soft links that dangle, point at another soft link or
  at one of their own ancestors (a loop), a group reached by two hard links,
  external raw-data storage, virtual datasets, filters other than
  `hdf5_walk.HDF5_FILTERS`, datasets declaring values they do not store, and
  files whose metadata crashes libhdf5;
- Zarr: symbolic links, codecs and filters other than `ZARR_CODECS` (anywhere
  in the metadata, consolidated metadata included), references or links to
  another store, and reference datasets;
- both: more than `MAX_NODES` groups and datasets, and any dataset whose values
  would need more than `memory_limit` bytes of memory, or more than
  `MAX_CHUNKS` chunks, to read.
"""

from __future__ import annotations

import json
import math
import os
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from ..errors import InvalidFileError, printable, reading
from ..nwb.remote import UnreachableURLError
from . import hdf5_walk
from .hdf5_walk import MAX_CHUNKS, MAX_NODES, size_text

#: Zarr codecs (v2 ``id``, v3 ``name``) that decode data without running code from the file.
ZARR_CODECS = {"blosc", "zlib", "gzip", "zstd", "lz4", "bz2", "lzma", "shuffle", "delta", "crc32", "crc32c",
               "adler32", "vlen-utf8", "vlen-bytes", "json2", "bytes", "transpose", "sharding_indexed",
               "numcodecs.zlib", "numcodecs.gzip", "numcodecs.zstd", "numcodecs.blosc", "numcodecs.lz4",
               "numcodecs.bz2", "numcodecs.shuffle", "numcodecs.delta", "numcodecs.crc32"}
#: Longest the child process reading an HDF5 file's metadata may take (a brian2nwb file's takes well under 1 s).
WALK_SECONDS = 300
#: Largest metadata document of a Zarr store read.
MAX_METADATA_BYTES = 64 * 2**20


def memory_limit() -> int:
    """Bytes one dataset may need in memory: half of this machine's physical memory."""
    try:
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") // 2
    except (ValueError, OSError, AttributeError):  # not POSIX
        return 8 * 2**30


def check_container(path: str | os.PathLike) -> None:
    """Refuse a file whose container (HDF5 file or Zarr folder) holds anything listed in this module's doc."""
    path = Path(path)
    if path.is_symlink() and path.is_dir():
        raise InvalidFileError(f"{path} is a symbolic link to a folder; pass the Zarr store itself.")
    if path.is_dir():
        _check_zarr(path)
    else:
        check_hdf5(path)


@contextmanager
def open_untrusted(path: str | os.PathLike, what: str = "read", *, foreign: bool = False):
    """An NWB IO object for a file from anywhere: its container checked first, and every failure of the
    reading libraries (inside the ``with`` block too) turned into an `InvalidFileError` naming ``path``.

    A file of an earlier ndx-brian2 version is read as the current one (`brian2nwb.nwb.upgrade`); a newer one
    is refused. ``foreign``: any NWB file (an input source): its ndx-brian2 version is not checked, and the
    extension specs cached in it are loaded (data, not code: hdmf builds the classes from them).
    """
    from ..nwb.extension import nwb_io
    from ..nwb.remote import is_url, remote_hdf5
    from ..nwb.upgrade import format_version

    with reading(path, what):
        if is_url(path):  # the same checks, on the file as the server sends it
            check_hdf5(path)
            with remote_hdf5(path) as file:
                version = None if foreign else format_version(*_hdf5_versions(file), path)
                with nwb_io(path, mode="r", file=file, cached_namespaces=foreign, format_version=version) as io:
                    yield io
            return
        check_file(path)
        version = None if foreign else check_extension_version(path)
        with nwb_io(path, mode="r", cached_namespaces=foreign, format_version=version) as io:
            yield io


def check_file(path: str | os.PathLike) -> None:
    """What any reading of a file from anywhere starts with: a Zarr store a killed writer had set aside put
    back in place (`brian2nwb.nwb.atomic.recover`), then its container checked (`check_container`)."""
    if not Path(path).exists():
        from ..nwb.atomic import recover

        recover(path)
        if not Path(path).exists():
            raise FileNotFoundError(f"{path} does not exist.")
    check_container(path)


def check_extension_version(path: str | os.PathLike) -> str:
    """The ndx-brian2 version to read a file as (`brian2nwb.nwb.upgrade.format_version`: the version its cached
    spec names, if this brian2nwb reads it); a file of a version it cannot read is refused, naming the version
    and the brian2nwb version that wrote it. Files without ndx-brian2, such as other tools' NWB files, pass."""
    from ..nwb.extension import NAMESPACE
    from ..nwb.upgrade import format_version

    path = Path(path)
    if path.is_dir():
        folder = path / "specifications" / NAMESPACE
        versions = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []
        writer = _zarr_attribute(path / "general" / "brian2", "brian2nwb_version")
    else:
        import h5py

        with h5py.File(str(path), "r") as file:
            versions, writer = _hdf5_versions(file)
    return format_version(versions, writer, path)


def _hdf5_versions(file) -> tuple[list[str], object]:
    """(cached ndx-brian2 versions, the brian2nwb version that wrote it) of an open ``h5py.File``."""
    import h5py

    from ..nwb.extension import NAMESPACE

    group = file.get(f"specifications/{NAMESPACE}")
    simulation = file.get("general/brian2")
    return (sorted(group) if isinstance(group, h5py.Group) else [],
            simulation.attrs.get("brian2nwb_version") if isinstance(simulation, h5py.Group) else None)


def _zarr_attribute(group: Path, name: str):
    for document in (".zattrs", "zarr.json"):
        file = group / document
        if file.is_file() and file.stat().st_size <= MAX_METADATA_BYTES:
            attributes = json.loads(file.read_text())
            attributes = attributes.get("attributes", attributes) if document == "zarr.json" else attributes
            return attributes.get(name)
    return None


# -- HDF5 ---------------------------------------------------------------------------------------------------

def check_hdf5(source: str | os.PathLike) -> None:
    """Walk an HDF5 file (a path or a URL) in a child process (`brian2nwb.trust.hdf5_walk`): refuse what it
    refuses, and a file that crashes libhdf5 or that it cannot read."""
    import subprocess
    import sys

    command = [sys.executable, hdf5_walk.__file__, str(source), str(memory_limit())]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=WALK_SECONDS)
    except subprocess.TimeoutExpired:
        raise InvalidFileError(f"{source}: reading its HDF5 metadata took more than {WALK_SECONDS} s; a brian2nwb "
                               "file's takes well under a second.") from None
    if result.returncode < 0:
        raise InvalidFileError(f"{source}: the HDF5 library crashed reading its metadata (signal "
                               f"{-result.returncode}): the file is damaged.")
    try:
        report = json.loads(result.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):  # not the file's fault: the child failed to start or to import h5py
        raise RuntimeError(f"The HDF5 check of {source} failed: {result.stderr[-2000:]}") from None
    if "bug" in report:
        raise RuntimeError(f"The HDF5 check of {source} failed (a bug of brian2nwb):\n{report['bug']}")
    if "unreachable" in report:
        raise UnreachableURLError(f"Cannot read {source}: {report['unreachable']}")
    if "refused" in report:
        raise InvalidFileError(printable(report["refused"]))
    if "unreadable" in report:
        raise InvalidFileError(f"{source}: cannot be opened: {printable(report['unreadable'])}")


# -- Zarr ---------------------------------------------------------------------------------------------------

_METADATA_FILES = {".zarray", ".zattrs", ".zgroup", ".zmetadata", "zarr.json"}


def _check_zarr(path: Path) -> None:
    nodes = 0
    limit = memory_limit()
    for folder, subfolders, files in os.walk(path, followlinks=False):
        for entry in subfolders + files:
            full = Path(folder) / entry
            if full.is_symlink():
                raise InvalidFileError(f"{path}: '{full.relative_to(path)}' is a symbolic link; a Zarr store read "
                                       "by brian2nwb holds its data itself.")
        for name in files:
            if name not in _METADATA_FILES:
                continue
            nodes += 1
            if nodes > MAX_NODES:
                raise InvalidFileError(f"{path} holds more than {MAX_NODES} Zarr metadata documents.")
            document = Path(folder) / name
            where = f"{path}: '{document.relative_to(path)}'"
            if document.stat().st_size > MAX_METADATA_BYTES:
                raise InvalidFileError(f"{where} is larger than {size_text(MAX_METADATA_BYTES)}.")
            try:
                metadata = json.loads(document.read_bytes())
            except (ValueError, UnicodeDecodeError) as error:
                raise InvalidFileError(f"{where} is not JSON ({error}).") from None
            _check_zarr_metadata(metadata, where, limit)


def _check_zarr_metadata(metadata, where: str, limit: int, depth: int = 0) -> None:
    """Every codec, link, reference and array shape anywhere in one Zarr metadata document."""
    if depth > 64:
        raise InvalidFileError(f"{where} nests its metadata more than 64 levels deep.")
    if isinstance(metadata, list):
        for item in metadata:
            _check_zarr_metadata(item, where, limit, depth + 1)
        return
    if not isinstance(metadata, dict):
        return
    for key in ("compressor", "filters", "codecs", "index_codecs", "compressors", "serializer"):
        for codec in _as_list(metadata.get(key)):
            _check_codec(codec, where)
    if _is_array(metadata):
        _check_zarr_array(metadata, where, limit)
    zarr_dtype = metadata.get("zarr_dtype")
    references = isinstance(zarr_dtype, list) and any(isinstance(f, dict) and f.get("dtype") == "object"
                                                      for f in zarr_dtype)
    if (zarr_dtype == "object" and "value" not in metadata) or references:
        raise InvalidFileError(f"{where}: a dataset of references; brian2nwb files hold none.")
    if zarr_dtype == "object" and isinstance(metadata.get("value"), dict):
        _check_reference(metadata["value"], where)
    for link in _as_list(metadata.get("zarr_link")):
        _check_reference(link, where)
    for value in metadata.values():
        if isinstance(value, (dict, list)):
            _check_zarr_metadata(value, where, limit, depth + 1)


def _as_list(value) -> list:
    if value is None or value is False:
        return []
    return value if isinstance(value, list) else [value]


def _check_codec(codec, where: str) -> None:
    if isinstance(codec, str):
        name = codec
    elif isinstance(codec, dict):
        name = codec.get("id", codec.get("name"))
    else:
        raise InvalidFileError(f"{where}: a codec described as {type(codec).__name__}, not an object.")
    if name not in ZARR_CODECS:
        raise InvalidFileError(f"{where}: uses the codec {name!r}, which brian2nwb does not decode (only "
                               f"{', '.join(sorted(c for c in ZARR_CODECS if '.' not in c))}).")


def _check_reference(reference, where: str) -> None:
    source = reference.get("source") if isinstance(reference, dict) else None
    if source not in (".", "", "./"):
        raise InvalidFileError(f"{where}: a link or reference to another store ({source!r}); brian2nwb reads only "
                               "what a store holds itself.")


def _is_array(metadata: dict) -> bool:
    return "shape" in metadata and ("chunks" in metadata or metadata.get("node_type") == "array")


def _check_zarr_array(metadata: dict, where: str, limit: int) -> None:
    shape = metadata.get("shape")
    grid = metadata.get("chunk_grid", {})
    chunks = metadata.get("chunks") or (grid.get("configuration", {}).get("chunk_shape")
                                        if isinstance(grid, dict) else None)
    if not isinstance(shape, list) or not all(isinstance(n, int) and n >= 0 for n in shape):
        raise InvalidFileError(f"{where}: the array shape {shape!r} is not a list of sizes.")
    if not isinstance(chunks, list) or len(chunks) != len(shape) or not all(
            isinstance(n, int) and n > 0 for n in chunks):
        raise InvalidFileError(f"{where}: the chunk shape {chunks!r} does not fit the array shape {shape}.")
    dtype = metadata.get("dtype", metadata.get("data_type"))
    try:
        itemsize = np.dtype(dtype).itemsize if isinstance(dtype, str) and dtype not in ("string", "bytes") else 8
    except TypeError:
        itemsize = 8
    needed = math.prod(shape) * max(itemsize, 1)
    if needed > limit:
        raise InvalidFileError(f"{where}: declares {tuple(shape)} values ({size_text(needed)} in memory), more than "
                               f"brian2nwb reads ({size_text(limit)}, half of this machine's memory).")
    count = math.prod(math.ceil(n / c) for n, c in zip(shape, chunks))
    if count > MAX_CHUNKS:
        raise InvalidFileError(f"{where}: split into {count} chunks, more than {MAX_CHUNKS}.")
