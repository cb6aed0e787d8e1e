"""``StateMonitor``: each recorded variable as a `StateMonitorSeries` (a ``TimeSeries``) in ``/acquisition``.

Time is on axis 0 and each column is one recorded element; the attribute
``recorded_indices`` says which (an attribute, not a dataset: readers such as neo's
NWBIO turn a series' extra fields into annotations, which may be arrays but not
datasets).

A recording is split by columns into ``<monitor>_<variable>_part<k>`` series
(attributes ``part`` and ``parts``; together, with the same ``monitor`` and
``variable``, they are the recording) when it

- records more elements than it has samples: the series would be wider than long,
  which nwbinspector calls CRITICAL (``check_data_orientation`` takes the longest
  axis for time) and DANDI then refuses; parts have at most as many columns as
  samples, so time stays on axis 0 and each part is an ordinary trace set;
- records more than `MAX_COLUMNS` elements: ``recorded_indices`` must fit in an
  HDF5 attribute (64 KiB).
"""

from __future__ import annotations

import numpy as np
from brian2 import StateMonitor
from pynwb import NWBFile

from ..brian.build import BuildContext
from ..brian.recorded import on_disk, recorded_values
from ..errors import UnsafeModelError
from ..model.description import ObjectDescription
from ..model.quantities import dimensions_of, si_unit_name
from ..nwb.datasets import RowSlices, StorageOptions, sampling
from ..nwb.extension import nwb_class
from ..nwb.metadata import provenance_comment
from .kind import Kind, Stage
from .monitor import MONITOR, common_attrs, source_of


def _as_storable(values: np.ndarray) -> np.ndarray:
    """Booleans stored as uint8 (HDF5 has no boolean type)."""
    return values.astype(np.uint8) if values.dtype == np.bool_ else values


#: Most columns (recorded elements) one series holds: its int64 ``recorded_indices`` take 32 KiB.
MAX_COLUMNS = 4096


def column_blocks(columns: int, samples: int) -> list[slice]:
    """Column ranges of at most ``samples`` (and `MAX_COLUMNS`) columns each, as even as possible."""
    parts = -(-columns // max(1, min(samples, MAX_COLUMNS)))
    width = -(-columns // parts)
    return [slice(start, min(start + width, columns)) for start in range(0, columns, width)]


def write_state_monitors(monitors: list[StateMonitor], nwbfile: NWBFile, storage: StorageOptions,
                         recording) -> list[str]:
    """One `StateMonitorSeries` per recorded variable, named ``<monitor>_<variable>`` (split into
    ``..._part<k>`` when it records more elements than it has samples)."""
    series_class = nwb_class("StateMonitorSeries")
    left_out = []
    for monitor in monitors:
        times = recorded_values(monitor, "t")
        if len(times) == 0:
            left_out.append(f"{monitor.name} (StateMonitor recorded no samples)")
            continue
        if len(monitor.record) == 0:
            left_out.append(f"{monitor.name} (StateMonitor records no indices)")
            continue
        timing = sampling(times, recording.dts(monitor.clock.name))
        indices = np.asarray(monitor.record, dtype=np.int64)
        blocks = column_blocks(len(indices), len(times))
        stored = on_disk(monitor)  # a stream's recording: read from disk a slice of rows at a time
        for variable in sorted(monitor.record_variables):
            brian_variable = monitor.variables[variable]
            values = stored.dataset(variable)[0] if stored is not None else recorded_values(monitor, variable)
            dims = dimensions_of(brian_variable.dim)  # values: (time, recorded index)
            for part, block in enumerate(blocks):
                split = len(blocks) > 1
                where = (f" Part {part} of {len(blocks)} of the recording, split by columns so that time stays "
                         f"the longest axis and each part records at most {MAX_COLUMNS} elements." if split else "")
                nwbfile.add_acquisition(series_class(
                    name=f"{monitor.name}_{variable}" + (f"_part{part}" if split else ""),
                    description=f"'{variable}' of the Brian2 group '{monitor.source.name}' recorded by the "
                                f"StateMonitor '{monitor.name}'; column k is element recorded_indices[k].{where}",
                    data=storage.wrap(RowSlices(values, len(times), block, _as_storable) if stored is not None
                                      else _as_storable(values[:, block])),
                    unit=si_unit_name(dims), dimensions=dims,
                    monitor=monitor.name, source=monitor.source.name, variable=variable,
                    recorded_indices=indices[block], **({"part": part, "parts": len(blocks)} if split else {}),
                    comments=provenance_comment(),
                    **timing,
                ))
    return left_out


def describe(monitor, initial: dict | None) -> ObjectDescription:
    attrs = dict(common_attrs(monitor), variables=list(monitor.record_variables), record=bool(monitor.record_all))
    return ObjectDescription("StateMonitor", monitor.name, attrs,
                             {"recorded": {"index": np.asarray(monitor.record, dtype=np.int64)}})


def build(description: ObjectDescription, context: BuildContext) -> StateMonitor:
    attrs = description.attrs
    index = np.asarray(description.tables.get("recorded", {}).get("index", []))
    record = True if attrs.get("record") else (index.astype(np.int64) if len(index) else False)
    return StateMonitor(source_of(description, context), list(attrs.get("variables", [])), record=record,
                        clock=context.clock(attrs.get("clock")), name=description.name)


def check(description: ObjectDescription, model, checker) -> None:
    """A StateMonitor records elements of its source (indices Brian2 uses as offsets)."""
    if description.attrs.get("record"):
        return
    index = np.asarray(description.tables.get("recorded", {}).get("index", []))
    source = str(description.attrs.get("source"))
    size = model.sizes.get(source)
    if size is None:  # a Synapses: one element per synapse
        size = next((len(d.tables.get("connectivity", {}).get("i", [])) for d in model.objects if d.name == source),
                    None)
    if index.ndim != 1 or (len(index) and (index.dtype.kind not in "iu" or index.min() < 0 or size is None
                                           or index.max() >= size)):
        raise UnsafeModelError(f"'{description.name}': the recorded indices must be whole numbers from 0 to the "
                               f"size of '{source}' ({size}) minus 1.")


KIND = Kind("StateMonitor", describe=describe, build=build, check=check, stage=Stage.MONITORS, results=write_state_monitors,
            sample_method="record_single_timestep", **MONITOR)
