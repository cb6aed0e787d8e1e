"""The HDF5 half of the container check, run in a child process: every link, dataset header and attribute
of a file read once, before any library of the parent reads it.

A damaged file can crash libhdf5 itself (a segmentation fault while reading a bit-flipped attribute message,
seen in the fuzzer): no Python code can catch that. So `brian2nwb.trust.container` runs this file as a
script (``python hdf5_walk.py SOURCE MEMORY_LIMIT``) and reads its one JSON line: a crash of the child is a
damaged file, reported as such, and the parent reads only files whose metadata the same libhdf5 read
without crashing. This module imports nothing from brian2nwb (the child starts in a fraction of a second).

Refused: external links, soft links that dangle, point at another soft link or at one of their own
ancestors (a loop), a group reached by two hard links, external raw-data storage, virtual datasets, filters
other than `HDF5_FILTERS`, more than `MAX_NODES` groups and datasets, datasets declaring values they do not
store, needing more than MEMORY_LIMIT bytes of memory or split into more than `MAX_CHUNKS` chunks.
"""

from __future__ import annotations

import json
import math
import posixpath
import sys

#: HDF5 filters a brian2nwb file may use: deflate (gzip), shuffle, Fletcher-32 checksum, LZF.
HDF5_FILTERS = {1: "gzip", 2: "shuffle", 3: "fletcher32", 32000: "lzf"}
#: More groups and datasets than this is not a simulation file.
MAX_NODES = 200_000
#: More chunks than this in one dataset make reading it a loop over nothing.
MAX_CHUNKS = 10_000_000
#: gzip cannot shrink data more than ~1032 times: an HDF5 dataset declaring more is a lie.
MAX_GZIP_RATIO = 1100


class Refused(Exception):
    """What the file holds that brian2nwb does not read."""


class HDF5Walk:
    """One pass over every link of an HDF5 file (without following soft links)."""

    def __init__(self, path: str, file, limit: int):
        self.path, self.file = path, file
        self.nodes = 0
        self.groups_seen: set = set()
        self.limit = limit
        self.error = None
        self.objects: list[str] = []  # groups and datasets reached by hard links, whose attributes are read

    def run(self) -> None:
        self.file.visititems_links(self.guarded_visit)
        if self.error is not None:
            raise self.error
        for holder in [self.file] + [self.file[name] for name in self.objects]:  # not inside h5py's visit
            self.attributes(holder)

    def guarded_visit(self, name: str, link):
        """`visit`, with its error kept (an exception raised inside h5py's callback would be mangled)."""
        try:
            self.visit(name, link)
        except Exception as error:  # noqa: BLE001 - kept whole, raised after the walk
            self.error = error
            return True  # stops the walk
        return None

    def attributes(self, obj) -> None:
        """Read every attribute's value, as hdmf will: a damaged attribute message can crash libhdf5, and
        this runs in a child process (`check_hdf5`) so that the crash is the child's."""
        for key in obj.attrs:
            obj.attrs[key]

    def fail(self, name: str, problem: str) -> None:
        raise Refused(f"{self.path}: '/{name}' {problem}")

    def visit(self, name: str, link) -> None:
        import h5py

        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise Refused(f"{self.path} holds more than {MAX_NODES} groups and datasets; a brian2nwb "
                                   "file holds a few hundred.")
        if isinstance(link, h5py.ExternalLink):
            self.fail(name, f"is a link to another file ('{link.filename}'); brian2nwb reads only what a file "
                            "holds itself.")
        if isinstance(link, h5py.SoftLink):
            self.soft_link(name, link.path)
            return
        if not isinstance(link, h5py.HardLink):
            self.fail(name, "is a user-defined HDF5 link, which brian2nwb does not follow.")
        obj = self.file[name]
        self.objects.append(name)
        if isinstance(obj, h5py.Group):
            info = h5py.h5o.get_info(obj.id)
            key = getattr(info, "token", None) or getattr(info, "addr", None) or obj.id
            if key in self.groups_seen:
                self.fail(name, "is a group that also appears elsewhere in the file (a hard link): refused, since "
                                "it can make the file a loop.")
            self.groups_seen.add(key)
        elif isinstance(obj, h5py.Dataset):
            self.dataset(name, obj)

    def soft_link(self, name: str, target: str) -> None:
        import h5py

        here = "/" + name
        resolved = posixpath.normpath(posixpath.join(posixpath.dirname(here), target))
        if resolved == "/" or here.startswith(resolved.rstrip("/") + "/"):
            self.fail(name, f"is a link to '{resolved}', which contains the link itself (a loop).")
        try:
            final = self.file.get(resolved, getlink=True)
            exists = final is not None and resolved in self.file
        except (KeyError, RuntimeError, OSError, ValueError):
            final, exists = None, False
        if not exists:
            self.fail(name, f"is a link to '{target}', which does not exist in the file.")
        if not isinstance(final, h5py.HardLink):
            self.fail(name, f"is a link to '{target}', which is itself a link: brian2nwb follows one link at most.")

    def dataset(self, name: str, dataset) -> None:
        import h5py

        plist = dataset.id.get_create_plist()
        if dataset.is_virtual:
            self.fail(name, "is a virtual dataset (its values live in other files).")
        if plist.get_external_count() > 0:
            self.fail(name, "keeps its values in an external file.")
        filters = [plist.get_filter(k)[0] for k in range(plist.get_nfilters())]
        unknown = [code for code in filters if code not in HDF5_FILTERS]
        if unknown:
            self.fail(name, f"uses the HDF5 filter(s) {unknown}; brian2nwb reads only "
                            f"{', '.join(sorted(HDF5_FILTERS.values()))}.")
        shape = dataset.shape or ()
        count = math.prod(shape)
        needed = count * max(dataset.dtype.itemsize, 8 if dataset.dtype.kind == "O" else 1)
        if needed > self.limit:
            self.fail(name, f"declares {shape} values ({size_text(needed)} in memory), more than brian2nwb reads "
                            f"({size_text(self.limit)}, half of this machine's memory).")
        stored = dataset.id.get_storage_size()
        if count and stored == 0 and plist.get_layout() != h5py.h5d.COMPACT:
            self.fail(name, f"declares {shape} values but stores none.")
        if dataset.chunks is not None:
            chunks = math.prod(math.ceil(n / max(c, 1)) for n, c in zip(shape, dataset.chunks))
            if chunks > MAX_CHUNKS:
                self.fail(name, f"is split into {chunks} chunks, more than {MAX_CHUNKS}.")
            if needed > MAX_GZIP_RATIO * stored + 2**20:
                self.fail(name, f"declares {size_text(needed)} of values in {size_text(stored)}: more than its "
                                "compression can hold.")


