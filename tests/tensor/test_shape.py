"""Shapes as values: x.shape, shape_i, Unbroadcast/AddBroadcast, and reading shape vectors."""
import numpy as np
import pytest

import transpile.tensor as T
from transpile import function
from transpile.tensor.shape import (
    AddBroadcast,
    Shape_i,
    get_vector_length,
    shape_entries,
    static_int,
)


@pytest.mark.parametrize("shape", [(), (4,), (2, 3), (2, 0, 5)])
@pytest.mark.parametrize("dtype", ["float64", "int32", "bool"])
def test_shape_matches_numpy(rng, shape, dtype):
    x = T.TensorType(dtype, (False,) * len(shape))("x")
    xv = np.zeros(shape, dtype=dtype)
    got = function([x], x.shape)(xv)
    assert got.dtype == "int64" and tuple(got) == shape
    assert x.shape.dtype == "int64" and x.shape.ndim == 1
    if shape:
        lengths = function([x], [T.shape_i(x, d) for d in range(len(shape))])(xv)
        assert tuple(int(n) for n in lengths) == shape
        assert int(function([x], T.shape_i(x, -1))(xv)) == shape[-1]


def test_shape_i_of_broadcastable_dim_is_constant():
    x = T.drow("x")
    assert static_int(T.shape_i(x, 0)) == 1
    assert isinstance(T.shape_i(x, 1).owner.op, Shape_i)
    with pytest.raises(ValueError, match="dimension 2"):
        T.shape_i(x, 2)
    with pytest.raises(ValueError):
        Shape_i(3)(x)


def test_shape_entries_and_vector_length():
    x = T.dtensor3("x")
    n = T.iscalar("n")
    assert get_vector_length(x.shape) == 3
    assert get_vector_length(T.constant(np.array([2, 3]))) == 2
    assert get_vector_length(T.stack([n, 4, n])) == 3
    assert get_vector_length(T.concatenate([x.shape, T.stack([n])])) == 4
    assert get_vector_length(T.lvector()) is None
    entries = shape_entries(x.shape)
    assert [e.owner.op for e in entries] == [Shape_i(0), Shape_i(1), Shape_i(2)]
    entries = shape_entries((2, n))
    assert static_int(entries[0]) == 2 and entries[1].dtype == "int64"
    assert static_int(shape_entries(5)[0]) == 5
    with pytest.raises(TypeError, match="integer"):
        shape_entries((2.5, 3))
    with pytest.raises(TypeError):
        shape_entries(T.dvector())
    with pytest.raises(ValueError, match="not known"):
        shape_entries(T.lvector("v"))


def test_vector_length_of_sliced_shape(rng):
    x = T.dtensor3("x")
    assert get_vector_length(x.shape[1:]) == 2
    assert get_vector_length(x.shape[::-1]) == 3
    assert get_vector_length(x.shape[:-1]) == 2
    assert get_vector_length(x.shape[T.lscalar():]) is None
    xv = rng.standard_normal((2, 3, 4))
    y = x.reshape(T.concatenate([x.shape[:1], [-1]]))
    assert y.ndim == 2
    assert function([x], y)(xv).shape == (2, 12)
    assert function([x], T.zeros(x.shape[1:]))(xv).shape == (3, 4)


def test_shape_entries_of_unknown_vector_by_indexing(rng):
    v = T.lvector("v")
    x = T.dmatrix("x")
    out = T.reshape(x, v, ndim=2)
    got = function([x, v], out)(np.arange(6.0).reshape(2, 3), np.array([3, 2]))
    assert got.shape == (3, 2)


def test_shape_infer_shape_and_grad(rng):
    x = T.dmatrix("x")
    node = x.shape.owner
    (shp,) = node.op.infer_shape(node, [(T.shape_i(x, 0), T.shape_i(x, 1))])
    assert static_int(shp[0]) == 2
    g = function([x], T.grad(T.sum(x) + T.sum(T.cast(x.shape, "float64")), x))(rng.random((2, 3)))
    np.testing.assert_allclose(g, np.ones((2, 3)))


def test_unbroadcast_and_addbroadcast(rng):
    x = T.dmatrix("x")
    y = AddBroadcast(0)(x)
    assert y.broadcastable == (True, False)
    f = function([x], y)
    np.testing.assert_array_equal(f(np.ones((1, 3))), np.ones((1, 3)))
    with pytest.raises(ValueError, match="length 1"):
        f(np.ones((2, 3)))
    z = T.unbroadcast(y, 0)
    assert z.broadcastable == (False, False)
    assert T.unbroadcast(x, 0) is x
    assert str(y.owner.op) == "AddBroadcast{0}"
    node = y.owner
    (shp,) = node.op.infer_shape(node, [(T.shape_i(x, 0), T.shape_i(x, 1))])
    assert static_int(shp[0]) == 1
