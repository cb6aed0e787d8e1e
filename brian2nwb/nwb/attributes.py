"""Attribute values every NWB reader can show.

Viewers that read HDF5 in the browser (Neurosift, through h5wasm) hand 64-bit
integers to JavaScript as ``BigInt``, which ``JSON.stringify`` refuses: an int64
array attribute blanks Neurosift's page, a scalar one shows as ``<>``. hdmf writes
every Python int as int64, so after it wrote an HDF5 file, `narrow_integer_attributes`
rewrites each integer attribute as int32 (Brian2 counts and indexes with 32-bit
integers, and the core spec declares its integer attributes int32).
"""

from __future__ import annotations

import numpy as np

INT32 = np.iinfo(np.int32)


def narrow_integer_attributes(path) -> list[str]:
    """Rewrite every 64-bit integer attribute of the HDF5 file at ``path`` whose values fit in 32 bits as
    int32; return the attributes left wider (their values do not fit).

    hdmf writes a Python int as int64, including the fixed values of the core spec (a TimeSeries'
    ``timestamps/interval``, declared int32 with value 1); the containers cannot change those. The writer
    runs this on its partial file, before it is moved into place.
    """
    import h5py

    wide = []
    with h5py.File(path, "r+") as file:
        holders = [file]
        file.visititems(lambda name, item: holders.append(item))
        for holder in holders:
            for key in list(holder.attrs):
                dtype = holder.attrs.get_id(key).dtype
                if dtype.kind not in "iu" or dtype.itemsize <= 4:
                    continue
                value = holder.attrs[key]
                array = np.asarray(value)
                if array.size and (array.min() < INT32.min or array.max() > INT32.max):
                    wide.append(f"{holder.name}:{key}")
                    continue
                holder.attrs.create(key, array.astype(np.int32))  # replaces it (modify would keep int64)
    return wide
