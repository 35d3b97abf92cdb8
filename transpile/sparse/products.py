"""Theano's other sparse products: `true_dot` (a sparse result and a regular, not structured,
gradient), `sampling_dot` (x . y^T computed at p's stored positions only), `usmm`
(alpha * x . y + z), and the structured-dot gradient names `structured_dot_grad`, `sdg_csr`,
`sdg_csc` (graphs over `StructuredDotGradA`).
"""
import numpy as np

import transpile.tensor as T
from transpile.graph.basic import Apply
from transpile.graph.op import Op
from transpile.scalar import dtypes as D
from transpile.sparse.basic import (
    as_dense,
    as_sparse_variable,
    dense_from_sparse,
    fit_grad,
    is_sparse_variable,
    transpose,
)
from transpile.sparse.csm import CSM, csm_properties
from transpile.sparse.dot import StructuredDotGradA, dot
from transpile.sparse.type import SparseType, is_sparse_value, scipy_sparse

__all__ = ["TrueDot", "sampling_dot", "sdg_csc", "sdg_csr", "structured_dot_grad", "true_dot", "usmm"]


def _is_sparse(v):
    return is_sparse_variable(v) or is_sparse_value(v)


class TrueDot(Op):
    """x (sparse) . y (sparse or a dense matrix) -> sparse in x's format. The gradient is regular:
    for x it is the full gz . y^T (as a sparse matrix), not restricted to x's stored positions;
    for a dense y it is dense (Theano's `grad_preserves_dense`, which only the dense case needs)."""

    foldable = False

    def make_node(self, x, y):
        x = as_sparse_variable(x)
        if not _is_sparse(y):
            y = as_dense(y, "true_dot: second operand")
            if y.ndim != 2:
                raise TypeError(f"true_dot: the dense operand must be a matrix, got {y} ({y.type})")
        else:
            y = as_sparse_variable(y)
        return Apply(self, [x, y], [SparseType(x.type.format, D.upcast(x.dtype, y.dtype))()])

    def perform(self, node, inputs, output_storage):
        x, y = inputs
        if x.shape[1] != y.shape[0]:
            raise ValueError(f"true_dot: shapes {x.shape} and {y.shape} are not aligned ({x.shape[1]} != {y.shape[0]})")
        out = node.outputs[0]
        r = x @ y
        sp = scipy_sparse()
        r = r.asformat(out.type.format) if is_sparse_value(r) else getattr(sp, f"{out.type.format}_matrix")(np.asarray(r))
        r = r.astype(out.dtype, copy=False)
        r.eliminate_zeros()
        r.sort_indices()
        output_storage[0][0] = r

    def grad(self, inputs, output_grads):
        (x, y), (gz,) = inputs, output_grads
        gz = as_sparse_variable(gz) if _is_sparse(gz) else gz
        if is_sparse_variable(y):
            gx = true_dot(gz, transpose(y))
            gy = true_dot(transpose(x), gz)
        else:
            gx = true_dot(gz, y.T)
            gy = dense_from_sparse(true_dot(transpose(x), gz)) if is_sparse_variable(gz) else dot(transpose(x), gz)
        return [fit_grad(gx, x), fit_grad(gy, y)]

    def infer_shape(self, node, input_shapes):
        return [(input_shapes[0][0], input_shapes[1][1])]


_true_dot = TrueDot()


def true_dot(x, y, grad_preserves_dense=True):
    """x . y with a sparse operand, as a sparse matrix (x's format; y's, transposed, when only y
    is sparse). The gradient is regular (see TrueDot). `grad_preserves_dense` is Theano's: a
    dense operand always gets a dense gradient here."""
    if _is_sparse(x):
        return _true_dot(x, y)
    if _is_sparse(y):
        x = as_dense(x, "true_dot: first operand")
        if x.ndim != 2:
            raise TypeError(f"true_dot: the dense operand must be a matrix, got {x} ({x.type})")
        return transpose(_true_dot(transpose(as_sparse_variable(y)), x.T))
    raise TypeError("true_dot: at least one operand must be sparse; use T.dot for dense ones")


def sampling_dot(x, y, p):
    """p * (x . y^T) at p's stored positions only (x: M x K, y: N x K dense, p: M x N sparse):
    a sparse matrix with p's structure. Differentiable in x, y and p's values."""
    x, y = as_dense(x, "sampling_dot: x"), as_dense(y, "sampling_dot: y")
    p = as_sparse_variable(p)
    if x.ndim != 2 or y.ndim != 2:
        raise TypeError(f"sampling_dot: x and y must be matrices, got {x.type} and {y.type}")
    data, indices, indptr, shape = csm_properties(p)
    sampled = csm_properties(StructuredDotGradA()(p, y, x))[0]  # sum_k x[i, k] y[j, k] at p's (i, j)
    return CSM(p.type.format)(data * sampled, indices, indptr, shape)


def usmm(alpha, x, y, z):
    """alpha * x . y + z with x or y sparse, z a dense matrix and alpha a scalar: dense."""
    if not (_is_sparse(x) or _is_sparse(y)):
        raise TypeError("usmm: x or y must be sparse; use T.dot for dense operands")
    alpha, z = as_dense(alpha, "usmm: alpha"), as_dense(z, "usmm: z")
    if alpha.ndim != 0 or z.ndim != 2:
        raise TypeError(f"usmm: alpha must be a scalar and z a matrix, got {alpha.type} and {z.type}")
    return alpha * dot(x, y) + z


def structured_dot_grad(sparse_A, dense_B, ga):
    """The gradient of structured_dot(sparse_A, dense_B) for sparse_A given the output's
    gradient `ga`: a sparse matrix with sparse_A's structure."""
    return StructuredDotGradA()(sparse_A, dense_B, ga)


def _sdg(format):
    def sdg(a_indices, a_indptr, b, g_ab):
        b, g_ab = as_dense(b, f"sdg_{format}: b"), as_dense(g_ab, f"sdg_{format}: g_ab")
        lines = T.as_tensor_variable(a_indptr).shape[0] - 1
        shape = T.stack([lines, b.shape[0]] if format == "csr" else [g_ab.shape[0], lines]).astype("int64")
        ones = T.ones_like(T.as_tensor_variable(a_indices), dtype=g_ab.dtype)
        a = CSM(format)(ones, a_indices, a_indptr, shape)
        return csm_properties(StructuredDotGradA()(a, b, g_ab))[0]

    sdg.__name__ = sdg.__qualname__ = f"sdg_{format}"
    sdg.__doc__ = (f"The `data` of structured_dot's gradient for a {format} matrix given by its indices and "
                   f"indptr (Theano's StructuredDotGrad{format.upper()}).")
    return sdg


sdg_csr, sdg_csc = _sdg("csr"), _sdg("csc")
