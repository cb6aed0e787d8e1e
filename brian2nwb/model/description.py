"""The network as plain data: what the model side of brian2nwb passes from stage to stage.

`ObjectDescription` (one Brian2 object) and `ModelDescription` (the network) hold
numbers, text and arrays only - no live Brian2 object and no NWB container: the
Brian2 side (`describe`, `build`) makes and consumes them, the NWB side
(`model_nwb`) writes and reads them, and `safety` checks them in between.
"""

from __future__ import annotations

from dataclasses import dataclass, field

Table = dict  # column name -> numpy array or Quantity, all of one length


@dataclass
class ObjectDescription:
    """One Brian2 object as plain data.

    Attributes
    ----------
    kind : str
        The Brian2 class it is rebuilt as, e.g. ``"NeuronGroup"``.
    name : str
        The object's Brian2 name.
    attrs : dict
        Scalar settings (numbers, strings, small arrays) by NWB attribute name.
    tables : dict of str to Table
        Named tables (state, events, pathways...).
    """

    kind: str
    name: str
    attrs: dict = field(default_factory=dict)
    tables: dict = field(default_factory=dict)


@dataclass
class ModelDescription:
    """The whole network as plain data."""

    objects: list[ObjectDescription]
    tables: dict[str, Table] = field(default_factory=dict)  # clocks, schedule, namespace, runs
    attrs: dict = field(default_factory=dict)  # versions, dt, t_end, initial_state...
