"""The brian2nwb command on the example file, as a user runs it."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import h5py
import numpy as np
import brian2
import pytest

BIN = Path(sys.executable).parent


def brian2nwb_command(*args, cwd=None) -> subprocess.CompletedProcess:
    """The installed console script, as a user would call it."""
    command = shutil.which("brian2nwb", path=str(BIN)) or shutil.which("brian2nwb")
    assert command, "the brian2nwb command is not installed"
    return subprocess.run([command, *map(str, args)], capture_output=True, text=True, cwd=cwd)


@pytest.fixture(scope="module")
def example(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("cli")
    subprocess.run([sys.executable, "-m", "brian2nwb.tools.example", str(folder / "example.nwb"), "--target", "numpy"],
                   check=True, capture_output=True, cwd=folder)
    return folder / "example.nwb"


@pytest.mark.parametrize("command", ["info", "validate", "resimulate", "plot"])
def test_every_subcommand_has_help(command):
    result = brian2nwb_command(command, "--help")
    assert result.returncode == 0 and "usage: brian2nwb" in result.stdout


def test_info(example):
    result = brian2nwb_command("info", example)
    assert result.returncode == 0, result.stderr
    for text in ("neurons (NeuronGroup, 100 neurons)", "feedforward: poisson -> neurons", "poisson (PoissonGroup)",
                 "spikes (SpikeMonitor of neurons)", "voltage_v: 2000 x 3 samples (volt)", "0.2 s simulated",
                 f"Brian2 {brian2.__version__}", "numpy"):
        assert text in result.stdout


def test_info_json(example):
    summary = json.loads(brian2nwb_command("info", example, "--json").stdout)
    assert {g["name"]: g["size"] for g in summary["groups"]}["neurons"] == 100
    assert summary["recordings"]["spikes"] > 0
    assert summary["provenance"]["codegen_target"] == "numpy"
    assert summary["duration_s"] == pytest.approx(0.2)


def test_validate_passes_on_the_example(example):
    result = brian2nwb_command("validate", example, "--dandi")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "pynwb validation: OK" in result.stdout and "model: rebuilds" in result.stdout


def test_validate_fails_without_subject(example, tmp_path):
    path = tmp_path / "nosubject.nwb"
    shutil.copy(example, path)
    with h5py.File(path, "r+") as file:
        del file["general/subject"]
    result = brian2nwb_command("validate", path)
    assert result.returncode == 1
    assert "CRITICAL" in result.stdout


def test_resimulate_reports_an_exact_match(example, tmp_path):
    result = brian2nwb_command("resimulate", example, "-o", tmp_path / "again.nwb")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "spikes: exact match" in result.stdout and "input_spikes: exact match" in result.stdout
    assert (tmp_path / "again.nwb").exists()


def test_resimulate_reports_edited_weights(example, tmp_path):
    path = tmp_path / "edited.nwb"
    shutil.copy(example, path)
    with h5py.File(path, "r+") as file:
        weights = file["general/brian2/objects/exc_syn/final_state/w"]
        weights[...] = np.asarray(weights) * 3
        initial = file["general/brian2/objects/exc_syn"].get("initial_state")
        assert initial is None or "w" not in initial  # w did not change since t=0: final_state is used
    result = brian2nwb_command("resimulate", path)
    assert result.returncode == 1
    assert "spikes: MISMATCH" in result.stdout and "first difference at t =" in result.stdout
    assert "input_spikes: exact match" in result.stdout  # the Poisson input itself is unaffected


def test_plot_draws_every_panel(example, tmp_path):
    from PIL import Image

    figure = tmp_path / "figure.png"
    result = brian2nwb_command("plot", example, "-o", figure)
    assert result.returncode == 0, result.stderr
    image = Image.open(figure)
    panels = image.text["Panels"].split("; ")
    assert panels == ["Spikes (Units) by population", "voltage_v (volt)", "Population rates (Hz)",
                      "Inputs (TimedArrays, spike generators)"]
    pixels = np.asarray(image.convert("L"), dtype=float)
    height = pixels.shape[0]
    for k in range(len(panels)):  # every panel has drawn content, not just a frame
        band = pixels[int(height * k / len(panels)):int(height * (k + 1) / len(panels))]
        assert (band < 200).mean() > 0.01


@pytest.fixture(scope="module")
def import_messages() -> str:
    """What importing brian2nwb prints on stderr by itself: Brian2 logs some messages at import (e.g. when its
    Cython cache has grown past ``prefs.codegen.max_cache_dir_size``), before the command can run."""
    return subprocess.run([sys.executable, "-c", "import brian2nwb"], capture_output=True, text=True,
                          check=True).stderr


@pytest.mark.parametrize("command", ["info", "validate", "resimulate", "plot"])
def test_a_bad_file_is_one_line_and_exit_code_3(example, tmp_path, command, import_messages):
    """Every subcommand reports a file it refuses in one line on stderr (no traceback) and exits with 3;
    ``--debug`` shows the traceback."""
    hostile = tmp_path / "hostile.bin"  # not *.nwb: the conftest validates those
    shutil.copy(example, hostile)
    with h5py.File(hostile, "r+") as file:
        file["general/elsewhere"] = h5py.ExternalLink("/etc/passwd", "/")
    extra = ["-o", tmp_path / "out.png"] if command == "plot" else []
    result = brian2nwb_command(command, hostile, *extra)
    assert result.returncode == 3, result
    assert result.stderr.startswith(import_messages), result.stderr
    ours = result.stderr[len(import_messages):]
    assert ours.count("\n") == 1 and "InvalidFileError" in ours and "another file" in ours
    assert "Traceback" not in result.stderr
    debug = brian2nwb_command("--debug", command, hostile, *extra)
    assert debug.returncode not in (0, 3) and "Traceback" in debug.stderr


def test_info_prints_no_terminal_escape_sequences(example, tmp_path):
    edited = tmp_path / "edited.bin"
    shutil.copy(example, edited)
    with h5py.File(edited, "r+") as file:
        file["session_description"][()] = "a network\x1b[2J\x1b]0;pwned\x07"
    result = brian2nwb_command("info", edited)
    assert result.returncode == 0, result
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout and "a network" in result.stdout
