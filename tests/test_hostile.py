"""A hand-crafted hostile file gets a clear error and runs nothing: one case (at least) for each class of attack.

Each case edits a valid file with h5py (or a Zarr store's JSON). In-process tests check the error type and
that no code ran; `test_every_hostile_file_fails_cleanly_in_a_fresh_process` opens every case the way a user
would (from_nwb, run_recorded, info, plot) in a fresh process under a memory and a time limit, on numpy and
on Cython: each outcome must be success or a documented error - never a crash, a hang or another exception.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import h5py
import numpy as np
import pytest
from brian2 import (Hz, Network, NetworkOperation, NeuronGroup, PoissonInput, SpikeGeneratorGroup, SpikeMonitor,
                    StateMonitor, Synapses, TimedArray, ms)

import brian2nwb
from brian2nwb import InvalidFileError, UnsafeModelError
from helpers import DOCUMENTED, SUBJECT, reset_brian, run_hostile

OBJECTS = "general/brian2/objects"


@pytest.fixture(scope="module")
def valid_file(tmp_path_factory):
    reset_brian("numpy")
    group = NeuronGroup(4, "dv/dt = (I - v) / tau : 1\nI : 1", threshold="v > 1", reset="v = 0",
                        method="exact", name="neurons")
    group.I = 2
    synapses = Synapses(group, group, "w : 1", on_pre="v_post += w", delay=1 * ms, name="synapses")
    synapses.connect(p=0.5)
    stimulus = TimedArray([0.0, 1.5, 3.0], dt=2 * ms, name="stimulus")  # noqa: F841 - used by 'driven'
    driven = NeuronGroup(2, "dv/dt = (stimulus(t) - v) / tau : 1", threshold="v > 1", reset="v = 0",
                         method="euler", name="driven")
    inputs = SpikeGeneratorGroup(2, [0, 1, 0], [1, 2, 6] * ms, name="inputs")
    to_driven = Synapses(inputs, driven, on_pre="v_post += 0.5", name="to_driven")
    to_driven.connect(j="i")
    noise = PoissonInput(driven, "v", 5, 100 * Hz, weight=0.1)
    net = Network(group, synapses, driven, inputs, to_driven, noise, SpikeMonitor(group, name="spikes"),
                  SpikeMonitor(driven, name="driven_spikes"), StateMonitor(group, "v", record=[0, 2], name="trace"),
                  NetworkOperation(heartbeat, dt=1 * ms, name="heartbeat"))
    brian2nwb.snapshot(net)  # random states recorded, not seeds
    tau = 10 * ms  # noqa: F841
    net.store("start")
    net.run(5 * ms)
    group.I = 2.5
    net.run(5 * ms)
    return brian2nwb.to_nwb(net, tmp_path_factory.mktemp("valid") / "valid.nwb", subject=SUBJECT)


BEATS = []


def heartbeat():
    """The valid file's NetworkOperation (Python code, signed with the tests' key)."""
    BEATS.append(len(BEATS))


def tampered(valid_file, tmp_path, edit):
    path = tmp_path / "case.hostile"  # not *.nwb: the conftest validates those
    shutil.copy(valid_file, path)
    with h5py.File(path, "r+") as file:
        edit(file)
    return path


MARKER = "brian2nwb_pwned"

ATTACKS = {
    "import in reset": lambda f: f[f"{OBJECTS}/neurons"].attrs.__setitem__(
        "reset", f"__import__('os').system('touch {MARKER}')"),
    "attribute access in threshold": lambda f: f[f"{OBJECTS}/neurons"].attrs.__setitem__(
        "threshold", "v.__class__.__bases__ > 0"),
    "string literal in reset": lambda f: f[f"{OBJECTS}/neurons"].attrs.__setitem__("reset", "v = 'x'"),
    "python call in pathway": lambda f: f[f"{OBJECTS}/synapses/pathways/code"].__setitem__(
        0, "v_post += eval('1')"),
    "code in a unit": lambda f: f[f"{OBJECTS}/neurons"].attrs.__setitem__(
        "model", "dv/dt = (I - v) / tau : __import__('os').system('touch x') or 1\nI : 1"),
    "lambda in model": lambda f: f[f"{OBJECTS}/neurons"].attrs.__setitem__(
        "model", "dv/dt = (lambda: 1)() : 1\nI : 1"),
    "dunder identifier": lambda f: f[f"{OBJECTS}/neurons"].attrs.__setitem__("reset", "v = __builtins__"),
    "unknown identifier": lambda f: f[f"{OBJECTS}/neurons"].attrs.__setitem__("reset", "v = open"),
    "absurd size": lambda f: f[f"{OBJECTS}/neurons"].attrs.__setitem__("num_neurons", np.int64(10**15)),
    "negative size": lambda f: f[f"{OBJECTS}/neurons"].attrs.__setitem__("num_neurons", np.int64(-3)),
    "size not matching state": lambda f: f[f"{OBJECTS}/neurons"].attrs.__setitem__("num_neurons", np.int64(2_000_000_000)),
    "unknown method": lambda f: f[f"{OBJECTS}/neurons"].attrs.__setitem__("method", "os.system"),
    "bad object name": lambda f: f.move(f"{OBJECTS}/neurons", f"{OBJECTS}/__neurons"),
    "synapse index out of range": lambda f: f[f"{OBJECTS}/synapses/connectivity/i"].__setitem__(0, 10**6),
    "negative dt": lambda f: f["general/brian2/clocks/dt"].__setitem__(0, -1.0),
    "temporary named like a dunder": lambda f: f[f"{OBJECTS}/neurons"].attrs.__setitem__(
        "reset", "__class__ = v\nv = 0"),
    "unknown step action": lambda f: f["general/brian2/steps/action"].__setitem__(0, "exec"),
    "step on an object the file lacks": lambda f: f["general/brian2/steps/target"].__setitem__(2, "os"),
    "step running a run the file lacks": lambda f: f["general/brian2/steps/run"].__setitem__(1, 99),
    "stored state with a code name": lambda f: f["general/brian2/steps/target"].__setitem__(0, "__import__"),
    "random state position out of range": lambda f: f["general/brian2/random_states/mt_pos"].__setitem__(0, 10**6),
    "random block that does not exist": lambda f: f["general/brian2/random_states/rand_block"].__setitem__(0, 7),
    "values set for too many neurons": lambda f: _replace(f, f"{OBJECTS}/neurons/step_2_state/I", np.zeros(10**4)),
}

#: Attacks of the classes issue 10 found: each must end in a documented error (`InvalidFileError` or its
#: subclass `UnsafeModelError`), in this process and in a fresh one under limits.
INVALID = {
    # Brian2's internal arrays are offsets into memory: never loaded from a file
    "negative _synaptic_pre": lambda f: _add_column(f, f"{OBJECTS}/synapses/final_state", "_synaptic_pre",
                                                    -np.ones(_rows(f, "synapses"), dtype=np.int32)),
    "_synaptic_post past the target": lambda f: _add_column(f, f"{OBJECTS}/synapses/final_state", "_synaptic_post",
                                                            np.full(_rows(f, "synapses"), 10**8, dtype=np.int32)),
    "synapse count N as state": lambda f: _add_column(f, f"{OBJECTS}/synapses/final_state", "N", np.array([10**8])),
    "_lastindex of a spike generator": lambda f: _add_column(
        f, f"{OBJECTS}/inputs/final_shared_state", "_lastindex", np.array([-5], dtype=np.int32)),
    "unknown state column": lambda f: _add_column(f, f"{OBJECTS}/neurons/final_state", "not_a_variable",
                                                  np.zeros(4)),
    "negative synapse source": lambda f: f[f"{OBJECTS}/synapses/connectivity/i"].__setitem__(0, -1),
    "spike of a neuron past the generator": lambda f: f["events/inputs/neuron"].__setitem__(0, 7),
    "spike of a negative neuron": lambda f: f["events/inputs/neuron"].__setitem__(0, -3),
    "spike times out of order": lambda f: f["events/inputs/timestamp"].__setitem__(0, 0.009),
    "state monitor index past its group": lambda f: f[f"{OBJECTS}/trace/recorded/index"].__setitem__(0, 10**6),
    "negative state monitor index": lambda f: f[f"{OBJECTS}/trace/recorded/index"].__setitem__(1, -1),
    # work without bound
    "exponent tower in threshold": lambda f: f[f"{OBJECTS}/neurons"].attrs.__setitem__(
        "threshold", "v > 2**2**2**2**2**2**2"),
    "huge exponent in reset": lambda f: f[f"{OBJECTS}/neurons"].attrs.__setitem__("reset", "v = v**99999999"),
    "deep expression": lambda f: f[f"{OBJECTS}/neurons"].attrs.__setitem__("threshold", "v > " + "-" * 5000 + "v"),
    "nested parentheses": lambda f: f[f"{OBJECTS}/neurons"].attrs.__setitem__(
        "threshold", "v > " + "(" * 500 + "v" + ")" * 500),
    "huge integer literal": lambda f: f[f"{OBJECTS}/neurons"].attrs.__setitem__("reset", "v = " + "9" * 5000),
    "unit with a huge power": lambda f: f[f"{OBJECTS}/neurons"].attrs.__setitem__(
        "model", "dv/dt = (I - v) / tau : metre ** 1000000000\nI : 1"),
    "unit in parentheses": lambda f: f[f"{OBJECTS}/neurons"].attrs.__setitem__(
        "model", "dv/dt = (I - v) / tau : metre / (second * amp)\nI : 1"),
    "12,000 variables": lambda f: f[f"{OBJECTS}/neurons"].attrs.__setitem__(
        "model", "dv/dt = (I - v) / tau : 1\nI : 1\n" + "\n".join(f"x{k} : 1" for k in range(12_000))),
    "group of 2**31-1 neurons without data": lambda f: (
        [f.__delitem__(f"{OBJECTS}/driven/{table}") for table in ("final_state", "initial_state")],
        f[f"{OBJECTS}/driven"].attrs.__setitem__("num_neurons", np.int64(2**31 - 1))),
    "run of 10**9 s": lambda f: (f["general/brian2/runs/duration"].__setitem__(0, 1e9),
                                 f["general/brian2"].attrs.__setitem__("t_end", 1e9 + 0.005)),
    "run table declaring 10**9 rows": lambda f: _replace_lazy(f, "general/brian2/runs/seed", 10**9, np.int64),
    "dataset declared with 10**10 rows": lambda f: _replace_lazy(f, f"{OBJECTS}/synapses/connectivity/j", 10**10,
                                                                 np.int64),
    # values out of their range
    "TimedArray dt of 0": lambda f: _set_where(f, "general/brian2/identifiers", "kind", "timed_array", "value", 0.0),
    "TimedArray naming a missing series": lambda f: _set_where(f, "general/brian2/identifiers", "kind",
                                                               "timed_array", "reference", "elsewhere"),
    "unknown identifier kind": lambda f: f["general/brian2/identifiers/kind"].__setitem__(0, "module"),
    # settings of the run timeline: allow-lists
    "preference off the allow-list": lambda f: f["general/brian2/preferences/preference"].__setitem__(
        0, "codegen.cpp.extra_compile_args_gcc"),
    "preference value off the allow-list": lambda f: f["general/brian2/preferences/value"].__setitem__(
        0, "__import__('os')"),
    "schedule with an unknown slot": lambda f: f["general/brian2/slots/slot"].__setitem__(0, "os.system"),
    "configure step on a NeuronGroup": lambda f: f["general/brian2/steps/action"].__setitem__(2, "configure"),
    "dt step of a negative dt": lambda f: (f["general/brian2/steps/action"].__setitem__(2, "dt"),
                                           f["general/brian2/steps/target"].__setitem__(2, "defaultclock"),
                                           f["general/brian2/steps/value"].__setitem__(2, "-1")),
    "NaN run duration": lambda f: f["general/brian2/runs/duration"].__setitem__(0, np.nan),
    "NaN delay": lambda f: f[f"{OBJECTS}/synapses/pathways/delay"].__setitem__(0, np.nan),
    "negative delay": lambda f: f[f"{OBJECTS}/synapses/pathways/delay"].__setitem__(0, -1.0),
    "NaN t_end": lambda f: f["general/brian2"].attrs.__setitem__("t_end", np.nan),
    "seed out of range": lambda f: f["general/brian2/runs/seed"].__setitem__(0, 2**40),
    "wrong attribute type": lambda f: f[f"{OBJECTS}/neurons"].attrs.__setitem__("num_neurons", "four"),
    "unknown object type": lambda f: f[f"{OBJECTS}/neurons"].attrs.__setitem__("neurodata_type", "EvilModel"),
    "terminal escape in a name": lambda f: f.move(f"{OBJECTS}/neurons", f"{OBJECTS}/neu\x1b[2Jrons"),
    # the container
    "external link": lambda f: f.__setitem__("general/elsewhere", h5py.ExternalLink("/etc/passwd", "/")),
    "soft-link loop": lambda f: (f.__setitem__("general/loop_a", h5py.SoftLink("/general/loop_b")),
                                 f.__setitem__("general/loop_b", h5py.SoftLink("/general/loop_a"))),
    "link to its own ancestor": lambda f: f.__setitem__(f"{OBJECTS}/up", h5py.SoftLink("/general")),
    "group hard-linked twice": lambda f: f.__setitem__(f"{OBJECTS}/neurons/again", f[OBJECTS]),
    "external raw data": lambda f: _replace_external(f, "general/brian2/runs/duration"),
    "zip bomb": lambda f: _replace_lazy(f, "general/brian2/runs/start_time", 10**8, np.float64, chunks=(10**6,)),
}


# --- the Python code: it runs only under the reader's trust ------------------------------------------------------

SIMULATION = "general/brian2"
PWNED_SOURCE = f"def heartbeat():\n    open({MARKER!r}, 'w').close()\n"

#: Files whose Python code must not run (they are not signed with the reader's key): from_nwb warns and runs
#: the network without it.
UNTRUSTED_CODE = {
    "code with no signature": lambda f: f[SIMULATION].attrs.__delitem__("code_signature"),
    "forged signature": lambda f: f[SIMULATION].attrs.__setitem__("code_signature", "0" * 64),
    "signature by another key": lambda f: f[SIMULATION].attrs.__setitem__("code_signature", _other_key_signature(f)),
    "valid signature over different code": lambda f: f[f"{SIMULATION}/python_code/source"].__setitem__(
        0, PWNED_SOURCE),
    "environment naming a module not importable": lambda f: _set_where(
        f, f"{SIMULATION}/python_environment", "identifier", "BEATS", "kind", "module") or _set_where(
        f, f"{SIMULATION}/python_environment", "identifier", "BEATS", "reference", "not_installed_anywhere"),
}

#: Files whose Python code is refused before anything reads it (trusted or not).
REFUSED_CODE = {
    "code string over the size limit": lambda f: f[f"{SIMULATION}/python_code/source"].__setitem__(
        0, "def heartbeat():\n" + "    x = 1\n" * 20_000),
    "two definitions": lambda f: f[f"{SIMULATION}/python_code/source"].__setitem__(
        0, "def heartbeat():\n    pass\nimport os\n"),
    "a decorator": lambda f: f[f"{SIMULATION}/python_code/source"].__setitem__(
        0, f"@print\n{PWNED_SOURCE}"),
    "source that does not parse": lambda f: f[f"{SIMULATION}/python_code/source"].__setitem__(0, "def heartbeat(:"),
    "definition of another name": lambda f: f[f"{SIMULATION}/python_code/definition"].__setitem__(0, "other"),
    "environment row of no function": lambda f: f[f"{SIMULATION}/python_environment/function"].__setitem__(
        0, "ghost"),
    "environment naming an object the file lacks": lambda f: _set_where(
        f, f"{SIMULATION}/python_environment", "identifier", "BEATS", "kind", "object") or _set_where(
        f, f"{SIMULATION}/python_environment", "identifier", "BEATS", "reference", "os"),
    "import of a name that is code": lambda f: _set_where(
        f, f"{SIMULATION}/python_environment", "identifier", "BEATS", "kind", "import") or _set_where(
        f, f"{SIMULATION}/python_environment", "identifier", "BEATS", "reference", "os:system('x')"),
    "value that is not JSON": lambda f: _set_where(
        f, f"{SIMULATION}/python_environment", "identifier", "BEATS", "initial_value", "{'a': __import__}"),
    "unknown environment kind": lambda f: f[f"{SIMULATION}/python_environment/kind"].__setitem__(0, "eval"),
}


def _other_key_signature(file) -> str:
    import hashlib
    import hmac

    from brian2nwb.trust.signature import SIGNED_TABLES, code_payload

    tables = {name: {column: file[f"{SIMULATION}/{name}/{column}"][:] for column in file[f"{SIMULATION}/{name}"]}
              for name in SIGNED_TABLES}
    return hmac.new(b"a stranger's key of 32 bytes....", code_payload(tables), hashlib.sha256).hexdigest()


@pytest.mark.parametrize("attack", sorted(UNTRUSTED_CODE))
def test_untrusted_code_does_not_run(valid_file, tmp_path, attack, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = tampered(valid_file, tmp_path, UNTRUSTED_CODE[attack])
    with pytest.warns(brian2nwb.Brian2NWBWarning, match="not trusted here"):
        net = brian2nwb.from_nwb(path)
    assert "heartbeat" not in {obj.name for obj in net.objects}
    net.run_recorded()
    assert not (tmp_path / MARKER).exists()


def test_trusted_code_naming_a_module_not_installed_says_so(valid_file, tmp_path):
    path = tampered(valid_file, tmp_path, UNTRUSTED_CODE["environment naming a module not importable"])
    with pytest.raises(ImportError, match="not_installed_anywhere.*not installed"):
        brian2nwb.from_nwb(path, trust_code=True)


@pytest.mark.parametrize("attack", sorted(REFUSED_CODE))
def test_malformed_code_is_refused_before_anything_reads_it(valid_file, tmp_path, attack, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = tampered(valid_file, tmp_path, REFUSED_CODE[attack])
    with pytest.raises(UnsafeModelError) as error:
        brian2nwb.from_nwb(path, trust_code=True)
    print(attack, "->", error.value)
    assert not (tmp_path / MARKER).exists()


def test_the_valid_files_code_runs_signed_with_the_tests_key(valid_file):
    net = brian2nwb.from_nwb(valid_file)
    net.run_recorded()
    assert net["heartbeat"].function.__globals__["BEATS"] == list(range(10))  # its own list, as it was at t=0


def _rows(file, name: str) -> int:
    return len(file[f"{OBJECTS}/{name}/connectivity/i"])


def _add_column(file, table: str, name: str, values) -> None:
    file[f"{table}/{name}"] = values
    file[f"{table}/{name}"].attrs.update({"neurodata_type": "VectorData", "namespace": "hdmf-common",
                                          "description": name, "object_id": "00000000-0000-0000-0000-000000000000"})
    file[table].attrs["colnames"] = np.array(list(file[table].attrs["colnames"]) + [name], dtype=object)


def _replace_lazy(file, path: str, rows: int, dtype, chunks=None) -> None:
    """The dataset at ``path`` declared with ``rows`` rows: unallocated, or (with ``chunks``) one chunk written."""
    attributes = dict(file[path].attrs)
    del file[path]
    if chunks is None:
        file.create_dataset(path, shape=(rows,), dtype=dtype)
    else:
        file.create_dataset(path, shape=(rows,), dtype=dtype, chunks=chunks, compression="gzip")
        file[path][: chunks[0]] = 0
    file[path].attrs.update(attributes)


def _replace_external(file, path: str) -> None:
    attributes = dict(file[path].attrs)
    values = file[path][:]
    del file[path]
    file.create_dataset(path, shape=values.shape, dtype=values.dtype, external=[("/etc/hostname", 0, values.nbytes)])
    file[path].attrs.update(attributes)


def _set_where(file, table: str, key: str, match: str, column: str, value) -> None:
    keys = [k.decode() if isinstance(k, bytes) else k for k in file[f"{table}/{key}"][:]]
    file[f"{table}/{column}"][keys.index(match)] = value


def _replace(file, path, values):
    attributes = dict(file[path].attrs)
    del file[path]
    file[path] = values
    file[path].attrs.update(attributes)


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_hostile_file_is_refused(valid_file, tmp_path, attack, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = tampered(valid_file, tmp_path, ATTACKS[attack])
    with pytest.raises(UnsafeModelError) as error:
        brian2nwb.from_nwb(path)
    print(attack, "->", error.value)
    assert not (tmp_path / MARKER).exists()
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize("attack", sorted(INVALID))
def test_invalid_file_gets_a_documented_error(valid_file, tmp_path, attack, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = tampered(valid_file, tmp_path, INVALID[attack])
    with pytest.raises(InvalidFileError) as error:
        brian2nwb.from_nwb(path).run_recorded()
    message = str(error.value)
    print(attack, "->", message)
    assert "\x1b" not in message and len(message) < 2000


def test_every_hostile_file_fails_cleanly_in_a_fresh_process(valid_file, tmp_path_factory):
    """All cases, opened as a user would (from_nwb, run_recorded, info, plot), in a fresh process per target
    with 3 GiB of address space and 60 s per case: success or a documented error, nothing else."""
    cases = {}
    every = {**ATTACKS, **INVALID, **UNTRUSTED_CODE, **REFUSED_CODE}
    for attack in sorted(every):
        folder = tmp_path_factory.mktemp("case")
        cases[str(tampered(valid_file, folder, every[attack]))] = attack
    cases[str(valid_file)] = "untampered"
    for target in ("numpy", "cython"):
        outcomes = run_hostile(list(cases), target)
        assert outcomes[str(valid_file)]["outcome"] == "ok", outcomes[str(valid_file)]
        for path, attack in cases.items():
            if attack in UNTRUSTED_CODE:  # the network runs, without the code
                assert outcomes[path]["outcome"] in DOCUMENTED | {"ok"}, (target, attack, outcomes[path])
            elif attack != "untampered":
                assert outcomes[path]["outcome"] in DOCUMENTED, (target, attack, outcomes[path])
    assert not list(Path.cwd().glob(MARKER))


def test_untampered_file_rebuilds(valid_file):
    net = brian2nwb.from_nwb(valid_file)
    net.run_recorded()
    assert len(net["spikes"].t) > 0


#: Large columns are read straight into Brian2's arrays and checked there (`brian2nwb.brian.stored`); with every
#: column "large" the small valid file takes that path. Each case must still be refused before anything runs.
DIRECT = {
    "synapse index out of range": ATTACKS["synapse index out of range"],
    "negative synapse source": INVALID["negative synapse source"],
    "int64 target that wraps to a valid int32": lambda f: _replace(
        f, f"{OBJECTS}/synapses/connectivity/j", np.asarray(f[f"{OBJECTS}/synapses/connectivity/j"][:],
                                                            dtype=np.int64) + 2**32),
    "negative per-synapse delay": lambda f: _add_delays(f, -1e-3),
    "NaN per-synapse delay": lambda f: _add_delays(f, np.nan),
}


def _add_delays(file, bad: float) -> None:
    """Per-synapse delays of the 'pre' pathway, one of them ``bad``."""
    delays = np.full(_rows(file, "synapses"), 1e-3)
    delays[-1] = bad
    _add_column(file, f"{OBJECTS}/synapses/connectivity", "delay_pre", delays)
    file[f"{OBJECTS}/synapses/pathways/per_synapse_delay"][0] = True


@pytest.mark.parametrize("attack", sorted(DIRECT))
def test_columns_read_into_brian2_are_checked_there(valid_file, tmp_path, attack, monkeypatch):
    from brian2nwb.brian import stored

    monkeypatch.setattr(stored, "DIRECT_MIN_ROWS", 1)
    path = tampered(valid_file, tmp_path, DIRECT[attack])
    with pytest.raises(InvalidFileError) as error:
        brian2nwb.from_nwb(path).run_recorded()
    print(attack, "->", error.value)
    assert "synapse" in str(error.value) or "delay" in str(error.value)


def test_untampered_file_rebuilds_from_columns_read_into_brian2(valid_file, monkeypatch):
    from brian2nwb.brian import stored

    monkeypatch.setattr(stored, "DIRECT_MIN_ROWS", 1)
    reference = brian2nwb.from_nwb(valid_file)
    reference.run_recorded()
    monkeypatch.setattr(stored, "DIRECT_MIN_ROWS", 1 << 16)
    net = brian2nwb.from_nwb(valid_file)
    net.run_recorded()
    np.testing.assert_array_equal(reference["spikes"].t_[:], net["spikes"].t_[:])
    np.testing.assert_array_equal(reference["trace"].v[:], net["trace"].v[:])


def test_a_file_that_crashes_libhdf5_is_refused_not_fatal():
    """A bit-flipped copy of the fuzzer's file (tests/data/crashes_libhdf5.hostile, found by flipping bits) on
    which libhdf5 itself segfaults while reading an attribute: the metadata is read first in a child process,
    so the user's process gets an InvalidFileError (before, from_nwb killed it with SIGSEGV)."""
    path = Path(__file__).parent / "data" / "crashes_libhdf5.hostile"
    reads_attributes = ("import h5py, sys\nfile = h5py.File(sys.argv[1], 'r')\nnames = []\nfile.visit(names.append)\n"
                        "for name in names:\n    [file[name].attrs[key] for key in file[name].attrs]\n")
    crashes = subprocess.run([sys.executable, "-c", reads_attributes, str(path)], capture_output=True).returncode < 0
    outcome = run_hostile([str(path)], "numpy")[str(path)]
    assert outcome["outcome"] == "InvalidFileError", outcome
    if crashes:  # with this libhdf5 (the file crashed the ones of both CI stacks when it was found)
        assert "the HDF5 library crashed reading its metadata" in outcome["message"], outcome
