"""Parameter exploration: one model file in, a DANDI-ready folder of NWB files out, on Dask."""

from .engine import explore
from .points import sweep_table

__all__ = ["explore", "sweep_table"]
