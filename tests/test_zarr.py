"""Zarr: to_nwb(..., backend="zarr"), validated, rebuilt by from_nwb and re-run exactly."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

import brian2nwb
from helpers import SUBJECT, assert_identical, resimulate
from networks import poisson_driven
from resimulate import dump

OTHER_PYTHON = os.environ.get("BRIAN2NWB_OTHER_PYTHON")


def test_zarr_round_trip(tmp_path):
    from hdmf_zarr.nwb import NWBZarrIO
    from pynwb import validate

    net = poisson_driven()
    path = brian2nwb.to_nwb(net, tmp_path / "sim.nwb.zarr", subject=SUBJECT, backend="zarr")
    assert path.is_dir() and not list(tmp_path.glob(".*partial*"))
    with NWBZarrIO(str(path), mode="r") as io:  # plain pynwb + hdmf-zarr, no brian2nwb classes needed
        assert validate(io=io) == []
        nwbfile = io.read()
        assert nwbfile.lab_meta_data["brian2"].objects["neurons"].num_neurons == 10
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
    assert not marker.exists() and ((path / ".zgroup").exists() or (path / "zarr.json").exists())  # zarr 2 or 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sim.nwb.zarr"]


def test_cli_reads_zarr(tmp_path):
    path = brian2nwb.to_nwb(poisson_driven(), tmp_path / "sim.nwb.zarr", subject=SUBJECT, backend="zarr")
    result = subprocess.run([sys.executable, "-m", "brian2nwb", "info", str(path)], capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stderr
    assert "neurons (NeuronGroup, 10 neurons)" in result.stdout
    validated = subprocess.run([sys.executable, "-m", "brian2nwb", "validate", str(path)],
                               capture_output=True, text=True)
    assert "pynwb validation: OK" in validated.stdout and "model: rebuilds" in validated.stdout


def test_replacing_a_store_swaps_it_in_atomically(tmp_path):
    """Linux and macOS swap the new store and the old one in one step: the target never goes missing."""
    from brian2nwb.nwb.atomic import _exchange

    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    (first / "which").write_text("first")
    (second / "which").write_text("second")
    if not _exchange(first, second):
        pytest.skip("this system cannot swap two paths atomically (the fallback is tested below)")
    assert (first / "which").read_text() == "second" and (second / "which").read_text() == "first"


def test_store_set_aside_by_a_killed_writer_is_put_back(tmp_path):
    """Where no atomic swap exists, the old store is renamed aside first; a writer killed right then leaves the
    target missing. Reading or writing the target again puts the old store back."""
    net = poisson_driven()
    path = brian2nwb.to_nwb(net, tmp_path / "sim.nwb.zarr", subject=SUBJECT, backend="zarr")
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    aside = tmp_path / f".sim.nwb.zarr.{int(dead.stdout)}.old.partial.zarr"
    path.rename(aside)  # the state a writer killed between its two renames leaves
    rebuilt = brian2nwb.from_nwb(path)
    assert path.is_dir() and not aside.exists() and "neurons" in {obj.name for obj in rebuilt.objects}
    path.rename(aside)
    brian2nwb.to_nwb(net, path, subject=SUBJECT, backend="zarr", overwrite=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sim.nwb.zarr"]


@pytest.mark.skipif(not OTHER_PYTHON, reason="set BRIAN2NWB_OTHER_PYTHON to an interpreter with brian2nwb[zarr] "
                                             "(.ci/run does: Python 3.13 with zarr 3)")
def test_store_reruns_on_another_python_and_zarr(tmp_path):
    """A store written here (e.g. Python 3.11, zarr 2) opens and re-runs bit for bit there (3.13, zarr 3)."""
    net = poisson_driven()
    path = brian2nwb.to_nwb(net, tmp_path / "sim.nwb.zarr", subject=SUBJECT, backend="zarr")
    versions = subprocess.run([OTHER_PYTHON, "-c", "import sys, zarr; print(sys.version.split()[0], zarr.__version__)"],
                              capture_output=True, text=True, check=True).stdout
    print("re-run with Python and zarr", versions)
    assert_identical(resimulate(path, "numpy", python=OTHER_PYTHON), dump(net))



# -- hostile stores: refused from their metadata, before any chunk is read ----------------------------------

MARKER = "brian2nwb_unpickled"


def _metadata_documents(store):
    """Every array's metadata document (``.zarray`` or ``zarr.json``) and the consolidated one, if any."""
    import json

    for path in sorted(store.rglob("*")):
        if path.name in (".zarray", "zarr.json") and json.loads(path.read_text()).get("node_type", "array") == "array":
            yield path


