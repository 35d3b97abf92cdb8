"""LU factorization as scipy.linalg spells it (`lu_factor`, `lu`, `lu_solve`), and PyTensor's
`pivot_to_permutation` between LAPACK's row interchanges and permutations.

One op factors (`LUFactor`: the packed L and U and the 0-based pivots, batched over leading dims,
square matrices); `lu` unpacks it, and `lu_solve` is two triangular solves of the packed factor
with the rows permuted by a 0/1 matrix (a product, so batches and gradients come with it). A
singular matrix is factored as far as it goes, as scipy does (scipy also warns).
"""
import warnings

import numpy as np

from transpile.graph.basic import Apply
from transpile.graph.op import Op
from transpile.lazy_import import lazy_module
from transpile.scalar import dtypes as D
from transpile.tensor.alloc import arange
from transpile.tensor.basic import as_tensor_variable
from transpile.tensor.blas import grad_like
from transpile.tensor.elemwise import DimShuffle
from transpile.tensor.linalg_common import (as_matrices, check_square, float_dtype, identity_of, matmul, mT, tensor_of,
                                            tri_mask)
from transpile.tensor.math import cast, eq
from transpile.tensor.slinalg import SolveTriangular, _b_ndim
from transpile.tensor.type import TensorType

scipy_linalg = lazy_module("scipy.linalg")

__all__ = ["LUFactor", "PivotToPermutation", "lu", "lu_factor", "lu_solve", "pivot_to_permutation"]


class LUFactor(Op):
    """scipy.linalg.lu_factor of a (batch of) square matrix: (lu, piv), lu holding L (unit
    diagonal, not stored) below and U on and above the diagonal of P a = L U; piv the int32 rows
    each row was swapped with, in order."""

    __props__ = ()

    def make_node(self, x):
        x = as_matrices("lu_factor", x, batched=True)
        pivots = TensorType("int32", (False,) * (x.ndim - 1))()
        return Apply(self, [x], [tensor_of(float_dtype("lu_factor", x.dtype), x.ndim), pivots])

    def perform(self, node, inputs, output_storage):
        (x,) = inputs
        check_square("lu_factor", x)
        x = x.astype(node.outputs[0].dtype)
        lu, piv = np.empty_like(x), np.empty(x.shape[:-1], dtype="int32")
        for index in np.ndindex(*x.shape[:-2]):
            if x.shape[-1]:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")  # scipy's LinAlgWarning for a singular matrix
                    lu[index], piv[index] = scipy_linalg.lu_factor(x[index])
        output_storage[0][0], output_storage[1][0] = lu, piv

    def infer_shape(self, node, input_shapes):
        shape = tuple(input_shapes[0])
        return [shape, shape[:-1]]

    def grad(self, inputs, output_grads):
        """With B = L U = P^T a: gB = L^-T (tril_-1(L^T gL) + triu(gU U^T)) U^-T, ga = P gB (a
        nonsingular matrix)."""
        (x,), g = inputs, output_grads[0]
        lu_, piv = self(x)
        strictly_lower = tri_mask(lu_, True, -1)
        lower = lu_ * strictly_lower + identity_of(lu_)
        upper = lu_ * (1 - strictly_lower)
        f = matmul(mT(lower), g * strictly_lower) * strictly_lower + matmul(g * (1 - strictly_lower), mT(upper)) * (
            1 - strictly_lower)
        y = SolveTriangular(lower=True, trans=1, unit_diagonal=True)(lu_, f)           # L^-T F
        gb = mT(SolveTriangular(lower=False, trans=0)(lu_, mT(y)))                     # ... U^-T
        return [grad_like(matmul(_permutation_matrix(pivot_to_permutation(piv), gb.dtype), gb), x)]

    def __str__(self):
        return "LUFactor"


