"""scipy.linalg in the graph (Theano's `slinalg`): Cholesky factorization, linear solves
(general, symmetric, positive definite, triangular, from a Cholesky factor) and the matrix
exponential. All but `expm` are batched over leading dims; the reference is scipy's, errors
included (a singular or non-positive-definite matrix raises scipy's LinAlgError, a ValueError).

`b_ndim` says whether the right-hand side is a (batch of) vector (1) or matrix (2); by default
1 for a 1-d `b` and 2 otherwise, so a batch of vectors needs `b_ndim=1`."""
import numpy as np

from transpile.graph.basic import Apply
from transpile.graph.op import Op
from transpile.lazy_import import lazy_module
from transpile.tensor.basic import as_tensor_variable
from transpile.tensor.blas import grad_like
from transpile.tensor.elemwise import DimShuffle
from transpile.tensor.linalg_common import (as_matrices, check_square, float_dtype, identity_of, matmul, mT, tensor_of,
                                            tri_mask)
from transpile.tensor.nlinalg_structure import kron  # noqa: F401  (Theano has it in slinalg)

scipy_linalg = lazy_module("scipy.linalg")

__all__ = ["Cholesky", "Solve", "SolveTriangular", "CholeskySolve", "Expm",
           "cholesky", "solve", "solve_triangular", "solve_lower_triangular", "solve_upper_triangular", "solve_symmetric",
           "cho_solve", "expm", "kron"]


def _column(b, b_ndim):
    """b as a matrix right-hand side for scipy (a batch of vectors gets a trailing 1)."""
    return b[..., None] if b_ndim == 1 else b


def _outer(g, x, b_ndim):
    """g @ x^T for matrices, the outer product g x^T for vectors (batched)."""
    if b_ndim == 2:
        return matmul(g, mT(x))
    n = g.ndim
    gc = DimShuffle(g.broadcastable, list(range(n)) + ["x"])(g)
    xr = DimShuffle(x.broadcastable, list(range(n - 1)) + ["x", n - 1])(x)
    return gc * xr


class Cholesky(Op):
    """The Cholesky factor of a (batch of) positive-definite matrix, read from the triangle it
    returns: lower L (a = L L^T) or upper U (a = U^T U)."""

    __props__ = ("lower",)

    def __init__(self, lower=True):
        self.lower = bool(lower)

    def make_node(self, x):
        x = as_matrices("cholesky", x, batched=True)
        return Apply(self, [x], [tensor_of(float_dtype("cholesky", x.dtype), x.ndim)])

    def perform(self, node, inputs, output_storage):
        (x,) = inputs
        check_square("cholesky", x)
        out = scipy_linalg.cholesky(x.astype(node.outputs[0].dtype), lower=self.lower) if x.size else x
        output_storage[0][0] = np.asarray(out, dtype=node.outputs[0].dtype)

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]

    def grad(self, inputs, output_grads):
        """Murray (2016): S = L^-T Phi(L^T gL) L^-1 with Phi the lower triangle, diagonal
        halved; the input triangle gets S + S^T (its diagonal S)."""
        (x,), (gz,) = inputs, output_grads
        chol = self(x) if self.lower else mT(self(x))
        g = gz if self.lower else mT(gz)
        p = matmul(mT(chol), g)
        p = p * tri_mask(p, True) - 0.5 * p * identity_of(p)
        y = SolveTriangular(lower=True, trans=1, b_ndim=2)(chol, p)              # L^-T P
        s = mT(SolveTriangular(lower=True, trans=1, b_ndim=2)(chol, mT(y)))       # L^-T P L^-1
        both = (s + mT(s)) * tri_mask(s, True) - s * identity_of(s)
        return [grad_like(both if self.lower else mT(both), x)]

    def __str__(self):
        return f"Cholesky{{{'lower' if self.lower else 'upper'}}}"


