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

from . import build
from .describe import (
    describe_monitor,
    describe_neuron_group,
    describe_poisson_group,
    describe_poisson_input,
    describe_spike_generator,
    describe_subgroup,
    describe_synapses,
)
from .spikes import write_event_monitors, write_units
from .stimulus import write_spike_generators
from .snapshot import RunRecorder
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
    describe : callable or None
        ``describe(obj, initial_states) -> ObjectDescription``: the object as plain data.
    build : callable or None
        ``build(description, context) -> brian2 object``: the object rebuilt.
    nwb_type : str or None
        The ndx-brian2 type its description is stored as.
    stateful : bool
        Whether its variables are part of the network's state (not a monitor's recordings).
    unsupported : str or None
        Why objects of this kind cannot be written; they are listed in a warning.
    """

    results: ResultsWriter | None = None
    describe: Callable | None = None
    build: Callable | None = None
    nwb_type: str | None = None
    stateful: bool = False
    unsupported: str | None = None


_MONITOR = dict(describe=describe_monitor, build=build.build_monitor, nwb_type="MonitorModel")

REGISTRY: dict[type, Kind] = {
    SpikeMonitor: Kind(results=write_units, **_MONITOR),
    EventMonitor: Kind(results=write_event_monitors, **_MONITOR),
    StateMonitor: Kind(results=write_state_monitors, **_MONITOR),
    PopulationRateMonitor: Kind(results=write_population_rates, **_MONITOR),
    SpikeGeneratorGroup: Kind(results=write_spike_generators, describe=describe_spike_generator,
                              build=build.build_spike_generator, nwb_type="SpikeGeneratorGroupModel", stateful=True),
    NeuronGroup: Kind(describe=describe_neuron_group, build=build.build_neuron_group, nwb_type="NeuronGroupModel",
                      stateful=True),
    Subgroup: Kind(describe=describe_subgroup, build=build.build_subgroup, nwb_type="SubgroupModel"),
    Synapses: Kind(describe=describe_synapses, build=build.build_synapses, nwb_type="SynapsesModel",
                   stateful=True),
    PoissonGroup: Kind(describe=describe_poisson_group, build=build.build_poisson_group,
                       nwb_type="PoissonGroupModel", stateful=True),
    PoissonInput: Kind(describe=describe_poisson_input, build=build.build_poisson_input,
                       nwb_type="PoissonInputModel"),
    RunRecorder: Kind(),
    SpatialNeuron: Kind(unsupported="multicompartment neurons (SpatialNeuron) are not supported yet; "
                                    "monitors recording from it are still written"),
    NetworkOperation: Kind(unsupported="it runs Python code, which a data file cannot hold"),
}

#: Kinds by the name a description carries (the Brian2 class name).
BY_NAME: dict[str, Kind] = {cls.__name__: kind for cls, kind in REGISTRY.items()}


def kind_of(obj) -> tuple[type, Kind] | None:
    """The registered class ``obj`` is an instance of (nearest in its MRO) and its `Kind`."""
    for cls in type(obj).__mro__:
        if cls in REGISTRY:
            return cls, REGISTRY[cls]
    return None
