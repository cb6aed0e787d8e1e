"""Fast tier (no simulation): ndx-brian2 is an NWB extension of its own - its generator and its tests need
neither Brian2 nor brian2nwb, the spec it ships is what its generator writes, and brian2nwb uses it without
putting the namespace into files other code of the process writes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXTENSION = ROOT / "extensions" / "ndx-brian2"
#: A process started with this environment cannot import Brian2 or brian2nwb.
WITHOUT_BRIAN2 = dict(os.environ, PYTHONPATH=str(Path(__file__).parent / "blocked"))


def test_the_generator_needs_neither_brian2_nor_brian2nwb_and_writes_the_committed_spec(tmp_path):
    check = subprocess.run([sys.executable, "-c", "import brian2"], env=WITHOUT_BRIAN2, capture_output=True,
                           text=True)
    assert check.returncode != 0 and "blocked" in check.stderr  # the blocker works
    subprocess.run([sys.executable, str(EXTENSION / "src" / "spec" / "create_extension_spec.py"), str(tmp_path)],
                   env=WITHOUT_BRIAN2, check=True, capture_output=True, text=True)
    committed = sorted(path.name for path in (EXTENSION / "spec").iterdir())
    assert sorted(path.name for path in tmp_path.iterdir()) == committed
    for name in committed:
        assert (tmp_path / name).read_text() == (EXTENSION / "spec" / name).read_text(), (
            f"spec/{name} is stale: run python extensions/ndx-brian2/src/spec/create_extension_spec.py")


def test_the_extension_s_own_tests_pass_without_brian2_and_brian2nwb():
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir",
                             str(EXTENSION), "-c", str(EXTENSION / "pyproject.toml"), str(EXTENSION / "src" / "pynwb" /
                                                                                          "tests")],
                            env=WITHOUT_BRIAN2, cwd=EXTENSION, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert " passed" in result.stdout and " skipped" not in result.stdout, result.stdout[-2000:]


def test_importing_brian2nwb_leaves_pynwb_s_own_files_without_ndx_brian2(tmp_path):
    """brian2nwb reads the extension's files and loads them into a type map of its own: a plain pynwb file
    written in the same process caches no ndx-brian2 spec."""
    script = """
import sys
from datetime import datetime, timezone
import h5py, pynwb
import brian2nwb
nwbfile = pynwb.NWBFile(session_description="x", identifier="x", session_start_time=datetime.now(timezone.utc))
with pynwb.NWBHDF5IO(sys.argv[1], "w") as io:
    io.write(nwbfile)
with h5py.File(sys.argv[1], "r") as file:
    print(sorted(file["specifications"]))
"""
    result = subprocess.run([sys.executable, "-c", script, str(tmp_path / "plain.nwb")], capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "ndx-brian2" not in result.stdout and "core" in result.stdout
