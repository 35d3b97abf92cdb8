"""Theano's commonly set flags: warn.*, print_test_value, exception_verbosity, optimizer,
linker (through TRANSPILE_FLAGS and attributes); unknown flags stay an error."""
import os
import subprocess
import sys

import numpy as np
import pytest

import transpile
import transpile.tensor as T
from transpile import config
from transpile.configdefaults import make_config

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.mark.single_mode
def test_flags_from_the_environment():
    c = make_config({"TRANSPILE_FLAGS": "warn.ignore_bug_before=all,warn__sum_sum_bug=False,print_test_value=True,"
                                        "exception_verbosity=high,optimizer=None,linker=c|py,mode=DebugMode"})
    assert c.warn.ignore_bug_before == "all" and c.warn__ignore_bug_before == "all"
    assert c.warn.sum_sum_bug is False and c.warn.round is True
    assert c.print_test_value is True and c.exception_verbosity == "high"
    assert (c.optimizer, c.linker, c.mode) == ("None", "c|py", "DebugMode")
    for bad, message in (("warn.nonexistent=1", "unknown flag 'warn.nonexistent'"),
                         ("warn.sum_sum_bug=maybe", "expected True or False"),
                         ("exception_verbosity=loud", "expected one of low, high"),
                         ("optimizer=o4", "expected one of"), ("lniker=py", "unknown flag 'lniker'")):
        with pytest.raises(ValueError, match=message):
            make_config({"TRANSPILE_FLAGS": bad})


@pytest.mark.single_mode
def test_flags_as_attributes():
    with config.change_flags(warn__ignore_bug_before="0.10", print_test_value=True):
        assert config.warn.ignore_bug_before == "0.10"
    config.warn.round = False
    assert config.warn__round is False
    config.warn.round = True
    with pytest.raises(AttributeError, match="no flag 'warn.nope'"):
        config.warn.nope
    with pytest.raises(AttributeError, match="no flag"):
        config.warn_nope = 1


@pytest.mark.single_mode
def test_environment_flags_reach_a_fresh_process():
    code = "import transpile; c = transpile.config; print(c.warn.ignore_bug_before, c.exception_verbosity)"
    env = dict(os.environ, TRANSPILE_FLAGS="warn.ignore_bug_before=all,exception_verbosity=high", PYTHONPATH=ROOT)
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["all", "high"]


def test_print_test_value_shows_the_value_in_repr():
    x = T.vector("x")
    x.tag.test_value = np.array([1.0, 2.0])
    assert repr(x) == "x"
    with config.change_flags(print_test_value=True):
        assert repr(x) == "x\narray([1., 2.])"
        assert repr(T.vector("y")) == "y"


def test_exception_verbosity_high_prints_the_node_graph():
    x = T.vector("x")
    y = T.vector("y")
    f = transpile.function([x, y], T.exp(x) + y)
    with pytest.raises(ValueError) as low:
        f(np.ones(2), np.ones(3))
    assert "Debugprint of the apply node" not in str(low.value)
    with config.change_flags(exception_verbosity="high"):
        g = transpile.function([x, y], T.exp(x) + y, mode="FAST_COMPILE")
        with pytest.raises(ValueError, match="Debugprint of the apply node") as high:
            g(np.ones(2), np.ones(3))
    assert "|x [id" in str(high.value)
