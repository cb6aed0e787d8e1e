"""A file brian2nwb wrote, opened with plain pynwb and this package only (no Brian2, no brian2nwb): every object
comes back as its ndx-brian2 class, with its fields.

The file is brian2nwb's format fixture of this version (``tests/formats/<version>/model.nwb`` in brian2nwb's
repository, a small network that uses every kind), or the files ``NDX_BRIAN2_FILES`` names (paths separated by
the OS path separator). Without any, the test is skipped, unless ``NDX_BRIAN2_REQUIRE_FILES`` is set.
"""

import os
from pathlib import Path

import ndx_brian2
import pytest
from pynwb import NWBHDF5IO, validate

REPOSITORY_FIXTURE = Path(__file__).resolve().parents[5] / "tests" / "formats" / ndx_brian2.__version__ / "model.nwb"
FILES = [Path(p) for p in os.environ.get("NDX_BRIAN2_FILES", "").split(os.pathsep) if p] or (
    [REPOSITORY_FIXTURE] if REPOSITORY_FIXTURE.is_file() else [])

if not FILES and os.environ.get("NDX_BRIAN2_REQUIRE_FILES"):
    raise RuntimeError(f"No brian2nwb file to read: {REPOSITORY_FIXTURE} is missing and NDX_BRIAN2_FILES is empty.")
pytestmark = pytest.mark.skipif(not FILES, reason="no file written by brian2nwb (see the module's doc)")


@pytest.mark.parametrize("path", FILES, ids=[path.parent.name for path in FILES])
def test_pynwb_returns_the_ndx_brian2_classes_with_their_fields(path):
    assert validate(path=str(path)) == []
    with NWBHDF5IO(str(path), "r") as io:
        nwbfile = io.read()
        simulation = nwbfile.get_lab_meta_data("brian2")
        assert isinstance(simulation, ndx_brian2.Brian2Simulation)
        assert simulation.t_end > 0 and simulation.dt > 0 and simulation.brian2_version
        objects = simulation.objects.brian2_object_models
        assert objects and all(isinstance(obj, ndx_brian2.Brian2ObjectModel) for obj in objects.values())
        groups = [obj for obj in objects.values() if isinstance(obj, ndx_brian2.NeuronGroupModel)]
        assert groups and all(group.num_neurons > 0 and ":" in group.model for group in groups)
        for group in groups:
            state = group.final_state
            assert isinstance(state, ndx_brian2.Brian2Table) and len(state.colnames)
            assert all(len(state[column].data) == group.num_neurons for column in state.colnames)
        synapses = [obj for obj in objects.values() if isinstance(obj, ndx_brian2.SynapsesModel)]
        for synapse in synapses:
            assert synapse.source in objects and synapse.target in objects
            assert len(synapse.connectivity["i"].data) == len(synapse.connectivity["j"].data)
        steps = simulation.steps
        assert "run" in [str(action) for action in steps["action"].data[:]]
        assert len(simulation.runs["start_time"].data) == sum(str(a) == "run" for a in steps["action"].data[:])
        series = [s for s in nwbfile.acquisition.values() if isinstance(s, ndx_brian2.StateMonitorSeries)]
        assert all(s.data.shape[1] == len(s.recorded_indices) for s in series)
        for generator in (obj for obj in objects.values() if isinstance(obj, ndx_brian2.SpikeGeneratorGroupModel)):
            assert isinstance(generator.spikes, ndx_brian2.SpikeGeneratorTable)
            assert generator.spikes.num_neurons == generator.num_neurons
