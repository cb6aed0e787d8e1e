"""Checks of a file from a stranger, before any of it reaches Brian2: its container (before any library
reads it), its code, its model (into a `CheckedModel`) and its steps."""
