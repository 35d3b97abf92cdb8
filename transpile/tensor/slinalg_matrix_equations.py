"""scipy.linalg's linear matrix equations (PyTensor's names): Sylvester A X + X B = Q,
continuous Lyapunov A X + X A^T = Q and discrete Lyapunov X = A X A^T + Q, for real square
matrices.

Each is the n m x n m linear system its row-major vectorization gives, with Kronecker products
(vec(A X) = (A kron I) vec(X), vec(X B) = (I kron B^T) vec(X)), solved by `solve`: PyTensor's
"direct" method. That is O((n m)^3) work, meant for the small systems of state-space models;
it runs natively and its gradients are those of kron and solve.
"""
from transpile.tensor.alloc import eye
from transpile.tensor.linalg_common import as_matrices
from transpile.tensor.nlinalg_structure import kron
from transpile.tensor.slinalg import solve

__all__ = ["solve_continuous_lyapunov", "solve_discrete_lyapunov", "solve_sylvester"]


def _vec_solve(system, q, rows, cols):
    x = solve(system, q.flatten(), b_ndim=1)
    return x.reshape([rows, cols], ndim=2)


def solve_sylvester(A, B, Q):  # noqa: N803  scipy's argument names
    """X with A X + X B = Q (A n x n, B m x m, Q n x m)."""
    A, B, Q = (as_matrices("solve_sylvester", v, batched=False, what=w) for v, w in ((A, "A"), (B, "B"), (Q, "Q")))
    n, m = A.shape[0], B.shape[0]
    return _vec_solve(kron(A, eye(m, dtype=A.dtype)) + kron(eye(n, dtype=B.dtype), B.T), Q, n, m)


def solve_continuous_lyapunov(A, Q):  # noqa: N803
    """X with A X + X A^T = Q."""
    A, Q = (as_matrices("solve_continuous_lyapunov", v, batched=False, what=w) for v, w in ((A, "A"), (Q, "Q")))
    return solve_sylvester(A, A.T, Q)


def solve_discrete_lyapunov(A, Q, method="direct"):  # noqa: N803
    """X with X = A X A^T + Q (scipy's A X A^H - X + Q = 0); `method` "direct" only."""
    if method != "direct":
        raise ValueError(f"solve_discrete_lyapunov: only method='direct' is implemented, got {method!r}")
    A, Q = (as_matrices("solve_discrete_lyapunov", v, batched=False, what=w) for v, w in ((A, "A"), (Q, "Q")))
    n = A.shape[0]
    return _vec_solve(eye(n * n, dtype=A.dtype) - kron(A, A), Q, n, n)
