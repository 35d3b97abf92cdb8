"""`TensorType`: construction, identity, printing, and filtering values."""
import numpy as np
import pytest

import transpile.tensor as T
from transpile.tensor import TensorType

pytestmark = pytest.mark.single_mode


def test_construction_and_properties():
    t = TensorType("float32", (False, True))
    assert t.dtype == "float32" and t.broadcastable == (False, True) and t.ndim == 2
    assert TensorType(np.float64, ()).dtype == "float64"
    assert TensorType("float64", shape=(None, 1)).broadcastable == (False, True)
    assert TensorType("float64", [0, 1]).broadcastable == (False, True)
    with pytest.raises(TypeError):
        TensorType("float64", 2)
    with pytest.raises(TypeError):
        TensorType("float16", (False,))
    with pytest.raises(TypeError):
        TensorType("float64")


def test_equality_and_hash():
    a, b = TensorType("float64", (False, False)), TensorType("float64", (False, False))
    assert a == b and hash(a) == hash(b)
    assert a != TensorType("float32", (False, False))
    assert a != TensorType("float64", (True, False))
    assert len({a, b, TensorType("int8", ())}) == 2
    assert T.dmatrix().type == a


@pytest.mark.parametrize("dtype, bcast, text", [
    ("float64", (False, False), "TensorType(float64, matrix)"),
    ("float32", (False,), "TensorType(float32, vector)"),
    ("int32", (), "TensorType(int32, scalar)"),
    ("float64", (True, False), "TensorType(float64, row)"),
    ("float64", (False, True), "TensorType(float64, col)"),
    ("int8", (False,) * 3, "TensorType(int8, 3D)"),
    ("float64", (False,) * 4, "TensorType(float64, 4D)"),
])
def test_str(dtype, bcast, text):
    t = TensorType(dtype, bcast)
    assert str(t) == text == repr(t)
    assert str(t()) == f"<{text}>"
    assert str(t("named")) == "named"


def test_calling_makes_a_variable():
    t = TensorType("float64", (False,))
    v = t("v")
    assert isinstance(v, T.TensorVariable) and v.type is t and v.name == "v" and v.owner is None
    assert t() is not t()


def test_filter_accepts_and_upcasts():
    t = TensorType("float64", (False,))
    a = np.arange(3.0)
    assert t.filter(a) is a
    assert t.filter([1, 2]).dtype == np.float64
    assert t.filter(np.arange(3, dtype="int32")).dtype == np.float64
    assert t.filter(np.arange(3, dtype="float32")).dtype == np.float64


def test_filter_refuses():
    t = TensorType("float32", (False,))
    with pytest.raises(TypeError, match="lose"):
        t.filter(np.arange(3.0))
    assert t.filter(np.arange(3.0), allow_downcast=True).dtype == np.float32
    with pytest.raises(TypeError, match="1-d"):
        t.filter(np.zeros((2, 2), dtype="float32"))
    with pytest.raises(TypeError):
        t.filter([1.0, 2.0], strict=True)
    r = TensorType("float32", (True, False))
    with pytest.raises(TypeError, match="broadcastable"):
        r.filter(np.zeros((2, 3), dtype="float32"))
    with pytest.raises(TypeError):
        TensorType("int32", (False,)).filter(np.array([1.5, 2.0]))


def test_is_valid_value():
    t = TensorType("int64", ())
    assert t.is_valid_value(np.array(3))
    assert not t.is_valid_value(np.array([3]))
    assert not t.is_valid_value(3)  # strict: a Python int is not an ndarray


def test_values_eq_approx():
    t = TensorType("float64", (False,))
    assert t.values_eq_approx(np.array([1.0, np.nan]), np.array([1.0 + 1e-12, np.nan]))
    assert not t.values_eq_approx(np.array([1.0]), np.array([1.1]))
    assert not t.values_eq_approx(np.array([1.0]), np.array([1.0, 1.0]))
    assert TensorType("float32", ()).values_eq_approx(np.float32(1), np.float32(1.00001))
    assert not TensorType("int32", ()).values_eq_approx(np.int32(1), np.int32(2))
    assert t.values_eq(np.array([np.nan]), np.array([np.nan]))


def test_convert_variable():
    general = TensorType("float64", (False, False))
    row = T.row()
    converted = general.convert_variable(row)
    assert converted is not None and converted.type == general
    assert general.convert_variable(T.fmatrix()) is None
    assert TensorType("float64", (True, False)).convert_variable(T.dmatrix()) is None
    m = T.dmatrix()
    assert general.convert_variable(m) is m


def test_clone():
    t = TensorType("float64", (False, True))
    assert t.clone(dtype="int8") == TensorType("int8", (False, True))
    assert t.clone(broadcastable=(False,)) == TensorType("float64", (False,))
