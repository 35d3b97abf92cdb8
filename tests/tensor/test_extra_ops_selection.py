"""choose, compress, permute_row_elements (transpile.tensor.selection) and bartlett against numpy,
with their gradients."""
import numpy as np
import pytest

import transpile.tensor as T
from transpile import function
from transpile.gradient import verify_grad
from tests.tensor.extra_ops_helpers import check_table


def test_choose_compress_permute_row_elements(rng):
    a, i, c0, c1, c2 = T.lmatrix("a"), T.ivector("i"), T.dvector("c0"), T.dmatrix("c1"), T.dmatrix("c2")
    x, cond, p, pp, ft = T.dmatrix("x"), T.bvector("cond"), T.lvector("p"), T.lmatrix("pp"), T.ftensor3("ft")
    av, iv = np.array([[0, 1, 2], [2, 1, 0]]), np.array([1, 0, 1], dtype="int32")
    c0v, c1v, c2v = rng.standard_normal(3), rng.standard_normal((2, 3)), rng.standard_normal((2, 3))
    xv, condv = rng.standard_normal((3, 4)), np.array([1, 0, 1], dtype="int8")
    pv, ppv = np.array([2, 0, 3, 1]), np.array([[3, 2, 1, 0], [0, 1, 2, 3], [1, 0, 3, 2]])
    ftv = rng.standard_normal((2, 3, 4)).astype("float32")
    inverse = np.empty_like(xv)
    inverse[:, pv] = xv
    table = [("choose", T.choose(a, [c0, c1, c2]), np.choose(av, [c0v, c1v, c2v])),
             ("choose wrap", T.choose(a * 2, [c0, c1, c2], mode="wrap"), np.choose(av * 2, [c0v, c1v, c2v], mode="wrap")),
             ("choose clip", T.choose(a - 1, [c0, c1, c2], mode="clip"), np.choose(av - 1, [c0v, c1v, c2v], mode="clip")),
             ("choose from a tensor", T.choose(i, c1), np.choose(iv, c1v)),
             ("choose mixed dtypes", T.choose(i, [i, c0]), np.choose(iv, [iv, c0v])),
             ("choose method", a.choose([c1, c2, c0]), av.choose([c1v, c2v, c0v])),
             ("compress", T.compress(cond, x, axis=0), np.compress(condv, xv, axis=0)),
             ("compress axis 1", T.compress(cond, x, axis=1), np.compress(condv, xv, axis=1)),
             ("compress flat", T.compress(cond, x), np.compress(condv, xv)),
             ("compress method", x.compress(cond, 1), xv.compress(condv, 1)),
             ("permute", T.permute_row_elements(x, p), xv[:, pv]),
             ("permute inverse", T.permute_row_elements(x, p, inverse=1), inverse),
             ("permute per row", T.permute_row_elements(x, pp), np.take_along_axis(xv, ppv, 1)),
             ("permute broadcast", T.permute_row_elements(ft, pp), np.take_along_axis(ftv, np.broadcast_to(ppv, (2, 3, 4)), 2)),
             ("permute vector", T.permute_row_elements(p, p), pv[pv])]
    check_table([a, i, c0, c1, c2, x, cond, p, pp, ft], [av, iv, c0v, c1v, c2v, xv, condv, pv, ppv, ftv], table)


def test_bartlett():
    n = T.lscalar("n")
    f = function([n], T.bartlett(n))
    for m in (-2, 0, 1, 2, 5, 8):
        got = f(m)
        assert got.dtype == np.float64
        np.testing.assert_allclose(got, np.bartlett(m), atol=1e-15)
    np.testing.assert_allclose(function([], T.extra_ops.bartlett(7))(), np.bartlett(7), atol=1e-15)


def test_selection_gradients(rng):
    av, pv = np.array([[0, 1, 2], [2, 0, 0]]), np.array([[2, 0, 1], [1, 2, 0]])
    cond = np.array([1, 0, 1, 1], dtype="int8")
    verify_grad(lambda c0, c1: T.choose(av, [c0, c1, c1 * 2]), [rng.standard_normal(3), rng.standard_normal((2, 3))],
                rng=rng)
    verify_grad(lambda x: T.compress(cond, x, axis=1), [rng.standard_normal((3, 4))], rng=rng)
    verify_grad(lambda x: T.permute_row_elements(x, pv, inverse=1), [rng.standard_normal((2, 3))], rng=rng)


def test_selection_errors():
    with pytest.raises(TypeError, match="integers"):
        T.choose(T.vector(), [T.vector()])
    with pytest.raises(ValueError, match="mode"):
        T.choose(T.lvector(), [T.vector()], mode="bounce")
    with pytest.raises(ValueError, match="empty"):
        T.choose(T.lvector(), [])
    with pytest.raises(TypeError, match="permutations"):
        T.permute_row_elements(T.vector(), T.vector())
    with pytest.raises(TypeError, match="integer scalar"):
        T.bartlett(T.scalar())
    a, c = T.lvector(), T.matrix()
    f = function([a, c], T.choose(a, c))
    for bad in ([0, 3], [-1, 0]):  # out of range, negative ones too (numpy raises for both)
        with pytest.raises(IndexError):
            f(np.array(bad), np.ones((3, 2)))
