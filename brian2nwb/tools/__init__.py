"""Tools around the files: the ``brian2nwb`` command, summaries, plots, the example simulation, and reading
recorded spikes back to compare them."""

from .spikes import compare_spikes, read_spikes

__all__ = ["compare_spikes", "read_spikes"]
