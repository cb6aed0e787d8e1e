"""Read a format fixture in a fresh process, re-run it and continue it; print what matched as JSON.

    python check_fixture.py FOLDER

FOLDER holds ``model.nwb`` and, when the fixture writer wrote it (`write_fixture`), ``recorded.npz``,
``continued.npz`` and ``versions.json``. Printed: ``{"rerun": {array: equal}, "file": {monitor: equal},
"continued": {array: equal}, "info": ..., "card": ...}`` - the re-run's monitors against what the writing process
recorded, its SpikeMonitors against the spikes the file holds, the continuation's monitors against what the
writing process recorded when it went on, and the number of groups ``brian2nwb info`` lists and the length of
the model card.
"""

import json
import sys
from pathlib import Path

import numpy as np
from brian2 import prefs, second
from write_fixture import monitor_arrays

import brian2nwb
from brian2nwb.tools.spikes import compare_spikes, read_spikes
from brian2nwb.tools.summary import summarize


def compared(expected_file: Path, got: dict) -> dict:
    with np.load(expected_file) as expected:
        return {name: bool(np.array_equal(expected[name], got.get(name))) for name in expected}


def main(folder: Path) -> dict:
    prefs.codegen.target = "numpy"
    path = folder / "model.nwb"
    result = {"info": len(summarize(path)["groups"]), "card": len(brian2nwb.model_card(path))}
    net = brian2nwb.from_nwb(path, trust_code=True)  # the repository's own fixture, signed by another key
    net.run_recorded()
    recorded = monitor_arrays(net)
    result["file"] = {name: compare_spikes(spikes, (recorded[f"{name}/i"] + int(getattr(net[name].source, "start", 0)),
                                                     recorded[f"{name}/t"]))["exact"]
                      for name, spikes in read_spikes(path).items()}
    if (folder / "recorded.npz").exists():
        result["rerun"] = compared(folder / "recorded.npz", recorded)
        info = json.loads((folder / "versions.json").read_text())
        net = brian2nwb.from_nwb(path, state="final", trust_code=True)
        net.run(info["continuation_seconds"] * second,
                namespace={name: value * second for name, value in info["continuation_namespace"].items()})
        result["continued"] = compared(folder / "continued.npz", monitor_arrays(net))
    return result


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]))))
