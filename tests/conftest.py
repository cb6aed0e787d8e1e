"""Shared fixtures: a clean Brian2 scope per test, the numpy target by default, a check of every NWB file a
test leaves in its ``tmp_path``, and the rich network's file (for the modules that read it)."""

import warnings
from pathlib import Path

import brian2
import pytest

import brian2nwb
from helpers import SUBJECT, check_valid, read_plain, reset_brian
from networks import rich_network

HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"


#: The fast tier: no simulation, seconds in all (``python -m pytest -m fast``).
FAST_MODULES = {"test_units", "test_layout", "test_declared_fields", "test_code_checker"}


def pytest_collection_modifyitems(items):
    for item in items:
        if item.module.__name__ in FAST_MODULES:
            item.add_marker(pytest.mark.fast)


@pytest.fixture(autouse=True)
def brian_scope():
    """Each test starts with a fresh magic scope, dt = 0.1 ms and the numpy target."""
    reset_brian("numpy")
    yield
    reset_brian("numpy")


@pytest.fixture(autouse=True)
def every_written_file_is_valid(request):
    """After a test that used ``tmp_path``: every HDF5 ``.nwb`` file in it passes pynwb
    validation, and nwbinspector too when the file has the subject fields DANDI demands."""
    if "tmp_path" not in request.fixturenames:
        yield
        return
    folder: Path = request.getfixturevalue("tmp_path")  # now torn down after this fixture
    yield
    for path in sorted(folder.rglob("*.nwb")):
        if path.name.startswith(".") or path.read_bytes()[:8] != HDF5_SIGNATURE:
            continue  # a killed writer's partial file, or a test's stand-in for a user's file
        check_valid(path, inspect=has_dandi_subject(path))


def has_dandi_subject(path: Path) -> bool:
    import h5py

    with h5py.File(path, "r") as file:
        subject = file.get("general/subject")
        return subject is not None and {"subject_id", "species", "sex"} <= set(subject) and bool(
            {"age", "date_of_birth"} & set(subject))


@pytest.fixture
def cython_target():
    """Use Brian2's default target (Cython where it compiles)."""
    brian2.prefs.codegen.target = "auto"
    yield


@pytest.fixture(scope="module")
def rich(tmp_path_factory):
    """The rich network, its file, and the file read back with plain pynwb."""
    reset_brian("numpy")
    net, arrays = rich_network()
    path = tmp_path_factory.mktemp("rich") / "rich.nwb"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        brian2nwb.to_nwb(net, path, subject=SUBJECT, session_description="A rich test network.")
    return net, arrays, path, read_plain(path), caught
