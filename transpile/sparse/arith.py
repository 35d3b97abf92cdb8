"""Elementwise products and sums involving sparse matrices: `mul`, `add`, `sub`.

- sparse * dense (scalar, vector or matrix, broadcast like numpy): sparse with the sparse
  operand's structure; sparse * sparse: sparse (the intersection of the structures).
- sparse + sparse: sparse; sparse + dense: dense.
Python scalars are weak: they take the sparse operand's dtype category.
"""
import numpy as np

from transpile.graph.basic import Apply
from transpile.graph.op import Op
from transpile.scalar import dtypes as D
from transpile.sparse.basic import (
    as_dense,
    as_sparse_variable,
    dense_from_sparse,
    fit_grad,
    is_sparse_variable,
    values_at,
    with_data,
)
from transpile.sparse.type import SparseType

__all__ = ["AddSD", "AddSS", "MulSD", "MulSS", "add", "mul", "sub"]


def _operand(v, partner):
    """A dense operand next to sparse `partner`: Python scalars adopt its dtype category."""
    if isinstance(v, (bool, int, float)) and not isinstance(v, np.generic):
        from transpile.tensor.basic import _weak_dtype, constant
        return constant(v, dtype=_weak_dtype(v, partner.dtype))
    return as_dense(v, "sparse operation")


def _check_broadcast(x, y, what):
    if y.ndim > 2:
        raise TypeError(f"{what}: the dense operand must have at most 2 dims, got {y} ({y.type})")


def _reduce_to(g, y):
    """Dense gradient `g` (a matrix) summed down to the shape of the dense operand `y`."""
    import transpile.tensor as T
    if y.ndim < 2:
        g = T.sum(g, axis=tuple(range(2 - y.ndim)))
    axes = [d for d in range(y.ndim) if y.broadcastable[d]]
    if axes:
        g = T.sum(g, axis=axes, keepdims=True)
    return fit_grad(g, y)


class MulSD(Op):
    """sparse * dense: x's structure, values x_ij * y_ij (y broadcast to x's shape)."""

    foldable = False

    def make_node(self, x, y):
        x = as_sparse_variable(x)
        y = as_dense(y, str(self))
        _check_broadcast(x, y, str(self))
        return Apply(self, [x, y], [SparseType(x.type.format, D.upcast(x.dtype, y.dtype))()])

    def perform(self, node, inputs, output_storage):
        x, y = inputs
        try:
            vals = values_at(y, x)
        except ValueError:
            raise ValueError(f"{self}: dense operand of shape {y.shape} does not broadcast to the sparse "
                             f"shape {x.shape}") from None
        output_storage[0][0] = with_data(x, np.asarray(x.data * vals, dtype=node.outputs[0].dtype))

    def grad(self, inputs, output_grads):
        from transpile.sparse.reduce import sp_sum
        (x, y), (gz,) = inputs, output_grads
        gx = fit_grad(MulSD()(gz, y), x)
        gzx = MulSS()(gz, x)
        if y.ndim == 0:
            gy = sp_sum(gzx)
        elif y.ndim == 1:
            gy = sp_sum(gzx, axis=0)
        else:
            gy = dense_from_sparse(gzx)
        return [gx, _reduce_to(gy, y) if y.ndim == 2 else fit_grad(gy, y)]

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]


class MulSS(Op):
    """sparse * sparse (elementwise), in x's format."""

    foldable = False

    def make_node(self, x, y):
        x, y = as_sparse_variable(x), as_sparse_variable(y)
        return Apply(self, [x, y], [SparseType(x.type.format, D.upcast(x.dtype, y.dtype))()])

    def perform(self, node, inputs, output_storage):
        x, y = inputs
        if x.shape != y.shape:
            raise ValueError(f"{self}: shapes differ: {x.shape} and {y.shape}")
        out = x.multiply(y).asformat(node.outputs[0].type.format)
        output_storage[0][0] = out.astype(node.outputs[0].dtype, copy=False)

    def grad(self, inputs, output_grads):
        (x, y), (gz,) = inputs, output_grads
        return [fit_grad(MulSS()(gz, y), x), fit_grad(MulSS()(gz, x), y)]

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]


class AddSS(Op):
    """sparse + sparse, in x's format."""

    foldable = False

    def make_node(self, x, y):
        x, y = as_sparse_variable(x), as_sparse_variable(y)
        return Apply(self, [x, y], [SparseType(x.type.format, D.upcast(x.dtype, y.dtype))()])

    def perform(self, node, inputs, output_storage):
        x, y = inputs
        if x.shape != y.shape:
            raise ValueError(f"{self}: shapes differ: {x.shape} and {y.shape}")
        out = (x + y).asformat(node.outputs[0].type.format)
        output_storage[0][0] = out.astype(node.outputs[0].dtype, copy=False)

    def grad(self, inputs, output_grads):
        from transpile.sparse.structured import sp_ones_like
        (x, y), (gz,) = inputs, output_grads
        return [fit_grad(MulSS()(sp_ones_like(x), gz), x), fit_grad(MulSS()(sp_ones_like(y), gz), y)]

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]


class AddSD(Op):
    """sparse + dense: a dense matrix (y broadcast to x's shape)."""

    def make_node(self, x, y):
        x = as_sparse_variable(x)
        y = as_dense(y, str(self))
        _check_broadcast(x, y, str(self))
        from transpile.tensor.type import TensorType
        return Apply(self, [x, y], [TensorType(D.upcast(x.dtype, y.dtype), (False, False))()])

    def perform(self, node, inputs, output_storage):
        x, y = inputs
        try:
            dense = np.broadcast_to(y, x.shape)
        except ValueError:
            raise ValueError(f"{self}: dense operand of shape {y.shape} does not broadcast to the sparse "
                             f"shape {x.shape}") from None
        output_storage[0][0] = np.asarray(dense + x.toarray(), dtype=node.outputs[0].dtype)

    def grad(self, inputs, output_grads):
        from transpile.sparse.structured import sp_ones_like
        (x, y), (gz,) = inputs, output_grads
        return [fit_grad(MulSD()(sp_ones_like(x), gz), x), _reduce_to(gz, y)]

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]


def mul(x, y):
    """Elementwise product with at least one sparse operand (sparse result)."""
    if not is_sparse_variable(x) and not _is_sparse(x):
        x, y = y, x
    x = as_sparse_variable(x)
    if is_sparse_variable(y) or _is_sparse(y):
        return MulSS()(x, y)
    return MulSD()(x, _operand(y, x))


def add(x, y):
    """Sum with at least one sparse operand: sparse + sparse is sparse, sparse + dense dense."""
    if not is_sparse_variable(x) and not _is_sparse(x):
        x, y = y, x
    x = as_sparse_variable(x)
    if is_sparse_variable(y) or _is_sparse(y):
        return AddSS()(x, y)
    return AddSD()(x, _operand(y, x))


def sub(x, y):
    """x - y with at least one sparse operand."""
    from transpile.sparse.structured import neg
    if is_sparse_variable(y) or _is_sparse(y):
        return add(x, neg(y))
    y = _operand(y, as_sparse_variable(x))
    return add(x, -y)


def _is_sparse(v):
    from transpile.sparse.type import is_sparse_value
    return is_sparse_value(v)

