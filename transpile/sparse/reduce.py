"""`sp_sum(x, axis)`: the sum of a sparse matrix's values (all, or along an axis): dense."""
import numpy as np

from transpile.graph.basic import Apply
from transpile.graph.op import Op
from transpile.scalar import dtypes as D
from transpile.sparse.basic import as_sparse_variable, fit_grad
from transpile.tensor.type import TensorType

__all__ = ["SpSum", "sp_sum"]


class SpSum(Op):
    """Sum over `axis` (None: everything, a scalar; 0: a vector of column sums; 1: row sums).
    Integer values sum as int64; the gradient is structured."""

    __props__ = ("axis",)

    def __init__(self, axis=None):
        if axis is not None:
            if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)) or not -2 <= axis < 2:
                raise ValueError(f"sp_sum: axis must be None, 0 or 1, got {axis!r}")
            axis = int(axis) % 2
        self.axis = axis

    def make_node(self, x):
        x = as_sparse_variable(x)
        dtype = "int64" if D.is_discrete(x.dtype) else x.dtype
        return Apply(self, [x], [TensorType(dtype, () if self.axis is None else (False,))()])

    def perform(self, node, inputs, output_storage):
        (x,) = inputs
        if not x.has_canonical_format:
            x = x.copy()  # scipy's sum() may sum duplicates in place: inputs are never modified
        dtype = node.outputs[0].dtype
        out = np.asarray(x.sum(axis=self.axis, dtype=dtype))
        output_storage[0][0] = out.reshape(() if self.axis is None else (-1,)).astype(dtype, copy=False)

    def grad(self, inputs, output_grads):
        from transpile.sparse.arith import MulSD
        from transpile.sparse.structured import sp_ones_like
        (x,), (gz,) = inputs, output_grads
        if self.axis == 0:
            gz = gz.dimshuffle("x", 0)
        elif self.axis == 1:
            gz = gz.dimshuffle(0, "x")
        return [fit_grad(MulSD()(sp_ones_like(x), gz), x)]

    def infer_shape(self, node, input_shapes):
        (shp,) = input_shapes
        return [() if self.axis is None else (shp[1 - self.axis],)]


def sp_sum(x, axis=None):
    return SpSum(axis)(x)
