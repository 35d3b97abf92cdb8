"""schur, qz and ordqz (transpile/tensor/slinalg_schur.py) against scipy.linalg in every mode:
real and complex output, float32; the decompositions reconstruct their inputs; no gradient;
errors."""
import numpy as np
import pytest
import scipy.linalg as sl

import transpile
import transpile.tensor as T
from tests.tensor.extra_ops_helpers import check_table

L = T.linalg


def test_schur_qz_ordqz_match_scipy(rng):
    a, b = T.dmatrix("a"), T.dmatrix("b")
    av, bv = rng.standard_normal((4, 4)), rng.standard_normal((4, 4))
    t, z = sl.schur(av)
    tc, zc = sl.schur(av, output="complex")
    table = [("schur T", L.schur(a)[0], t), ("schur Z", L.schur(a)[1], z),
             ("schur complex T", L.schur(a, output="complex")[0], tc),
             ("schur complex Z", L.schur(a, output="complex")[1], zc)]
    table += [(f"qz {k}", v, w) for k, (v, w) in enumerate(zip(L.qz(a, b), sl.qz(av, bv)))]
    table += [(f"ordqz {k}", v, w) for k, (v, w) in enumerate(zip(L.ordqz(a, b, sort="iuc"),
                                                                   sl.ordqz(av, bv, sort="iuc")))]
    table += [(f"ordqz complex {k}", v, w)
              for k, (v, w) in enumerate(zip(L.ordqz(a, b, output="complex"), sl.ordqz(av, bv, output="complex")))]
    check_table([a, b], [av, bv], table, numpy_dtypes=True)


def test_decompositions_reconstruct_and_float32(rng):
    a, b = T.fmatrix("a"), T.fmatrix("b")
    av, bv = rng.standard_normal((3, 3)).astype("float32"), rng.standard_normal((3, 3)).astype("float32")
    t, z = L.schur(a)
    aa, bb, q, zz = L.qz(a, b)
    f = transpile.function([a, b], [t, z, aa, bb, q, zz])
    tv, zv, aav, bbv, qv, zzv = f(av, bv)
    assert tv.dtype == np.float32
    np.testing.assert_allclose(zv @ tv @ zv.T, av, atol=1e-4)
    np.testing.assert_allclose(qv @ aav @ zzv.T, av, atol=1e-4)
    np.testing.assert_allclose(qv @ bbv @ zzv.T, bv, atol=1e-4)


def test_errors():
    a = T.dmatrix("a")
    with pytest.raises(ValueError, match="output must be"):
        L.schur(a, output="quasi")
    with pytest.raises(ValueError, match="sort must be one of"):
        L.ordqz(a, a, sort=lambda x, y: True)
    with pytest.raises(TypeError, match="must be a matrix"):
        L.schur(T.vector())
    with pytest.raises(ValueError, match="must be square"):
        transpile.function([a], L.schur(a)[0])(np.ones((2, 3)))
    with pytest.raises(NotImplementedError, match="does not implement its gradient"):
        T.grad(L.schur(a)[0].sum(), a)
