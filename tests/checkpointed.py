"""A checkpointed run of `networks.everything`, fresh or resumed, in its own process.

    python checkpointed.py CHECKPOINT OUT.npz TARGET [--resume]

Runs until 200 ms in pieces of 25 ms (a checkpoint after each), or resumes from CHECKPOINT; dumps the results
(`resimulate.dump`) into OUT.
"""

import sys
import warnings

import numpy as np
from brian2 import ms, prefs

import brian2nwb
from helpers import SUBJECT
from resimulate import dump
from networks import everything


def main():
    path, out, target, *flags = sys.argv[1:]
    warnings.simplefilter("ignore")
    if "--resume" in flags:
        prefs.codegen.target = target
        net = brian2nwb.from_nwb(path, state="final")
    else:
        net = everything(target)
        brian2nwb.snapshot(net, seed=9)
    brian2nwb.run_with_checkpoints(net, until=200 * ms, every=25 * ms, path=path, subject=SUBJECT)
    np.savez(out, **dump(net))


if __name__ == "__main__":
    main()
