"""The format's reference: built from the spec with hdmf-docutils (as NWB extensions build theirs), it lists
every type; the hand-written page's h5py example reads a brian2nwb file as the page says."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import h5py
import pytest

from brian2nwb.model.format import DECLARATIONS, VERSION

EXTENSION = Path(__file__).resolve().parents[1] / "extensions" / "ndx-brian2"
DOCS = EXTENSION / "docs"
EXAMPLE = DOCS / "source" / "examples" / "read_with_h5py.py"
FIXTURE = Path(__file__).parent / "formats" / VERSION / "model.nwb"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The extension's docs built as HTML from a copy of docs/ and spec/ (nothing is written into the tree; no
    git checkout is needed)."""
    root = tmp_path_factory.mktemp("docs")
    shutil.copytree(DOCS, root / "docs", ignore=shutil.ignore_patterns("build", "_format_auto_docs", "_generated"))
    shutil.copytree(EXTENSION / "spec", root / "spec")
    result = subprocess.run([sys.executable, "-m", "sphinx", "-b", "html", "-q", "source", "build"],
                            cwd=root / "docs", capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    known = ("undefined label: 'sec-", "inventor")  # links to core types; intersphinx offline
    problems = [line for line in result.stderr.splitlines() if "ERROR" in line or "CRITICAL" in line
                or ("WARNING" in line and not any(text in line for text in known))]
    assert not problems, "\n".join(problems)
    return root / "docs" / "build"


def test_the_format_reference_lists_every_type_with_its_fields(built):
    page = (built / "format.html").read_text()
    for name, declared in DECLARATIONS["types"].items():
        assert f'id="sec-{name.lower()}"' in page, name
        for field in declared["attributes"]:
            assert f">.{field['name']}<" in page or f">{field['name']}<" in page, (name, field["name"])
        for table in declared["tables"]:
            assert table["name"] in page, (name, table["name"])


def test_the_layout_page_has_the_roles_and_the_h5py_example(built):
    page = (built / "layout.html").read_text()
    assert "Reading a network with h5py alone" in page
    for role in DECLARATIONS["roles"]:
        assert f"<code class=\"docutils literal notranslate\"><span class=\"pre\">{role}</span></code>" in page, role
    assert "read_with_h5py" in page or "h5py.File(sys.argv[1]" in page.replace("&quot;", '"')


def test_the_h5py_example_reads_the_network_of_a_brian2nwb_file():
    result = subprocess.run([sys.executable, str(EXAMPLE), str(FIXTURE)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    printed = result.stdout
    with h5py.File(FIXTURE, "r") as file:
        objects = file["general/brian2/objects"]
        groups = {name: obj for name, obj in objects.items() if obj.attrs["neurodata_type"] == "NeuronGroupModel"}
        synapses = {name: obj for name, obj in objects.items() if obj.attrs["neurodata_type"] == "SynapsesModel"}
        assert groups and synapses
        for name, group in groups.items():
            assert f"{name}: {group.attrs['num_neurons']} neurons" in printed
            assert all(line in printed for line in str(group.attrs["model"]).splitlines())
        for name, synapse in synapses.items():
            assert f"{name}: {len(synapse['connectivity/i'])} synapses from {synapse.attrs['source']}" in printed
        runs = len(file["general/brian2/runs/duration"])
        restores = sum(a == b"restore" for a in file["general/brian2/steps/action"][()])
    assert len(re.findall(r"^  run \d+: from", printed, re.MULTILINE)) == runs and runs >= 3
    assert printed.count("  restore ") == restores >= 1
