"""Products of a sparse matrix and a dense one: `structured_dot(sparse, dense)` and `dot`
(sparse x dense, dense x sparse; dense x dense falls back to `T.dot`).

The gradient with respect to the sparse operand is structured: only the stored positions get a
value, (gz . b^T)_ij at stored (i, j)."""
import numpy as np

from transpile.graph.basic import Apply
from transpile.graph.op import Op
from transpile.scalar import dtypes as D
from transpile.sparse.basic import (
    as_dense,
    as_sparse_variable,
    coords,
    fit_grad,
    is_sparse_variable,
    transpose,
    with_data,
)
from transpile.sparse.structured import StructuredUnaryGrad, sp_zeros_like
from transpile.sparse.type import SparseType, is_sparse_value
from transpile.tensor.type import TensorType

__all__ = ["StructuredDot", "StructuredDotGradA", "dot", "structured_dot"]


class StructuredDot(Op):
    """a (sparse, M x K) . b (dense, K x N or K) -> dense (M x N or M)."""

    def make_node(self, a, b):
        a = as_sparse_variable(a)
        b = as_dense(b, "structured_dot: second operand")
        if b.ndim not in (1, 2):
            raise TypeError(f"structured_dot: the dense operand must be a vector or a matrix, got {b} ({b.type})")
        return Apply(self, [a, b], [TensorType(D.upcast(a.dtype, b.dtype), (False,) * b.ndim)()])

    def perform(self, node, inputs, output_storage):
        a, b = inputs
        if a.shape[1] != b.shape[0]:
            raise ValueError(f"structured_dot: shapes {a.shape} and {b.shape} are not aligned "
                             f"({a.shape[1]} != {b.shape[0]})")
        out = np.asarray(a @ b).reshape((a.shape[0],) + b.shape[1:])
        output_storage[0][0] = out.astype(node.outputs[0].dtype, copy=False)

    def grad(self, inputs, output_grads):
        (a, b), (gz,) = inputs, output_grads
        ga = StructuredDotGradA()(a, b, gz)
        gb = structured_dot(transpose(a), gz)
        return [fit_grad(ga, a), fit_grad(gb, b)]

    def infer_shape(self, node, input_shapes):
        (ma, _), bs = input_shapes
        return [(ma,) + tuple(bs[1:])]


class StructuredDotGradA(Op):
    """(a, b, gz) -> sparse with a's structure: sum_n gz[i, n] * b[j, n] at stored (i, j)."""

    foldable = False

    def make_node(self, a, b, gz):
        a = as_sparse_variable(a)
        b, gz = as_dense(b, str(self)), as_dense(gz, str(self))
        if b.ndim != gz.ndim:
            raise TypeError(f"{self}: b ({b.type}) and gz ({gz.type}) must have the same number of dims")
        return Apply(self, [a, b, gz], [SparseType(a.type.format, D.upcast(a.dtype, b.dtype, gz.dtype))()])

    def perform(self, node, inputs, output_storage):
        a, b, gz = inputs
        if gz.shape[0] != a.shape[0] or b.shape[0] != a.shape[1] or (b.ndim == 2 and gz.shape[1] != b.shape[1]):
            raise ValueError(f"{self}: gz of shape {gz.shape} and b of shape {b.shape} do not match a sparse matrix of "
                             f"shape {a.shape}")
        rows, cols = coords(a)
        if b.ndim == 1:
            data = gz[rows] * b[cols]
        else:
            data = np.einsum("kn,kn->k", gz[rows], b[cols])
        output_storage[0][0] = with_data(a, np.asarray(data, dtype=node.outputs[0].dtype))

    def grad(self, inputs, output_grads):
        """Linear in b and gz (a's values are not read: its gradient is zero); the output
        gradient counts at a's stored positions only."""
        (a, b, gz), (g,) = inputs, output_grads
        g = StructuredUnaryGrad("identity")(a, g)
        return [fit_grad(sp_zeros_like(a), a), fit_grad(structured_dot(transpose(g), gz), b),
                fit_grad(structured_dot(g, b), gz)]

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]


_structured_dot = StructuredDot()


def structured_dot(a, b):
    """sparse a . dense b, a dense result; the gradient for a covers its stored entries only."""
    if not (is_sparse_variable(a) or is_sparse_value(a)):
        raise TypeError(f"structured_dot: the first operand must be sparse, got {getattr(a, 'type', type(a).__name__)}")
    return _structured_dot(a, b)


def dot(a, b):
    """Matrix product where one operand is sparse (sparse x dense, dense x sparse)."""
    a_sparse = is_sparse_variable(a) or is_sparse_value(a)
    b_sparse = is_sparse_variable(b) or is_sparse_value(b)
    if a_sparse and b_sparse:
        raise TypeError("sparse.dot: sparse x sparse products are not supported; convert one operand "
                        "with dense_from_sparse")
    if a_sparse:
        return structured_dot(a, b)
    if b_sparse:
        a = as_dense(a, "sparse.dot: first operand")
        if a.ndim == 1:
            return structured_dot(transpose(b), a)
        if a.ndim != 2:
            raise TypeError(f"sparse.dot: the dense operand must be a vector or a matrix, got {a} ({a.type})")
        out = structured_dot(transpose(b), a.dimshuffle(1, 0))
        return out.dimshuffle(1, 0)
    import transpile.tensor as T
    return T.dot(a, b)
