"""``python -m brian2nwb``: the ``brian2nwb`` command."""

from .tools.cli import main

raise SystemExit(main())
