"""Rebuild a brian2nwb file in a fresh process, re-run the recorded runs and dump the results.

    python resimulate.py FILE.nwb OUT.npz TARGET [--replay NAME ...] [--namespace NAME=SI_VALUE ...]

OUT holds, for every SpikeMonitor, ``<name>/i`` and ``<name>/t``, for every
StateMonitor ``<name>/t`` and ``<name>/<variable>``, and, for every object with a
state, ``state/<object>/<variable>`` (raw SI values).
"""

import argparse

import numpy as np
from brian2 import SpikeMonitor, StateMonitor, prefs

import brian2nwb
from brian2nwb.verbs.network_model import capture_states


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("path")
    parser.add_argument("out")
    parser.add_argument("target")
    parser.add_argument("--replay", nargs="*", default=[])
    parser.add_argument("--state", default="initial")
    args = parser.parse_args()
    prefs.codegen.target = args.target
    net = brian2nwb.from_nwb(args.path, state=args.state, replay=args.replay)
    net.run_recorded()
    out = dump(net)
    np.savez(args.out, **out)


def dump(net) -> dict:
    """Copies (Brian2 >= 2.10 hands out views of arrays it may free with the network)."""
    out = {}
    for obj in net.objects:
        if isinstance(obj, SpikeMonitor):
            out[f"{obj.name}/i"] = np.array(obj.i[:], copy=True)
            out[f"{obj.name}/t"] = np.array(obj.t_[:], copy=True)
        elif isinstance(obj, StateMonitor):
            out[f"{obj.name}/t"] = np.array(obj.t_[:], copy=True)
            for variable in obj.record_variables:
                out[f"{obj.name}/{variable}"] = np.array(obj.variables[variable].get_value(), copy=True)
    for name, (per_element, shared) in capture_states(net.objects).items():
        for variable, values in {**per_element, **shared}.items():
            out[f"state/{name}/{variable}"] = np.array(values, copy=True)
    return out


if __name__ == "__main__":
    main()
