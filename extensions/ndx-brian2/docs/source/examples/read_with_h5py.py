"""Read a Brian2 network from an ndx-brian2 file with h5py alone: its groups' equations, its synapses'
connectivity and what happened in each run.

    python read_with_h5py.py sim.nwb
"""

import sys

import h5py


def text(value) -> str:
    """h5py gives text attributes as str, text datasets as bytes."""
    return value.decode() if isinstance(value, bytes) else str(value)


def column(table, name):
    """A column of a Brian2Table, as numbers or as text."""
    values = table[name][()]
    return [text(v) for v in values] if values.dtype.kind in "OS" else values


with h5py.File(sys.argv[1], "r") as file:
    simulation = file["general/brian2"]  # the Brian2Simulation
    print(f"Network {text(simulation.attrs['network'])}: Brian2 {text(simulation.attrs['brian2_version'])}, "
          f"dt = {simulation.attrs['dt']} s, {simulation.attrs['t_end']} s simulated")

    # The objects, one group each, named after the Brian2 object; the type says which kind it is.
    for name, obj in simulation["objects"].items():
        kind = text(obj.attrs["neurodata_type"])
        if kind == "NeuronGroupModel":
            print(f"\n{name}: {obj.attrs['num_neurons']} neurons, method {text(obj.attrs['method'])}")
            for equation in text(obj.attrs["model"]).splitlines():
                print(f"    {equation}")
            for key in ("threshold", "reset"):
                if key in obj.attrs:
                    print(f"  {key}: {text(obj.attrs[key])}")
            state = obj["final_state"]  # one row per neuron, one column per variable
            variables = [text(c) for c in state.attrs["colnames"]]
            first = state[variables[0]]  # a QuantityData (SI values, 'unit') or a VectorData (no unit)
            unit = text(first.attrs.get("unit", "no unit"))
            print(f"  variables at the end: {', '.join(variables)}; {variables[0]} ({unit}): {first[:3]} ...")
        elif kind == "SynapsesModel":
            connectivity = obj["connectivity"]  # one row per synapse: i (pre), j (post), per-synapse delays
            i, j = connectivity["i"][()], connectivity["j"][()]
            print(f"\n{name}: {len(i)} synapses from {text(obj.attrs['source'])} to {text(obj.attrs['target'])}; "
                  f"first ones {list(zip(i[:3].tolist(), j[:3].tolist()))}")
            pathways = obj["pathways"]
            for pathway, code in zip(column(pathways, "pathway"), column(pathways, "code")):
                print(f"  on {pathway}: {code!r}")

    # The recording, step by step: runs (rows of 'runs'), values set, states stored and restored...
    runs, steps = simulation["runs"], simulation["steps"]
    start, duration, seed = runs["start_time"][()], runs["duration"][()], runs["seed"][()]
    print("\nSteps:")
    for action, target, run in zip(column(steps, "action"), column(steps, "target"), steps["run"][()]):
        if action == "run":
            print(f"  run {run}: from {start[run]:g} s for {duration[run]:g} s, seed {seed[run]}")
        else:
            print(f"  {action} {target}")