class PivotToPermutation(Op):
    """LAPACK's 0-based row interchanges (row i swapped with row piv[i], in order) as the
    permutation p with a = (L U)[p] (scipy's p_indices), or with `inverse` its inverse q,
    a[q] = L U. Batched over leading dims."""

    __props__ = ("inverse",)

    def __init__(self, inverse=False):
        self.inverse = bool(inverse)

    def make_node(self, piv):
        piv = as_tensor_variable(piv)
        if piv.ndim < 1 or not D.is_integer(piv.dtype):
            raise TypeError(f"pivot_to_permutation: pivots must be an int tensor of 1 or more dims, got {piv} "
                            f"({piv.type})")
        return Apply(self, [piv], [TensorType("int64", (False,) * piv.ndim)()])

    def perform(self, node, inputs, output_storage):
        (piv,) = inputs
        n = piv.shape[-1]
        out = np.empty(piv.shape, dtype="int64")
        for index in np.ndindex(*piv.shape[:-1]):
            q = np.arange(n)
            for i, j in enumerate(piv[index]):
                if not 0 <= j < n:
                    raise IndexError(f"pivot_to_permutation: pivot {j} of row {i} is out of range for {n} rows")
                q[i], q[j] = q[j], q[i]
            out[index] = q if self.inverse else np.argsort(q)
        output_storage[0][0] = out

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]

    def grad(self, inputs, output_grads):
        return [grad_like(inputs[0].zeros_like(), inputs[0])]

    def __str__(self):
        return f"PivotToPermutation{{inverse={self.inverse}}}"


def _permutation_matrix(p, dtype):
    """The 0/1 matrix with ones at (i, p[i]) (batched): P @ v takes row p[i] of v to row i."""
    n = p.shape[-1]
    rows = DimShuffle(p.broadcastable, list(range(p.ndim)) + ["x"])(p)
    cols = arange(n)
    cols = DimShuffle(cols.broadcastable, ["x"] * p.ndim + [0])(cols) if p.ndim > 1 else cols.dimshuffle("x", 0)
    return cast(eq(rows, cols), dtype)


def pivot_to_permutation(p, inverse=False):
    """PyTensor's pivot_to_permutation: LAPACK pivots (from `lu_factor`) as row indices."""
    return PivotToPermutation(inverse)(p)


def lu_factor(a, check_finite=True):
    """scipy.linalg.lu_factor: (lu, piv) of a square matrix (batched). Non-finite input raises
    ValueError (scipy's check_finite; always on)."""
    return tuple(LUFactor()(a))


def lu(a, permute_l=False, check_finite=True, p_indices=False):
    """scipy.linalg.lu: (P, L, U) with a = P @ L @ U; (P @ L, U) with `permute_l`; (p, L, U)
    with `p_indices` (int32 row indices: a = (L @ U)[p])."""
    packed, piv = LUFactor()(a)
    strictly_lower = tri_mask(packed, True, -1)
    lower = packed * strictly_lower + identity_of(packed)
    upper = packed * (1 - strictly_lower)
    p = pivot_to_permutation(piv)
    if p_indices:
            return cast(p, "int32"), lower, upper
    perm = _permutation_matrix(p, packed.dtype)
    return (matmul(perm, lower), upper) if permute_l else (perm, lower, upper)


def lu_solve(lu_and_piv, b, trans=0, b_ndim=None, check_finite=True):
    """scipy.linalg.lu_solve((lu, piv), b, trans): x with a @ x = b (a.T @ x = b for trans 1 or
    2), from `lu_factor(a)`."""
    packed, piv = lu_and_piv
    packed = as_matrices("lu_solve", packed, batched=True)
    b = as_tensor_variable(b)
    b_ndim = _b_ndim(b, b_ndim)
    trans = {"N": 0, "T": 1, "C": 1}.get(trans, trans)
    if trans not in (0, 1, 2):
        raise ValueError(f"lu_solve: trans must be 0, 1, 2, 'N', 'T' or 'C', got {trans!r}")
    column = b if b_ndim == 2 else DimShuffle(b.broadcastable, list(range(b.ndim)) + ["x"])(b)
    perm = _permutation_matrix(pivot_to_permutation(piv), float_dtype("lu_solve", D.upcast(packed.dtype, b.dtype)))
    if trans == 0:   # L U x = P^T b
        y = SolveTriangular(lower=True, unit_diagonal=True)(packed, matmul(mT(perm), column))
        x = SolveTriangular(lower=False)(packed, y)
    else:            # U^T L^T P^T x = b
        y = SolveTriangular(lower=False, trans=1)(packed, column)
        x = matmul(perm, SolveTriangular(lower=True, trans=1, unit_diagonal=True)(packed, y))
    return x if b_ndim == 2 else x[..., 0]
