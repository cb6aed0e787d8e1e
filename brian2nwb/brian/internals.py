"""Brian2's private attributes that brian2nwb reads or sets, one function each (Synapses' are in `synapses`).

Brian2 keeps some of what a file must hold, or what a rebuild must set, in
attributes it does not document. Every such use is here (or in the other modules of
this folder), so that a Brian2 release that renames one breaks one named function;
`tests/test_layout.py` checks that no module outside `brian2nwb/brian/` uses them.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import numpy as np

#: The name of each network method `hook_network_methods` may wrap, in Brian2.
_NETWORK_METHODS = {"before_run": "before_run", "after_run": "after_run", "store": "store",
                    "full_state": "_full_state", "restore": "restore", "run": "run"}


def refractory_of(group):
    """A group's ``refractory`` argument as Brian2 keeps it: an expression (str), a time, False or None."""
    return group._refractory


def poisson_rates_expression(group) -> str | None:
    """A PoissonGroup's rates when given as an expression (None when they are values)."""
    return group._rates if isinstance(group._rates, str) else None


def poisson_input_arguments(poisson_input) -> dict:
    """What a PoissonInput was made with: ``target`` group, ``target_var``, ``N``, ``rate`` (Hz, a float) and
    ``weight`` (an expression or a quantity)."""
    return {"target": poisson_input._group, "target_var": poisson_input._target_var, "N": int(poisson_input._N),
            "rate": float(poisson_input._rate), "weight": poisson_input._weight}


def name_object(obj, name: str) -> None:
    """Give ``obj`` a name its class takes no argument for (a PoissonInput in Brian2 2.9; order ties break by
    name)."""
    obj._name = name


def section_geometry(section) -> tuple[np.ndarray, np.ndarray | None]:
    """(diameters, lengths) of a morphology section's compartments as Brian2 holds them, in metres (lengths
    None for a Soma)."""
    length = getattr(section, "_length", None)
    return (np.asarray(section._diameter, dtype=np.float64).ravel(),
            None if length is None else np.asarray(length, dtype=np.float64).ravel())


def set_section_lengths(section, lengths) -> None:
    """Set a Cylinder's compartment lengths exactly (Brian2 divides the total length by n otherwise)."""
    section._length = lengths


def set_spike_position(group, position: int) -> None:
    """Make a SpikeGeneratorGroup continue from spike ``position`` of its train (as Brian2's ``restore()``
    leaves it: the position is kept at the next run)."""
    group.variables["_lastindex"].set_value(position)
    group._spikes_changed = False


def code_objects(obj) -> tuple:
    """The code objects Brian2 generated for ``obj`` (empty before its first run)."""
    return tuple(getattr(obj, "_code_objects", ()))


def linked_variables(group) -> tuple:
    """The names of a group's linked variables."""
    return tuple(getattr(group, "_linked_variables", ()))


def input_target(obj):
    """The group a PoissonInput drives (None for other objects)."""
    return getattr(obj, "_group", None)


def stored_states(net) -> dict:
    """What ``Network.store()`` kept in memory, by name (Brian2's own dicts of variable values)."""
    return getattr(net, "_stored_state", {}) or {}


def network_id_of(obj):
    """The id of the network Brian2 last prepared ``obj`` for (None if none)."""
    return getattr(obj, "_network", None)


def hook_network_methods(net, wrappers: dict[str, Callable]) -> None:
    """Replace methods of this one network object (not its class) by ``wrappers[name](original)``; names
    are ``before_run``, ``after_run``, ``store``, ``full_state`` (what ``store()`` calls to take the state),
    ``restore`` and ``run``."""
    for name, wrap in wrappers.items():
        attribute = _NETWORK_METHODS[name]
        original = getattr(net, attribute)
        setattr(net, attribute, functools.wraps(original)(wrap(original)))


def forget_recorded(monitor) -> None:
    """Empty a runtime monitor (SpikeMonitor, EventMonitor, StateMonitor, PopulationRateMonitor) so that it
    records the next samples from its start, as if it had recorded nothing yet: Brian2's ``resize(0)``
    leaves the count ``N`` its templates append after, which is set too. A SpikeMonitor's per-neuron
    ``count`` keeps counting."""
    monitor.resize(0)
    monitor.variables["N"].set_value(0)


def was_stopped(net) -> bool:
    """Whether the last ``run()`` of ``net`` ended early by ``stop()`` (the network's or Brian2's global one)."""
    from brian2 import Network

    return bool(getattr(net, "_stopped", False) or Network._globally_stopped)