def _poison(store, edit_consolidated: bool) -> None:
    """The first numeric array decodes with numcodecs' ``pickle`` codec, and its chunk is a pickle that would
    create MARKER if it were ever loaded."""
    import json
    import pickle

    class Payload:
        def __reduce__(self):
            return (os.system, (f"touch {MARKER}",))

    for document in _metadata_documents(store):
        metadata = json.loads(document.read_text())
        if metadata.get("dtype", metadata.get("data_type")) in ("<f8", "float64"):
            break
    if document.name == ".zarray":
        metadata.update(compressor=None, filters=[{"id": "pickle", "protocol": 4}], dtype="|O")
        for chunk in document.parent.iterdir():
            if chunk.name[0].isdigit():
                chunk.write_bytes(pickle.dumps(Payload()))
    else:
        metadata["codecs"] = [{"name": "numcodecs.pickle", "configuration": {"protocol": 4}}]
    if edit_consolidated:  # only the consolidated copy, which hdmf-zarr reads instead of the array's own
        consolidated = store / ".zmetadata"
        if consolidated.exists():
            everything = json.loads(consolidated.read_text())
            everything["metadata"][str(document.relative_to(store))] = metadata
            consolidated.write_text(json.dumps(everything))
            return
    document.write_text(json.dumps(metadata))


@pytest.mark.parametrize("where", ["array", "consolidated"])
def test_store_with_a_pickle_codec_is_refused_before_any_chunk_is_read(tmp_path, monkeypatch, where):
    from brian2nwb.tools.cli import EXIT_INVALID_FILE, main

    monkeypatch.chdir(tmp_path)
    path = brian2nwb.to_nwb(poisson_driven(), tmp_path / "sim.nwb.zarr", subject=SUBJECT, backend="zarr")
    _poison(path, edit_consolidated=where == "consolidated")
    with pytest.raises(brian2nwb.InvalidFileError, match="pickle"):
        brian2nwb.from_nwb(path)
    for command in ("info", "validate", "plot"):
        arguments = [command, str(path)] + (["-o", str(tmp_path / "figure.png")] if command == "plot" else [])
        assert main(arguments) == EXIT_INVALID_FILE
    assert not (tmp_path / MARKER).exists()


def test_store_with_links_out_of_it_is_refused(tmp_path):
    path = brian2nwb.to_nwb(poisson_driven(), tmp_path / "sim.nwb.zarr", subject=SUBJECT, backend="zarr")
    attributes = next(p for p in path.rglob(".zattrs") if '"source": "."' in p.read_text())  # a reference
    text = attributes.read_text()
    attributes.write_text(text.replace('"source": "."', '"source": "../elsewhere.nwb.zarr"'))
    (path / ".zmetadata").unlink(missing_ok=True)  # hdmf-zarr then reads the array's own documents
    with pytest.raises(brian2nwb.InvalidFileError, match="another store"):
        brian2nwb.from_nwb(path)
    attributes.write_text(text)
    outside = tmp_path / "outside"
    outside.write_bytes(b"\0" * 64)
    chunk = next(p for p in path.rglob("*") if p.is_file() and p.name[0].isdigit())
    chunk.unlink()
    chunk.symlink_to(outside)
    with pytest.raises(brian2nwb.InvalidFileError, match="symbolic link"):
        brian2nwb.from_nwb(path)
