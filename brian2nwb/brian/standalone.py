"""What differs on Brian2's C++ standalone device: values exist only after the generated program has run.

A rebuilt network hands its values to the device as arrays (Brian2 stores them as static arrays of the
program); what Brian2 has no Python interface for in standalone mode - the spikes in flight in a pathway's
queue - is put back by a few lines of C++ inserted into ``main()`` with ``device.insert_code``, calling the
queue's own ``_restore_from_full_state`` (the same method the Cython target's queue uses).
"""

from __future__ import annotations

import numpy as np


def active() -> bool:
    """Whether the current Brian2 device generates a standalone program (C++ standalone or a derivative)."""
    from brian2.devices.device import RuntimeDevice, get_device

    return not isinstance(get_device(), RuntimeDevice)


def _insert(slot: str, code: str, restores: str | None = None) -> None:
    """Insert ``code`` into ``slot`` of the program of a C++ standalone device (or a derivative), the only devices
    with such slots; blank code is not inserted. Other devices log a warning for any code and drop it: code that
    only saves something for later is then left out, code without which the run would differ (``restores``
    names what it puts back) raises NotImplementedError."""
    from brian2.devices.cpp_standalone.device import CPPStandaloneDevice
    from brian2.devices.device import get_device

    device = get_device()
    if not code.strip():
        return
    if isinstance(device, CPPStandaloneDevice):
        device.insert_code(slot, code)
    elif restores is not None:
        raise NotImplementedError(f"Putting back {restores} needs code inserted into a C++ standalone program; "
                                  f"the device {type(device).__name__} generates none.")


def restore_queue(pathway, steps: np.ndarray, synapses: np.ndarray) -> None:
    """Queue, before the next run, the spikes in flight of ``pathway``: synapse ``synapses[k]`` receives a
    spike ``steps[k]`` time steps from the start of that run (0: in its first step)."""
    from brian2 import prefs
    from brian2.devices.device import get_device

    if (prefs.devices.cpp_standalone.openmp_threads or 0) > 1:
        raise NotImplementedError(
            f"'{pathway.name}' had spikes in flight at the end of the recording; putting them back into a "
            "standalone program that splits its queues over OpenMP threads is not supported. Set "
            "prefs.devices.cpp_standalone.openmp_threads = 0 (or continue on the numpy or Cython target).")
    device = get_device()
    order = np.lexsort((np.arange(len(steps)), steps))  # by step, keeping the queued order within a step
    steps, synapses = np.asarray(steps, dtype=np.int32)[order], np.asarray(synapses, dtype=np.int32)[order]
    name = f"_brian2nwb_in_flight_{pathway.name}"
    steps_array = device.static_array(f"{name}_steps", steps)
    synapses_array = device.static_array(f"{name}_synapses", synapses)
    size = int(steps.max()) + 1 if len(steps) else 1
    # "main" code runs at this point of the program, once: before the next run prepares the queue, which
    # keeps its content (prepare only re-bins when dt changes and grows the queue for the longest delay).
    _insert("main", f"""
    {{
        std::vector< std::vector<int32_t> > _slots({size});
        for (int _k = 0; _k < {len(steps)}; _k++)
            _slots[brian::{steps_array}[_k]].push_back(brian::{synapses_array}[_k]);
        brian::{pathway.name}.queue[0]->_restore_from_full_state(std::make_pair(0, _slots));
    }}
    """, restores=f"the spikes in flight of '{pathway.name}'")


def set_time(net, t: float) -> None:
    """Start the program's next run of ``net`` at ``t`` (seconds), as ``net.t_ = t`` does on the runtime device
    (the generated ``Network`` keeps its own time, which starts at 0)."""
    _insert("main", f"brian::{net.name}.t = {float(t)!r};", restores=f"the time of '{net.name}'")


def set_network_time(net, t: float) -> None:
    """``net.t_ = t`` on any device: on C++ standalone the program's network is set too (`set_time`)."""
    net.t_ = t
    if active():
        set_time(net, t)


