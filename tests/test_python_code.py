"""Python code in files: NetworkOperations and functions with a Python implementation are stored as source and
what their names refer to, run again where their user trusts them (their own key's signature, or
``trust_code=True``), and never otherwise."""

import subprocess
import sys
import textwrap
from pathlib import Path

import h5py
import numpy as np
import pytest
import python_code_networks
from brian2 import ms
from helpers import SUBJECT, assert_same, continue_in_fresh_process
from resimulate import dump

import brian2nwb

HERE = Path(__file__).parent

RERUN = textwrap.dedent("""
    import sys, numpy as np, warnings
    from brian2 import prefs, second
    import brian2nwb
    sys.path.insert(0, {here!r})
    from resimulate import dump
    prefs.codegen.target = "numpy"
    for path in sys.argv[1:]:
        with warnings.catch_warnings():
            warnings.simplefilter("error", brian2nwb.Brian2NWBWarning)  # nothing left out, nothing untrusted
            net = brian2nwb.from_nwb(path)
        net.run_recorded()
        np.savez(path + ".rerun.npz", **dump(net))
""")


def recorded(tmp_path_factory, names) -> dict:
    folder = tmp_path_factory.mktemp("python_code")
    results = {}
    for name in names:
        brian2nwb_scope()
        net, duration = getattr(python_code_networks, f"build_{name}")()
        brian2nwb.snapshot(net)
        net.run(duration)
        path = brian2nwb.to_nwb(net, folder / f"{name}.nwb", subject=SUBJECT)
        results[name] = (path, dump(net))
    return results


def brian2nwb_scope():
    from helpers import reset_brian

    reset_brian("numpy")


