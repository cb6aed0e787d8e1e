"""Inputs under ``/stimulus/presentation``: SpikeGeneratorGroup spike trains and TimedArrays."""

from __future__ import annotations

import numpy as np
from brian2 import SpikeGeneratorGroup, TimedArray
from hdmf.common import VectorData
from pynwb import NWBFile
from pynwb.event import TimestampVectorData

from .datasets import StorageOptions
from .extension import SpikeGeneratorTable, TimedArraySeries
from .quantities import dimensions_of, si_unit_name


def write_spike_generators(groups: list[SpikeGeneratorGroup], nwbfile: NWBFile,
                           storage: StorageOptions) -> list[str]:
    """Each SpikeGeneratorGroup's spikes (sorted by time, as Brian2 keeps them) and period."""
    for group in groups:
        times = np.asarray(group.variables["spike_time"].get_value())
        indices = np.asarray(group.variables["neuron_index"].get_value()).astype(np.int64)
        period = float(group.variables["period"].get_value().item())
        repeat = f", repeating every {period} s" if period > 0 else ""
        nwbfile.add_stimulus(SpikeGeneratorTable(
            name=group.name,
            description=f"Spike trains emitted by the Brian2 SpikeGeneratorGroup '{group.name}' "
                        f"({len(group)} neurons){repeat}.",
            source=group.name, num_neurons=len(group), period=period,
            columns=[
                TimestampVectorData(name="timestamp", description="Time of the spike in seconds.",
                                    data=storage.wrap(times, times=True), resolution=float(group.clock.dt_)),
                VectorData(name="neuron_index", description="Index of the neuron that emits the spike.",
                           data=storage.wrap(indices)),
            ],
        ))
    return []


def write_timed_arrays(arrays: dict[str, TimedArray], nwbfile: NWBFile, storage: StorageOptions) -> list[str]:
    """Each TimedArray as a `TimedArraySeries`: row k is the value from k*dt on (rate = 1/dt)."""
    for name, array in arrays.items():
        values = np.asarray(array.values)
        dims = dimensions_of(array.dim)
        shape = "one column per index" if values.ndim == 2 else "one value per time step"
        nwbfile.add_stimulus(TimedArraySeries(
            name=name,
            description=f"Values of the Brian2 TimedArray '{array.name}' used as '{name}' in the model code "
                        f"({shape}).",
            data=storage.wrap(values), unit=si_unit_name(dims), dimensions=dims,
            starting_time=0.0, rate=1.0 / float(array.dt),
        ))
    return []
