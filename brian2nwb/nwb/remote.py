"""Files by URL: an HDF5 NWB file on a web server (DANDI, S3, any server that honours HTTP Range requests),
read with remfile - only the byte ranges that are used are fetched.

DANDI's asset download URLs redirect to the storage (S3); the redirect is followed.
Zarr stores by URL are not read here (pass a local copy).
"""

from __future__ import annotations

import os
from contextlib import contextmanager

#: URL schemes read as remote files (``http`` for servers on a private network, and tests).
SCHEMES = ("https", "http")


def is_url(source: str | os.PathLike) -> bool:
    """Whether ``source`` is an ``https://`` (or ``http://``) URL rather than a path."""
    return isinstance(source, str) and source.partition("://")[0].lower() in SCHEMES and "://" in source


class UnreachableURLError(OSError):
    """The server of a URL did not give the file (not found, refused, no answer): not the file's fault."""


@contextmanager
def remote_hdf5(url: str):
    """An ``h5py.File`` reading ``url`` through remfile (a failure to reach the server raises
    `UnreachableURLError` before h5py reads anything)."""
    import h5py
    import remfile

    try:
        handle = remfile.File(url)
    except Exception as error:  # remfile reports HTTP errors as plain exceptions
        raise UnreachableURLError(f"Cannot read {url}: {type(error).__name__}: {error}") from error
    try:
        with h5py.File(handle, "r") as file:
            yield file
    finally:
        handle.close()