class _SolveBase(Op):
    """A solve of a (batch of) square `a` against `b` (vectors or matrices, same batch)."""

    __props__ = ("b_ndim",)

    def _node(self, a, b):
        name = str(self)
        a = as_matrices(name, a, batched=True)
        b = as_tensor_variable(b)
        if self.b_ndim not in (1, 2):
            raise ValueError(f"{name}: b_ndim must be 1 or 2, got {self.b_ndim}")
        if b.ndim - self.b_ndim != a.ndim - 2:
            raise TypeError(f"{name}: b ({b.type}, b_ndim={self.b_ndim}) must have the {a.ndim - 2} batch dims "
                            f"of a ({a.type})")
        dtype = float_dtype(name, np.result_type(a.dtype, b.dtype).name)
        return Apply(self, [a, b], [tensor_of(dtype, b.ndim)])

    def _check(self, a, b):
        check_square(str(self), a)
        rows = b.shape[-self.b_ndim]
        if rows != a.shape[-1] or a.shape[:-2] != b.shape[:b.ndim - self.b_ndim]:
            raise ValueError(f"{self}: shapes of a {a.shape} and b {b.shape} (b_ndim={self.b_ndim}) do not match")

    def _store(self, node, output_storage, x):
        x = x[..., 0] if self.b_ndim == 1 else x
        output_storage[0][0] = np.asarray(x, dtype=node.outputs[0].dtype)

    def infer_shape(self, node, input_shapes):
        return [input_shapes[1]]


class Solve(_SolveBase):
    """scipy.linalg.solve(a, b, assume_a, lower): assume_a "gen" (LU), "sym" (symmetric) or
    "pos" (positive definite; Cholesky); "sym"/"pos" read the triangle `lower` says."""

    __props__ = ("assume_a", "lower", "b_ndim")

    def __init__(self, assume_a="gen", lower=False, b_ndim=2):
        if assume_a not in ("gen", "sym", "pos"):
            raise ValueError(f"solve: assume_a must be 'gen', 'sym' or 'pos', got {assume_a!r}")
        self.assume_a, self.lower, self.b_ndim = assume_a, bool(lower), int(b_ndim)

    def make_node(self, a, b):
        return self._node(a, b)

    def perform(self, node, inputs, output_storage):
        a, b = inputs
        self._check(a, b)
        dtype = node.outputs[0].dtype
        rhs = _column(b, self.b_ndim).astype(dtype)
        x = scipy_linalg.solve(a.astype(dtype), rhs, assume_a=self.assume_a, lower=self.lower) if rhs.size else rhs
        self._store(node, output_storage, x)

    def grad(self, inputs, output_grads):
        """gb = a^-T gx, ga = -gb x^T (symmetrized for "sym"/"pos")."""
        (a, b), (gx,) = inputs, output_grads
        x = self(a, b)
        gb = self(mT(a), gx) if self.assume_a == "gen" else self(a, gx)  # "sym"/"pos": a symmetric matrix
        ga = -_outer(gb, x, self.b_ndim)
        if self.assume_a != "gen":
            both = ga + mT(ga)
            ga = both * tri_mask(ga, self.lower) - ga * identity_of(ga)
        return [grad_like(ga, a), grad_like(gb, b)]

    def __str__(self):
        return f"Solve{{{self.assume_a}}}"


class SolveTriangular(_SolveBase):
    """scipy.linalg.solve_triangular(a, b, trans, lower, unit_diagonal): only the triangle of
    `a` that `lower` names is read (and not its diagonal with unit_diagonal)."""

    __props__ = ("lower", "trans", "unit_diagonal", "b_ndim")

    def __init__(self, lower=False, trans=0, unit_diagonal=False, b_ndim=2):
        trans = {"N": 0, "T": 1, "C": 1}.get(trans, trans)
        if trans not in (0, 1, 2):
            raise ValueError(f"solve_triangular: trans must be 0, 1, 2, 'N', 'T' or 'C', got {trans!r}")
        self.lower, self.trans, self.unit_diagonal, self.b_ndim = bool(lower), 1 if trans == 2 else trans, \
            bool(unit_diagonal), int(b_ndim)

    def make_node(self, a, b):
        return self._node(a, b)

    def perform(self, node, inputs, output_storage):
        a, b = inputs
        self._check(a, b)
        dtype = node.outputs[0].dtype
        rhs = _column(b, self.b_ndim).astype(dtype)
        x = scipy_linalg.solve_triangular(a.astype(dtype), rhs, trans=self.trans, lower=self.lower,
                                          unit_diagonal=self.unit_diagonal) if rhs.size else rhs
        self._store(node, output_storage, x)

    def grad(self, inputs, output_grads):
        (a, b), (gx,) = inputs, output_grads
        x = self(a, b)
        gb = SolveTriangular(self.lower, 1 - self.trans, self.unit_diagonal, self.b_ndim)(a, gx)
        ga = -_outer(gb, x, self.b_ndim) if self.trans == 0 else -_outer(x, gb, self.b_ndim)
        mask = tri_mask(ga, self.lower)
        mask = mask * (1 - identity_of(ga)) if self.unit_diagonal else mask
        return [grad_like(ga * mask, a), grad_like(gb, b)]

    def __str__(self):
        return f"SolveTriangular{{{'lower' if self.lower else 'upper'}, trans={self.trans}}}"


