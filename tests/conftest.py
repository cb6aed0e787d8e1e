"""Shared fixtures: a clean Brian2 scope per test, the numpy target by default."""

import brian2
import pytest

from helpers import reset_brian


@pytest.fixture(autouse=True)
def brian_scope():
    """Each test starts with a fresh magic scope, dt = 0.1 ms and the numpy target."""
    reset_brian("numpy")
    yield
    reset_brian("numpy")


@pytest.fixture
def cython_target():
    """Use Brian2's default target (Cython where it compiles)."""
    brian2.prefs.codegen.target = "auto"
    yield
