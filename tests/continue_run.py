"""Continue a brian2nwb file from its end in a fresh process and dump the spikes.

    python continue_run.py FILE.nwb OUT.npz TARGET SECONDS
"""

import sys

import numpy as np
from brian2 import SpikeMonitor, prefs, second

import brian2nwb


def main():
    path, out, target, seconds = sys.argv[1:]
    prefs.codegen.target = target
    net = brian2nwb.from_nwb(path, state="final")
    net.run(float(seconds) * second)
    np.savez(out, **{f"{obj.name}/{key}": np.array(getattr(obj, key)[:], copy=True)
                     for obj in net.objects if isinstance(obj, SpikeMonitor) for key in ("i", "t_")})


if __name__ == "__main__":
    main()
