"""Shared fixtures: a clean Brian2 scope per test, the numpy target by default, a check of every NWB file a
test leaves in its ``tmp_path``, and the rich network's file (for the modules that read it)."""

import os
import warnings
from pathlib import Path

import brian2
import pytest

import brian2nwb
from brian2nwb.nwb.extension import namespace_version
from helpers import SUBJECT, check_valid, neurosift_problems, read_plain, reset_brian
from networks import rich_network

HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"
NAMESPACE_VERSION = namespace_version()


#: The fast tier: no simulation, seconds in all (``python -m pytest -m fast``).
FAST_MODULES = {"test_units", "test_layout", "test_extension", "test_declared_fields", "test_code_checker", "test_input_sources",
                "test_stream_store"}


#: What CI runs on the newest stack too (``-m "fast or every_stack"``): the modules whose results depend most on
#: the versions of Python (bytecode, frames), Brian2, numpy, pynwb/hdmf and the other readers. The whole suite runs
#: on the oldest stack; the rest (sweeps, streaming, hostile corpora, notebooks, the viewers) behaves alike on both.
EVERY_STACK_MODULES = {"test_formats", "test_python_code", "test_readers", "test_zarr", "test_standalone",
                       "test_cython_target", "test_rebuild", "test_results", "test_invisible",
                       "test_runs_as_they_happened", "test_magic_and_metadata", "test_spatialneuron"}


def pytest_collection_modifyitems(items):
    for item in items:
        if item.module.__name__ in FAST_MODULES:
            item.add_marker(pytest.mark.fast)
        if item.module.__name__ in EVERY_STACK_MODULES:
            item.add_marker(pytest.mark.every_stack)


@pytest.fixture(autouse=True, scope="session")
def own_trust_key(tmp_path_factory):
    """The tests' own brian2nwb configuration folder (the key that signs the code of the files they write), not
    the user's; subprocesses inherit it."""
    folder = tmp_path_factory.mktemp("config")
    previous = os.environ.get("BRIAN2NWB_CONFIG_DIR")
    os.environ["BRIAN2NWB_CONFIG_DIR"] = str(folder)
    yield folder
    if previous is None:
        del os.environ["BRIAN2NWB_CONFIG_DIR"]
    else:
        os.environ["BRIAN2NWB_CONFIG_DIR"] = previous


@pytest.fixture(autouse=True)
def brian_scope():
    """Each test starts with a fresh magic scope, dt = 0.1 ms and the numpy target."""
    reset_brian("numpy")
    yield
    reset_brian("numpy")


@pytest.fixture(autouse=True)
def every_written_file_is_valid(request):
    """After a test that used ``tmp_path``: every HDF5 ``.nwb`` file in it passes pynwb
    validation, nwbinspector too when the file has the subject fields DANDI demands, and the
    Neurosift rule (`helpers.neurosift_problems`)."""
    if "tmp_path" not in request.fixturenames:
        yield
        return
    folder: Path = request.getfixturevalue("tmp_path")  # now torn down after this fixture
    yield
    for path in hdf5_files(folder):
        check_valid(path, inspect=has_dandi_subject(path))
        if written_by_this_brian2nwb(path):
            assert not neurosift_problems(path), neurosift_problems(path)


@pytest.fixture(autouse=True, scope="session")
def every_file_of_the_session_shows_in_neurosift(tmp_path_factory):
    """At the end of the session: every HDF5 ``.nwb`` file any test wrote under pytest's temporary folder
    (module fixtures and subprocesses included) passes the Neurosift rule."""
    yield
    problems = []
    for path in hdf5_files(tmp_path_factory.getbasetemp()):
        if written_by_this_brian2nwb(path):
            problems += [f"{path.name}: {problem}" for problem in neurosift_problems(path)]
    assert not problems, "\n".join(problems)


def hdf5_files(folder: Path):
    """The HDF5 ``.nwb`` files under ``folder`` (not a killed writer's partial file, nor a test's stand-in for
    a user's file)."""
    for path in sorted(folder.rglob("*.nwb")):
        if not path.name.startswith(".") and path.is_file():
            with open(path, "rb") as file:
                if file.read(8) == HDF5_SIGNATURE:
                    yield path


def written_by_this_brian2nwb(path: Path) -> bool:
    """A file with this brian2nwb's ndx-brian2 cached (not one written by another tool or an older version)."""
    import h5py

    with h5py.File(path, "r") as file:
        return NAMESPACE_VERSION in file.get("specifications/ndx-brian2", {})


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
