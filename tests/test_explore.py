"""brian2nwb.explore on a real Dask LocalCluster: files that re-simulate exactly, resumable, robust."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from brian2 import Hz, mV, ms

import brian2nwb
from brian2nwb.tools import read_spikes
from explore_models import dies_once, poisson_driven
from helpers import SUBJECT, check_valid, reset_brian, resimulate
from resimulate import dump

GRID = {"tau": [5 * ms, 20 * ms], "rate": [30 * Hz, 90 * Hz]}
SEEDS = [1, 2]


@pytest.fixture(scope="module")
def base_file(tmp_path_factory) -> Path:
    """The model to explore: recorded once with its constants in the run namespace."""
    reset_brian("numpy")
    net = poisson_driven()
    net["neurons"].namespace.clear()  # tau and rate then come from the run's namespace
    net["drive"].namespace.clear()
    brian2nwb.snapshot(net, seed=7)
    net.run(40 * ms, namespace={"tau": 10 * ms, "rate": 60 * Hz})
    return brian2nwb.to_nwb(net, tmp_path_factory.mktemp("explore") / "base.nwb", subject=SUBJECT)


@pytest.fixture(scope="module")
def sweep(base_file, tmp_path_factory):
    out = tmp_path_factory.mktemp("sweep") / "grid"
    table = brian2nwb.explore(base_file, GRID, out, seeds=SEEDS, workers=2, progress=False)
    return out, table


def test_every_point_is_done_and_tabulated(sweep):
    out, table = sweep
    assert len(table) == 8 and set(table["status"]) == {"done"}, table[["point", "status", "error"]]
    assert list(table.columns[:4]) == ["point", "seed", "tau [second]", "rate [hertz]"]
    assert sorted(set(zip(table["tau [second]"], table["rate [hertz]"], table["seed"]))) == sorted(
        {(tau, rate, seed) for tau in (0.005, 0.02) for rate in (30.0, 90.0) for seed in SEEDS})
    assert table["spikes spikes"].sum() > 0
    assert brian2nwb.sweep_table(out).equals(table)
    for file in table["file"]:
        assert (out / file).exists() and file.startswith("sub-base/sub-base_ses-p")


def test_point_files_resimulate_and_equal_a_serial_run(sweep, base_file):
    """Each file re-simulates bit for bit in a fresh process, and equals from_nwb(namespace=point) run here."""
    out, table = sweep
    for _, row in table.iterrows():
        path = out / row["file"]
        resimulated = resimulate(path, "numpy")
        reset_brian("numpy")
        net = brian2nwb.from_nwb(base_file, namespace={"tau": row["tau [second]"] * 1000 * ms,
                                                       "rate": row["rate [hertz]"] * Hz})
        brian2nwb.snapshot(net, seed=int(row["seed"]))
        net.run_recorded()
        serial = dump(net)
        for key in ("spikes/i", "spikes/t"):
            np.testing.assert_array_equal(resimulated[key], serial[key], err_msg=f"{row['point']} {key}")
        assert len(serial["spikes/t"]) == row["spikes spikes"]


def test_point_files_say_which_point_they_are_and_are_valid(sweep):
    from brian2nwb.nwb.extension import nwb_io

    out, table = sweep
    row = table.iloc[5]
    path = out / row["file"]
    check_valid(path)
    with nwb_io(path, mode="r") as io:
        nwbfile = io.read()
        assert nwbfile.session_id == row["point"] and nwbfile.subject.subject_id == "base"
        point = nwbfile.lab_meta_data["brian2"].brian2_tables["sweep_point"]
        assert list(point["parameter"].data[:]) == ["tau", "rate"]
        assert list(point["value"].data[:]) == [row["tau [second]"], row["rate [hertz]"]]
        assert set(point["seed"].data[:]) == {row["seed"]}


def test_dandi_validates_the_output_folder(sweep):
    out, _ = sweep
    (out / "dandiset.yaml").write_text("identifier: DANDI:000000\nname: brian2nwb sweep\ndescription: test\n")
    dandi = str(Path(sys.executable).parent / "dandi")
    validated = subprocess.run([dandi, "validate", str(out)], capture_output=True, text=True)
    assert validated.returncode == 0, validated.stdout[-2000:] + validated.stderr[-2000:]


def test_a_second_call_skips_every_point(sweep, base_file):
    out, table = sweep
    mtimes = {file: (out / file).stat().st_mtime_ns for file in table["file"]}
    again = brian2nwb.explore(base_file, GRID, out, seeds=SEEDS, workers=2, progress=False)
    assert set(again["status"]) == {"skipped"}
    assert again["spikes spikes"].tolist() == table["spikes spikes"].tolist()  # summaries kept
    assert {file: (out / file).stat().st_mtime_ns for file in again["file"]} == mtimes


def test_a_failing_point_is_reported_and_the_others_finish(base_file, tmp_path):
    points = [{"tau": 10 * ms, "rate": 50 * Hz}, {"tau": 5 * mV, "rate": 50 * Hz}, {"tau": 20 * ms, "rate": 50 * Hz}]
    table = brian2nwb.explore(base_file, points, tmp_path / "failing", workers=2, progress=False)
    assert table["status"].tolist() == ["done", "failed", "done"]
    assert "DimensionMismatchError" in table["error"][1] and table["file"][1] == ""
    again = brian2nwb.explore(base_file, points, tmp_path / "failing", workers=2, progress=False)
    assert again["status"].tolist() == ["skipped", "failed", "skipped"]  # a failed point is tried again


def test_a_killed_worker_does_not_lose_its_point(tmp_path):
    marker = tmp_path / "killed"
    table = brian2nwb.explore(dies_once, {"tau": [5 * ms, 10 * ms, 20 * ms], "marker": [str(marker)]},
                              tmp_path / "killed_sweep", duration=20 * ms, workers=2, progress=False)
    assert marker.exists()  # a worker did die
    assert table["status"].tolist() == ["done"] * 3, table[["point", "status", "error"]]


def test_points_forked_from_the_end_of_a_warm_up(base_file, tmp_path):
    """state="final": each point continues the recording with its own constants; its file starts where the
    source ended and re-simulates exactly."""
    table = brian2nwb.explore(base_file, {"rate": [100 * Hz, 300 * Hz]}, tmp_path / "forks", state="final",
                              duration=20 * ms, seeds=[4], workers=2, progress=False)
    assert table["status"].tolist() == ["done", "done"], table[["point", "error"]]
    assert table["spikes spikes"].iloc[1] > 0
    for file in table["file"]:
        path = tmp_path / "forks" / file
        resimulated = resimulate(path, "numpy")
        assert resimulated["spikes/t"].min(initial=1.0) >= 0.040  # after the 40 ms of the source
        recorded_i, recorded_t = read_spikes(path).get("spikes", (np.zeros(0), np.zeros(0)))
        order = np.lexsort((recorded_i, recorded_t))
        np.testing.assert_array_equal(resimulated["spikes/t"], recorded_t[order])
        np.testing.assert_array_equal(resimulated["spikes/i"], recorded_i[order])
        reset_brian("numpy")
        net = brian2nwb.from_nwb(path)
        assert float(net.t_) == pytest.approx(0.040)


def test_command_line_sweep_and_info(base_file, tmp_path):
    command = str(Path(sys.executable).parent / "brian2nwb")
    out = tmp_path / "cli_sweep"
    ran = subprocess.run([command, "explore", str(base_file), "-p", "tau=5ms,20ms", "-p", "rate=90Hz", "--seeds", "2",
                          "-o", str(out), "--workers", "2"], capture_output=True, text=True, timeout=600)
    assert ran.returncode == 0, ran.stderr[-2000:]
    assert "4 points: 4 done, 0 skipped, 0 failed" in ran.stdout
    info = subprocess.run([command, "info", str(out)], capture_output=True, text=True)
    assert info.returncode == 0 and info.stdout.count("sub-base_ses-p000") == 4
    bad = subprocess.run([command, "explore", str(base_file), "-p", "tau=__import__('os')", "-o", str(out)],
                         capture_output=True, text=True)
    assert bad.returncode == 2 and "not a number with an optional Brian2 unit" in bad.stderr


def test_cython_workers(base_file, tmp_path):
    """On Cython the first point compiles alone (the workers share Brian2's cache); files re-simulate exactly."""
    table = brian2nwb.explore(base_file, {"tau": [5 * ms, 20 * ms], "rate": [90 * Hz]}, tmp_path / "cython",
                              target="cython", workers=2, progress=False)
    assert table["status"].tolist() == ["done", "done"], table[["point", "error"]]
    path = tmp_path / "cython" / table["file"][1]
    resimulated = resimulate(path, "cython")
    recorded_i, recorded_t = read_spikes(path)["spikes"]
    assert len(recorded_t) == table["spikes spikes"][1] > 0
    np.testing.assert_array_equal(np.sort(resimulated["spikes/t"]), np.sort(recorded_t))
