"""Every ndx-brian2 type written and read back with plain pynwb (no Brian2): the file validates, and each object
comes back as its class with its fields."""

from datetime import datetime, timezone

import ndx_brian2
import numpy as np
import pytest
from hdmf.common import VectorData
from pynwb import NWBHDF5IO, NWBFile, validate
from pynwb.event import TimestampVectorData

VOLT = [2.0, 1.0, -3.0, -1.0, 0.0, 0.0, 0.0]
SECOND = [0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0]
DIMENSIONLESS = [0.0] * 7


def table(name: str, description: str, **columns) -> ndx_brian2.Brian2Table:
    """A Brian2Table; a column given as (values, unit, dimensions) is a QuantityData."""
    data = []
    for column, values in columns.items():
        if isinstance(values, tuple):
            values, unit, dimensions = values
            data.append(ndx_brian2.QuantityData(name=column, description=f"The variable {column}.", data=values,
                                                unit=unit, dimensions=dimensions))
        else:
            data.append(VectorData(name=column, description=f"The column {column}.", data=values))
    return ndx_brian2.Brian2Table(name=name, description=description, colnames=list(columns), vector_datas=data)


def simulation_file(presynaptic=np.array([0, 1], dtype=np.int32)) -> NWBFile:
    """A small file holding every type, as brian2nwb would write a network of 4 neurons driven by a spike
    generator, with synapses (from the ``presynaptic`` neurons), a Poisson input, a subgroup, a spatial neuron, a
    Poisson group and monitors."""
    nwbfile = NWBFile(session_description="ndx-brian2 types", identifier="ndx-brian2-test",
                      session_start_time=datetime(2026, 1, 1, tzinfo=timezone.utc))
    spikes = ndx_brian2.SpikeGeneratorTable(
        name="input", description="Spike trains of 'input'.", source="input", num_neurons=2, period=0.0,
        columns=[TimestampVectorData(name="timestamp", description="Times in seconds.", data=[0.001, 0.002]),
                 VectorData(name="neuron", description="Neuron indices.", data=np.array([0, 1], dtype=np.int64))])
    nwbfile.add_events_table(spikes)
    nwbfile.add_events_table(ndx_brian2.EventMonitorTable(
        name="high", description="Events 'high' of 'neurons'.", monitor="high", source="neurons", event="high",
        columns=[TimestampVectorData(name="timestamp", description="Times in seconds.", data=[0.003]),
                 VectorData(name="neuron", description="Neuron indices.", data=np.array([2], dtype=np.int64))]))
    nwbfile.add_acquisition(ndx_brian2.StateMonitorSeries(
        name="trace_v", description="v of neurons 0 and 3.", data=np.zeros((5, 2)), unit="volt", rate=10000.0,
        starting_time=0.0, recorded_indices=np.array([0, 3], dtype=np.int32), monitor="trace", source="neurons",
        variable="v", dimensions=VOLT))
    nwbfile.add_stimulus(ndx_brian2.TimedArraySeries(
        name="drive", description="A TimedArray.", data=np.linspace(0, 0.02, 4), unit="volt", rate=1000.0,
        starting_time=0.0, dimensions=VOLT))
    group_state = table("final_state", "Variables at the end.", v=(np.zeros(4), "volt", VOLT),
                        counter=np.arange(4, dtype=np.int32))
    objects = [
        ndx_brian2.NeuronGroupModel(
            name="neurons", description="A NeuronGroup.", num_neurons=4, model="dv/dt = -v / (10*ms) : volt",
            method="exact", threshold="v > 10*mV", reset="v = 0*mV", refractory_time=0.002, clock="defaultclock",
            brian2_tables=[group_state, table("events", "Custom events.", event=["high"], condition=["v > 8*mV"],
                                              code=[""])]),
        ndx_brian2.SubgroupModel(name="first", description="A Subgroup.", source="neurons", start=0, stop=2),
        ndx_brian2.SpatialNeuronModel(
            name="cell", description="A SpatialNeuron.", num_compartments=1,
            model="Im = gl * (El - v) : amp/meter**2", method="exponential_euler",
            brian2_tables=[table("morphology", "Sections.", kind=["Soma"], type=["soma"], parent_section=[-1],
                                 name_in_parent=[""], n=[1]),
                           table("morphology_points", "Points.",
                                 **{axis: (np.array([2e-5]), "metre", [1.0] + [0.0] * 6)
                                    for axis in ("diameter", "length", "x", "y", "z")})]),
        ndx_brian2.PoissonGroupModel(name="poisson", description="A PoissonGroup.", num_neurons=3, rates="10*Hz"),
        ndx_brian2.SpikeGeneratorGroupModel(name="input", description="A SpikeGeneratorGroup.", num_neurons=2,
                                            period=0.0, spikes=spikes),
        ndx_brian2.SynapsesModel(
            name="synapses", description="Synapses.", source="input", target="neurons", model="w : volt",
            brian2_tables=[table("connectivity", "Synapses.", i=presynaptic,
                                 j=np.array([1, 2], dtype=np.int32)),
                           table("pathways", "Pathways.", pathway=["pre"], prepost=["pre"], event=["spike"],
                                 code=["v_post += w"], delay=[0.0], per_synapse_delay=[False])]),
        ndx_brian2.PoissonInputModel(name="noise", description="A PoissonInput.", target="neurons",
                                     target_variable="v", num_inputs=5, rate=20.0, weight="0.5*mV"),
        ndx_brian2.NetworkOperationModel(name="kick", description="A NetworkOperation.", code="kick"),
        ndx_brian2.MonitorModel(name="trace", description="A StateMonitor.", kind="StateMonitor", source="neurons",
                                variables="v", record=False,
                                brian2_tables=[table("recorded", "Recorded.", index=np.array([0, 3]))]),
    ]
    simulation = ndx_brian2.Brian2Simulation(
        name="brian2", description="A test network.", network="network", brian2_version="2.9.0",
        brian2nwb_version="0.3.0", numpy_version="2.0", python_version="3.11", device="runtime",
        codegen_target="numpy", dt=1e-4, t_end=0.01, initial_state_source="snapshot",
        model_card="# The network\n",
        objects=ndx_brian2.Brian2Objects(name="objects", description="The objects.", brian2_object_models=objects),
        brian2_tables=[table("clocks", "Clocks.", clock=["defaultclock"], dt=[1e-4]),
                       table("runs", "Runs.", start_time=[0.0], duration=[0.01], seed=[-1]),
                       table("steps", "Steps.", action=["run"], target=[""], run=[0], value=[""]),
                       table("identifiers", "Identifiers.", identifier=["tau"], scope=["run"], run=[0],
                             kind=["constant"], value=[0.01], dimensions=[SECOND], dtype=["float64"],
                             reference=[""]),
                       table("python_code", "Code.", function=["kick"], kind=["operation"], definition=["kick"],
                             source=["def kick():\n    neurons.v += 0.001\n"], options=["{}"]),
                       table("python_environment", "Names.", function=["kick"], identifier=["neurons"], kind=["object"],
                             reference=["neurons"], closure=[False], initial_value=[""], final_value=[""])],
        code_signature="0" * 64)
    nwbfile.add_lab_meta_data(simulation)
    return nwbfile


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    path = tmp_path_factory.mktemp("types") / "types.nwb"
    with NWBHDF5IO(str(path), "w") as io:
        io.write(simulation_file())
    return path


