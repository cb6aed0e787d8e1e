"""Sampled signals: StateMonitors and PopulationRateMonitors as ``TimeSeries`` in ``/acquisition``."""

from __future__ import annotations

import numpy as np
from brian2 import PopulationRateMonitor, StateMonitor
from pynwb import NWBFile, TimeSeries

from .datasets import StorageOptions
from .extension import StateMonitorSeries
from .quantities import dimensions_of, si_unit_name


def sampling(times: np.ndarray, dt: float) -> dict:
    """``starting_time`` and ``rate`` when samples are one ``dt`` apart, else ``timestamps``.

    Brian2 computes sample times as step * dt, so a regular recording matches
    ``t[0] + k * dt`` up to rounding; a recording with gaps (a monitor inactive
    during some run) keeps its timestamps.
    """
    if len(times) == 0:
        return {"starting_time": 0.0, "rate": 1.0 / dt}
    expected = times[0] + np.arange(len(times)) * dt
    if np.allclose(times, expected, rtol=0, atol=dt * 1e-6):
        return {"starting_time": float(times[0]), "rate": 1.0 / dt}
    return {"timestamps": times}


def _as_storable(values: np.ndarray) -> np.ndarray:
    """Booleans stored as uint8 (HDF5 has no boolean type)."""
    return values.astype(np.uint8) if values.dtype == np.bool_ else values


def write_state_monitors(monitors: list[StateMonitor], nwbfile: NWBFile, storage: StorageOptions) -> list[str]:
    """One `StateMonitorSeries` per recorded variable, named ``<monitor>_<variable>``."""
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
        for variable in sorted(monitor.record_variables):
            brian_variable = monitor.variables[variable]
            values = np.asarray(brian_variable.get_value())  # (time, recorded index)
            dims = dimensions_of(brian_variable.dim)
            nwbfile.add_acquisition(StateMonitorSeries(
                name=f"{monitor.name}_{variable}",
                description=f"'{variable}' of the Brian2 group '{monitor.source.name}' recorded by the "
                            f"StateMonitor '{monitor.name}'; column k is element recorded_indices[k].",
                data=storage.wrap(_as_storable(values)),
                unit=si_unit_name(dims), dimensions=dims,
                monitor=monitor.name, source=monitor.source.name, variable=variable,
                recorded_indices=np.asarray(monitor.record, dtype=np.int64),
                **timing,
            ))
    return left_out


def write_population_rates(monitors: list[PopulationRateMonitor], nwbfile: NWBFile,
                           storage: StorageOptions) -> list[str]:
    """Each PopulationRateMonitor as a ``TimeSeries`` in hertz named after the monitor."""
    left_out = []
    for monitor in monitors:
        times = np.asarray(monitor.variables["t"].get_value())
        if len(times) == 0:
            left_out.append(f"{monitor.name} (PopulationRateMonitor recorded no samples)")
            continue
        nwbfile.add_acquisition(TimeSeries(
            name=monitor.name,
            description=f"Population rate of the Brian2 group '{monitor.source.name}' (spikes per neuron per "
                        f"second in each time step, unsmoothed), recorded by the PopulationRateMonitor.",
            data=storage.wrap(np.asarray(monitor.variables["rate"].get_value())),
            unit="hertz",
            **sampling(times, float(monitor.clock.dt_)),
        ))
    return left_out
