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

from pynwb.spec import NWBAttributeSpec, NWBDatasetSpec, NWBGroupSpec, NWBNamespaceBuilder, export_spec

from brian2nwb.kinds.registry import REGISTRY
from brian2nwb.model.fields import BASE_FIELDS
from brian2nwb.nwb.spec import attribute_spec, dimensions_attribute, text_attribute

NAME = "ndx-brian2"
VERSION = "0.2.0"  # 0.2.0: the typed Brian2Objects group (files of 0.1.0 are refused with a message)


def shared_types() -> list:
    """The types the machinery uses whatever the kind: quantities, TimedArrays, the object model base and the
    simulation container."""
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

    timed_array_series = NWBGroupSpec(
        neurodata_type_def="TimedArraySeries",
        neurodata_type_inc="TimeSeries",
        doc=("The values of a Brian2 TimedArray: row k holds the value(s) from k*dt to (k+1)*dt. "
             "1-D TimedArrays have one column, 2-D ones one column per index."),
        attributes=[dimensions_attribute()],
    )

    table = NWBGroupSpec(
        neurodata_type_def="Brian2Table",
        neurodata_type_inc="NWBContainer",
        doc=("A table of a Brian2 model: equally long columns (VectorData, QuantityData for physical quantities), "
             "in the order 'colnames' gives. Unlike a DynamicTable it has no 'id' column (rows are numbered 0..n-1) "
             "and one row is as natural as many (a group's shared variables, a network's one clock)."),
        attributes=[text_attribute("description", "What the table holds."),
                    NWBAttributeSpec(name="colnames", doc="The names of the columns, in order.", dtype="text",
                                     shape=[None], dims=["num_columns"])],
        datasets=[NWBDatasetSpec(neurodata_type_inc="VectorData", quantity="*",
                                 doc="A column; its description says what it holds.")],
    )

    object_model = NWBGroupSpec(
        neurodata_type_def="Brian2ObjectModel",
        neurodata_type_inc="NWBContainer",
        doc=("One object of a Brian2 network, with what is needed to rebuild it. The group's name is the "
             "object's Brian2 name. Tables it may hold: 'final_state' and 'initial_state' (one row per "
             "element, one column per variable, at the end of the recording and when the object joined the "
             "network; initial_state holds only the variables whose values differ from final_state), "
             "'final_shared_state' and 'initial_shared_state' (one row: shared variables), 'step_<k>_state' and "
             "'step_<k>_shared_state' (variables the user changed before step k of the network's 'steps' table), "
             "and kind-specific tables ('events', 'run_regularly', 'links', 'connectivity', 'pathways', "
             "'recorded', 'morphology'...)."),
        attributes=[text_attribute("description", "What the object is, in a sentence."),
                    *(attribute_spec(field) for field in BASE_FIELDS)],
        groups=[NWBGroupSpec(neurodata_type_inc="Brian2Table", quantity="*",
                             doc="Tables describing the object: its state, code and connectivity.")],
    )
    objects = NWBGroupSpec(
        neurodata_type_def="Brian2Objects",
        neurodata_type_inc="NWBContainer",
        doc=("The objects of a Brian2 network, one group per object named after it (in pynwb: "
             "simulation.objects['neurons'])."),
        attributes=[text_attribute("description", "What the objects are, in a sentence.")],
        groups=[NWBGroupSpec(neurodata_type_inc="Brian2ObjectModel", quantity="*", doc="One object of the network.")],
    )
    simulation = NWBGroupSpec(
        neurodata_type_def="Brian2Simulation",
        neurodata_type_inc="LabMetaData",
        doc=("A Brian2 simulation: the software that ran it, how it ran, and the tables that describe "
             "the network's objects."),
        attributes=[
            text_attribute("description", "What was simulated, in a sentence."),
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
            text_attribute("initial_state_source", "Where the state at t=0 came from: 'snapshot' "
                                            "(brian2nwb.snapshot), 'store' (Network.store at t=0) or 'none'.",
                           required=False),
        ],
        datasets=[
            NWBDatasetSpec(name="model_card", dtype="text", quantity="?",
                           doc=("The model as a person reads it (Markdown, equations in LaTeX between $$): "
                                "equations with units and flags, thresholds, resets, synaptic code, parameters, "
                                "connectivity, inputs and runs. Written for readers; brian2nwb rebuilds the "
                                "network from the typed objects and tables, never from this text.")),
        ],
        groups=[
            NWBGroupSpec(name="objects", neurodata_type_inc="Brian2Objects", quantity="?",
                         doc="The objects of the network, one group per object named after it."),
            NWBGroupSpec(neurodata_type_inc="Brian2Table", quantity="*",
                         doc=("Tables about the whole network: 'clocks' (name, dt), 'schedule' (when, order, "
                              "clock, active and member flags of every object and its parts), 'identifiers' "
                              "(external constants and TimedArrays the code used, per scope and run), 'runs' (start, "
                              "duration and seed of each run), 'steps' (what happened, in order), "
                              "'random_states'/'random_blocks' (the random state at the start of each run), "
                              "'sweep_point' (the parameters of a sweep's point) and 'input_sources' (where inputs "
                              "read from other NWB files came from: source, identifier, path, selection, checksum)."))
        ],
    )

    return [quantity_data, timed_array_series, table, object_model, objects, simulation]


def make_types() -> list:
    """Every ndx-brian2 type: the shared ones, then each kind's own (in registry order, each once)."""
    types = shared_types()
    seen = {spec.neurodata_type_def for spec in types}
    for kind in REGISTRY.values():
        for spec in kind.specs:
            if spec.neurodata_type_def not in seen:
                seen.add(spec.neurodata_type_def)
                types.append(spec)
    return types


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
