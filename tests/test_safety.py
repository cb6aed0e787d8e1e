"""Writing never damages a user's file: no overwrite without asking, no half-written file."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from brian2 import Network, NeuronGroup, SpikeMonitor, ms

import brian2nwb
from helpers import SUBJECT


def small_network():
    group = NeuronGroup(3, "dv/dt = (1.5 - v) / (10 * ms) : 1", threshold="v > 1", reset="v = 0",
                        method="exact", name="group")
    net = Network(group, SpikeMonitor(group, name="spikes"))
    net.run(30 * ms)
    return net


def test_existing_file_is_not_replaced_without_overwrite(tmp_path):
    path = tmp_path / "sim.nwb"
    path.write_bytes(b"precious")
    with pytest.raises(FileExistsError, match="overwrite=True"):
        brian2nwb.to_nwb(small_network(), path, subject=SUBJECT)
    assert path.read_bytes() == b"precious"
    assert list(tmp_path.iterdir()) == [path]


def test_overwrite_replaces_the_file(tmp_path):
    path = tmp_path / "sim.nwb"
    path.write_bytes(b"old")
    assert brian2nwb.to_nwb(small_network(), path, overwrite=True, subject=SUBJECT) == path
    assert path.read_bytes()[:8] == b"\x89HDF\r\n\x1a\n"
    assert list(tmp_path.iterdir()) == [path], "no temporary file may be left behind"


def test_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        brian2nwb.to_nwb(small_network(), tmp_path / "nope" / "sim.nwb", subject=SUBJECT)


def test_folder_as_path_is_a_clear_error(tmp_path):
    with pytest.raises(IsADirectoryError):
        brian2nwb.to_nwb(small_network(), tmp_path, subject=SUBJECT)


def test_wrong_network_argument_is_a_clear_error(tmp_path):
    with pytest.raises(TypeError, match="brian2.Network"):
        brian2nwb.to_nwb([small_network()], tmp_path / "sim.nwb", subject=SUBJECT)
    assert not list(tmp_path.iterdir())


def test_failure_while_building_leaves_nothing(tmp_path):
    path = tmp_path / "sim.nwb"
    with pytest.raises(TypeError):
        brian2nwb.to_nwb(small_network(), path, subject=SUBJECT, no_such_nwb_field=1)
    assert not list(tmp_path.iterdir())


WRITER = textwrap.dedent("""
    import sys
    import numpy as np
    from brian2 import Network, NeuronGroup, StateMonitor, ms, prefs
    import brian2nwb
    prefs.codegen.target = "numpy"
    group = NeuronGroup(2000, "dv/dt = -v / (10 * ms) + xi / sqrt(ms) : 1", method="euler", name="group")
    monitor = StateMonitor(group, "v", record=True, name="trace")
    net = Network(group, monitor)
    net.run(500 * ms)
    print("simulated", flush=True)
    brian2nwb.to_nwb(net, sys.argv[1], overwrite=True, compression="gzip", compression_opts=9,
                     subject=dict(subject_id="a", species="Mus musculus", sex="U", age="P1D"))
    print("written", flush=True)
""")


def kill_while_writing(path: Path) -> None:
    """Run a writer of a large file and SIGKILL it once its partial file appears."""
    process = subprocess.Popen([sys.executable, "-c", WRITER, str(path)], stdout=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 300
    try:
        while time.monotonic() < deadline:
            partials = list(path.parent.glob(f".{path.name}.*.partial.nwb"))
            if partials and partials[0].stat().st_size > 0:
                break
            assert process.poll() is None, "the writer finished before it could be interrupted"
            time.sleep(0.005)
        else:
            pytest.fail("the writer never started writing")
        time.sleep(0.2)
        assert process.poll() is None, "the writer finished before it could be interrupted"
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    assert process.returncode == -signal.SIGKILL
    assert "written" not in process.stdout.read()


def test_killed_write_leaves_no_file(tmp_path):
    path = tmp_path / "sim.nwb"
    kill_while_writing(path)
    assert not path.exists()


def test_killed_write_leaves_existing_file_unchanged_and_next_write_cleans_up(tmp_path):
    path = tmp_path / "sim.nwb"
    path.write_bytes(b"precious")
    kill_while_writing(path)
    assert path.read_bytes() == b"precious"
    leftovers = list(tmp_path.glob(".sim.nwb.*.partial.nwb"))
    assert leftovers, "the killed writer's partial file should still be there"
    brian2nwb.to_nwb(small_network(), path, overwrite=True, subject=SUBJECT)
    assert sorted(os.listdir(tmp_path)) == ["sim.nwb"], "a stale partial file of a dead writer is removed"


def test_progress_is_silent_off_a_terminal_and_shown_on_request(tmp_path, capfd):
    net = small_network()
    brian2nwb.to_nwb(net, tmp_path / "quiet.nwb", subject=SUBJECT)
    brian2nwb.from_nwb(tmp_path / "quiet.nwb", state="final")
    assert "to_nwb" not in capfd.readouterr().err
    brian2nwb.to_nwb(net, tmp_path / "loud.nwb", subject=SUBJECT, progress=True)
    brian2nwb.from_nwb(tmp_path / "loud.nwb", state="final", progress=True)
    err = capfd.readouterr().err
    assert "to_nwb loud.nwb" in err and "from_nwb loud.nwb" in err
