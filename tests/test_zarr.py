"""Zarr: to_nwb(..., backend="zarr"), validated, rebuilt by from_nwb and re-run exactly."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

import brian2nwb
from helpers import SUBJECT
from test_rebuild import poisson_driven
from test_resimulation import resimulate


def test_zarr_round_trip(tmp_path):
    from hdmf_zarr.nwb import NWBZarrIO
    from pynwb import validate

    net = poisson_driven()
    path = brian2nwb.to_nwb(net, tmp_path / "sim.nwb.zarr", subject=SUBJECT, backend="zarr")
    assert path.is_dir() and not list(tmp_path.glob(".*partial*"))
    with NWBZarrIO(str(path), mode="r") as io:  # plain pynwb + hdmf-zarr, no brian2nwb classes needed
        assert validate(io=io) == []
        nwbfile = io.read()
        assert nwbfile.lab_meta_data["brian2"].objects__brian2_object_models["neurons"].N == 10
    result = resimulate(path, "numpy")
    for monitor in ("spikes", "drive_spikes"):
        np.testing.assert_array_equal(result[f"{monitor}/i"], net[monitor].i[:])
        np.testing.assert_array_equal(result[f"{monitor}/t"], net[monitor].t_[:])
    np.testing.assert_array_equal(result["state/synapses/w"], net["synapses"].w[:])


def test_zarr_store_is_not_replaced_without_overwrite(tmp_path):
    net = poisson_driven()
    path = brian2nwb.to_nwb(net, tmp_path / "sim.nwb.zarr", subject=SUBJECT, backend="zarr")
    marker = path / "keep"
    marker.write_text("mine")
    with pytest.raises(FileExistsError, match="overwrite=True"):
        brian2nwb.to_nwb(net, path, subject=SUBJECT, backend="zarr")
    assert marker.read_text() == "mine"
    brian2nwb.to_nwb(net, path, subject=SUBJECT, backend="zarr", overwrite=True)
    assert not marker.exists() and (path / ".zgroup").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sim.nwb.zarr"]


def test_cli_reads_zarr(tmp_path):
    path = brian2nwb.to_nwb(poisson_driven(), tmp_path / "sim.nwb.zarr", subject=SUBJECT, backend="zarr")
    result = subprocess.run([sys.executable, "-m", "brian2nwb.cli", "info", str(path)], capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stderr
    assert "neurons (NeuronGroup, 10 neurons)" in result.stdout
    validated = subprocess.run([sys.executable, "-m", "brian2nwb.cli", "validate", str(path)],
                               capture_output=True, text=True)
    assert "pynwb validation: OK" in validated.stdout and "model: rebuilds" in validated.stdout
