"""brian2nwb: Brian2 spiking-network simulations as NWB files.

The public API: `snapshot` (record the runs of a network), `to_nwb` (write it), `from_nwb` (rebuild it:
a `RebuiltNetwork`), `spikes_from_nwb` and `timed_array_from_nwb` (inputs from other NWB files; `input_source`
says where one came from), `stream` (write a recording while it runs) and `recover` (the file of a stream whose process died), `run_with_checkpoints`, `explore` and `sweep_table` (parameter exploration), the
error and warning types. The package's folders are its pipeline (docs/contributing.md: Layout).
"""

import sys

from .errors import Brian2NWBWarning, InvalidFileError, UnsafeModelError
from .sweep import explore, sweep_table
from .verbs import snapshot as _snapshot_module
from .verbs.card import model_card_text as model_card
from .verbs.checkpoint import run_with_checkpoints
from .verbs.inputs import spikes_from_nwb, timed_array_from_nwb
from .verbs.provenance import InputSource, input_source
from .verbs.reader import from_nwb
from .verbs.recover import recover
from .verbs.rebuilt import RebuiltNetwork
from .verbs.snapshot import RunRecorder, snapshot
from .verbs.stream import stream
from .verbs.writer import to_nwb
from .version import __version__

# ``from brian2nwb.snapshot import RunRecorder`` (the module's path before 0.2) keeps working
sys.modules.setdefault(f"{__name__}.snapshot", _snapshot_module)

__all__ = ["to_nwb", "snapshot", "RunRecorder", "from_nwb", "RebuiltNetwork", "run_with_checkpoints", "explore",
           "sweep_table", "model_card", "spikes_from_nwb", "timed_array_from_nwb", "input_source", "InputSource", "stream", "recover", "Brian2NWBWarning", "InvalidFileError", "UnsafeModelError", "__version__"]
