"""Making tensor variables: constructors, constants, `as_tensor_variable`, and dtype promotion
(including weak Python scalars)."""
import numpy as np
import pytest

import transpile
import transpile.tensor as T
from transpile import config
from transpile.tensor import TensorType

KINDS = {"scalar": (), "vector": (False,), "matrix": (False, False), "row": (True, False),
         "col": (False, True), "tensor3": (False,) * 3, "tensor4": (False,) * 4}
PREFIXES = {"b": "int8", "w": "int16", "i": "int32", "l": "int64", "f": "float32", "d": "float64"}


@pytest.mark.single_mode
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("prefix", PREFIXES)
def test_prefixed_constructors(prefix, kind):
    v = getattr(T, prefix + kind)("v")
    assert v.type == TensorType(PREFIXES[prefix], KINDS[kind])
    assert v.name == "v" and v.owner is None
    assert getattr(T, prefix + kind)().name is None


@pytest.mark.single_mode
@pytest.mark.parametrize("kind", KINDS)
def test_plain_constructors_use_floatx(kind):
    make = getattr(T, kind)
    assert make().type == TensorType("float64", KINDS[kind])
    assert make("x", dtype="int32").dtype == "int32"
    with config.change_flags(floatX="float32"):
        assert make().dtype == "float32"


@pytest.mark.single_mode
def test_tensor_constructor_and_str_forms():
    x = T.tensor("float32", (False, True), name="x")
    assert x.type == TensorType("float32", (False, True)) and x.name == "x"
    assert T.tensor(shape=(None, 1)).broadcastable == (False, True)
    assert str(T.dmatrix().type) == "TensorType(float64, matrix)"
    assert str(T.fvector()) == "<TensorType(float32, vector)>"
    assert str(T.dmatrix("m")) == "m"
    assert T.dmatrix().ndim == 2 and T.dmatrix().dtype == "float64"


@pytest.mark.single_mode
def test_constants():
    c = T.constant(1.5)
    assert isinstance(c, T.TensorConstant) and c.dtype == "float64" and c.ndim == 0
    assert T.constant(2).dtype == "int64"
    assert T.constant(True).dtype == "bool"
    assert T.constant(np.float32(2)).dtype == "float32"
    assert T.constant(np.arange(3, dtype="int8")).type == TensorType("int8", (False,))
    assert T.constant([[1.0]]).broadcastable == (True, True)
    assert T.constant([1, 2], dtype="float32").dtype == "float32"
    assert T.constant(3, ndim=2).broadcastable == (True, True)
    assert T.constant(1.0, name="one").name == "one"
    assert str(T.constant(1.5)) == "TensorConstant{1.5}"
    with config.change_flags(floatX="float32"):
        assert T.constant(1.5).dtype == "float32"
    with pytest.raises(TypeError):
        T.constant("text")


def test_constant_value_in_a_function():
    x = T.dvector()
    f = transpile.function([x], x * T.constant([1.0, 2.0, 3.0]))
    np.testing.assert_array_equal(f(np.ones(3)), [1.0, 2.0, 3.0])
    assert T.constant(2.5).eval() == 2.5


@pytest.mark.single_mode
def test_as_tensor_variable():
    x = T.dmatrix()
    assert T.as_tensor_variable(x) is x
    c = T.as_tensor_variable([1.0, 2.0])
    assert isinstance(c, T.TensorConstant) and c.type == TensorType("float64", (False,))
    assert T.as_tensor_variable(np.zeros((1, 3)), ndim=1).type.ndim == 1
    r = T.as_tensor_variable(T.row(), ndim=1)
    assert r.ndim == 1
    for bad in (object(), "text", {"a": 1}, [1, "a"], None):
        with pytest.raises(TypeError):
            T.as_tensor_variable(bad)
    with pytest.raises(TypeError, match="1-d"):
        T.as_tensor_variable(x, ndim=1)
    with pytest.raises(TypeError, match="dtype"):
        T.as_tensor_variable(x, dtype="float32")
    from transpile.graph.basic import Variable
    from transpile.graph.type import Type

    class Other(Type):
        pass
    with pytest.raises(TypeError):
        T.as_tensor_variable(Variable(Other()))


