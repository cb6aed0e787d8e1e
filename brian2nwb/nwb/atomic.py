"""Writing a file so that the target path only ever holds a complete file.

The file is written to a hidden ``.<name>.<pid>.<random>.partial.nwb`` file beside the
target and moved into place when it is complete. A process killed while writing
leaves at most such a partial file (cleaned up by the next write to the same
target), never a half-written file at the target path. Zarr stores (folders) are
swapped into place atomically where the system allows (see `_move_folder`).
"""

from __future__ import annotations

import errno
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PARTIAL_MARK = ".partial"


def check_target(path: str | os.PathLike, overwrite: bool, folder: bool = False) -> Path:
    """Fail early, before any work, when ``path`` cannot be written.

    ``folder``: the target is a folder (a Zarr store), not a file.
    """
    path = Path(path)
    if path.is_dir() and not folder:
        raise IsADirectoryError(f"{path} is a folder; give the path of the .nwb file to write.")
    if path.is_file() and folder:
        raise FileExistsError(f"{path} is a file; a Zarr store is a folder. Choose another path.")
    if path.exists() and not overwrite:
        raise FileExistsError(f"{path} exists and was left unchanged; pass overwrite=True to replace it.")
    if not path.parent.is_dir():
        raise FileNotFoundError(f"The folder {path.parent} does not exist; create it first.")
    if not os.access(path.parent, os.W_OK):
        raise PermissionError(f"The folder {path.parent} is not writable.")
    return path


@contextmanager
def atomic_path(path: str | os.PathLike, overwrite: bool, folder: bool = False) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; move it to ``path`` if the block succeeds.

    Without ``overwrite`` an existing file at ``path`` is never replaced, even one
    created by another process while the block ran. ``folder``: the result is a
    folder (a Zarr store), moved into place with renames.
    """
    recover(path)
    path = check_target(path, overwrite, folder)
    _remove_stale_partials(path)
    partial = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}{PARTIAL_MARK}{path.suffix}")
    existed = path.exists()
    try:
        yield from _write_and_move(partial, path, overwrite, folder)
    except FileExistsError:
        raise
    except OSError as error:  # a full disk, a file size limit, a quota: say so, and that nothing was lost
        reason = os.strerror(error.errno) if error.errno else str(error).splitlines()[0]
        kept = f"the {'store' if folder else 'file'} already there is unchanged" if existed else "nothing is left there"
        raise OSError(error.errno, f"{path} could not be written ({reason}): {kept}. Free disk space (or raise "
                                   "the file size limit or quota) and write again.") from error


def _write_and_move(partial: Path, path: Path, overwrite: bool, folder: bool) -> Iterator[Path]:
    if folder:
        try:
            yield partial
            _move_folder(partial, path, overwrite)
        finally:
            shutil.rmtree(partial, ignore_errors=True)
        return
    try:
        yield partial
        _fsync(partial)
        if overwrite:
            os.replace(partial, path)
        else:
            try:
                os.link(partial, path)  # fails if path exists: no race with another writer
            except FileExistsError:
                raise FileExistsError(
                    f"{path} appeared while writing and was left unchanged; pass overwrite=True to replace it."
                ) from None
            except OSError as error:  # a file system without hard links
                if error.errno not in (errno.EPERM, errno.ENOTSUP, errno.EXDEV):
                    raise
                if path.exists():
                    raise FileExistsError(f"{path} appeared while writing and was left unchanged.") from None
                os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def _move_folder(partial: Path, path: Path, overwrite: bool) -> None:
    """Put a finished folder in place.

    Replacing one: where the system can swap two paths atomically (Linux
    ``renameat2(RENAME_EXCHANGE)``, macOS ``renamex_np(RENAME_SWAP)``), the new store
    and the old one swap places, so the target always holds a complete store; the
    old one, now at the partial path, is removed after. Elsewhere the old store is
    first renamed aside as ``.<name>.<pid>.old.partial<suffix>``: a writer killed
    before the second rename leaves the target missing, and the next write to the
    same target (or `recover`) puts the old store back.
    """
    if not path.exists():
        os.rename(partial, path)
        return
    if not overwrite:
        raise FileExistsError(f"{path} appeared while writing and was left unchanged; pass overwrite=True.")
    if _exchange(partial, path):
        shutil.rmtree(partial)
        return
    old = path.with_name(f".{path.name}.{os.getpid()}.old{PARTIAL_MARK}{path.suffix}")
    os.rename(path, old)
    os.rename(partial, path)
    shutil.rmtree(old)


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths atomically where the system can; False where it cannot (nothing was changed)."""
    import ctypes
    import ctypes.util
    import sys

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        if sys.platform.startswith("linux") and hasattr(libc, "renameat2"):
            at_fdcwd, rename_exchange = -100, 2
            result = libc.renameat2(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second), rename_exchange)
        elif sys.platform == "darwin" and hasattr(libc, "renamex_np"):
            rename_swap = 2
            result = libc.renamex_np(os.fsencode(first), os.fsencode(second), rename_swap)
        else:
            return False
    except OSError:  # no C library to load
        return False
    return result == 0


def recover(path: str | os.PathLike) -> None:
    """Put back a store a killed writer had set aside (see `_move_folder`) when the target is missing."""
    path = Path(path)
    if path.exists():
        return
    for old in sorted(path.parent.glob(f".{path.name}.*.old{PARTIAL_MARK}{path.suffix}")):
        pid = old.name[len(path.name) + 2:].split(".")[0]
        if pid.isdigit() and not _process_alive(int(pid)):
            os.rename(old, path)
            return


def _fsync(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def _remove_stale_partials(path: Path) -> None:
    """Remove partial files of ``path`` left by writers that no longer run."""
    for partial in path.parent.glob(f".{path.name}.*{PARTIAL_MARK}{path.suffix}"):
        pid = partial.name[len(path.name) + 2:].split(".")[0]
        if pid.isdigit() and not _process_alive(int(pid)):
            if partial.is_dir():
                shutil.rmtree(partial, ignore_errors=True)
            else:
                partial.unlink(missing_ok=True)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
