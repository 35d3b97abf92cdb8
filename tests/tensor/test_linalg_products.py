"""matrix_transpose (and x.mT), vecdot, matvec, vecmat (numpy 2) and block_diag (scipy) from
transpile/tensor/linalg_products.py: batched and broadcast shapes, empty dims, int and float32
dtypes, axis for vecdot; errors; gradients."""
import numpy as np
import pytest
import scipy.linalg as sl

import transpile.tensor as T
from tests.batched import batched_verify_grad, case_rng
from tests.tensor.extra_ops_helpers import check_table, random_array

L = T.linalg


@pytest.mark.parametrize("dtype", ["float64", "float32", "int32"])
def test_values_match_numpy(dtype, rng):
    m, b3, v, w = (T.tensor(dtype, (False,) * n, name=k) for n, k in ((2, "m"), (3, "b3"), (1, "v"), (2, "w")))
    e = T.tensor(dtype, (False, False), name="e")
    mv, b3v, vv, wv = (random_array(rng, s, dtype) for s in ((3, 4), (2, 3, 4), (4,), (2, 4)))
    ev = random_array(rng, (0, 4), dtype)
    table = [("matrix_transpose", L.matrix_transpose(b3), np.matrix_transpose(b3v)),
             ("mT", m.mT, mv.mT), ("mT empty", e.mT, ev.mT),
             ("vecdot", L.vecdot(m, v), np.vecdot(mv, vv)), ("vecdot batch", L.vecdot(b3, w[:, None, :]),
                                                             np.vecdot(b3v, wv[:, None, :])),
             ("vecdot axis 0", L.vecdot(m, m, axis=0), np.vecdot(mv, mv, axis=0)),
             ("vecdot axis -2", L.vecdot(b3, m, axis=-2), np.vecdot(b3v, mv, axis=-2)),
             ("vecdot empty", L.vecdot(e, v), np.vecdot(ev, vv)),
             ("matvec", L.matvec(m, v), np.matvec(mv, vv)), ("matvec batch", L.matvec(b3, w), np.matvec(b3v, wv)),
             ("matvec broadcast", L.matvec(b3, v), np.matvec(b3v, vv)), ("matvec empty", L.matvec(e, v),
                                                                          np.matvec(ev, vv)),
             ("vecmat", L.vecmat(v[:3], m), np.vecmat(vv[:3], mv)), ("vecmat batch", L.vecmat(w[:, :3], b3),
                                                                     np.vecmat(wv[:, :3], b3v)),
             ("vecmat empty", L.vecmat(v[:0], e), np.vecmat(vv[:0], ev)),
             ("block_diag", L.block_diag(m, w, v), sl.block_diag(mv, wv, vv)),
             ("block_diag one", L.block_diag(w), sl.block_diag(wv)),
             ("block_diag empty", L.block_diag(e, m), sl.block_diag(ev, mv))]
    check_table([m, b3, v, w, e], [mv, b3v, vv, wv, ev], table, numpy_dtypes=True)


def test_mixed_dtypes_and_python_scalars(rng):
    f, i = T.fmatrix("f"), T.ivector("i")
    fv, iv = rng.standard_normal((2, 3)).astype("float32"), np.array([1, -2, 3], dtype="int32")
    check_table([f, i], [fv, iv], [("vecdot mixed", L.vecdot(f, i), np.vecdot(fv, iv)),
                                   ("block_diag mixed", L.block_diag(f, i, 2.5), sl.block_diag(fv, iv, 2.5)),
                                   ("block_diag none", L.block_diag(), sl.block_diag())], numpy_dtypes=True)


def test_errors():
    with pytest.raises(ValueError, match="matrix_transpose: x must have at least 2 dims"):
        L.matrix_transpose(T.vector())
    with pytest.raises(ValueError, match="matvec: x1 .* at least 2 dims"):
        L.matvec(T.vector(), T.vector())
    with pytest.raises(ValueError, match="vecmat: x2 .* at least 2 dims"):
        L.vecmat(T.vector(), T.vector())
    with pytest.raises(ValueError, match="vecdot: x1 must have at least 1 dims"):
        L.vecdot(T.scalar(), T.vector())
    with pytest.raises(ValueError, match="moveaxis: source: axis 2 is out of range"):
        L.vecdot(T.matrix(), T.matrix(), axis=2)
    with pytest.raises(ValueError, match=r"block_diag: arguments in positions \[1\] have more than 2 dims"):
        L.block_diag(T.matrix(), T.tensor3())


GRADIENTS = {
    "vecdot": lambda a, b: L.vecdot(a, b[0]),
    "matvec": lambda a, b: L.matvec(a, b[0]),
    "vecmat": lambda a, b: L.vecmat(b[:, :3], a),
    "block_diag": lambda a, b: L.block_diag(a, b, a[0]) ** 2,
    "matrix_transpose": lambda a, b: L.matrix_transpose(a) * b[0][:, None],
}


def build_gradient(name):
    r = case_rng()
    return GRADIENTS[name], [r.standard_normal((3, 4)), r.standard_normal((2, 4))]


def test_gradients(mode):
    for name in GRADIENTS:  # one native build for all of them (see tests/batched.py)
        batched_verify_grad(mode, list(GRADIENTS), build_gradient, name)
