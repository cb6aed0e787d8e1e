"""Brian2's ``Synapses`` from the inside: pathways and their spike queues, synapse ends.

What brian2nwb reads and sets of a Synapses object that Brian2 keeps in private
attributes: its pathways (``_pathways``), the spikes waiting in each pathway's queue
(numpy's and Cython's ``SpikeQueue`` state, the standalone program's), and its synapse
ends (``_synaptic_pre``, ``_synaptic_post``), which a rebuild sets the way Brian2's own
``restore()`` does, without generating code for ``connect()``.
"""

from __future__ import annotations

import numpy as np
from brian2 import Synapses

from ..errors import UnsafeModelError
from . import standalone
from .stored import StoredColumn, place


def synapse_pathways(synapses) -> list:
    """The pathways (``pre``, ``post``, custom events) of a Synapses object, in Brian2's order."""
    return list(synapses._pathways)


def synapse_ends(synapses) -> tuple[np.ndarray, np.ndarray]:
    """(i, j): the ends of every synapse as indices in its source and target (sub)groups, as ``S.i`` and ``S.j``
    give them (int32, no copy unless a group is a subgroup)."""
    return (_relative_indices(synapses, "_synaptic_pre", synapses.source),
            _relative_indices(synapses, "_synaptic_post", synapses.target))


def _relative_indices(synapses, variable: str, group) -> np.ndarray:
    """Synapse ends as indices in the (sub)group, as Brian2's ``S.i``/``S.j`` give them (int32, no copy
    unless the group is a subgroup)."""
    values = synapses.variables[variable].get_value()
    start = int(getattr(group, "start", 0))
    return values - np.int32(start) if start else values


def queued_spikes(pathway) -> tuple[list, list] | None:
    """(steps ahead, synapse) of every spike in flight in a pathway's queue (0 steps: the current time step);
    None if the pathway has no queue yet."""
    if standalone.active():
        return standalone.in_flight(pathway)
    if getattr(pathway, "queue", None) is None:
        return None
    return _queued(pathway.queue)


def _queued(queue) -> tuple[list, list]:
    """(steps ahead, synapse) of every spike in a Brian2 spike queue, numpy's or Cython's."""
    state = queue._full_state()
    if len(state) == 3:  # numpy's SpikeQueue: (dt, [[steps, synapse], ...], shape)
        spikes = np.asarray(state[1], dtype=np.int64).reshape(-1, 2)
        return spikes[:, 0].tolist(), spikes[:, 1].tolist()
    offset, slots = state  # Cython's: a circular list of slots, the current one at offset
    size = max(len(slots), 1)
    return ([(k - offset) % size for k, slot in enumerate(slots) for _ in slot],
            [int(target) for slot in slots for target in slot])


def restore_queue(pathway, steps: np.ndarray, targets: np.ndarray) -> None:
    """Put spikes in flight back into a pathway's queue: spike k reaches synapse ``targets[k]`` in ``steps[k]``
    time steps of the source's clock."""
    from brian2.devices.device import get_device

    if standalone.active():
        standalone.restore_queue(pathway, steps, targets)
        return
    if pathway.queue is None:
        pathway.queue = get_device().spike_queue(pathway.source.start, pathway.source.stop)
    size = int(steps.max()) + 1
    if hasattr(pathway.queue, "_store_spikes"):  # numpy's SpikeQueue
        width = int(np.bincount(steps).max())
        pathway.queue._restore_from_full_state((float(pathway.source.clock.dt_), np.column_stack([steps, targets]),
                                                (size, width)))
    else:  # Cython's: slots from the current one on
        slots = [[] for _ in range(size)]
        for step, target in zip(steps.tolist(), targets.tolist()):
            slots[step].append(target)
        pathway.queue._restore_from_full_state((0, slots))


def set_synapse_ends(synapses: Synapses, i, j) -> None:
    """``synapses.connect(i=i, j=j)`` on the runtime device, done the way Brian2's own ``restore()`` sets
    arrays: what its ``synapses_create_array`` template does, without generating and running code for it or
    copying and repeating the index arrays (2-3x faster at 10^7 synapses, ``benchmarks/bench_growth.py``).
    ``i`` and ``j`` are indices into the source and target, checked by `check`, or columns still in the
    file, read straight into Brian2's arrays and checked there (`placed_and_checked`)."""
    synapses._connect_called = True
    pre, post = synapses.variables["_synaptic_pre"], synapses.variables["_synaptic_post"]
    for variable, indices, group in ((pre, i, synapses.source), (post, j, synapses.target)):
        variable.resize(len(indices))
        values = variable.get_value()
        place(indices, values)
        if placed_and_checked(indices):
            check_ends(values, len(group), f"'{synapses.name}'", group.name)
        if "_offset" in group.variables:  # a subgroup: Brian2 keeps indices into the whole group
            values += np.int32(group.variables["_offset"].get_value())
    synapses._resize(len(i))
    _count_synapses(synapses)


def placed_and_checked(indices) -> bool:
    """Whether synapse ends are read straight into Brian2's int32 array and checked there (not by `check`):
    columns still in the file whose type converts to int32 without wrapping around."""
    return isinstance(indices, StoredColumn) and indices.dtype.kind in "iu" and indices.dtype.itemsize <= 4


def check_ends(indices: np.ndarray, size: int, what: str, group: str) -> None:
    """Synapse ends must be neurons of their group (0 to ``size - 1``)."""
    if len(indices) and (indices.min() < 0 or indices.max() >= size):
        raise UnsafeModelError(f"{what}: synapse indices outside the {size} neurons of '{group}'.")


#: Synapses counted per ``bincount`` call when rebuilding (`_count_synapses`).
COUNT_BLOCK = 1 << 20


def _count_synapses(synapses: Synapses) -> None:
    """What Brian2's ``_update_synapse_numbers(0)`` computes (``N_incoming``, ``N_outgoing``, the
    multisynaptic index), counting in blocks: numpy's ``bincount`` converts the whole int32 index array to
    int64 first, which at 5x10^7 synapses is 400 MB of fresh memory and most of a second."""
    from brian2.synapses.synapses import calc_repeats

    variables = synapses.variables
    pre, post = variables["_synaptic_pre"].get_value(), variables["_synaptic_post"].get_value()
    for name, indices, size, offset in (
            ("N_outgoing", pre, variables["N_pre"].item(), variables["_source_offset"].get_value()),
            ("N_incoming", post, variables["N_post"].item(), variables["_target_offset"].get_value())):
        variables[name].resize(int(size + offset))
        counts = variables[name].get_value()
        counts[:] = 0
        for start in range(0, len(indices), COUNT_BLOCK):
            counts += np.bincount(indices[start:start + COUNT_BLOCK], minlength=len(counts)).astype(counts.dtype)
    if synapses.multisynaptic_index is not None:
        variables[synapses.multisynaptic_index].get_value()[:] = calc_repeats(pre + post * 1j)
