"""Recorded spikes read back from a file, and two sets of spikes compared exactly: what ``brian2nwb
resimulate`` reports, and what the tests check."""

from __future__ import annotations

import os

import numpy as np

from ..kinds.spikemonitor import spikes_by_monitor
from ..trust.container import open_untrusted


def read_spikes(path: str | os.PathLike) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """The spikes each SpikeMonitor of a brian2nwb file recorded: ``{monitor: (neuron indices in the monitored
    group's source, spike times in seconds)}``, ordered by neuron then time as the Units table holds them
    (the file's container is checked first, as for `brian2nwb.from_nwb`)."""
    with open_untrusted(path) as io:
        units = io.read().units
        return {} if units is None else spikes_by_monitor(units)


def compare_spikes(recorded: tuple, resimulated: tuple) -> dict:
    """Whether two spike sets ``(neuron indices, times)`` are equal bit for bit, and if not how far apart
    they are: ``{"exact", "recorded", "resimulated"}``, plus ``"common"`` (spikes in both) and
    ``"first_difference_s"`` (the earliest spike in only one) when they differ."""
    def ordered(index, times):
        order = np.lexsort((index, times))
        return np.asarray(index)[order], np.asarray(times)[order]

    (ri, rt), (si, st) = ordered(*recorded), ordered(*resimulated)
    exact = len(rt) == len(st) and bool(np.array_equal(ri, si) and np.array_equal(rt, st))
    report = {"exact": exact, "recorded": int(len(rt)), "resimulated": int(len(st))}
    if not exact:
        a = set(zip(ri.tolist(), rt.tolist()))
        b = set(zip(si.tolist(), st.tolist()))
        report["common"] = len(a & b)
        differing = sorted(t for _, t in a ^ b)
        report["first_difference_s"] = differing[0] if differing else None
    return report
