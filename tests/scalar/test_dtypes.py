"""Dtype names, categories and promotion (`upcast`, `upgrade_to_float`)."""
import itertools

import numpy as np
import pytest

from transpile import config
from transpile.scalar import dtypes as D

pytestmark = pytest.mark.single_mode

REAL = D.DISCRETE + D.FLOAT


@pytest.mark.parametrize("a, b", list(itertools.combinations_with_replacement(REAL, 2)))
def test_upcast_is_numpy_table_under_float64(a, b):
    expected = np.result_type(np.dtype(a), np.dtype(b)).name
    assert D.upcast(a, b) == expected
    assert D.upcast(b, a) == expected


@pytest.mark.parametrize("a, b, expected", [
    ("int32", "float32", "float32"), ("int64", "float32", "float32"), ("uint64", "int64", "float32"),
    ("int32", "float64", "float64"), ("float32", "float64", "float64"), ("int8", "int16", "int16"),
    ("bool", "float32", "float32"),
])
def test_upcast_under_floatx_float32(a, b, expected):
    with config.change_flags(floatX="float32"):
        assert D.upcast(a, b) == expected


@pytest.mark.parametrize("inputs, expected", [
    (["bool"], "float32"), (["int8"], "float32"), (["uint16"], "float32"), (["int32"], "float64"),
    (["int64"], "float64"), (["float32"], "float32"), (["int8", "float32"], "float32"),
    (["int32", "float32"], "float64"), (["float64"], "float64"),
])
def test_upgrade_to_float(inputs, expected):
    assert D.upgrade_to_float(*inputs) == expected


def test_upgrade_to_float_under_floatx_float32():
    with config.change_flags(floatX="float32"):
        assert D.upgrade_to_float("int32") == "float32"
        assert D.upgrade_to_float("int64", "int8") == "float32"
        assert D.upgrade_to_float("float64") == "float64"


def test_check_dtype():
    assert D.check_dtype("float32") == "float32"
    assert D.check_dtype(np.float64) == "float64"
    assert D.check_dtype(np.dtype("int8")) == "int8"
    with config.change_flags(floatX="float32"):
        assert D.check_dtype("floatX") == "float32"
    with pytest.raises(TypeError):
        D.check_dtype("float16")
    with pytest.raises(TypeError):
        D.check_dtype("nonsense")


def test_categories_and_c_types():
    assert D.is_integer("uint8") and not D.is_integer("bool")
    assert D.is_discrete("bool") and not D.is_discrete("float32")
    assert D.is_float("float32") and not D.is_float("complex64")
    assert D.is_complex("complex128")
    assert set(D.C_TYPES) == set(D.ALL)
    assert D.C_TYPES["float32"] == "float" and D.C_TYPES["int64"] == "int64_t"
