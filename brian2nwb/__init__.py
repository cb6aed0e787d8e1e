"""brian2nwb: Brian2 spiking-network simulations as NWB files."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("brian2nwb")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"

from .checkpoint import run_with_checkpoints  # noqa: E402
from .explore import explore  # noqa: E402
from .reader import from_nwb  # noqa: E402
from .rebuilt import RebuiltNetwork  # noqa: E402
from .errors import Brian2NWBWarning, InvalidFileError, UnsafeModelError  # noqa: E402
from .snapshot import snapshot  # noqa: E402
from .sweep import sweep_table  # noqa: E402
from .writer import to_nwb  # noqa: E402

__all__ = ["to_nwb", "snapshot", "from_nwb", "RebuiltNetwork", "run_with_checkpoints", "explore", "sweep_table",
           "Brian2NWBWarning", "InvalidFileError", "UnsafeModelError", "__version__"]
