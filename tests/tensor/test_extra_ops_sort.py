"""sort, argsort (stable, NaN last), topk/argtopk and take_along_axis against numpy."""
import numpy as np
import pytest

import transpile.tensor as T
from transpile import function
from tests.batched import batched_verify_grad, case_rng
from tests.tensor.extra_ops_helpers import check_table, random_array


@pytest.mark.parametrize("dtype", ["float64", "float32", "int32", "uint16", "bool"])
def test_sort_argsort(dtype, rng):
    x = T.tensor(dtype, (False, False, False))
    a = random_array(rng, (3, 4, 5), dtype)  # small ints and bools: many ties, so stability shows
    if dtype.startswith("float"):
        a[0, 1, 2] = a[2, 3, 0] = np.nan
        a[1, 2, :2] = a[1, 2, 3]
    table = []
    for axis in [None, 0, 1, 2, -1]:
        table.append((f"sort {axis}", T.sort(x, axis), np.sort(a, axis, kind="stable")))
        table.append((f"argsort {axis}", T.argsort(x, axis), np.argsort(a, axis, kind="stable")))
    table.append(("methods", x.sort(axis=0), np.sort(a, 0)))
    table.append(("argsort method", x.argsort(kind="mergesort"), np.argsort(a, kind="stable")))
    table.append(("of a view", T.argsort(x.dimshuffle(2, 0, 1)[:, ::-1], 1),
                  np.argsort(a.transpose(2, 0, 1)[:, ::-1], 1, kind="stable")))
    check_table([x], [a], table)


def test_sort_vector_edges(rng):
    v = T.vector()
    a = np.array([3.0, np.nan, -np.inf, 1.0, np.inf, np.nan, 1.0, -0.0])
    check_table([v], [a], [("sort", T.sort(v), np.sort(a)), ("argsort", T.argsort(v), np.argsort(a, kind="stable"))])
    check_table([v], [np.zeros(0)], [("empty", T.sort(v), np.zeros(0)), ("empty arg", T.argsort(v), np.zeros(0, "int64"))])


def test_sort_errors():
    with pytest.raises(ValueError, match="kind"):
        T.sort(T.vector(), kind="bubble")
    with pytest.raises(ValueError, match="axis"):
        T.sort(T.matrix(), 2)
    with pytest.raises(ValueError, match="0-d"):
        T.sort(T.scalar())
    with pytest.raises(ValueError, match="order"):
        T.argsort(T.vector(), order="f")


def test_topk(rng):
    x, k = T.matrix(), T.iscalar("k")
    a = rng.permutation(20).reshape(4, 5) * 0.5
    desc1, asc0 = np.argsort(-a, 1, kind="stable"), np.argsort(a, 0, kind="stable")
    table = [("top 2", T.topk(x, 2), np.take_along_axis(a, desc1[:, :2], 1)),
             ("argtop 2", T.argtopk(x, 2), desc1[:, :2]),
             ("bottom 3 axis 0", T.topk(x, -3, axis=0), np.take_along_axis(a, asc0[:3], 0)),
             ("argbottom 3 axis 0", T.argtopk(x, -3, axis=0, idx_dtype="int32"), asc0[:3].astype("int32")),
             ("symbolic k", T.topk(x, k, axis=1), np.take_along_axis(a, desc1[:, :3], 1)),
             ("symbolic negative k", T.argtopk(x, -k, axis=0), asc0[:3]),
             ("both", T.topk_and_argtopk(x, 1)[0], a.max(1, keepdims=True)),
             ("take_along_axis", T.take_along_axis(x, T.argsort(x, 0), 0), np.sort(a, 0))]
    check_table([x, k], [a, np.int32(3)], table)


def test_topk_errors():
    with pytest.raises(ValueError, match="kth"):
        T.topk(T.vector(), 0)
    with pytest.raises(TypeError, match="kth"):
        T.topk(T.vector(), T.scalar())
    with pytest.raises(ValueError, match="1-d"):
        T.argtopk(T.scalar(), 1)
    with pytest.raises(TypeError, match="indices"):
        T.take_along_axis(T.matrix(), T.lvector(), 0)


GRADIENTS = {
    "sort 0": lambda x: T.sort(x, 0), "sort 1": lambda x: T.sort(x, 1) * T.arange(4),
    "sort None": lambda x: T.sort(x, None), "topk 2": lambda x: T.topk(x, 2),
    "topk -2 axis 0": lambda x: T.topk(x, -2, axis=0),
}


def build_gradient(name):
    return GRADIENTS[name], [case_rng().permutation(12).reshape(3, 4) * 0.25]  # distinct values


def test_gradients(mode):
    for name in GRADIENTS:  # one native build for all of them (see tests/batched.py)
        batched_verify_grad(mode, list(GRADIENTS), build_gradient, name)


def test_argsort_gradient_is_zero(rng):
    x = T.matrix()
    g = T.grad(T.sum(T.argsort(x) * 1.0), x)
    assert not np.any(function([x], g)(rng.standard_normal((2, 3))))


def test_complex_order():
    z = T.zmatrix()
    a = np.array([[1 + 2j, 1 + 1j, np.nan + 0j], [5j, 1 + 1j, 2 - 1j], [0j, 0j, -1 + 0j]])
    check_table([z], [a], [("sort", T.sort(z, 0), np.sort(a, 0)), ("argsort", T.argsort(z, 1), np.argsort(a, 1, kind="stable")),
                           ("unique", T.unique(z), np.unique(a, equal_nan=False)), ("cumsum", T.cumsum(z, 1), np.cumsum(a, 1))])
