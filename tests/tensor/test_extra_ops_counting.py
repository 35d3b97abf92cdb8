"""bincount, searchsorted, unique, nonzero (flatnonzero, nonzero_values, one-argument where)
against numpy, with run-time output lengths, errors and gradients."""
import numpy as np
import pytest

import transpile.tensor as T
from transpile import function
from transpile.gradient import verify_grad
from tests.tensor.extra_ops_helpers import check_table, random_array


@pytest.mark.parametrize("dtype", ["int64", "int32", "uint8"])
def test_bincount(dtype, rng):
    x, w, fw = T.tensor(dtype, (False,)), T.vector("w"), T.fvector("fw")
    a = rng.integers(0, 7, size=9).astype(dtype)
    wa, fa = rng.standard_normal(9), rng.standard_normal(9).astype("float32")
    table = [("counts", T.bincount(x), np.bincount(a)),
             ("minlength", T.bincount(x, minlength=12), np.bincount(a, minlength=12)),
             ("weights", T.bincount(x, w), np.bincount(a, wa)),
             ("float32 weights", T.bincount(x, fw, minlength=3), np.bincount(a, fa, 3).astype("float32"))]
    check_table([x, w, fw], [a, wa, fa], table, rtol=1e-5)
    check_table([x], [np.zeros(0, dtype)], [("empty", T.bincount(x, minlength=2), np.zeros(2, "int64"))])


def test_bincount_errors():
    x = T.lvector()
    with pytest.raises(TypeError, match="int vector"):
        T.bincount(T.vector())
    with pytest.raises(TypeError, match="weights"):
        T.bincount(x, T.matrix())
    with pytest.raises(ValueError, match="minlength"):
        T.bincount(x, minlength=-1)
    f = function([x], T.bincount(x))
    with pytest.raises(ValueError, match="non-negative"):
        f(np.array([1, -1]))
    w = T.vector()
    g = function([x, w], T.bincount(x, w))
    with pytest.raises(ValueError, match="weights"):
        g(np.array([1, 2]), np.ones(3))


@pytest.mark.parametrize("dtype", ["float64", "int32"])
def test_searchsorted(dtype, rng):
    x, v, s = T.tensor(dtype, (False,)), T.tensor(dtype, (False, False)), T.lvector()
    a = np.sort(random_array(rng, (8,), dtype))
    b = random_array(rng, (3, 4), dtype)
    b[0, :2] = a[[0, 3]]
    order = rng.permutation(8)
    table = [("left", T.searchsorted(x, v), np.searchsorted(a, b)),
             ("right", T.searchsorted(x, v, side="right"), np.searchsorted(a, b, side="right")),
             ("scalar", T.searchsorted(x, v[1, 2]), np.searchsorted(a, b[1, 2])),
             ("sorter", T.searchsorted(x[s], v, sorter=T.argsort(x[s])), np.searchsorted(a[order], b, sorter=np.argsort(a[order]))),
             ("method", x.searchsorted(v.T, "right"), a.searchsorted(b.T, "right"))]
    check_table([x, v, s], [a, b, order], table)


def test_searchsorted_nan(rng):
    x, v = T.vector(), T.vector()
    a, b = np.array([1.0, 2.0, np.nan, np.nan]), np.array([0.5, 2.0, 3.0, np.nan])
    check_table([x, v], [a, b], [("left", T.searchsorted(x, v), np.searchsorted(a, b)),
                                 ("right", T.searchsorted(x, v, "right"), np.searchsorted(a, b, "right"))])


def test_searchsorted_errors():
    with pytest.raises(TypeError, match="vector"):
        T.searchsorted(T.matrix(), T.vector())
    with pytest.raises(ValueError, match="side"):
        T.searchsorted(T.vector(), T.vector(), side="middle")


@pytest.mark.parametrize("dtype", ["float64", "int32"])
def test_unique(dtype, rng):
    x = T.tensor(dtype, (False, False))
    a = rng.integers(0, 4, size=(5, 3)).astype(dtype)
    a[3] = a[1]
    values, index, inverse, counts = np.unique(a, return_index=True, return_inverse=True, return_counts=True)
    rows = np.unique(a, return_inverse=True, axis=0)
    all_out = T.unique(x, True, True, True)
    row_out = T.unique(x, return_inverse=True, axis=0)
    table = [("values", T.unique(x), values), ("all values", all_out[0], values), ("index", all_out[1], index),
             ("inverse", all_out[2], inverse.reshape(-1)), ("counts", all_out[3], counts),
             ("rows", row_out[0], rows[0]), ("row inverse", row_out[1], rows[1].reshape(-1))]
    check_table([x], [a], table)


def test_nonzero(rng):
    x, b = T.tensor3(), T.tensor("bool", (False, False))
    a = rng.standard_normal((3, 4, 2)) * (rng.random((3, 4, 2)) > 0.6)
    m = rng.random((4, 5)) > 0.5
    nz = T.nonzero(x)
    table = [("matrix", T.nonzero(x, return_matrix=True), np.array(np.nonzero(a))),
             *[(f"coords {d}", nz[d], np.nonzero(a)[d]) for d in range(3)],
             ("bool", T.nonzero(b)[1], np.nonzero(m)[1]),
             ("of a view", T.nonzero(x.dimshuffle(2, 1, 0))[0], np.nonzero(a.transpose(2, 1, 0))[0]),
             ("flatnonzero", T.flatnonzero(x), np.flatnonzero(a)),
             ("nonzero_values", T.nonzero_values(x), a[a != 0]),
             ("where", T.where(b)[0], np.where(m)[0]),
             ("method", b.nonzero()[1], m.nonzero()[1]),
             ("none", T.flatnonzero(x * 0), np.zeros(0, "int64"))]
    check_table([x, b], [a, m], table)


def test_nonzero_errors():
    with pytest.raises(ValueError, match="0-d"):
        T.nonzero(T.scalar())
    with pytest.raises(ValueError, match="both"):
        T.where(T.vector(), T.vector())


def test_gradients(rng):
    idx = T.constant(np.array([0, 3, 1, 3]))
    verify_grad(lambda w: T.bincount(idx, w, minlength=5), [rng.standard_normal(4)], rng=rng)
    verify_grad(lambda v: T.nonzero_values(v), [rng.standard_normal(5)], rng=rng)


def test_unique_nan_scalar_and_empty():
    v, s = T.vector(), T.scalar()
    b = np.array([3.0, np.nan, 1.0, 1.0, np.nan, -2.0])
    values, index, counts = np.unique(b, return_index=True, return_counts=True, equal_nan=False)
    out = T.unique(v, return_index=True, return_counts=True)
    table = [("values", out[0], values), ("index", out[1], index), ("counts", out[2], counts),
             ("scalar", T.unique(s), np.array([2.5])), ("empty", T.unique(v[:0]), np.zeros(0))]
    check_table([v, s], [b, np.float64(2.5)], table)


def test_unique_errors():
    with pytest.raises(ValueError, match="axis"):
        T.unique(T.matrix(), axis=2)
