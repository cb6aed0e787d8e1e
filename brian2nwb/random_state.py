"""The state of Brian2's random numbers as plain arrays, read and set exactly (no pickle).

On the runtime device every random number Brian2 draws comes from numpy's
global Mersenne Twister (the numpy target calls it directly). The Cython target
draws blocks of ``rand()``/``randn()`` numbers from it ahead and hands them out
one by one; the block in use and the position in it are part of the state. A
block lives in memory Brian2 allocates and frees itself, so it is copied from
there, and set back in a block allocated the same way (``malloc``), for Brian2
to free when it draws the next one.

A state is a dict of numpy arrays and numbers: ``mt_keys`` (624 uint32),
``mt_pos``, ``has_gauss``, ``cached_gaussian``, and for each of ``rand`` and
``randn`` the position ``<kind>_index`` in its block and the block
``<kind>_buffer`` (absent when no block is in use: position 0).
"""

from __future__ import annotations

import ctypes
import ctypes.util

import numpy as np

#: Length of the mersenne twister key.
MT_KEYS = 624
KINDS = ("rand", "randn")


def block_size() -> int | None:
    """Numbers in one Cython block, or None if this Brian2 keeps no blocks we know."""
    try:
        from brian2.codegen.generators.cython_generator import _BUFFER_SIZE
    except ImportError:
        return None
    return int(_BUFFER_SIZE)


def _device():
    from brian2.devices.device import RuntimeDevice, get_device

    device = get_device()
    return device if isinstance(device, RuntimeDevice) else None


def readable() -> bool:
    """Whether the random state can be read and set here (the runtime device, not standalone)."""
    return _device() is not None


def capture() -> dict:
    """The current random state (see the module docs)."""
    name, keys, pos, has_gauss, cached = np.random.get_state(legacy=True)
    if name != "MT19937":
        raise RuntimeError(f"numpy's global generator is {name}, not MT19937.")
    state = {"mt_keys": np.array(keys, dtype=np.uint32), "mt_pos": int(pos), "has_gauss": int(has_gauss),
             "cached_gaussian": float(cached)}
    device, size = _device(), block_size()
    for kind in KINDS:
        index = int(getattr(device, f"{kind}_buffer_index", np.zeros(1))[0]) if device is not None else 0
        pointer = int(getattr(device, f"{kind}_buffer", np.zeros(1))[0]) if device is not None else 0
        state[f"{kind}_index"] = index
        if index and pointer and size:
            block = (ctypes.c_double * size).from_address(pointer)
            state[f"{kind}_buffer"] = np.array(np.ctypeslib.as_array(block), dtype=np.float64, copy=True)
    return state


def restore(state: dict) -> None:
    """Set the random state to ``state`` (as `capture` gave it, or read back from a file)."""
    np.random.set_state(("MT19937", np.asarray(state["mt_keys"], dtype=np.uint32), int(state["mt_pos"]),
                         int(state["has_gauss"]), float(state["cached_gaussian"])))
    device, size = _device(), block_size()
    if device is None:
        return
    for kind in KINDS:
        index_array = getattr(device, f"{kind}_buffer_index", None)
        pointer_array = getattr(device, f"{kind}_buffer", None)
        if index_array is None or pointer_array is None:
            continue
        block = state.get(f"{kind}_buffer")
        index = int(state.get(f"{kind}_index", 0))
        if block is None or not index or size is None:
            index_array[0] = 0  # Brian2 draws a new block from numpy's state at the next number
            continue
        values = np.ascontiguousarray(block, dtype=np.float64)
        if values.shape != (size,) or not 0 < index < size:
            raise ValueError(f"A recorded '{kind}' block has {values.size} numbers and position {index}; this "
                             f"Brian2 uses blocks of {size}.")
        address = _libc().malloc(values.nbytes)
        if not address:
            raise MemoryError("Could not allocate a block of random numbers.")
        ctypes.memmove(address, values.ctypes.data, values.nbytes)
        old = int(pointer_array[0])
        pointer_array[0] = address
        index_array[0] = index
        if old:
            _libc().free(old)  # the block Brian2 had allocated, freed as Brian2 itself would


def _libc():
    name = ctypes.util.find_library("c")
    if name is None:  # Windows: which C runtime Brian2's Cython code frees with is not known here
        raise RuntimeError("Setting the Cython target's blocks of random numbers needs the C library's malloc, "
                           "which was not found. Record with brian2nwb.snapshot(net, seed=...) to seed the runs "
                           "instead, or re-run on the numpy target.")
    libc = ctypes.CDLL(name)
    libc.malloc.restype = ctypes.c_void_p
    libc.malloc.argtypes = [ctypes.c_size_t]
    libc.free.argtypes = [ctypes.c_void_p]
    return libc
