"""Test helpers: reading files back in a fresh process and checking them like DANDI would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import brian2
import numpy as np

HERE = Path(__file__).parent

#: A subject with every field DANDI asks for.
SUBJECT = dict(subject_id="model-1", species="Mus musculus", sex="U", age="P90D",
               description="A simulated network.")


def reset_brian(target: str) -> None:
    brian2.start_scope()
    brian2.defaultclock.dt = 0.1 * brian2.ms
    brian2.prefs.codegen.target = target


def read_plain(path: Path) -> dict[str, np.ndarray]:
    """Everything in ``path``, read by plain pynwb in a fresh Python process."""
    dump = path.with_suffix(".dump.npz")
    subprocess.run([sys.executable, str(HERE / "read_plain.py"), str(path), str(dump)], check=True,
                   capture_output=True, text=True)
    with np.load(dump, allow_pickle=False) as data:
        return dict(data)


def check_valid(path: Path, inspect: bool = True) -> None:
    """pynwb validation without errors, nwbinspector without CRITICAL or violations."""
    import pynwb
    from nwbinspector import Importance, inspect_nwbfile

    errors = pynwb.validate(path=str(path))
    assert not errors, errors
    if not inspect:
        return
    serious = [message for message in inspect_nwbfile(nwbfile_path=str(path))
               if message.importance in (Importance.CRITICAL, Importance.BEST_PRACTICE_VIOLATION)]
    assert not serious, "\n".join(f"{m.importance.name} {m.check_function_name} {m.object_name}: {m.message}"
                                  for m in serious)


def neurosift_problems(path: Path) -> list[str]:
    """What Neurosift cannot show in an HDF5 NWB file: every 64-bit integer attribute (h5wasm hands them to
    JavaScript as BigInt, which Neurosift's attribute views cannot serialize: an array blanks the page)."""
    import h5py

    problems = []

    def visit(name, item):
        for key, value in item.attrs.items():
            dtype = getattr(value, "dtype", None) or item.attrs.get_id(key).dtype
            if dtype.kind in "iu" and dtype.itemsize > 4:
                problems.append(f"{name or '/'}: attribute '{key}' is {dtype} (Neurosift needs at most 32 bits)")

    with h5py.File(path, "r") as file:
        visit("", file)
        file.visititems(visit)
    return problems


def every_finding(path: Path) -> list[str]:
    """Every nwbinspector message about ``path`` under DANDI's configuration, at any importance."""
    from nwbinspector import inspect_nwbfile, load_config

    return [f"{m.importance.name} {m.check_function_name} {m.object_name}: {m.message}"
            for m in inspect_nwbfile(nwbfile_path=str(path), config=load_config("dandi"))]


def spikes_of(data: dict, monitor: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(neuron per spike, spike time, row) of ``monitor``'s rows of the Units table, as read back."""
    ends = data["units/spike_times_index"].astype(np.int64)
    starts = np.concatenate([[0], ends[:-1]])
    rows = np.flatnonzero(data["units/monitor"] == monitor)
    index = np.concatenate([np.full(ends[r] - starts[r], data["units/neuron"][r]) for r in rows])
    times = np.concatenate([data["units/spike_times"][starts[r]:ends[r]] for r in rows])
    return index, times, rows


def ragged_rows(data: dict, column: str, rows) -> np.ndarray:
    """The values of a ragged Units column for ``rows``, concatenated."""
    ends = data[f"units/{column}_index"].astype(np.int64)
    starts = np.concatenate([[0], ends[:-1]])
    return np.concatenate([data[f"units/{column}"][starts[r]:ends[r]] for r in rows])


def by_neuron(index: np.ndarray, times: np.ndarray, *others: np.ndarray):
    """Spikes ordered by neuron, then time (as the Units table holds them)."""
    order = np.lexsort((times, index))
    return (index[order], times[order]) + tuple(o[order] for o in others)


# -- re-running a file in a fresh process, and comparing ------------------------------------------------

def resimulate(path: Path, target: str, *extra: str, python: str = sys.executable) -> dict:
    """Rebuild and re-run ``path`` in a fresh process (of ``python``); its spikes and final state."""
    out = path.with_suffix(".resim.npz")
    result = subprocess.run([python, str(HERE / "resimulate.py"), str(path), str(out), target, *extra],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    with np.load(out) as data:
        return dict(data)


def continue_in_fresh_process(path: Path, target: str, seconds: float, *extra: str) -> dict:
    """``from_nwb(path, state="final")`` run ``seconds`` more in a fresh process (``continue_run.py``): what its
    monitors recorded."""
    out = path.with_suffix(".continued.npz")
    result = subprocess.run([sys.executable, str(HERE / "continue_run.py"), str(path), str(out), target,
                             str(seconds), *extra], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    with np.load(out) as data:
        return dict(data)


def assert_identical(actual: dict, expected: dict) -> None:
    assert set(actual) == set(expected)
    spikes = [key for key in expected if key.endswith("/t") and f"{key[:-2]}/i" in expected]
    assert sum(len(expected[key]) for key in spikes) > 0, "the network should spike"
    for key, values in expected.items():
        np.testing.assert_array_equal(actual[key], values, err_msg=key)


PREAMBLE = textwrap.dedent("""
    import os, sys, types
    import numpy as np
    from brian2 import *
    import brian2nwb
    sys.path.insert(0, {here!r})
    from resimulate import dump
    prefs.codegen.target = {target!r}
    OUT = {out!r}
    SUBJECT = dict(subject_id="m", species="Mus musculus", sex="U", age="P90D")
    RECORD = os.environ.get("RECORD", "1") == "1"   # 0: the same script without brian2nwb

    def keep(name, *objects):
        np.savez(f"{{OUT}}/{{name}}.npz", **dump(types.SimpleNamespace(objects=objects)))
""")


def run_script(tmp_path: Path, body: str, target: str = "numpy", record: bool = True) -> subprocess.CompletedProcess:
    out = tmp_path / ("recorded" if record else "plain")
    out.mkdir(exist_ok=True)
    script = out / "script.py"
    script.write_text(PREAMBLE.format(here=str(HERE), target=target, out=str(out)) + textwrap.dedent(body))
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, cwd=out,
                            env=dict(os.environ, RECORD="1" if record else "0"))
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def load(path: Path) -> dict:
    with np.load(path) as data:
        return dict(data)


def assert_same(actual: dict, expected: dict) -> None:
    assert sorted(actual) == sorted(expected)
    for key in expected:
        np.testing.assert_array_equal(actual[key], expected[key], err_msg=key)


# -- opening hostile files in a fresh process ---------------------------------------------------------------

#: The outcomes a hostile file may have.
DOCUMENTED = {"InvalidFileError", "UnsafeModelError"}


def run_hostile(paths: list[str], target: str, memory_mb: int = 3072, seconds: int = 60) -> dict:
    """{path: {"outcome", "message"}} from `open_hostile.py` in a fresh process; a crash is reported as such."""
    result = subprocess.run([sys.executable, str(HERE / "open_hostile.py"), target, str(memory_mb), str(seconds),
                             *paths], capture_output=True, text=True, timeout=seconds * len(paths) + 600,
                            cwd=Path(paths[0]).parent)  # where a payload would leave its marker
    outcomes = {}
    for line in result.stdout.splitlines():
        if line.startswith("{"):
            record = json.loads(line)
            outcomes[record["file"]] = record
    for path in paths:
        if outcomes.get(path, {}).get("outcome", "started") == "started":
            raise AssertionError(f"the process died on {path} (exit code {result.returncode}): "
                                 f"{result.stderr[-2000:]}")
    return outcomes


# -- headless Chromium (Debian's), for the tests marked ``browser`` --------------------------------------------

def headless_chromium(profile: Path) -> list[str]:
    """The command that runs Chromium headless with its own profile folder (the page URL and output flags follow);
    skips the test where Chromium is missing, unless ``BRIAN2NWB_REQUIRE_BROWSER`` says it must run (CI)."""
    import shutil

    import pytest

    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    if binary is None:
        if os.environ.get("BRIAN2NWB_REQUIRE_BROWSER"):
            pytest.fail("Chromium is required here (BRIAN2NWB_REQUIRE_BROWSER): apt-get install chromium")
        pytest.skip("no Chromium on this machine (CI installs it)")
    return [binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            f"--user-data-dir={profile}"]
