"""Files by URL: served by a local web server that honours Range requests and redirects (as DANDI's asset
URLs redirect to S3), read with remfile after the same container checks as a file on disk."""

from __future__ import annotations

import shutil
import subprocess
import sys

import h5py
import numpy as np
import pytest
from range_server import serving

import brian2nwb
from brian2nwb.tools.spikes import compare_spikes, read_spikes
from brian2nwb.tools.summary import summarize


@pytest.fixture(scope="module")
def server(rich, tmp_path_factory):
    """The rich network's file and a hostile copy of it (an external link), served."""
    folder = tmp_path_factory.mktemp("served")
    shutil.copy(rich[2], folder / "rich.nwb")
    shutil.copy(rich[2], folder / "linked.h5")  # not *.nwb: the conftest checks those
    with h5py.File(folder / "linked.h5", "a") as file:
        file["acquisition/elsewhere"] = h5py.ExternalLink("/etc/passwd", "/")
    with serving(folder) as running:
        running.folder = folder
        yield running


def test_info_by_a_redirecting_url_reads_part_of_the_file(server):
    server.reset()
    by_url = summarize(server.redirect_url("rich.nwb"))
    on_disk = summarize(server.folder / "rich.nwb")
    by_url.pop("file"), on_disk.pop("file")
    assert by_url == on_disk
    assert 0 < server.bytes_sent


def test_from_nwb_by_url_reproduces_the_recording(server):
    net = brian2nwb.from_nwb(server.url("rich.nwb"))
    net.run_recorded()
    recorded = read_spikes(server.folder / "rich.nwb")
    monitors = [obj for obj in net.objects if type(obj).__name__ == "SpikeMonitor"]
    assert monitors
    for monitor in monitors:
        start = int(getattr(monitor.source, "start", 0))
        report = compare_spikes(recorded[monitor.name], (np.asarray(monitor.i[:]) + start, np.asarray(monitor.t_[:])))
        assert report["exact"], report


@pytest.mark.parametrize("command", ["info", "plot", "describe", "validate"])
def test_commands_take_a_url(server, command, tmp_path):
    extra = {"plot": ["-o", str(tmp_path / "figure.png")], "describe": ["--html", "-o", str(tmp_path / "card.html")]}
    result = subprocess.run([sys.executable, "-m", "brian2nwb", command, server.redirect_url("rich.nwb"),
                             *extra.get(command, [])], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    if command == "plot":
        assert (tmp_path / "figure.png").stat().st_size > 10_000
    if command == "validate":
        assert "pynwb validation: OK" in result.stdout and "model: rebuilds" in result.stdout


def test_a_hostile_file_by_url_is_refused_as_on_disk(server):
    with pytest.raises(brian2nwb.InvalidFileError, match="is a link to another file") as on_disk:
        brian2nwb.from_nwb(server.folder / "linked.h5")
    with pytest.raises(brian2nwb.InvalidFileError, match="is a link to another file") as by_url:
        brian2nwb.from_nwb(server.url("linked.h5"))
    assert str(by_url.value).split(": ", 1)[1] == str(on_disk.value).split(": ", 1)[1]


def test_a_missing_url_is_an_os_error_naming_it(server):
    with pytest.raises(OSError, match="Cannot read .*missing.nwb"):  # UnreachableURLError
        brian2nwb.from_nwb(server.url("missing.nwb"))
    result = subprocess.run([sys.executable, "-m", "brian2nwb", "info", server.url("missing.nwb")],
                            capture_output=True, text=True)
    assert result.returncode == 3 and "missing.nwb" in result.stderr and "Traceback" not in result.stderr
