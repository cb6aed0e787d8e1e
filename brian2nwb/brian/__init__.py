"""The Brian2 adapter: the only code that touches Brian2's internals - walking a network, describing and
building its parts, device differences (runtime and C++ standalone), random state, preferences."""
