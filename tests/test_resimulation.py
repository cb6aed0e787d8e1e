"""The re-simulation matrix: each network is simulated here, written with to_nwb, rebuilt
with from_nwb in a fresh process, re-run, and compared bit for bit."""

from __future__ import annotations

from pathlib import Path

import pytest

import brian2nwb
from helpers import SUBJECT, assert_identical, resimulate
from networks import NETWORKS
from resimulate import dump

HERE = Path(__file__).parent


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