def current_target() -> str:
    """The code-generation target this process uses: ``cpp_standalone``, a target name, or ``custom``."""
    from brian2 import prefs

    if active():
        return "cpp_standalone"
    return prefs.codegen.target if isinstance(prefs.codegen.target, str) else "custom"


def _in_flight_file(pathway) -> str:
    return f"_brian2nwb_in_flight_{pathway.name}"


def record_in_flight(pathway) -> None:
    """Make the program write, at its end, the spikes in flight in ``pathway``'s queue as int32 pairs
    (steps ahead, synapse), the format `in_flight` reads."""
    _insert("before_end", f"""
    {{
        std::ofstream _out((brian::results_dir + "/{_in_flight_file(pathway)}").c_str(), std::ios::binary | std::ios::out);
        for (size_t _thread = 0; _thread < brian::{pathway.name}.queue.size(); _thread++)  // one queue per OpenMP thread
        {{
            std::pair< int, std::vector< std::vector<int32_t> > > _state = brian::{pathway.name}.queue[_thread]->_full_state();
            const int _size = _state.second.size() > 0 ? _state.second.size() : 1;
            for (int _k = 0; _k < (int)_state.second.size(); _k++)
                for (size_t _s = 0; _s < _state.second[_k].size(); _s++)
                {{
                    const int32_t _pair[2] = {{(int32_t)((_k - _state.first + _size) % _size), _state.second[_k][_s]}};
                    _out.write(reinterpret_cast<const char*>(_pair), sizeof(_pair));
                }}
        }}
    }}
    """)


def in_flight(pathway) -> tuple[np.ndarray, np.ndarray] | None:
    """(steps ahead, synapse) of the spikes in flight that the program wrote at its end (`record_in_flight`),
    or None when it wrote none."""
    import os

    from brian2.devices.device import get_device

    device = get_device()
    if not getattr(device, "has_been_run", False):
        return None
    path = os.path.join(device.results_dir, _in_flight_file(pathway))
    if not os.path.exists(path):
        return None
    pairs = np.fromfile(path, dtype=np.int32).reshape(-1, 2).astype(np.int64)
    return pairs[:, 0], pairs[:, 1]


def _t0_file(device, variable) -> str:
    return f"_brian2nwb_t0_{device.get_array_name(variable, access_data=False)}"


def save_initial_state(objects) -> None:
    """Make the program write, at this point of ``main()`` (before the first run), the state variables of
    ``objects`` that `describe.state_tables` keeps, for `initial_state` to read after the run."""
    from brian2.core.variables import DynamicArrayVariable
    from brian2.devices.device import get_device

    from .describe import kept_variables

    device = get_device()
    lines = []
    for obj in objects:
        for variable in kept_variables(obj).values():
            name = device.get_array_name(variable, access_data=False)
            if isinstance(variable, DynamicArrayVariable):
                data, size = f"(brian::{name}.empty() ? 0 : &brian::{name}[0])", f"brian::{name}.size()"
            else:
                data, size = f"brian::{name}", f"brian::_num_{name}"
            lines.append(f"""
    {{
        std::ofstream _out((brian::results_dir + "/{_t0_file(device, variable)}").c_str(),
                           std::ios::binary | std::ios::out);
        _out.write(reinterpret_cast<const char*>({data}), {size} * sizeof(*{data}));
    }}""")
    _insert("main", "".join(lines))


def initial_state(objects) -> dict | None:
    """``{name: (per-element table, shared table)}`` as `save_initial_state` had the program write them, or
    None when the program has not run or did not write them."""
    import os

    from brian2.devices.device import get_device

    from .describe import state_tables

    device = get_device()
    if not getattr(device, "has_been_run", False):
        return None

    def saved(name, variable):
        path = os.path.join(device.results_dir, _t0_file(device, variable))
        return np.fromfile(path, dtype=variable.dtype) if os.path.exists(path) else None

    return {obj.name: state_tables(obj, len(obj), saved) for obj in objects}
