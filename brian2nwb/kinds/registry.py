"""Which module of `brian2nwb.kinds` handles which Brian2 class: the one place a new kind is added.

Lookup follows the class's MRO, so a subclass gets its parent's kind unless it
has its own line (``SpatialNeuron`` is a ``NeuronGroup``; a ``SpatialSubgroup``
is a ``Subgroup``).
"""

from __future__ import annotations

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

from . import (
    eventmonitor,
    networkoperation,
    neurongroup,
    poissongroup,
    poissoninput,
    ratemonitor,
    spatialneuron,
    spikegenerator,
    spikemonitor,
    statemonitor,
    subgroup,
    synapses,
)
from .kind import Kind

REGISTRY: dict[type, Kind] = {
    NeuronGroup: neurongroup.KIND,
    SpatialNeuron: spatialneuron.KIND,
    Subgroup: subgroup.KIND,
    PoissonGroup: poissongroup.KIND,
    SpikeGeneratorGroup: spikegenerator.KIND,
    Synapses: synapses.KIND,
    PoissonInput: poissoninput.KIND,
    SpikeMonitor: spikemonitor.KIND,
    EventMonitor: eventmonitor.KIND,
    StateMonitor: statemonitor.KIND,
    PopulationRateMonitor: ratemonitor.KIND,
    NetworkOperation: networkoperation.KIND,
}

#: Kinds by the name a description carries (the Brian2 class name).
BY_NAME: dict[str, Kind] = {kind.name: kind for kind in REGISTRY.values()}

#: Kinds by the ndx-brian2 type their descriptions are stored as (several monitors share one).
BY_NWB_TYPE: dict[str, Kind] = {kind.nwb_type: kind for kind in reversed(REGISTRY.values()) if kind.nwb_type}


def kind_of(obj) -> tuple[type, Kind] | None:
    """The registered class ``obj`` is an instance of (nearest in its MRO) and its `Kind`."""
    for cls in type(obj).__mro__:
        if cls in REGISTRY:
            return cls, REGISTRY[cls]
    return None
