"""One C++ standalone program per process (Brian2 builds a device once): record, continue or re-simulate.

    python standalone_run.py record RUNS FILE.nwb OUT.npz BUILD_DIR
    python standalone_run.py continue RUNS FILE.nwb OUT.npz BUILD_DIR
    python standalone_run.py resimulate FILE.nwb OUT.npz BUILD_DIR

``record`` runs `networks.everything` for RUNS x 50 ms with ``snapshot(seed=5)`` and writes FILE;
``continue`` rebuilds FILE's final state and runs RUNS x 50 ms more; ``resimulate`` replays FILE's runs from
its initial state. Each dumps what `resimulate.dump` dumps. With ``BRIAN2NWB_TEST_DIRECT=1`` in the
environment every column counts as large (`brian2nwb.brian.stored`: left in the file until it is placed).
"""

import os
import sys

import numpy as np
from brian2 import device, ms, set_device

import brian2nwb
from helpers import SUBJECT
from networks import everything
from resimulate import dump


def main():
    if os.environ.get("BRIAN2NWB_TEST_DIRECT") == "1":
        from brian2nwb.brian import stored

        stored.DIRECT_MIN_ROWS = 1
    mode, *args = sys.argv[1:]
    if mode == "resimulate":
        path, out, build = args
    else:
        runs, path, out, build = args
    set_device("cpp_standalone", build_on_run=False)
    if mode == "record":
        net = everything()
        brian2nwb.snapshot(net, seed=5)
    else:
        net = brian2nwb.from_nwb(path, state="final" if mode == "continue" else "initial")
    if mode == "resimulate":
        net.run_recorded()
    else:
        for _ in range(int(runs)):
            net.run(50 * ms)
    device.build(directory=build)
    if mode == "record":
        brian2nwb.to_nwb(net, path, subject=SUBJECT)
    np.savez(out, **dump(net))


if __name__ == "__main__":
    main()
