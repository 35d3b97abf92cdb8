"""The Sylvester, Lyapunov and discrete Riccati solvers (transpile/tensor/
slinalg_matrix_equations.py) against scipy.linalg in every mode, float64 and float32; gradients;
errors."""
import numpy as np
import pytest
import scipy.linalg as sl

import transpile.tensor as T
from transpile.gradient import verify_grad
from tests.tensor.extra_ops_helpers import check_table

L = T.linalg


def _stable(rng, n):
    a = rng.standard_normal((n, n))
    return a / (1.5 * np.abs(np.linalg.eigvals(a)).max())


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_matrix_equations_match_scipy(dtype, rng):
    A, B, Q, S = (T.tensor(dtype, (False, False), name=k) for k in "ABQS")
    av, bv, qv = (rng.standard_normal(s).astype(dtype) for s in ((4, 4), (3, 3), (4, 3)))
    sv = rng.standard_normal((4, 4)).astype(dtype)
    sv = (sv @ sv.T).astype(dtype)
    stable = _stable(rng, 4).astype(dtype)
    table = [("solve_sylvester", L.solve_sylvester(A, B, Q), sl.solve_sylvester(av, bv, qv)),
             ("solve_continuous_lyapunov", L.solve_continuous_lyapunov(A, S), sl.solve_continuous_lyapunov(av, sv)),
             ("solve_discrete_lyapunov", L.solve_discrete_lyapunov(A * 0 + T.constant(stable), S),
              sl.solve_discrete_lyapunov(stable, sv))]
    check_table([A, B, Q, S], [av, bv, qv, sv], table, rtol=2e-3 if dtype == "float32" else 1e-8)


def test_gradients_and_errors(rng):
    a, b, q = rng.standard_normal((3, 3)) + 3 * np.eye(3), rng.standard_normal((2, 2)) + 3 * np.eye(2), \
        rng.standard_normal((3, 2))
    verify_grad(L.solve_sylvester, [a, b, q], rng=rng)
    verify_grad(L.solve_continuous_lyapunov, [a, q @ q.T], rng=rng)
    verify_grad(L.solve_discrete_lyapunov, [_stable(rng, 3), q @ q.T], rng=rng)
    with pytest.raises(ValueError, match="method='direct'"):
        L.solve_discrete_lyapunov(T.matrix(), T.matrix(), method="bilinear")
    with pytest.raises(TypeError, match="must be a matrix"):
        L.solve_sylvester(T.vector(), T.matrix(), T.matrix())


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_discrete_riccati_matches_scipy(dtype, rng):
    A, B, Q, R = (T.tensor(dtype, (False, False), name=k) for k in "ABQR")
    av = (0.5 * rng.standard_normal((3, 3))).astype(dtype)
    bv = rng.standard_normal((3, 2)).astype(dtype)
    qv, rv = np.eye(3, dtype=dtype), 2 * np.eye(2, dtype=dtype)
    expected = sl.solve_discrete_are(av.astype("float64"), bv.astype("float64"), qv.astype("float64"),
                                     rv.astype("float64")).astype(dtype)
    check_table([A, B, Q, R], [av, bv, qv, rv], [("solve_discrete_are", L.solve_discrete_are(A, B, Q, R), expected)],
                rtol=1e-3 if dtype == "float32" else 1e-8)


def test_discrete_riccati_gradient(rng):
    a, b = 0.5 * rng.standard_normal((3, 3)), rng.standard_normal((3, 2))
    q, r = rng.standard_normal((3, 3)), rng.standard_normal((2, 2))
    # the equation takes symmetric Q and R: differentiate through their symmetric parts
    verify_grad(lambda A, B, Q, R: L.solve_discrete_are(A, B, Q @ Q.T + T.eye(3), R @ R.T + T.eye(2)),
                [a, b, q, r], rng=rng)