def rerun(paths) -> dict:
    result = subprocess.run([sys.executable, "-c", RERUN.format(here=str(HERE)), *map(str, paths)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    out = {}
    for path in paths:
        with np.load(f"{path}.rerun.npz") as data:
            out[Path(path).stem] = dict(data)
    return out


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    return recorded(tmp_path_factory, python_code_networks.NETWORKS)


def test_every_network_with_python_code_reruns_bit_for_bit_in_a_fresh_process(files):
    again = rerun([path for path, _ in files.values()])
    for name, (_, expected) in files.items():
        assert_same(again[name], expected)
        assert any(np.asarray(values).size for values in expected.values()), name


def test_the_file_holds_the_source_and_what_its_names_refer_to(files):
    path, _ = files["poisson_resampled"]
    with h5py.File(path, "r") as file:
        code = file["general/brian2/python_code"]
        assert [s.decode() for s in code["kind"][:]] == ["operation"]
        assert code["source"][0].decode().startswith("def resample():")  # the decorator is data: the schedule
        environment = file["general/brian2/python_environment"]
        refers = dict(zip((s.decode() for s in environment["identifier"][:]),
                          zip((s.decode() for s in environment["kind"][:]),
                              (s.decode() for s in environment["reference"][:]))))
        assert refers == {"inputs": ("object", "inputs"), "np": ("module", "numpy"), "Hz": ("value", "")}
        assert len(file["general/brian2"].attrs["code_signature"]) == 64


def test_a_stopped_run_stops_at_the_same_step(files):
    _, expected = files["monitor_stops"]
    assert len(expected["spikes/t"]) == 7 and expected["trace/t"][-1] < 0.099


def test_a_file_of_another_key_runs_no_code_unless_trusted(files, tmp_path, monkeypatch):
    path, expected = files["adds_every_ms"]
    monkeypatch.setenv("BRIAN2NWB_CONFIG_DIR", str(tmp_path / "stranger"))
    with pytest.warns(brian2nwb.Brian2NWBWarning, match="not trusted here.*trust_code=True"):
        net = brian2nwb.from_nwb(path)
    assert not [obj for obj in net.objects if type(obj).__name__ == "NetworkOperation"]
    net.run_recorded()
    assert not np.array_equal(dump(net)["trace/v"], expected["trace/v"])
    net = brian2nwb.from_nwb(path, trust_code=True)
    net.run_recorded()
    np.testing.assert_array_equal(dump(net)["trace/v"], expected["trace/v"])


def test_operations_passed_to_from_nwb_replace_the_files(files):
    from brian2 import NetworkOperation

    path, _ = files["adds_every_ms"]
    calls = []
    net = brian2nwb.from_nwb(path, operations={"networkoperation": NetworkOperation(lambda: calls.append(1),
                                                                                     dt=1 * ms, name="kick")})
    net.run_recorded()
    assert len(calls) == 30


def test_a_continuation_goes_on_with_the_values_at_the_end(tmp_path):
    """The closure's array at the end (filled by the first part) is where the continuation starts."""
    net, _ = python_code_networks.build_closure_array()
    brian2nwb.snapshot(net)
    net.run(15 * ms)
    path = brian2nwb.to_nwb(net, tmp_path / "closure.nwb", subject=SUBJECT)
    net.run(15 * ms)
    expected = dump(net)
    continued = continue_in_fresh_process(path, "numpy", 0.015)
    first = len(expected["trace/t"]) // 2
    for key in ("trace/v", "trace/I"):
        np.testing.assert_array_equal(continued[key], expected[key][first:], err_msg=key)


def test_info_describe_and_trust_say_whether_the_code_runs_here(files, tmp_path, monkeypatch, capsys):
    """Another user's info says the code does not run; describe shows it; 'brian2nwb trust' signs it with that
    user's key (the file rewritten beside itself), after which their from_nwb runs it."""
    import shutil

    from brian2nwb.tools.cli import main

    path = tmp_path / "theirs.nwb"
    shutil.copy(files["closure_array"][0], path)
    monkeypatch.setenv("BRIAN2NWB_CONFIG_DIR", str(tmp_path / "another_user"))
    assert main(["info", str(path)]) == 0
    assert "Python code: drive (operation), fill (operation); it does not run" in capsys.readouterr().out
    assert main(["describe", str(path)]) == 0
    card = capsys.readouterr().out
    assert "# Python code" in card and "def fill(t):" in card and "not signed with your key" in card
    assert main(["trust", str(path)]) == 0
    assert "signed with your key" in capsys.readouterr().out
    assert main(["info", str(path)]) == 0
    assert "it runs in from_nwb" in capsys.readouterr().out
    net = brian2nwb.from_nwb(path)
    assert {"fill", "drive"} <= {obj.name for obj in net.objects}
    assert oct((tmp_path / "another_user" / "trust_key").stat().st_mode & 0o777) == "0o600"


def test_a_file_without_code_cannot_be_trusted(tmp_path):
    from brian2 import Network, NeuronGroup

    from brian2nwb.tools.cli import main

    group = NeuronGroup(1, "v : 1", name="plain")
    net = Network(group)
    brian2nwb.snapshot(net)
    net.run(1 * ms)
    path = brian2nwb.to_nwb(net, tmp_path / "plain.nwb", subject=SUBJECT)
    assert main(["trust", str(path)]) == 3


def test_without_a_writable_configuration_folder_the_file_is_written_unsigned(tmp_path, monkeypatch):
    (tmp_path / "a_file").write_text("")
    monkeypatch.setenv("BRIAN2NWB_CONFIG_DIR", str(tmp_path / "a_file" / "config"))  # cannot be made
    net, duration = python_code_networks.build_adds_every_ms()
    brian2nwb.snapshot(net)
    net.run(duration)
    with pytest.warns(brian2nwb.Brian2NWBWarning, match="the signature of the Python code.*BRIAN2NWB_CONFIG_DIR"):
        path = brian2nwb.to_nwb(net, tmp_path / "unsigned.nwb", subject=SUBJECT)
    with h5py.File(path, "r") as file:
        assert "code_signature" not in file["general/brian2"].attrs
    rebuilt = brian2nwb.from_nwb(path, trust_code=True)
    assert any(type(obj).__name__ == "NetworkOperation" for obj in rebuilt.objects)
