"""Only a bad file is an `InvalidFileError`: a bug of brian2nwb, or a failure of the user's own operation,
raises as itself; Brian2 refusing a file's model (which passed the checks) is still the file's fault."""

from __future__ import annotations

import subprocess
import sys

import h5py
import pytest
from brian2 import Network, NetworkOperation, NeuronGroup, SpikeMonitor, ms

import brian2nwb
from brian2nwb import InvalidFileError
from helpers import HERE, SUBJECT, reset_brian


class Bug(Exception):
    """What a broken brian2nwb function raises in these tests."""


@pytest.fixture(scope="module")
def small_file(tmp_path_factory):
    folder = tmp_path_factory.mktemp("errors")
    reset_brian("numpy")
    group = NeuronGroup(3, "dv/dt = (1.5 - v) / (10 * ms) : 1", threshold="v > 1", reset="v = 0", method="exact",
                        name="group")
    tick = NetworkOperation(lambda: None, dt=1 * ms, name="tick")
    net = Network(group, SpikeMonitor(group, name="spikes"), tick)
    brian2nwb.snapshot(net)
    net.run(5 * ms)
    with pytest.warns(brian2nwb.Brian2NWBWarning):
        return brian2nwb.to_nwb(net, folder / "small.nwb", subject=SUBJECT)


def broken(*args, **kwargs):
    raise Bug("a deliberately broken brian2nwb function")


@pytest.mark.parametrize("module, function", [
    ("brian2nwb.verbs.reader", "model_from_nwb"),  # decoding the file (inside the reading libraries' guard)
    ("brian2nwb.model.timeline", "decode"),  # after the checks
    ("brian2nwb.trust.model", "sizes_of"),  # inside the checks
    ("brian2nwb.verbs.reader", "recorded_runs"),
])
def test_a_bug_of_brian2nwb_is_not_reported_as_a_bad_file(small_file, monkeypatch, module, function):
    monkeypatch.setattr(sys.modules[module], function, broken)
    with pytest.raises(Bug):
        brian2nwb.from_nwb(small_file, operations={"tick": NetworkOperation(lambda: None, dt=1 * ms)})


def test_the_users_own_operation_raises_as_itself(small_file):
    def fails():
        raise ZeroDivisionError("the user's operation")

    net = brian2nwb.from_nwb(small_file, operations={"tick": NetworkOperation(fails, dt=1 * ms)})
    with pytest.raises(ZeroDivisionError, match="the user's operation"):
        net.run_recorded()


def test_brian2_refusing_the_files_model_is_the_files_fault(small_file, tmp_path):
    """A threshold that passes the code checks but compares a dimensionless variable with volts: Brian2
    refuses it when the run is prepared."""
    path = tmp_path / "units.nwb"
    path.write_bytes(small_file.read_bytes())
    with h5py.File(path, "r+") as file:
        file["general/brian2/objects/group"].attrs["threshold"] = "v > 1 * volt"
    net = brian2nwb.from_nwb(path, operations={"tick": NetworkOperation(lambda: None, dt=1 * ms)})
    with pytest.raises(InvalidFileError, match="Brian2 cannot run the model"):
        net.run_recorded()


def test_the_command_exits_with_3_only_for_a_bad_file(small_file, tmp_path):
    bad = tmp_path / "bad.nwb"
    bad.write_bytes(b"not an NWB file")
    command = [sys.executable, "-m", "brian2nwb", "info"]
    assert subprocess.run(command + [str(bad)], capture_output=True).returncode == 3
    assert subprocess.run(command + [str(small_file)], capture_output=True).returncode == 0


def test_warnings_point_at_the_line_that_called_to_nwb(tmp_path):
    group = NeuronGroup(2, "v : 1", name="group")
    net = Network(group, NetworkOperation(lambda: None, dt=1 * ms, name="tick"))
    brian2nwb.snapshot(net)
    net.run(1 * ms)
    with pytest.warns(brian2nwb.Brian2NWBWarning) as caught:
        brian2nwb.to_nwb(net, tmp_path / "no_subject.nwb")  # left out: the operation; DANDI: no subject
    ours = [w for w in caught if issubclass(w.category, brian2nwb.Brian2NWBWarning)]
    assert len(ours) == 2 and {w.filename for w in ours} == {__file__}
