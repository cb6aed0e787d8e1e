"""Generate the ``ndx-brian2`` NWB extension spec (ndx-template style).

Run from the repository root::

    python extensions/ndx-brian2/create_extension_spec.py

It writes ``ndx-brian2.namespace.yaml`` and ``ndx-brian2.extensions.yaml`` into
``brian2nwb/spec/`` so that the installed package ships them. The test suite
checks that the committed YAML is what this script produces.
"""

from __future__ import annotations

import sys
from pathlib import Path

from pynwb.spec import (
    NWBAttributeSpec,
    NWBDatasetSpec,
    NWBGroupSpec,
    NWBLinkSpec,
    NWBNamespaceBuilder,
    export_spec,
)

NAME = "ndx-brian2"
VERSION = "0.1.0"

DIMENSIONS_DOC = (
    "Physical dimension as the exponents of the 7 SI base units, in the order metre, "
    "kilogram, second, ampere, kelvin, mole, candela (all zero for dimensionless). "
    "The values are stored in these SI base units."
)


def dimensions_attribute(required: bool = True, name: str = "dimensions") -> NWBAttributeSpec:
    return NWBAttributeSpec(
        name=name, doc=DIMENSIONS_DOC, dtype="float64", shape=[7], dims=["base_unit"], required=required,
    )


def text_attribute(name: str, doc: str, required: bool = True) -> NWBAttributeSpec:
    return NWBAttributeSpec(name=name, doc=doc, dtype="text", required=required)


def int_attribute(name: str, doc: str, required: bool = True) -> NWBAttributeSpec:
    # int32: Brian2 indexes with 32-bit integers, and readers give back plain ints that int32 accepts
    return NWBAttributeSpec(name=name, doc=doc, dtype="int32", required=required)


def float_attribute(name: str, doc: str, required: bool = True) -> NWBAttributeSpec:
    return NWBAttributeSpec(name=name, doc=doc, dtype="float64", required=required)


def neuron_index_column(doc: str) -> NWBDatasetSpec:
    return NWBDatasetSpec(name="neuron_index", neurodata_type_inc="VectorData", dtype="int64", doc=doc)


def name_attribute(name: str, what: str) -> NWBAttributeSpec:
    return NWBAttributeSpec(name=name, doc=f"Name of the {what}.", dtype="text")


