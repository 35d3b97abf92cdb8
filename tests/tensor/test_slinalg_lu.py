"""LU (transpile/tensor/slinalg_lu.py) against scipy.linalg: lu_factor, lu (its three forms),
lu_solve (vectors, matrices, transposed), pivot_to_permutation, in float32/float64 and batches;
singular and non-finite input, bad pivots, non-square input; gradients."""
import warnings

import numpy as np
import pytest
import scipy.linalg as sl

import transpile
import transpile.tensor as T
from transpile.gradient import verify_grad
from tests.tensor.extra_ops_helpers import check_table

L = T.linalg


def _matrix(rng, *shape):
    return rng.uniform(-1, 1, shape) + np.eye(shape[-1])


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_lu_matches_scipy(dtype, rng):
    a, b, v = T.tensor(dtype, (False, False), "a"), T.tensor(dtype, (False, False), "b"), T.tensor(dtype, (False,), "v")
    av, bv, vv = (_matrix(rng, 5, 5).astype(dtype), rng.uniform(-1, 1, (5, 3)).astype(dtype),
                  rng.uniform(-1, 1, 5).astype(dtype))
    packed, piv = L.lu_factor(a)
    ref = sl.lu_factor(av)
    P, lower, upper = sl.lu(av)
    p = sl.lu(av, p_indices=True)[0]
    q = np.arange(5)
    for i, j in enumerate(ref[1]):
        q[i], q[j] = q[j], q[i]
    table = [("lu_factor lu", packed, ref[0]), ("lu_factor piv", piv, ref[1]),
             ("lu P", L.lu(a)[0], P), ("lu L", L.lu(a)[1], lower), ("lu U", L.lu(a)[2], upper),
             ("lu p_indices", L.lu(a, p_indices=True)[0], p), ("lu permute_l", L.lu(a, permute_l=True)[0], P @ lower),
             ("lu_solve matrix", L.lu_solve((packed, piv), b), sl.lu_solve(ref, bv)),
             ("lu_solve vector", L.lu_solve((packed, piv), v), sl.lu_solve(ref, vv)),
             ("lu_solve trans", L.lu_solve((packed, piv), b, trans=1), sl.lu_solve(ref, bv, trans=1)),
             ("lu_solve trans T", L.lu_solve((packed, piv), v, trans="T"), sl.lu_solve(ref, vv, trans=1)),
             ("pivot_to_permutation", L.pivot_to_permutation(piv), p.astype("int64")),
             ("pivot_to_permutation inverse", L.pivot_to_permutation(piv, inverse=True), q)]
    check_table([a, b, v], [av, bv, vv], table, rtol=1e-4 if dtype == "float32" else 1e-9)


def test_lu_batched_integer_empty_and_singular(rng):
    a3, i2, e = T.tensor3("a3"), T.imatrix("i2"), T.matrix("e")
    a3v = _matrix(rng, 3, 4, 4)
    i2v = np.array([[2, 1, 0], [4, 1, 1], [0, 3, 5]], dtype="int32")
    singular = np.array([[1.0, 2.0], [2.0, 4.0]])
    b3 = rng.uniform(-1, 1, (3, 4, 2))
    packed, piv = L.lu_factor(a3)
    refs = [sl.lu_factor(m) for m in a3v]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sl.LinAlgWarning)
        singular_ref = sl.lu_factor(singular)
    table = [("batched lu", packed, np.stack([r[0] for r in refs])), ("batched piv", piv, np.stack([r[1] for r in refs])),
             ("batched solve", L.lu_solve((packed, piv), T.constant(b3)), np.stack([sl.lu_solve(r, b) for r, b in zip(refs, b3)])),
             ("batched U", L.lu(a3)[2], np.stack([sl.lu(m)[2] for m in a3v])),
             ("int32 input", L.lu_factor(i2)[0], sl.lu_factor(i2v)[0]), ("empty", L.lu_factor(e)[0], np.zeros((0, 0))),
             ("singular", L.lu_factor(T.constant(singular))[0], singular_ref[0])]
    check_table([a3, i2, e], [a3v, i2v, np.zeros((0, 0))], table)


def test_lu_errors():
    a, piv = T.matrix("a"), T.ivector("piv")
    with pytest.raises(TypeError, match="lu_factor: input a must be a matrix"):
        L.lu_factor(T.vector())
    with pytest.raises(TypeError, match="pivots must be an int tensor"):
        L.pivot_to_permutation(T.vector())
    with pytest.raises(ValueError, match="trans must be"):
        L.lu_solve(L.lu_factor(a), T.vector(), trans=3)
    f = transpile.function([a], L.lu_factor(a)[0])
    with pytest.raises(ValueError, match="must be square"):
        f(np.ones((2, 3)))
    with pytest.raises(ValueError, match="infs or NaNs"):
        f(np.array([[1.0, np.nan], [0.0, 1.0]]))
    g = transpile.function([piv], L.pivot_to_permutation(piv))
    np.testing.assert_array_equal(g(np.array([2, 2, 2], dtype="int32")), [1, 2, 0])  # q = [2, 0, 1]
    with pytest.raises(IndexError, match="pivot 3 of row 1 is out of range for 3 rows"):
        g(np.array([0, 3, 2], dtype="int32"))


def test_lu_gradients(rng):
    a, b = _matrix(rng, 4, 4), rng.uniform(-1, 1, (4, 2))
    verify_grad(lambda m: L.lu_factor(m)[0], [a], rng=rng)
    verify_grad(lambda m: L.lu(m)[1] * 2.0 + L.lu(m)[2], [a], rng=rng)
    verify_grad(lambda m: L.lu(m, permute_l=True)[0], [a], rng=rng)
    verify_grad(lambda m, r: L.lu_solve(L.lu_factor(m), r), [a, b], rng=rng)
    verify_grad(lambda m, r: L.lu_solve(L.lu_factor(m), r, trans=1), [a, b[:, 0]], rng=rng)
    verify_grad(lambda m: L.lu_factor(m)[0], [_matrix(rng, 2, 3, 3)], rng=rng)