def test_the_file_validates(written):
    assert validate(path=str(written)) == []


def test_every_type_is_written_and_read_back_as_its_class(written):
    with NWBHDF5IO(str(written), "r") as io:
        nwbfile = io.read()
        simulation = nwbfile.get_lab_meta_data("brian2")
        assert isinstance(simulation, ndx_brian2.Brian2Simulation)
        assert isinstance(simulation.objects, ndx_brian2.Brian2Objects)
        found = {type(item) for item in nwbfile.objects.values()}
        concrete = set(ndx_brian2.TYPES) - {"Brian2ObjectModel", "GroupModel"}  # the base types have no instance
        assert {getattr(ndx_brian2, name) for name in concrete} <= found
        neurons = simulation.objects["neurons"]
        assert isinstance(neurons, ndx_brian2.GroupModel) and isinstance(neurons, ndx_brian2.Brian2ObjectModel)
        assert (neurons.num_neurons, neurons.threshold, neurons.refractory_time) == (4, "v > 10*mV", 0.002)
        state = neurons.brian2_tables["final_state"]
        assert neurons.final_state is state and list(state.colnames) == ["v", "counter"]
        assert isinstance(state["v"], ndx_brian2.QuantityData) and state["v"].unit == "volt"
        assert simulation.objects["input"].spikes is nwbfile.events["input"]
        assert simulation.objects["noise"].target_variable == "v"
        assert list(simulation.runs["duration"].data[:]) == [0.01]
        assert simulation.objects["kick"].code == "kick" and simulation.code_signature == "0" * 64
        assert simulation.python_code["source"].data[0].startswith("def kick")
        trace = nwbfile.acquisition["trace_v"]
        assert list(trace.recorded_indices) == [0, 3] and trace.variable == "v"
        assert simulation.model_card.startswith("# The network")


def test_a_table_column_of_the_wrong_type_is_a_validation_error(tmp_path):
    """The spec declares each column of the tables it names: pynwb's validator holds files to it."""
    path = tmp_path / "bad.nwb"
    with NWBHDF5IO(str(path), "w") as io:
        io.write(simulation_file(presynaptic=np.array([0.5, 1.5])))
    errors = [str(error) for error in validate(path=str(path))]
    assert any("connectivity/i" in error and "int32" in error for error in errors), errors
