"""Which Brian2 object kind is written by what: the one place a new kind is added.

Each entry maps a Brian2 class to a `Kind`. Lookup follows the class's MRO, so a
subclass (``SpatialNeuron`` is a ``NeuronGroup``) can get its own entry and
otherwise inherits its parent's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from brian2 import (
    EventMonitor,
    NetworkOperation,
    NeuronGroup,
    PoissonGroup,
    PoissonInput,
    PopulationRateMonitor,
    SpatialNeuron,
    SpikeGeneratorGroup,
    SpikeMonitor,
    StateMonitor,
    Synapses,
)
from brian2.groups.subgroup import Subgroup

from .spikes import write_event_monitors, write_units
from .stimulus import write_spike_generators
from .traces import write_population_rates, write_state_monitors

#: ``writer(objects, nwbfile, storage) -> list of left-out descriptions``
ResultsWriter = Callable[..., list]


@dataclass(frozen=True)
class Kind:
    """How one kind of Brian2 object goes into the file.

    Attributes
    ----------
    results : callable or None
        Writes the results of all objects of this kind into the NWBFile at once
        (several SpikeMonitors share one Units table); None if the kind records
        nothing itself.
    unsupported : str or None
        Why objects of this kind cannot be written; they are listed in a warning.
    """

    results: ResultsWriter | None = None
    unsupported: str | None = None


REGISTRY: dict[type, Kind] = {
    SpikeMonitor: Kind(results=write_units),
    EventMonitor: Kind(results=write_event_monitors),
    StateMonitor: Kind(results=write_state_monitors),
    PopulationRateMonitor: Kind(results=write_population_rates),
    SpikeGeneratorGroup: Kind(results=write_spike_generators),
    NeuronGroup: Kind(),
    Subgroup: Kind(),
    Synapses: Kind(),
    PoissonGroup: Kind(),
    PoissonInput: Kind(),
    SpatialNeuron: Kind(unsupported="multicompartment neurons (SpatialNeuron) are not supported yet; "
                                    "monitors recording from it are still written"),
    NetworkOperation: Kind(unsupported="it runs Python code, which a data file cannot hold"),
}


def kind_of(obj) -> tuple[type, Kind] | None:
    """The registered class ``obj`` is an instance of (nearest in its MRO) and its `Kind`."""
    for cls in type(obj).__mro__:
        if cls in REGISTRY:
            return cls, REGISTRY[cls]
    return None