def make_types() -> list:
    quantity_data = NWBDatasetSpec(
        neurodata_type_def="QuantityData",
        neurodata_type_inc="VectorData",
        doc="A table column of physical quantities from Brian2, stored as float64 in SI base units.",
        dtype="float64",
        attributes=[
            NWBAttributeSpec(name="unit", doc="SI unit name of the values, e.g. 'volt'; 'dimensionless' if dimensionless.",
                             dtype="text"),
            dimensions_attribute(),
        ],
    )

    state_monitor_series = NWBGroupSpec(
        neurodata_type_def="StateMonitorSeries",
        neurodata_type_inc="TimeSeries",
        doc=("One variable recorded by a Brian2 StateMonitor: time on axis 0, one column per recorded "
             "index of the monitored group (neurons, synapses or other elements)."),
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
        ],
    )

    timed_array_series = NWBGroupSpec(
        neurodata_type_def="TimedArraySeries",
        neurodata_type_inc="TimeSeries",
        doc=("The values of a Brian2 TimedArray: row k holds the value(s) from k*dt to (k+1)*dt. "
             "1-D TimedArrays have one column, 2-D ones one column per index."),
        attributes=[dimensions_attribute()],
    )

    spike_generator_table = NWBGroupSpec(
        neurodata_type_def="SpikeGeneratorTable",
        neurodata_type_inc="EventsTable",
        doc=("The spike trains a Brian2 SpikeGeneratorGroup emits, one row per spike (timestamp and "
             "neuron index). With a non-zero period the pattern repeats every period."),
        datasets=[neuron_index_column("Index of the neuron of the SpikeGeneratorGroup that emits the spike.")],
        attributes=[
            name_attribute("source", "Brian2 SpikeGeneratorGroup"),
            int_attribute("num_neurons", "Number of neurons of the group."),
            NWBAttributeSpec(name="period", doc="Period of repetition in seconds; 0 if the pattern does not repeat.",
                             dtype="float64"),
        ],
    )

    event_monitor_table = NWBGroupSpec(
        neurodata_type_def="EventMonitorTable",
        neurodata_type_inc="EventsTable",
        doc=("The events recorded by a Brian2 EventMonitor, one row per event: time, index of the element "
             "in the monitored group, and the variables recorded at the event."),
        datasets=[neuron_index_column("Index in the monitored group of the element that emitted the event.")],
        attributes=[
            name_attribute("monitor", "Brian2 EventMonitor"),
            name_attribute("source", "monitored Brian2 group"),
            name_attribute("event", "Brian2 event that was monitored"),
        ],
    )

    object_model = NWBGroupSpec(
        neurodata_type_def="Brian2ObjectModel",
        neurodata_type_inc="NWBContainer",
        doc=("One object of a Brian2 network, with what is needed to rebuild it. The group's name is the "
             "object's Brian2 name. Tables it may hold: 'final_state' and 'initial_state' (one row per "
             "element, one column per variable, at the end of the recording and at t=0; initial_state holds only "
             "the variables whose values differ from final_state), 'final_shared_state' "
             "and 'initial_shared_state' (one row: shared variables), 'run_<k>_state' and "
             "'run_<k>_shared_state' (variables the user changed before run k), and kind-specific tables "
             "('events', 'run_regularly', 'links', 'connectivity', 'pathways', 'recorded')."),
        attributes=[text_attribute("clock", "Name of the Brian2 clock the object runs on.", required=False)],
        groups=[NWBGroupSpec(neurodata_type_inc="DynamicTable", quantity="*",
                             doc="Tables describing the object: its state, code and connectivity.")],
    )

    def model(name: str, doc: str, attributes: list, links: list | None = None) -> NWBGroupSpec:
        return NWBGroupSpec(neurodata_type_def=name, neurodata_type_inc="Brian2ObjectModel", doc=doc,
                            attributes=attributes, links=links or [])

    code = "Brian2 model code (abstract code, not Python)"
    model_types = [
        model("NeuronGroupModel", "A Brian2 NeuronGroup.", [
            int_attribute("N", "Number of neurons."),
            text_attribute("model", "The model equations, one per line, as Brian2 parses them: "
                                    "'lhs = expression : unit (flags)', units as products of SI base units."),
            text_attribute("method", "The integration method (a name registered with Brian2)."),
            text_attribute("threshold", f"Threshold condition ({code}).", required=False),
            text_attribute("reset", f"Reset statements ({code}).", required=False),
            text_attribute("refractory", f"Refractoriness as an expression ({code}).", required=False),
            float_attribute("refractory_time", "Refractory period in seconds.", required=False),
        ]),
        model("SubgroupModel", "A Brian2 Subgroup: neurons start to stop-1 of its source group.", [
            text_attribute("source", "Name of the group it is part of."),
            int_attribute("start", "Index of its first neuron in the source group."),
            int_attribute("stop", "Index after its last neuron in the source group."),
        ]),
        model("SynapsesModel", "A Brian2 Synapses object; 'connectivity' holds i, j and per-synapse delays.", [
            text_attribute("source", "Name of the presynaptic group."),
            text_attribute("target", "Name of the postsynaptic group."),
            text_attribute("model", "The synaptic model equations, one per line (see NeuronGroupModel)."),
            text_attribute("method", "The integration method of clock-driven equations.", required=False),
            text_attribute("multisynaptic_index", "Name of the multisynaptic index variable.", required=False),
        ]),
        model("PoissonGroupModel", "A Brian2 PoissonGroup; rates as an expression or in the state table.", [
            int_attribute("N", "Number of neurons."),
            text_attribute("rates", f"Rates as an expression ({code}).", required=False),
        ]),
        model("SpikeGeneratorGroupModel", "A Brian2 SpikeGeneratorGroup; its spikes are the linked table.", [
            int_attribute("N", "Number of neurons."),
            float_attribute("period", "Period of repetition in seconds; 0 if none."),
        ], links=[NWBLinkSpec(name="spikes", target_type="SpikeGeneratorTable",
                              doc="The spike trains the group emits (in /stimulus).")]),
        model("PoissonInputModel", "A Brian2 PoissonInput.", [
            text_attribute("target", "Name of the target group."),
            text_attribute("target_var", "Name of the target variable."),
            int_attribute("N", "Number of independent Poisson inputs."),
            float_attribute("rate", "Rate of each input in hertz."),
            text_attribute("weight", f"Weight as an expression ({code}).", required=False),
            float_attribute("weight_value", "Weight as a value in SI units.", required=False),
            dimensions_attribute(required=False, name="weight_dimensions"),
        ]),
        model("MonitorModel", "A Brian2 monitor (its recordings are in /units, /events or /acquisition).", [
            text_attribute("kind", "SpikeMonitor, EventMonitor, StateMonitor or PopulationRateMonitor."),
            text_attribute("source", "Name of the monitored group."),
            text_attribute("event", "Name of the monitored event.", required=False),
            text_attribute("variables", "Recorded variables, comma-separated.", required=False),
            NWBAttributeSpec(name="record", doc="SpikeMonitor/EventMonitor: whether spikes were recorded; "
                                                "StateMonitor: whether all indices were.", dtype="bool",
                             required=False),
        ]),
    ]

    simulation = NWBGroupSpec(
        neurodata_type_def="Brian2Simulation",
        neurodata_type_inc="LabMetaData",
        doc=("A Brian2 simulation: the software that ran it, how it ran, and the tables that describe "
             "the network's objects."),
        attributes=[
            NWBAttributeSpec(name="network", doc="Name of the Brian2 Network.", dtype="text"),
            NWBAttributeSpec(name="brian2_version", doc="Version of Brian2 that ran the simulation.", dtype="text"),
            NWBAttributeSpec(name="brian2nwb_version", doc="Version of brian2nwb that wrote the file.",
                             dtype="text"),
            NWBAttributeSpec(name="numpy_version", doc="Version of numpy.", dtype="text"),
            NWBAttributeSpec(name="python_version", doc="Version of Python.", dtype="text"),
            NWBAttributeSpec(name="device", doc="Brian2 device, e.g. 'runtime' or 'cpp_standalone'.",
                             dtype="text"),
            NWBAttributeSpec(name="codegen_target", doc="Brian2 code-generation target, e.g. 'numpy' or 'cython'.",
                             dtype="text"),
            NWBAttributeSpec(name="dt", doc="Time step of Brian2's default clock, in seconds.", dtype="float64"),
            NWBAttributeSpec(name="t_end", doc="Simulated time at the end of the recording, in seconds.",
                             dtype="float64"),
            text_attribute("initial_state", "Where the state at t=0 came from: 'snapshot' "
                                            "(brian2nwb.snapshot), 'store' (Network.store at t=0) or 'none'.",
                           required=False),
        ],
        groups=[
            NWBGroupSpec(name="objects", doc="The objects of the network, one group per object named after it.",
                         quantity="?",
                         groups=[NWBGroupSpec(neurodata_type_inc="Brian2ObjectModel", quantity="*",
                                              doc="One object of the network.")]),
            NWBGroupSpec(neurodata_type_inc="DynamicTable", quantity="*",
                         doc=("Tables about the whole network: 'clocks' (name, dt), 'schedule' (when, order, "
                              "clock and active flag of every object and its parts), 'identifiers' (external "
                              "constants and TimedArrays the code used, per scope and run) and 'runs' (start, "
                              "duration and seed of each run)."))
        ],
    )

    return [quantity_data, state_monitor_series, timed_array_series, spike_generator_table,
            event_monitor_table, object_model, *model_types, simulation]


def main(output_dir: Path) -> None:
    ns_builder = NWBNamespaceBuilder(
        name=NAME,
        version=VERSION,
        doc="Brian2 spiking-network simulations in NWB: the model and the simulation's provenance.",
        author=["brian2nwb developers"],
        contact=["brian2nwb developers"],
    )
    ns_builder.include_namespace("core")
    output_dir.mkdir(parents=True, exist_ok=True)  # export_spec does not create it
    export_spec(ns_builder, make_types(), str(output_dir))


if __name__ == "__main__":
    default = Path(__file__).resolve().parents[2] / "brian2nwb" / "spec"
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else default)
