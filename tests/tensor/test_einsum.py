"""T.einsum (transpile/tensor/einsum.py) against numpy.einsum: products, batches, diagonals,
ellipses, implicit outputs, three or more operands, dtypes; gradients; the errors numpy gives."""
import numpy as np
import pytest

import transpile
import transpile.tensor as T
from transpile.gradient import verify_grad
from tests.tensor.extra_ops_helpers import check_table, random_array

#: (subscripts, operand shapes); a length-1 dim is made broadcastable
CASES = [
    ("ij,jk->ik", [(3, 4), (4, 5)]), ("ij,kj->ik", [(3, 4), (5, 4)]), ("ij,jk", [(3, 4), (4, 5)]),
    ("ij,jk,k->i", [(3, 4), (4, 5), (5,)]), ("ijk,ikl,lm->jm", [(2, 3, 4), (2, 4, 5), (5, 6)]),
    ("bij,bjk->bik", [(2, 3, 4), (2, 4, 5)]), ("bhqd,bhkd->bhqk", [(2, 3, 4, 5), (2, 3, 6, 5)]),
    ("ii->i", [(4, 4)]), ("ii->", [(4, 4)]), ("ii", [(4, 4)]), ("iij,jk->ik", [(3, 3, 4), (4, 2)]),
    ("ij->", [(3, 4)]), ("ij->ji", [(3, 4)]), ("ji", [(3, 4)]), ("i,j->ij", [(3,), (4,)]), ("i,i->", [(3,), (3,)]),
    ("i,i,i->i", [(4,), (4,), (4,)]), ("ab,cd->", [(2, 3), (4, 5)]), ("ij,ij->ij", [(3, 4), (3, 4)]),
    ("abc,cba->b", [(2, 3, 4), (4, 3, 2)]), ("...ij,...j->...i", [(2, 3, 4), (2, 4)]),
    ("...i,...i->...", [(2, 1, 3), (4, 3)]), ("i...,i->...", [(3, 2, 2), (3,)]), ("...", [(2, 3)]),
    ("i,->i", [(3,), ()]), (",->", [(), ()]), ("i->", [(0,)]), ("ij,jk->ik", [(0, 4), (4, 5)]),
    ("ij,jk->ik", [(3, 0), (0, 5)]), (" i j , j k -> i k ", [(3, 4), (4, 5)]),
]


def _inputs(dtype, shapes):
    return [T.tensor(dtype, tuple(d == 1 for d in s), name=f"x{k}") for k, s in enumerate(shapes)]


@pytest.mark.parametrize("dtype", ["float64", "float32", "int32"])
def test_einsum_matches_numpy(dtype, rng):
    xs, values, table = [], [], []
    for subscripts, shapes in CASES:
        ins = _inputs(dtype, shapes)
        vals = [random_array(rng, s, dtype) for s in shapes]
        xs += ins
        values += vals
        table.append((subscripts, T.einsum(subscripts, *ins), np.einsum(subscripts, *vals)))
    check_table(xs, values, table, rtol=1e-4 if dtype == "float32" else None, numpy_dtypes=True)


def test_einsum_mixed_dtypes_bool_and_constants(rng):
    f, i, b = T.fmatrix("f"), T.ivector("i"), T.tensor("bool", (False, False), name="b")
    fv, iv = rng.standard_normal((3, 4)).astype("float32"), np.array([1, -2, 3, 4], dtype="int32")
    bv = rng.random((3, 4)) > 0.5
    c = np.arange(12.0).reshape(4, 3)
    table = [("float32 x int32", T.einsum("ij,j->i", f, i), np.einsum("ij,j->i", fv, iv)),
             ("bool", T.einsum("ij->i", b), np.einsum("ij->i", bv)),
             ("bool product", T.einsum("ij,ij->j", b, b), np.einsum("ij,ij->j", bv, bv)),
             ("constant", T.einsum("ij,jk->ik", f, c), np.einsum("ij,jk->ik", fv, c))]
    check_table([f, i, b], [fv, iv, bv], table, numpy_dtypes=True)


def test_einsum_in_linalg_and_fused_into_gemm():
    a, b, c = T.matrix("a"), T.matrix("b"), T.matrix("c")
    assert T.linalg.einsum is T.einsum
    f = transpile.function([a, b, c], T.einsum("ij,jk->ik", a, b) + c, mode="FAST_RUN")
    ops = [type(node.op).__name__ for node in f.maker.fgraph.toposort()]
    assert ops == ["Gemm"], ops
    values = [np.ones((2, 3)), np.ones((3, 4)), np.ones((2, 4))]
    np.testing.assert_allclose(f(*values), np.full((2, 4), 4.0))


@pytest.mark.parametrize("subscripts, shapes", [
    ("ij,jk->ik", [(3, 4), (4, 2)]), ("bij,bjk->bik", [(2, 3, 4), (2, 4, 2)]),
    ("bhqd,bhkd->bhqk", [(2, 2, 3, 2), (2, 2, 2, 2)]), ("ii->i", [(3, 3)]), ("ij,jk,k->i", [(2, 3), (3, 4), (4,)]),
    ("...i,...i->...", [(2, 1, 3), (4, 3)]), ("i,i->", [(4,), (4,)])])
def test_einsum_gradients(subscripts, shapes, rng):
    points = [rng.standard_normal(s) for s in shapes]

    def fn(*xs):
        # make the length-1 dims broadcastable, as numpy broadcasts them
        xs = [T.addbroadcast(x, *[d for d, n in enumerate(s) if n == 1]) if 1 in s else x for x, s in zip(xs, shapes)]
        return T.einsum(subscripts, *xs)

    verify_grad(fn, points, rng=rng)


def test_einsum_errors():
    a, v = T.matrix("a"), T.vector("v")
    with pytest.raises(ValueError, match="names 2 operands, got 1"):
        T.einsum("ij,jk->ik", a)
    with pytest.raises(ValueError, match="do not fit operand"):
        T.einsum("ijk->i", a)
    with pytest.raises(ValueError, match="do not fit operand"):
        T.einsum("...ij->i", v)
    with pytest.raises(ValueError, match="invalid subscripts"):
        T.einsum("i1,j->ij", v, v)
    with pytest.raises(ValueError, match="output label 'k'"):
        T.einsum("ij->k", a)
    with pytest.raises(ValueError, match="repeat a label"):
        T.einsum("ij->ii", a)
    with pytest.raises(ValueError, match="does not name"):
        T.einsum("...i->i", a)
    with pytest.raises(TypeError, match="subscripts must be a str"):
        T.einsum(["i"], v)
    f = transpile.function([a, v], T.einsum("ij,j->i", a, v))
    with pytest.raises(ValueError):
        f(np.ones((2, 3)), np.ones(4))
