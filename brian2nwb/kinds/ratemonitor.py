"""``PopulationRateMonitor``: a ``TimeSeries`` in hertz in ``/acquisition``."""

from __future__ import annotations

from brian2 import PopulationRateMonitor
from pynwb import NWBFile, TimeSeries

from ..brian.build import BuildContext
from ..brian.recorded import recorded_values
from ..model.description import ObjectDescription
from ..nwb.datasets import StorageOptions, sampling
from ..nwb.metadata import provenance_comment
from .kind import Kind, Stage
from .monitor import MONITOR, common_attrs, source_of


def write_population_rates(monitors: list[PopulationRateMonitor], nwbfile: NWBFile, storage: StorageOptions,
                           recording) -> list[str]:
    """Each PopulationRateMonitor as a ``TimeSeries`` in hertz named after the monitor."""
    left_out = []
    for monitor in monitors:
        times = recorded_values(monitor, "t")
        if len(times) == 0:
            left_out.append(f"{monitor.name} (PopulationRateMonitor recorded no samples)")
            continue
        nwbfile.add_acquisition(TimeSeries(
            name=monitor.name,
            description=f"Population rate of the Brian2 group '{monitor.source.name}' (spikes per neuron per "
                        f"second in each time step, unsmoothed), recorded by the PopulationRateMonitor.",
            data=storage.wrap(recorded_values(monitor, "rate")),
            unit="hertz", comments=provenance_comment(),
            **sampling(times, recording.dts(monitor.clock.name)),
        ))
    return left_out


def describe(monitor, initial: dict | None) -> ObjectDescription:
    return ObjectDescription("PopulationRateMonitor", monitor.name, common_attrs(monitor))


def build(description: ObjectDescription, context: BuildContext) -> PopulationRateMonitor:
    return PopulationRateMonitor(source_of(description, context), name=description.name)


KIND = Kind("PopulationRateMonitor", describe=describe, build=build, stage=Stage.MONITORS, results=write_population_rates,
            **MONITOR)
