"""``StateMonitor``: each recorded variable as a `StateMonitorSeries` (a ``TimeSeries``) in ``/acquisition``.

Time is on axis 0 and each column is one recorded element (``recorded_indices``).
A monitor that records more elements than it has samples would give a series
wider than long, which nwbinspector calls CRITICAL (``check_data_orientation``:
it takes the longest axis for time) and DANDI then refuses. Such a recording is
split by columns into ``<monitor>_<variable>_part<k>`` series of at most as many
columns as samples, each with its own ``recorded_indices`` and with ``part`` and
``parts`` attributes: time stays on axis 0, each part is an ordinary trace set in
any viewer, and the parts together (same ``monitor`` and ``variable``) are the
recording.
"""

from __future__ import annotations

import numpy as np
from brian2 import StateMonitor
from pynwb import NWBFile
from pynwb.spec import NWBDatasetSpec, NWBGroupSpec

from ..datasets import StorageOptions, sampling
from ..extension import nwb_class
from ..kind import MONITORS, Kind
from ..quantities import dimensions_of, si_unit_name
from ..spec_types import dimensions_attribute, int_attribute, name_attribute
from .monitor import MONITOR, MONITOR_SPEC


def _as_storable(values: np.ndarray) -> np.ndarray:
    """Booleans stored as uint8 (HDF5 has no boolean type)."""
    return values.astype(np.uint8) if values.dtype == np.bool_ else values


def column_blocks(columns: int, samples: int) -> list[slice]:
    """Column ranges of at most ``samples`` columns each (one range when the data is not wider than long)."""
    parts = -(-columns // max(samples, 1))
    width = -(-columns // parts)
    return [slice(start, min(start + width, columns)) for start in range(0, columns, width)]


def write_state_monitors(monitors: list[StateMonitor], nwbfile: NWBFile, storage: StorageOptions) -> list[str]:
    """One `StateMonitorSeries` per recorded variable, named ``<monitor>_<variable>`` (split into
    ``..._part<k>`` when it records more elements than it has samples)."""
    series_class = nwb_class("StateMonitorSeries")
    left_out = []
    for monitor in monitors:
        times = np.asarray(monitor.variables["t"].get_value())
        if len(times) == 0:
            left_out.append(f"{monitor.name} (StateMonitor recorded no samples)")
            continue
        if len(monitor.record) == 0:
            left_out.append(f"{monitor.name} (StateMonitor records no indices)")
            continue
        timing = sampling(times, float(monitor.clock.dt_))
        indices = np.asarray(monitor.record, dtype=np.int64)
        blocks = column_blocks(len(indices), len(times))
        for variable in sorted(monitor.record_variables):
            brian_variable = monitor.variables[variable]
            values = np.asarray(brian_variable.get_value())  # (time, recorded index)
            dims = dimensions_of(brian_variable.dim)
            for part, block in enumerate(blocks):
                split = len(blocks) > 1
                where = (f" Part {part} of {len(blocks)}: the monitor records more elements than it has samples, "
                         "so its columns are split over series of at most as many columns as samples."
                         if split else "")
                nwbfile.add_acquisition(series_class(
                    name=f"{monitor.name}_{variable}" + (f"_part{part}" if split else ""),
                    description=f"'{variable}' of the Brian2 group '{monitor.source.name}' recorded by the "
                                f"StateMonitor '{monitor.name}'; column k is element recorded_indices[k].{where}",
                    data=storage.wrap(_as_storable(values[:, block])),
                    unit=si_unit_name(dims), dimensions=dims,
                    monitor=monitor.name, source=monitor.source.name, variable=variable,
                    recorded_indices=indices[block], **({"part": part, "parts": len(blocks)} if split else {}),
                    **timing,
                ))
    return left_out


SERIES_SPEC = NWBGroupSpec(
    neurodata_type_def="StateMonitorSeries",
    neurodata_type_inc="TimeSeries",
    doc=("One variable recorded by a Brian2 StateMonitor: time on axis 0, one column per recorded "
         "index of the monitored group (neurons, synapses or other elements). A monitor that records more "
         "elements than it has samples is split by columns into several series (attributes 'part' and 'parts'), "
         "so that time stays the longest axis."),
    datasets=[
        NWBDatasetSpec(
            name="recorded_indices", dtype="int64", shape=[None], dims=["num_columns"],
            doc="Index in the monitored group of the element recorded in each column of data.",
        ),
    ],
    attributes=[
        name_attribute("monitor", "Brian2 StateMonitor"),
        name_attribute("source", "monitored Brian2 group"),
        name_attribute("variable", "recorded variable"),
        dimensions_attribute(),
        int_attribute("part", "Position of this series among the parts of a split recording (from 0).",
                      required=False),
        int_attribute("parts", "Number of series the recording is split into.", required=False),
    ],
)

KIND = Kind("StateMonitor", stage=MONITORS, results=write_state_monitors, specs=(SERIES_SPEC, MONITOR_SPEC),
            **MONITOR)
