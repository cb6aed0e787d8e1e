"""One module per kind of Brian2 object: how it is described, rebuilt, checked and which results it writes.

Each module defines ``KIND`` (a `brian2nwb.kinds.kind.Kind`; the monitors module one per
monitor class) and `brian2nwb.kinds.registry` maps Brian2 classes to them. A new kind is
a new module here and one line in the registry.
"""
