"""Sphinx configuration of the brian2nwb documentation.

Build it from the repository root with ``python -m sphinx -W --keep-going -b html docs docs/_build/html``
(``pip install -e ./extensions/ndx-brian2 -e ".[docs]"`` first). The notebooks are executed during the build;
docs/_ext/brian2nwb_docs.py says what else the build makes.
"""

from __future__ import annotations

import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS / "_ext"))

import brian2nwb  # noqa: E402

# -- Project -------------------------------------------------------------------------------------------------
project = "brian2nwb"
author = "brian2nwb developers"
copyright = "2025-2026, brian2nwb developers"
release = brian2nwb.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "myst_nb",  # Markdown pages (MyST) and the notebooks, executed
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "numpydoc",  # the public functions' docstrings are numpy style
    "sphinxarg.ext",  # the command line, from its argparse parser
    "brian2nwb_docs",  # docs/_ext: API pages, notebooks, the format's reference
]

exclude_patterns = ["_build", "jupyter_execute", "**/.ipynb_checkpoints", ".gitignore"]  # jupyter_execute: myst-nb, in-place builds
templates_path = []
default_role = "py:obj"  # `name` in a docstring is a cross-reference (numpydoc style)
nitpicky = True  # every cross-reference resolves, but those below
nitpick_ignore_regex = [
    # other packages: no intersphinx, the build runs offline (the names stay text)
    ("py:.*", r"(brian2|pynwb|hdmf|numpy|pandas|dask|pathlib)(\..*)?"),
    # internal modules a docstring points to for the details (the API pages are those of brian2nwb.__all__)
    ("py:.*", r"brian2nwb\.model\..*"),
]
smartquotes_action = "qe"  # quotes and ellipses, but "--html" stays two hyphens

# -- Markdown and notebooks ----------------------------------------------------------------------------------
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3  # links to a page's sections: [...](page.md#section-title)

nb_execution_mode = "force"  # every notebook runs in every build (they are committed without outputs)
nb_execution_timeout = 600  # seconds per cell
nb_execution_raise_on_error = True  # a failing cell fails the build
nb_execution_in_temp = True  # files a notebook writes go to a temporary folder, not into the repository
nb_execution_show_tb = True
nb_merge_streams = True

# -- API -----------------------------------------------------------------------------------------------------
autodoc_default_options = {"member-order": "bysource"}
autodoc_typehints = "none"  # numpydoc's Parameters sections say the types
numpydoc_show_class_members = False  # api stubs name the members to show (RebuiltNetwork is a brian2.Network)
numpydoc_class_members_toctree = False
numpydoc_validation_checks = set()

# -- HTML ----------------------------------------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"brian2nwb {release}"
html_theme_options = {
    "github_url": "https://github.com/brian2nwb/brian2nwb",
    "navbar_align": "left",
    "show_toc_level": 2,
    "navigation_with_keys": False,
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
}
html_show_sourcelink = False
html_context = {"default_mode": "light"}
# pages without sub-pages: no empty "Section Navigation" column, the width for their tables
html_sidebars = {page: [] for page in ("index", "getting-started", "format", "limitations", "changelog", "citing",
                                       "contributing")}
