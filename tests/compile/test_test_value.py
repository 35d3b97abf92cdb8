"""config.compute_test_value: graphs evaluated on `tag.test_value`s as they are built."""
import warnings

import numpy as np
import pytest

import transpile
import transpile.tensor as T
from transpile import config

pytestmark = pytest.mark.single_mode


def test_raise_on_shape_mismatch_at_the_building_line():
    with config.change_flags(compute_test_value="raise"):
        x = T.vector("x")
        x.tag.test_value = np.ones((2,))
        y = T.vector("y")
        y.tag.test_value = np.ones((3,))
        with pytest.raises(ValueError, match=r"(?s)mis-match.*\(2,\).*\(3,\)") as info:
            x + y
    assert info.traceback[-1].path is not None
    assert any("test_test_value" in str(entry.path) for entry in info.traceback)


def test_values_propagate():
    with config.change_flags(compute_test_value="raise"):
        x = T.matrix("x")
        x.tag.test_value = np.arange(6.0).reshape(2, 3)
        y = T.exp(x).sum(axis=1) * 2
        np.testing.assert_allclose(y.tag.test_value, np.exp(np.arange(6.0).reshape(2, 3)).sum(1) * 2)
        z = x.dimshuffle(1, 0) + 1
        assert z.tag.test_value.shape == (3, 2)


def test_shared_and_constants_supply_values():
    with config.change_flags(compute_test_value="raise"):
        w = transpile.shared(np.array([1.0, 2.0]), name="w")
        out = w * 3 + T.constant(np.array([1.0, 1.0]))
        np.testing.assert_allclose(out.tag.test_value, [4.0, 7.0])
        x = T.vector("x")
        x.tag.test_value = np.ones(3)
        with pytest.raises(ValueError, match="mis-match"):
            w + x


def test_raise_when_missing():
    with config.change_flags(compute_test_value="raise"):
        x = T.vector("no_value")
        with pytest.raises(ValueError, match="no_value.*no test value"):
            T.exp(x)


def test_warn_when_missing():
    with config.change_flags(compute_test_value="warn"):
        x = T.vector("no_value")
        with pytest.warns(UserWarning, match="no_value"):
            y = T.exp(x)
        assert not hasattr(y.tag, "test_value")
        x2 = T.vector("x2")
        x2.tag.test_value = np.zeros(2)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert list(T.exp(x2).tag.test_value) == [1.0, 1.0]


def test_off_does_nothing():
    assert config.compute_test_value == "off"
    x = T.vector("x")
    x.tag.test_value = np.ones(2)
    y = T.vector("y")
    y.tag.test_value = np.ones(3)
    z = x + y
    assert not hasattr(z.tag, "test_value")


def test_test_value_of_wrong_type():
    with config.change_flags(compute_test_value="raise"):
        x = T.vector("x")
        x.tag.test_value = np.ones((2, 2))
        with pytest.raises(TypeError, match="1-d"):
            x * 2