def _raised_in_h5py(error: BaseException) -> bool:
    traceback = error.__traceback__
    while traceback is not None:
        if str(traceback.tb_frame.f_globals.get("__name__", "")).startswith("h5py"):
            return True
        traceback = traceback.tb_next
    return False


def size_text(count: float) -> str:
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB"):
        if count < 1024 or unit == "TiB":
            return f"{count:.0f} {unit}" if unit == "bytes" else f"{count:.1f} {unit}"
        count /= 1024
    return str(count)


def walk(source: str, limit: int) -> dict:
    """``{"ok": true}``, ``{"refused": message}``, ``{"unreadable": "Type: message"}`` (h5py or libhdf5
    cannot read it), ``{"unreachable": ...}`` (the server did not give it) or ``{"bug": traceback}`` (this
    module failed) for a path or URL."""
    import h5py

    remote = source.partition("://")[0].lower() in ("http", "https") and "://" in source
    handle = None
    if remote:
        import remfile

        try:
            handle = remfile.File(source)
        except Exception as error:  # noqa: BLE001 - remfile reports HTTP errors as plain exceptions
            return {"unreachable": f"{type(error).__name__}: {error}"[:300]}
    try:
        if not remote and not h5py.is_hdf5(source):
            return {"refused": f"{source} is not an HDF5 file (nor a Zarr folder): not an NWB file."}
        with h5py.File(handle if remote else source, "r") as file:
            HDF5Walk(source, file, limit).run()
    except Refused as error:
        return {"refused": str(error)}
    except Exception as error:  # noqa: BLE001 - whatever h5py or libhdf5 says of a file it cannot read
        if not _raised_in_h5py(error):  # a bug of this module: the parent raises it as one
            import traceback

            return {"bug": "".join(traceback.format_exception(error))[-3000:]}
        message = str(error).strip().splitlines()[0] if str(error).strip() else ""
        return {"unreadable": f"{type(error).__name__}: {message}"[:300]}
    finally:
        if handle is not None:
            handle.close()
    return {"ok": True}


if __name__ == "__main__":
    print(json.dumps(walk(sys.argv[1], int(sys.argv[2]))))
