"""TimedArrays the model uses, as `TimedArraySeries` under ``/stimulus/presentation``."""

from __future__ import annotations

import numpy as np
from brian2 import TimedArray
from pynwb import NWBFile

from ..model.quantities import dimensions_of, si_unit_name
from .datasets import StorageOptions
from .extension import TimedArraySeries
from .metadata import provenance_comment


def write_timed_arrays(arrays: dict[str, TimedArray], nwbfile: NWBFile, storage: StorageOptions) -> list[str]:
    """Each TimedArray as a `TimedArraySeries`: row k is the value from k*dt on (rate = 1/dt)."""
    for name, array in arrays.items():
        values = np.asarray(array.values)
        dims = dimensions_of(array.dim)
        shape = "one column per index" if values.ndim == 2 else "one value per time step"
        nwbfile.add_stimulus(TimedArraySeries(
            name=name,
            description=f"Values of the Brian2 TimedArray used as '{name}' in the model code ({shape}); "
                        "row k holds the value from time k/rate on.",
            data=storage.wrap(values), unit=si_unit_name(dims), dimensions=dims,
            starting_time=0.0, rate=1.0 / float(array.dt), comments=provenance_comment(),
        ))
    return []
