"""The re-simulation matrix: each network is simulated here, written with to_nwb, rebuilt
with from_nwb in a fresh process, re-run, and compared bit for bit."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import brian2nwb
from helpers import SUBJECT
from networks import NETWORKS
from resimulate import dump

HERE = Path(__file__).parent


def resimulate(path: Path, target: str, *extra: str, python: str = sys.executable) -> dict:
    """Rebuild and re-run ``path`` in a fresh process (of ``python``); its spikes and final state."""
    out = path.with_suffix(".resim.npz")
    result = subprocess.run([python, str(HERE / "resimulate.py"), str(path), str(out), target, *extra],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    with np.load(out) as data:
        return dict(data)


def assert_identical(actual: dict, expected: dict) -> None:
    assert set(actual) == set(expected)
    spikes = [key for key in expected if key.endswith("/t") and f"{key[:-2]}/i" in expected]
    assert sum(len(expected[key]) for key in spikes) > 0, "the network should spike"
    for key, values in expected.items():
        np.testing.assert_array_equal(actual[key], values, err_msg=key)


def write_and_resimulate(name: str, tmp_path: Path, target: str) -> None:
    net = NETWORKS[name]()
    path = brian2nwb.to_nwb(net, tmp_path / f"{name}.nwb", subject=SUBJECT)
    assert_identical(resimulate(path, target), dump(net))


@pytest.mark.parametrize("name", sorted(NETWORKS))
def test_resimulation_is_exact_on_numpy(name, tmp_path):
    write_and_resimulate(name, tmp_path, "numpy")


@pytest.mark.parametrize("name", ["ei_random", "stdp", "two_runs", "sparse_poisson_input", "store_restore_loop"])
def test_resimulation_is_exact_on_cython(name, tmp_path, cython_target):
    write_and_resimulate(name, tmp_path, "cython")
