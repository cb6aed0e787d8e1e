"""Continue a brian2nwb file from its end in a fresh process and dump what `resimulate.dump` dumps.

    python continue_run.py FILE.nwb OUT.npz TARGET SECONDS [RUNS]

Runs ``RUNS`` (default 1) runs of SECONDS each, as the original script would have.
"""

import sys

import numpy as np
from brian2 import prefs, second

import brian2nwb
from resimulate import dump


def main():
    path, out, target, seconds, *runs = sys.argv[1:]
    prefs.codegen.target = target
    net = brian2nwb.from_nwb(path, state="final")
    for _ in range(int(runs[0]) if runs else 1):
        net.run(float(seconds) * second)
    np.savez(out, **dump(net))


if __name__ == "__main__":
    main()