# -- promotion --------------------------------------------------------------------------------------
@pytest.mark.single_mode
@pytest.mark.parametrize("a, b, expected", [
    ("int32", "float32", "float64"), ("int8", "uint8", "int16"), ("int64", "int32", "int64"),
    ("bool", "int8", "int8"), ("float32", "float64", "float64"), ("uint8", "float32", "float32"),
    ("int16", "float32", "float32"), ("uint32", "int32", "int64"), ("bool", "bool", "bool"),
])
def test_upcast_table(a, b, expected):
    x, y = T.vector(dtype=a), T.vector(dtype=b)
    assert (x + y).dtype == expected
    assert (y * x).dtype == expected


@pytest.mark.single_mode
def test_upcast_under_floatx_float32():
    with config.change_flags(floatX="float32"):
        assert (T.ivector() + T.fvector()).dtype == "float32"
        assert (T.lvector() * T.fvector()).dtype == "float32"
        assert (T.ivector() + T.dvector()).dtype == "float64"
        assert (T.ivector() / T.ivector()).dtype == "float32"
        assert T.exp(T.ivector()).dtype == "float32"


@pytest.mark.single_mode
def test_weak_python_scalars():
    assert (T.fvector() * 0.5).dtype == "float32"
    assert (0.5 * T.fvector()).dtype == "float32"
    assert (T.ivector() + 1).dtype == "int32"
    assert (T.bvector() + 1).dtype == "int8"
    assert (T.vector(dtype="uint8") - 1).dtype == "uint8"
    assert (T.ivector() * 0.5).dtype == "float64"
    assert (T.bvector() * 0.5).dtype == "float32"
    assert (T.fvector() + 2).dtype == "float32"
    assert (T.ivector() / 2).dtype == "float64"
    assert T.maximum(T.fvector(), 0).dtype == "float32"
    assert T.switch(T.fvector() > 0, T.fvector(), 0).dtype == "float32"
    assert T.clip(T.ivector(), 0, 10).dtype == "int32"
    with config.change_flags(floatX="float32"):
        assert (T.ivector() * 0.5).dtype == "float32"
    # numpy scalars and arrays are not weak
    assert (T.fvector() + np.float64(0.5)).dtype == "float64"
    assert (T.fvector() + np.array([0.5])).dtype == "float64"


def test_weak_scalar_values():
    x = T.fvector()
    f = transpile.function([x], [x * 0.1, x + 1, 1 - x, 2 ** x])
    v = np.array([1.0, 2.0], dtype="float32")
    for r, e in zip(f(v), [v * np.float32(0.1), v + 1, 1 - v, np.float32(2) ** v]):
        assert r.dtype == np.float32
        np.testing.assert_allclose(r, e, rtol=1e-6)


@pytest.mark.single_mode
def test_symbolic_variables_refuse_python_truth_and_iteration():
    x = T.dvector()
    with pytest.raises(TypeError):
        bool(x > 0)
    with pytest.raises(TypeError):
        iter(x)
    with pytest.raises(TypeError):
        len(x)


def test_as_tensor_and_dtype_lists():
    assert T.as_tensor is T.as_tensor_variable
    c = T.as_tensor(np.arange(3, dtype="int16"))
    assert c.dtype == "int16" and np.array_equal(c.data, np.arange(3))
    kinds = {"int_dtypes": "i", "uint_dtypes": "u", "float_dtypes": "f", "complex_dtypes": "c"}
    for name, kind in kinds.items():
        dtypes = getattr(T, name)
        assert isinstance(dtypes, tuple) and dtypes, name
        assert all(np.dtype(d).kind == kind for d in dtypes), name
        assert [np.dtype(d).itemsize for d in dtypes] == sorted(np.dtype(d).itemsize for d in dtypes), name
    assert T.integer_dtypes == T.int_dtypes + T.uint_dtypes
    assert T.discrete_dtypes == ("bool",) + T.integer_dtypes
    assert T.continuous_dtypes == T.float_dtypes + T.complex_dtypes
    assert T.all_dtypes == T.discrete_dtypes + T.continuous_dtypes
    assert set(T.all_dtypes) == {np.dtype(d).name for d in T.all_dtypes}  # numpy's names
    for d in T.all_dtypes:
        assert T.tensor(d, (False,)).dtype == d
