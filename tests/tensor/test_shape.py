"""Shapes as values: x.shape, shape_i, Unbroadcast/AddBroadcast, and reading shape vectors."""
import numpy as np
import pytest

import transpile.tensor as T
from tests.batched import batched_case
from transpile import function
from transpile.tensor.shape import (
    AddBroadcast,
    Shape_i,
    get_vector_length,
    shape_entries,
    static_int,
)


SHAPES = [(), (4,), (2, 3), (2, 0, 5)]
SHAPE_DTYPES = ["float64", "int32", "bool"]
SHAPE_CASES = [(shape, dtype) for shape in SHAPES for dtype in SHAPE_DTYPES]


def build_shape(case):
    """x.shape; then (of non-scalars) every shape_i and shape_i(-1), each form of its own input
    variable so that no rewrite joins them."""
    shape, dtype = case
    xs = [T.TensorType(dtype, (False,) * len(shape))(f"x{k}") for k in range(3 if shape else 1)]
    outs = [xs[0].shape]
    if shape:
        outs += [T.shape_i(xs[1], d) for d in range(len(shape))] + [T.shape_i(xs[2], -1)]
    return xs, outs, [np.zeros(shape, dtype=dtype)] * len(xs)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("dtype", SHAPE_DTYPES)
def test_shape_matches_numpy(mode, shape, dtype):
    (xv, *_), (shp, *_), (got, *lengths) = batched_case(mode, SHAPE_CASES, build_shape, (shape, dtype))
    assert got.dtype == "int64" and tuple(got) == shape
    assert shp.dtype == "int64" and shp.ndim == 1
    assert len(lengths) == (len(shape) + 1 if shape else 0)
    if shape:
        assert tuple(int(n) for n in lengths[:-1]) == shape
        assert int(lengths[-1]) == shape[-1]


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
