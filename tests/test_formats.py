"""The format is a promise: every file an earlier release wrote is read, re-run bit for bit and continued by
this brian2nwb (one fixture per format version in ``formats/``, written by the release that introduced it); a
file of a newer format is refused naming its version; and what this brian2nwb writes is the layout of its own
version's fixture, so that a layout change cannot ship without a new version."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import h5py
import pytest

import brian2nwb
from brian2nwb.model.format import NAMESPACE, VERSION
from brian2nwb.nwb.upgrade import READABLE, RELEASED

FORMATS = Path(__file__).parent / "formats"
FIXTURES = sorted(folder for folder in FORMATS.iterdir() if (folder / "model.nwb").is_file())


def test_every_version_this_brian2nwb_reads_has_a_fixture():
    assert {folder.name for folder in FIXTURES} == set(READABLE)
    assert VERSION == RELEASED[-1]


@pytest.mark.parametrize("folder", FIXTURES, ids=[folder.name for folder in FIXTURES])
def test_a_fixture_is_read_rerun_and_continued_in_a_fresh_process(folder):
    result = subprocess.run([sys.executable, "check_fixture.py", str(folder)], cwd=FORMATS, capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    checked = json.loads(result.stdout.splitlines()[-1])
    assert checked["info"] >= 1 and checked["card"] > 500
    assert checked["file"] and all(checked["file"].values()), checked["file"]  # the re-run gives the file's spikes
    if folder.name != "0.1.0":  # written by the fixture writer: the writing process's recording and continuation
        assert len(checked["rerun"]) > 20 and all(checked["rerun"].values()), checked["rerun"]
        assert len(checked["continued"]) > 20 and all(checked["continued"].values()), checked["continued"]


def with_version(source: Path, target: Path, version: str) -> Path:
    """A copy of ``source`` whose cached ndx-brian2 spec claims ``version``."""
    shutil.copy(source, target)
    with h5py.File(target, "r+") as file:
        specs = file[f"specifications/{NAMESPACE}"]
        (cached,) = list(specs)
        specs.move(cached, version)
        namespace = json.loads(specs[version]["namespace"][()])
        namespace["namespaces"][0]["version"] = version
        del specs[version]["namespace"]
        specs[version]["namespace"] = json.dumps(namespace)
    return target


@pytest.mark.parametrize("version", ["1.2.0", "2.0.0"])
def test_a_file_of_a_newer_format_is_refused_naming_its_version(tmp_path, version):
    path = with_version(FORMATS / VERSION / "model.nwb", tmp_path / "newer.bin", version)
    with pytest.raises(brian2nwb.InvalidFileError, match=rf"format {version}, newer than this brian2nwb \(.*\) reads "
                                                         rf"\(ndx-brian2 up to {VERSION}\)"):
        brian2nwb.from_nwb(path)
    info = subprocess.run([sys.executable, "-m", "brian2nwb", "info", str(path)], capture_output=True, text=True)
    assert info.returncode == 3 and version in info.stderr + info.stdout
    # plain pynwb still reads it, with the spec cached in it
    read = subprocess.run([sys.executable, "-c", "import sys; from pynwb import NWBHDF5IO\n"
                           "with NWBHDF5IO(sys.argv[1], 'r') as io: print(len(io.read().units))", str(path)],
                          capture_output=True, text=True)
    assert read.returncode == 0 and int(read.stdout) > 0, read.stderr[-2000:]


def test_a_format_no_release_wrote_is_refused(tmp_path):
    path = with_version(FORMATS / VERSION / "model.nwb", tmp_path / "unknown.bin", "0.3.0")
    with pytest.raises(brian2nwb.InvalidFileError, match=r"format 0\.3\.0, which no released brian2nwb wrote"):
        brian2nwb.from_nwb(path)


def layout(path: Path) -> dict:
    """Every group and dataset of a file by path: its type, attribute names and dtype kind (not its values);
    and the ndx-brian2 spec it caches."""
    found = {}

    def visit(name, item):
        if name.startswith("specifications"):
            return
        kind = "group" if isinstance(item, h5py.Group) else f"dataset {item.dtype.kind}{item.ndim}"
        found[name] = (kind, str(item.attrs.get("neurodata_type", "")), sorted(item.attrs))

    with h5py.File(path, "r") as file:
        file.visititems(visit)
        spec = {name: file[f"specifications/{NAMESPACE}/{VERSION}/{name}"][()]
                for name in file[f"specifications/{NAMESPACE}/{VERSION}"]}
    return {"objects": found, "spec": spec}


def test_this_brian2nwb_writes_the_layout_of_its_version_s_fixture(tmp_path):
    """The fixture writer run again writes what the fixture of the current version holds: the same groups,
    datasets, attributes and types, and the same spec. A change of layout or spec needs a new version (and its
    fixture)."""
    subprocess.run([sys.executable, str(FORMATS / "write_fixture.py"), str(tmp_path)], check=True,
                   capture_output=True, text=True)
    written, fixture = layout(tmp_path / "model.nwb"), layout(FORMATS / VERSION / "model.nwb")
    assert written["spec"] == fixture["spec"], (
        f"The ndx-brian2 spec differs from the one its version {VERSION} was released with: give the format a new "
        "version (patch: docs only; minor: new optional fields or types; major: anything else) and its fixture.")
    changed = {name: (fixture["objects"].get(name), layout_of) for name, layout_of in written["objects"].items()
               if fixture["objects"].get(name) != layout_of}
    missing = set(fixture["objects"]) - set(written["objects"])
    assert not changed and not missing, (changed, missing)


def test_ndx_brian2_imported_first_and_brian2nwb_share_the_types(tmp_path):
    """A user who imports ndx_brian2 (which loads the namespace into pynwb) and then brian2nwb writes and reads
    brian2nwb files; pynwb returns the package's classes for them."""
    script = """
import sys
import ndx_brian2
import brian2nwb
from brian2 import NeuronGroup, Network, SpikeMonitor, ms, prefs
from pynwb import NWBHDF5IO
prefs.codegen.target = "numpy"
group = NeuronGroup(3, "dv/dt = (1.5 - v) / (10*ms) : 1", threshold="v > 1", reset="v = 0", method="exact",
                    name="neurons")
net = Network(group, SpikeMonitor(group, name="spikes"))
brian2nwb.snapshot(net)
net.run(20 * ms)
path = brian2nwb.to_nwb(net, sys.argv[1])
rebuilt = brian2nwb.from_nwb(path)
rebuilt.run_recorded()
assert list(rebuilt["spikes"].t_[:]) == list(net["spikes"].t_[:])
with NWBHDF5IO(sys.argv[1], "r") as io:
    simulation = io.read().get_lab_meta_data("brian2")
    assert isinstance(simulation, ndx_brian2.Brian2Simulation), type(simulation)
    assert isinstance(simulation.objects["neurons"], ndx_brian2.NeuronGroupModel)
print("ok")
"""
    result = subprocess.run([sys.executable, "-c", script, str(tmp_path / "sim.nwb")], capture_output=True,
                            text=True)
    assert result.returncode == 0 and result.stdout.strip().endswith("ok"), result.stderr[-3000:]
