"""NanGuardMode stops at the first node reading or producing NaN, Inf or a huge value."""
import numpy as np
import pytest

import transpile.tensor as T
from transpile import function
from transpile.compile import NanGuardError, NanGuardMode


def guarded(inputs, outputs, **kwargs):
    return function(inputs, outputs, mode=NanGuardMode(**kwargs))


def test_clean_values_pass():
    x = T.vector("x")
    f = guarded([x], T.exp(x) * 2)
    np.testing.assert_allclose(f(np.array([0.0, 1.0])), [2.0, 2 * np.e])


def test_nan_output_names_node():
    x = T.vector("x")
    f = guarded([x], T.log(x) * 2)
    with pytest.raises(NanGuardError, match=r"NaN.*output 0.*log"):
        f(np.array([-1.0, 1.0]))
    assert issubclass(NanGuardError, ValueError)


def test_nan_input():
    x = T.vector("x")
    f = guarded([x], x * 2)
    with pytest.raises(NanGuardError, match="NaN found in input"):
        f(np.array([np.nan]))


def test_inf_and_big():
    x = T.vector("x")
    with pytest.raises(NanGuardError, match="Inf"):
        guarded([x], 1.0 / x)(np.array([0.0]))
    with pytest.raises(NanGuardError, match="big value"):
        guarded([x], x * 1e12)(np.array([1.0]))


def test_flags_turn_checks_off():
    x = T.vector("x")
    out = guarded([x], T.log(x), nan_is_error=False)(np.array([-1.0]))
    assert np.isnan(out).all()
    assert np.isinf(guarded([x], 1.0 / x, inf_is_error=False)(np.array([0.0]))).all()
    assert guarded([x], x * 1e12, big_is_error=False)(np.array([1.0]))[0] == 1e12


def test_integers_are_not_checked():
    i = T.ivector("i")
    f = guarded([i], i * 2)
    assert list(f(np.array([2**30], dtype="int32"))) == [-2**31]
