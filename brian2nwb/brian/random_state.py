"""The state of Brian2's random numbers as plain arrays, read and set exactly (no pickle).

On the runtime device every random number Brian2 draws comes from numpy's
global Mersenne Twister (the numpy target calls it directly). The Cython target
draws blocks of ``rand()``/``randn()`` numbers from it ahead and hands them out
one by one; the block in use and the position in it are part of the state.
Brian2 >= 2.10 keeps a block in an array of the device (``device.rand_buffer``),
which is read and set directly. Brian2 2.9 keeps there only the address of a
block in memory it allocates and frees itself: the block is copied from that
address, and set back in a block allocated the same way (``malloc``), for Brian2
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

from . import standalone

#: Length of the mersenne twister key.
MT_KEYS = 624
KINDS = ("rand", "randn")


def block_size() -> int | None:
    """Numbers in one Cython block, or None if this Brian2 keeps no blocks we know."""
    try:
        from brian2.devices.device import RANDOM_BUFFER_SIZE  # Brian2 >= 2.10
        return int(RANDOM_BUFFER_SIZE)
    except ImportError:
        pass
    try:
        from brian2.codegen.generators.cython_generator import _BUFFER_SIZE  # Brian2 2.9
    except ImportError:
        return None
    return int(_BUFFER_SIZE)


def _device():
    from brian2.devices.device import get_device

    return None if standalone.active() else get_device()


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
        index_array = getattr(device, f"{kind}_buffer_index", None)
        buffer = getattr(device, f"{kind}_buffer", None)
        index = int(index_array[0]) if index_array is not None else 0
        state[f"{kind}_index"] = index
        if not index or buffer is None or not size:
            continue
        if _holds_values(buffer):  # Brian2 >= 2.10: the block itself
            state[f"{kind}_buffer"] = np.array(buffer, dtype=np.float64, copy=True)
        elif int(buffer[0]):  # Brian2 2.9: the address of the block
            block = (ctypes.c_double * size).from_address(int(buffer[0]))
            state[f"{kind}_buffer"] = np.array(np.ctypeslib.as_array(block), dtype=np.float64, copy=True)
    return state


def _holds_values(buffer: np.ndarray) -> bool:
    """Whether the device's buffer array holds the numbers (Brian2 >= 2.10), not the address of a block (2.9)."""
    return buffer.dtype == np.float64 and buffer.size > 1


def restore(state: dict) -> None:
    """Set the random state to ``state`` (as `capture` gave it, or read back from a file)."""
    np.random.set_state(("MT19937", np.asarray(state["mt_keys"], dtype=np.uint32), int(state["mt_pos"]),
                         int(state["has_gauss"]), float(state["cached_gaussian"])))
    device, size = _device(), block_size()
    if device is None:
        return
    for kind in KINDS:
        index_array = getattr(device, f"{kind}_buffer_index", None)
        buffer = getattr(device, f"{kind}_buffer", None)
        if index_array is None or buffer is None:
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
        if _holds_values(buffer):
            buffer[:] = values
        else:
            _set_block_address(buffer, values)
        index_array[0] = index


def _set_block_address(buffer: np.ndarray, values: np.ndarray) -> None:
    """Brian2 2.9: a malloc'ed copy of ``values`` becomes the block; the one Brian2 had is freed as it would."""
    libc = _libc()
    address = libc.malloc(values.nbytes)
    if not address:
        raise MemoryError("Could not allocate a block of random numbers.")
    ctypes.memmove(address, values.ctypes.data, values.nbytes)
    old = int(buffer[0])
    buffer[0] = address
    if old:
        libc.free(old)


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
