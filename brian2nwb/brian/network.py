"""Finding what a Brian2 network holds: its objects, their contained parts and the
TimedArrays its code uses. No NWB in here."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from brian2 import Network, TimedArray
from brian2.core.base import BrianObject
from brian2.core.magic import MagicNetwork, magic_network


@dataclass(frozen=True)
class NetworkView:
    """What ``to_nwb`` needs to know about a network, collected once.

    Attributes
    ----------
    name : str
        The network's name (``magicnetwork`` for plain ``run()`` scripts).
    t_end : float
        The network's time in seconds when it was collected.
    objects : list of BrianObject
        The network's own objects (not their contained parts), sorted by name.
    """

    name: str
    t_end: float
    objects: list

    def all_objects(self) -> Iterator[BrianObject]:
        """Every object with everything it contains (state updaters, pathways...)."""
        for obj in self.objects:
            yield from walk(obj)


def is_part(obj) -> bool:
    """Whether a contained object is a part of its container (state updater, thresholder, pathway,
    ``run_regularly`` operation...: Brian2's `CodeRunner`s), not an object of its own.

    Brian2 also lists a Subgroup or Synapses with ``run_regularly`` operations
    among the contained objects of their source group, so that the network runs
    them; those are objects of their own.
    """
    from brian2.groups.group import CodeRunner

    return isinstance(obj, CodeRunner)


def walk(obj: BrianObject) -> Iterator[BrianObject]:
    """``obj`` followed by all its parts, depth first."""
    yield obj
    for contained in getattr(obj, "contained_objects", ()):
        if is_part(contained):
            yield from walk(contained)


def network_time(net: Network) -> float:
    """The network's time in seconds (after a run that ``stop()`` ended, Brian2 2.9 keeps it as a view)."""
    return float(np.asarray(net.t_, dtype=np.float64).ravel()[0])


def view_network(net: Network | None) -> NetworkView:
    """Collect the objects of ``net``, or of the current magic simulation when ``net`` is None.

    Parameters
    ----------
    net : brian2.Network or None
        The network that ran. ``None`` (or Brian2's ``magic_network``) means the
        simulation of plain ``run()`` calls: every Brian2 object that took part in
        it and still exists, wherever it is referenced from.
    """
    if net is not None and not isinstance(net, MagicNetwork):
        if not isinstance(net, Network):
            raise TypeError(
                f"to_nwb expects a brian2.Network (or None for the network of plain run() calls), "
                f"not {type(net).__name__}."
            )
        return NetworkView(name=net.name, t_end=network_time(net), objects=top_level_objects(net.objects))
    ran = [obj for obj in (ref() for ref in BrianObject.__instances__())
           if obj is not None and obj._network is not None and obj._network == magic_network.id]
    if not ran:
        raise ValueError(
            "No Brian2 objects took part in a plain run() call. Run the simulation first, or create a "
            "brian2.Network, run it and pass it: to_nwb(net, path)."
        )
    return NetworkView(name="magicnetwork", t_end=network_time(magic_network), objects=top_level_objects(ran))


def top_level_objects(objects) -> list:
    """The objects that are not parts of others, sorted by name; objects Brian2 runs because a group
    contains them (a Subgroup or Synapses with ``run_regularly``) are included."""
    found = {}
    pending = list(objects)
    while pending:
        obj = pending.pop()
        if id(obj) in found:
            continue
        found[id(obj)] = obj
        pending.extend(other for part in walk(obj) for other in getattr(part, "contained_objects", ())
                       if not is_part(other))
    parts = {id(part) for obj in found.values() for part in walk(obj) if part is not obj}
    return sorted((obj for key, obj in found.items() if key not in parts), key=lambda o: o.name)


def used_timed_arrays(view: NetworkView, earlier: list | None = None) -> dict[str, TimedArray]:
    """The TimedArrays the network's generated code refers to, by file name.

    ``earlier`` adds (identifier, TimedArray) pairs that earlier runs used. A
    TimedArray is named after the identifier the model code uses for it; when
    one TimedArray is used under several identifiers, or one identifier names
    different TimedArrays, Brian2's own unique name is used instead.
    """
    identifiers: dict[int, set[str]] = {}
    arrays: dict[int, TimedArray] = {}
    for identifier, value in earlier or ():  # used in earlier runs only
        arrays[id(value)] = value
        identifiers.setdefault(id(value), set()).add(identifier)
    for obj in view.all_objects():
        for codeobj in getattr(obj, "_code_objects", ()):
            for identifier, value in codeobj.variables.items():
                if isinstance(value, TimedArray):
                    arrays[id(value)] = value
                    identifiers.setdefault(id(value), set()).add(identifier)
    usage: dict[str, int] = {}
    for names in identifiers.values():
        for identifier in names:
            usage[identifier] = usage.get(identifier, 0) + 1
    named = {}
    for key, array in sorted(arrays.items(), key=lambda item: item[1].name):
        names = identifiers[key]
        if len(names) == 1 and usage[next(iter(names))] == 1:
            named[next(iter(names))] = array
        else:
            named[array.name] = array
    return named
