"""Builder functions for `brian2nwb.explore` tests (importable by Dask workers, which get the tests folder on
their path from the process that starts them)."""

from __future__ import annotations

import os
from pathlib import Path

from brian2 import Hz, Network, NeuronGroup, PoissonGroup, SpikeMonitor, Synapses, ms


def poisson_driven(tau=10 * ms, rate=60 * Hz, n=20) -> Network:
    """Integrate-and-fire neurons driven one-to-one by Poisson neurons; ``tau`` and ``rate`` are external
    constants (what a sweep over a file source replaces)."""
    group = NeuronGroup(n, "dv/dt = -v / tau : 1", threshold="v > 1", reset="v = 0", method="exact",
                        name="neurons", namespace={"tau": tau})
    drive = PoissonGroup(n, rates="rate", name="drive", namespace={"rate": rate})
    synapses = Synapses(drive, group, on_pre="v_post += 0.35", name="synapses")
    synapses.connect(j="i")
    return Network(group, drive, synapses, SpikeMonitor(group, name="spikes"))


def dies_once(tau=10 * ms, marker: str = "") -> Network:
    """Kills its worker process the first time it is called for a given marker file (then builds normally)."""
    if marker and not Path(marker).exists():
        Path(marker).write_text("killed once")
        os._exit(1)
    return poisson_driven(tau=tau)
