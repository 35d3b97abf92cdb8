"""Test-suite set-up.

Every test runs once per compilation mode (the `mode` fixture sets `config.mode`), unless
marked `single_mode`. Native builds share one compile cache per test session.
"""
import os
import tempfile

import numpy as np
import pytest

from transpile import config as tconfig

MODES = ["FAST_COMPILE", "FAST_RUN"]

try:
    from hypothesis import settings

    settings.register_profile("ci", deadline=None, max_examples=50, derandomize=True)
    settings.load_profile("ci")
except ImportError:  # pragma: no cover
    pass


def pytest_generate_tests(metafunc):
    if "mode" in metafunc.fixturenames and not metafunc.definition.get_closest_marker("single_mode"):
        metafunc.parametrize("mode", MODES, indirect=True)


@pytest.fixture(autouse=True)
def mode(request):
    """The compilation mode this test runs under (also set as config.mode)."""
    name = getattr(request, "param", "FAST_RUN")
    with tconfig.change_flags(mode=name):
        yield name


def pytest_configure(config):
    # Runs in the xdist controller before workers start, so they inherit the variable.
    if "TRANSPILE_TEST_COMPILEDIR" not in os.environ:
        os.environ["TRANSPILE_TEST_COMPILEDIR"] = tempfile.mkdtemp(prefix="transpile-test-cache-")


@pytest.fixture(scope="session", autouse=True)
def _session_compiledir():
    """One compile cache per test session, shared by all xdist workers."""
    root = os.environ["TRANSPILE_TEST_COMPILEDIR"]
    with tconfig.change_flags(compiledir=root):
        yield root


@pytest.fixture
def rng():
    return np.random.default_rng(20261124)  # tests/batched.py RNG_SEED: keep them equal
