"""A checkpointed run of `networks.everything`, fresh or resumed, in its own process.

    python checkpointed.py CHECKPOINT OUT.npz TARGET [--resume]
    python checkpointed.py FILE OUT.npz TARGET --stream [--resume-from RECOVERED]

Runs until 200 ms in pieces of 25 ms (a checkpoint after each), or resumes from CHECKPOINT; dumps the results
(`resimulate.dump`) into OUT. With ``--stream``, the run is streamed into FILE (a StateMonitor
and a PopulationRateMonitor added) and completed by ``to_nwb``, or, with ``--resume-from``, continued from a
recovered stream (``state="final"``) and streamed into FILE (pieces of 5 ms, with `run_with_checkpoints` making a
commit every 25 ms); OUT then holds the final state.
"""

import sys
import warnings

import numpy as np
from brian2 import PopulationRateMonitor, StateMonitor, ms, prefs

import brian2nwb
from helpers import SUBJECT
from resimulate import dump
from networks import everything


def main():
    path, out, target, *flags = sys.argv[1:]
    warnings.simplefilter("ignore")
    if "--stream" in flags:
        return streamed(path, out, target, flags)
    if "--resume" in flags:
        prefs.codegen.target = target
        net = brian2nwb.from_nwb(path, state="final")
    else:
        net = everything(target)
        brian2nwb.snapshot(net, seed=9)
    brian2nwb.run_with_checkpoints(net, until=200 * ms, every=25 * ms, path=path, subject=SUBJECT)
    np.savez(out, **dump(net))


def streamed(path, out, target, flags):
    if "--resume-from" in flags:  # the random numbers go on from the recovered file's state, unseeded
        prefs.codegen.target = target
        net, seed = brian2nwb.from_nwb(flags[flags.index("--resume-from") + 1], state="final"), None
    else:
        net, seed = everything(target), 9
        net.add(StateMonitor(net["neurons"], "v", record=[0, 7], name="trace"),
                PopulationRateMonitor(net["neurons"], name="rate"))
    brian2nwb.stream(net, path, every=5 * ms, seed=seed, subject=SUBJECT)  # commits: the checkpoints
    brian2nwb.run_with_checkpoints(net, until=200 * ms, every=25 * ms, path=path, subject=SUBJECT)
    np.savez(out, **{key: value for key, value in dump(net).items() if key.startswith("state/")})


if __name__ == "__main__":
    main()
