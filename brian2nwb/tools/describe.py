"""``brian2nwb describe``: a file's model card as Markdown, or as one self-contained HTML page with the plots
of ``brian2nwb plot``."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ..model.document import Figure, Heading
from ..verbs.card import card_of_file
from .plot import plot_file


def card_html(source: str | os.PathLike) -> str:
    """The model card of a brian2nwb file (a path or an ``https://`` URL) as an HTML page that needs nothing
    else (equations in MathML, the results' figure embedded as PNG)."""
    card = card_of_file(source)
    with tempfile.TemporaryDirectory() as folder:
        figure = Path(folder) / "results.png"
        try:
            panels = plot_file(source, figure)
        except ValueError:  # nothing recorded to plot
            panels = []
        if panels:
            card.add(Heading(1, "Results"), Figure(figure.read_bytes(), "; ".join(panels)))
    return card.to_html()