class CholeskySolve(_SolveBase):
    """scipy.linalg.cho_solve((c, lower), b): solves (c c^T) x = b (lower) or (c^T c) x = b,
    reading one triangle of the factor c, with no singularity check (as LAPACK potrs)."""

    __props__ = ("lower", "b_ndim")

    def __init__(self, lower=True, b_ndim=2):
        self.lower, self.b_ndim = bool(lower), int(b_ndim)

    def make_node(self, c, b):
        return self._node(c, b)

    def perform(self, node, inputs, output_storage):
        c, b = inputs
        self._check(c, b)
        dtype = node.outputs[0].dtype
        rhs = _column(b, self.b_ndim).astype(dtype)
        with np.errstate(all="ignore"):
            x = scipy_linalg.cho_solve((c.astype(dtype), self.lower), rhs, check_finite=False) if rhs.size else rhs
        self._store(node, output_storage, x)

    def grad(self, inputs, output_grads):
        """With A = c c^T: gb = A^-1 gx, gA = -gb x^T, gc = (gA + gA^T) c on c's triangle."""
        (c, b), (gx,) = inputs, output_grads
        x = self(c, b)
        gb = self(c, gx)
        ga = -_outer(gb, x, self.b_ndim)
        sym = ga + mT(ga)
        gc = matmul(sym, c) if self.lower else matmul(c, sym)
        return [grad_like(gc * tri_mask(gc, self.lower), c), grad_like(gb, b)]

    def __str__(self):
        return f"CholeskySolve{{{'lower' if self.lower else 'upper'}}}"


class Expm(Op):
    """scipy.linalg.expm of a square matrix."""

    def make_node(self, x):
        x = as_matrices("expm", x, batched=False)
        return Apply(self, [x], [tensor_of(float_dtype("expm", x.dtype), 2)])

    def perform(self, node, inputs, output_storage):
        check_square("expm", inputs[0])
        output_storage[0][0] = np.asarray(scipy_linalg.expm(inputs[0]), dtype=node.outputs[0].dtype)

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]

    def grad(self, inputs, output_grads):
        """The adjoint Frechet derivative: the top-right block of expm([[A^T, G], [0, A^T]])."""
        import transpile.tensor as T
        (x,), (gz,) = inputs, output_grads
        xt = mT(x)
        n = T.shape(x)[0]
        block = T.concatenate([T.concatenate([xt, gz], axis=1),
                               T.concatenate([T.zeros_like(xt), xt], axis=1)], axis=0)
        return [grad_like(self(block)[:n, n:], x)]

    def __str__(self):
        return "Expm"


def _b_ndim(b, b_ndim):
    return b_ndim if b_ndim is not None else (1 if as_tensor_variable(b).ndim == 1 else 2)


def cholesky(x, lower=True):
    """The Cholesky factor of a positive-definite matrix (lower by default)."""
    return Cholesky(lower)(x)


def solve(a, b, assume_a="gen", lower=False, b_ndim=None):
    """scipy.linalg.solve: x with a @ x = b."""
    return Solve(assume_a, lower, _b_ndim(b, b_ndim))(a, b)


def solve_triangular(a, b, trans=0, lower=False, unit_diagonal=False, b_ndim=None):
    """scipy.linalg.solve_triangular: x with a @ x = b (a.T @ x = b for trans=1), a triangular."""
    return SolveTriangular(lower, trans, unit_diagonal, _b_ndim(b, b_ndim))(a, b)


def solve_lower_triangular(a, b, **kwargs):
    return solve_triangular(a, b, lower=True, **kwargs)


def solve_upper_triangular(a, b, **kwargs):
    return solve_triangular(a, b, lower=False, **kwargs)


def solve_symmetric(a, b, lower=False, b_ndim=None):
    """solve(a, b, assume_a="sym") (Theano's slinalg.solve_symmetric)."""
    return solve(a, b, assume_a="sym", lower=lower, b_ndim=b_ndim)


def cho_solve(c_and_lower, b, b_ndim=None):
    """scipy.linalg.cho_solve((c, lower), b): x with (c c^T) x = b for a lower factor c."""
    c, lower = c_and_lower
    return CholeskySolve(lower, _b_ndim(b, b_ndim))(c, b)


def expm(x):
    """scipy.linalg.expm: the matrix exponential."""
    return Expm()(x)
