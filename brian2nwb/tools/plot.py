"""A quick look at a file: raster by population, state traces, population rates, input spikes."""

from __future__ import annotations

import os

import numpy as np

from ..kinds.spikemonitor import read_units
from ..trust.container import open_untrusted

#: At most this many traces are drawn per series, and this many series.
MAX_TRACES, MAX_SERIES = 3, 3


def plot_file(path: str | os.PathLike, output: str | os.PathLike, max_spikes: int = 200_000) -> list[str]:
    """Draw the file's results into ``output`` (PNG, PDF or SVG by its suffix).

    Returns
    -------
    list of str
        The titles of the panels drawn (also stored as PNG metadata ``Panels``).
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    with open_untrusted(path) as io:
        nwbfile = io.read()
        panels = _collect(nwbfile, max_spikes)
    if not panels:
        raise ValueError(f"{path} holds no spikes, traces, rates or inputs to plot.")
    figure, axes = plt.subplots(len(panels), 1, figsize=(10, 2.6 * len(panels)), sharex=True, squeeze=False)
    for axis, (title, draw) in zip(axes[:, 0], panels):
        draw(axis)
        axis.set_title(title, fontsize=10, loc="left")
    axes[-1, 0].set_xlabel("time (s)")
    figure.tight_layout()
    titles = [title for title, _ in panels]
    metadata = {"Panels": "; ".join(titles)} if str(output).lower().endswith(".png") else None
    figure.savefig(output, dpi=100, metadata=metadata)
    plt.close(figure)
    return titles


def _collect(nwbfile, max_spikes: int) -> list:
    """(title, draw) per panel; the data is read here, while the file is open."""
    panels = []
    units = nwbfile.units
    if units is not None and len(units):
        panels.append(("Spikes (Units) by population", _raster(units, max_spikes)))
    series = [s for s in nwbfile.acquisition.values() if s.neurodata_type == "StateMonitorSeries"]
    for item in series[:MAX_SERIES]:
        panels.append((f"{item.name} ({item.unit})", _traces(item)))
    rates = [s for s in nwbfile.acquisition.values() if s.neurodata_type == "TimeSeries" and s.unit == "hertz"]
    if rates:
        panels.append(("Population rates (Hz)", _rates(rates)))
    inputs = [s for s in list(nwbfile.stimulus.values()) + list((nwbfile.events or {}).values())
              if s.neurodata_type in ("SpikeGeneratorTable", "TimedArraySeries")]
    if inputs:
        panels.append(("Inputs (TimedArrays, spike generators)", _inputs(inputs)))
    return panels


def _raster(units, max_spikes: int):
    times, rows = read_units(units)
    populations = np.asarray([p.decode() if isinstance(p, bytes) else p for p in units["population"].data[:]])
    step = max(1, len(times) // max_spikes)

    def draw(axis):
        for k, population in enumerate(dict.fromkeys(populations)):
            mask = populations[rows[::step]] == population
            axis.plot(times[::step][mask], rows[::step][mask], "|", markersize=2, color=f"C{k}", label=population)
        axis.set_ylabel("unit")
        axis.legend(loc="upper right", fontsize=8, markerscale=4)
    return draw


def _traces(series):
    data = series.data
    count = min(MAX_TRACES, data.shape[1] if data.ndim > 1 else 1)
    values = np.asarray(data[:, :count]) if data.ndim > 1 else np.asarray(data[:])[:, None]
    times = _times(series, len(values))
    indices = np.asarray(series.recorded_indices[:count])

    def draw(axis):
        for k in range(values.shape[1]):
            axis.plot(times, values[:, k], linewidth=0.8, label=f"index {indices[k]}")
        axis.legend(loc="upper right", fontsize=8)
    return draw


def _rates(rates):
    curves = [(item.name, _times(item, len(item.data)), np.asarray(item.data[:])) for item in rates]

    def draw(axis):
        for name, times, values in curves:
            axis.plot(times, values, linewidth=0.8, label=name)
        axis.set_ylabel("Hz")
        axis.legend(loc="upper right", fontsize=8)
    return draw


def _inputs(inputs):
    prepared = []
    for item in inputs:
        if item.neurodata_type == "SpikeGeneratorTable":
            prepared.append((item.name, "spikes", np.asarray(item["timestamp"].data[:]),
                             np.asarray(item["neuron"].data[:])))
        else:
            values = np.asarray(item.data[:])
            values = values if values.ndim == 1 else values[:, 0]
            prepared.append((item.name, "values", _times(item, len(values)), values))

    def draw(axis):
        for k, (name, kind, x, y) in enumerate(prepared):
            if kind == "spikes":
                axis.plot(x, y, "|", color=f"C{k}", label=f"{name} (neuron)")
            else:
                twin = axis.twinx() if k else axis
                twin.step(x, y, where="post", color=f"C{k}", label=name)
        axis.legend(loc="upper right", fontsize=8)
    return draw


def _times(series, count: int) -> np.ndarray:
    if series.timestamps is not None:
        return np.asarray(series.timestamps[:count])
    return series.starting_time + np.arange(count) / series.rate
