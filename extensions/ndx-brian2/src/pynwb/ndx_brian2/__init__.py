"""ndx-brian2: Brian2 spiking-network simulations in NWB.

Importing the package loads the ``ndx-brian2`` namespace into pynwb, so that pynwb reads the types of a
brian2nwb file as the classes below (``NWBHDF5IO(path).read()`` then returns them), and exposes them::

    import ndx_brian2
    from pynwb import NWBHDF5IO

    with NWBHDF5IO("sim.nwb", "r") as io:
        nwbfile = io.read()
        simulation = nwbfile.get_lab_meta_data("brian2")  # a ndx_brian2.Brian2Simulation
        neurons = simulation.objects["neurons"]  # a ndx_brian2.NeuronGroupModel
        print(neurons.model, neurons.brian2_tables["final_state"]["v"].data[:])

``SPEC_FOLDER`` is where the namespace, the spec and ``ndx-brian2.fields.json`` (the role of every attribute
and column) are; ``NAMESPACE`` and ``__version__`` name the namespace and its version.
"""

from importlib.resources import files as _files
from pathlib import Path as _Path

from pynwb import get_class as _get_class
from pynwb import load_namespaces as _load_namespaces

NAMESPACE = "ndx-brian2"

# Installed from a wheel, the spec is inside the package; in a source checkout (an editable install) it is the
# extension's own spec/ folder, three levels up.
SPEC_FOLDER = _Path(str(_files(__name__) / "spec"))
if not (SPEC_FOLDER / f"{NAMESPACE}.namespace.yaml").exists():
    SPEC_FOLDER = _Path(__file__).resolve().parents[3] / "spec"

_load_namespaces(str(SPEC_FOLDER / f"{NAMESPACE}.namespace.yaml"))

#: Every type of the namespace, in the order of the spec.
TYPES = ("QuantityData", "TimedArraySeries", "Brian2Table", "Brian2ObjectModel", "Brian2Objects", "Brian2Simulation",
         "GroupModel", "NeuronGroupModel", "SpatialNeuronModel", "SubgroupModel", "PoissonGroupModel",
         "SpikeGeneratorGroupModel", "SynapsesModel", "PoissonInputModel", "NetworkOperationModel", "MonitorModel",
         "SpikeGeneratorTable",
         "EventMonitorTable", "StateMonitorSeries")

QuantityData = _get_class("QuantityData", NAMESPACE)
TimedArraySeries = _get_class("TimedArraySeries", NAMESPACE)
Brian2Table = _get_class("Brian2Table", NAMESPACE)
Brian2ObjectModel = _get_class("Brian2ObjectModel", NAMESPACE)
Brian2Objects = _get_class("Brian2Objects", NAMESPACE)
Brian2Simulation = _get_class("Brian2Simulation", NAMESPACE)
GroupModel = _get_class("GroupModel", NAMESPACE)
NeuronGroupModel = _get_class("NeuronGroupModel", NAMESPACE)
SpatialNeuronModel = _get_class("SpatialNeuronModel", NAMESPACE)
SubgroupModel = _get_class("SubgroupModel", NAMESPACE)
PoissonGroupModel = _get_class("PoissonGroupModel", NAMESPACE)
SpikeGeneratorGroupModel = _get_class("SpikeGeneratorGroupModel", NAMESPACE)
SynapsesModel = _get_class("SynapsesModel", NAMESPACE)
PoissonInputModel = _get_class("PoissonInputModel", NAMESPACE)
NetworkOperationModel = _get_class("NetworkOperationModel", NAMESPACE)
MonitorModel = _get_class("MonitorModel", NAMESPACE)
SpikeGeneratorTable = _get_class("SpikeGeneratorTable", NAMESPACE)
EventMonitorTable = _get_class("EventMonitorTable", NAMESPACE)
StateMonitorSeries = _get_class("StateMonitorSeries", NAMESPACE)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("ndx-brian2")
    except PackageNotFoundError:  # a source tree on sys.path
        return "unknown"


__version__ = _version()

__all__ = ["NAMESPACE", "SPEC_FOLDER", "TYPES", *TYPES, "__version__"]
