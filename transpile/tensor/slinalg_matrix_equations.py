"""scipy.linalg's matrix equations (PyTensor's names): Sylvester A X + X B = Q, continuous
Lyapunov A X + X A^T = Q, discrete Lyapunov X = A X A^T + Q, and the discrete algebraic Riccati
equation, for real square matrices.

The linear ones are the n m x n m system their row-major vectorization gives, with Kronecker
products (vec(A X) = (A kron I) vec(X), vec(X B) = (I kron B^T) vec(X)), solved by `solve`:
PyTensor's "direct" method. That is O((n m)^3) work, meant for the small systems of state-space
models; it runs natively and its gradients are those of kron and solve. The Riccati equation is
scipy's solver on the host (`SolveDiscreteARE`); its gradient is the adjoint one: a discrete
Lyapunov equation of the closed loop.
"""
import numpy as np

from transpile.graph.basic import Apply
from transpile.graph.op import Op
from transpile.lazy_import import lazy_module
from transpile.tensor.alloc import eye
from transpile.tensor.blas import grad_like
from transpile.tensor.linalg_common import as_matrices, float_dtype, matmul, mT, tensor_of
from transpile.tensor.nlinalg_structure import kron
from transpile.tensor.slinalg import solve

scipy_linalg = lazy_module("scipy.linalg")

__all__ = ["SolveDiscreteARE", "solve_continuous_lyapunov", "solve_discrete_are", "solve_discrete_lyapunov",
           "solve_sylvester"]


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


class SolveDiscreteARE(Op):
    """X with X = A^T X A - A^T X B (R + B^T X B)^-1 B^T X A + Q (scipy.linalg.solve_discrete_are;
    A n x n, B n x m, Q n x n, R m x m)."""

    __props__ = ()

    def make_node(self, A, B, Q, R):  # noqa: N803
        what = "solve_discrete_are"
        A, B, Q, R = (as_matrices(what, v, batched=False, what=w) for v, w in ((A, "A"), (B, "B"), (Q, "Q"), (R, "R")))
        dtype = float_dtype(what, np.result_type(*[v.dtype for v in (A, B, Q, R)]).name)
        return Apply(self, [A, B, Q, R], [tensor_of(dtype, 2)])

    def perform(self, node, inputs, output_storage):
        dtype = node.outputs[0].dtype
        A, B, Q, R = (np.asarray(v, dtype="float64") for v in inputs)
        output_storage[0][0] = np.asarray(scipy_linalg.solve_discrete_are(A, B, Q, R), dtype=dtype)

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]

    def grad(self, inputs, output_grads):
        """With the gain K = (R + B^T X B)^-1 B^T X A and the closed loop C = A - B K, the adjoint
        S solves S = C S C^T + sym(gX); then gA = 2 X C S, gB = -2 X C S K^T, gQ = S, gR = K S K^T."""
        A, B, Q, R = inputs
        X = self(A, B, Q, R)
        K = solve(R + matmul(matmul(mT(B), X), B), matmul(matmul(mT(B), X), A))
        C = A - matmul(B, K)
        g = output_grads[0]
        S = solve_discrete_lyapunov(C, 0.5 * (g + mT(g)))
        XCS = matmul(matmul(X, C), S)
        return [grad_like(2 * XCS, A), grad_like(-2 * matmul(XCS, mT(K)), B), grad_like(S, Q),
                grad_like(matmul(matmul(K, S), mT(K)), R)]


def solve_discrete_are(A, B, Q, R):  # noqa: N803
    """scipy.linalg.solve_discrete_are(A, B, Q, R): the stabilizing solution of the discrete
    algebraic Riccati equation (see `SolveDiscreteARE`)."""
    return SolveDiscreteARE()(A, B, Q, R)
