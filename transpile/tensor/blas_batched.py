"""`BatchedDot`: one matrix product per entry of a leading batch axis, out[i] = dot(x[i], y[i]),
for 3-d operands (x: (B, n, k), y: (B, k, m) -> (B, n, m)). `batched_dot` also takes 2-d
operands (a batch of vectors) as Theano does, and higher ranks through batched_tensordot.
"""
import numpy as np

from transpile.graph.basic import Apply
from transpile.graph.op import Op
from transpile.scalar import dtypes as D
from transpile.tensor.basic import as_tensor_variable
from transpile.tensor.elemwise import DimShuffle
from transpile.tensor.type import TensorType

__all__ = ["BatchedDot", "batched_dot"]


def _swap_last(x):
    return DimShuffle(x.broadcastable, (0, 2, 1))(x)


class BatchedDot(Op):
    def make_node(self, x, y):
        x, y = as_tensor_variable(x), as_tensor_variable(y)
        for name, v in (("first", x), ("second", y)):
            if v.ndim != 3:
                raise TypeError(f"BatchedDot: the {name} input must be 3-d, got {v} ({v.type}); "
                                "use T.batched_dot for other ranks")
        bcast = (x.broadcastable[0] and y.broadcastable[0], x.broadcastable[1], y.broadcastable[2])
        return Apply(self, [x, y], [TensorType(D.upcast(x.dtype, y.dtype), bcast)()])

    def perform(self, node, inputs, output_storage):
        x, y = inputs
        if x.shape[0] != y.shape[0] or x.shape[2] != y.shape[1]:
            what = "batch sizes differ" if x.shape[0] != y.shape[0] else \
                f"{x.shape[2]} (dim 2) != {y.shape[1]} (dim 1)"
            raise ValueError(f"batched_dot: shapes {x.shape} and {y.shape} not aligned: {what}")
        output_storage[0][0] = np.asarray(np.matmul(x, y), dtype=node.outputs[0].dtype)

    def infer_shape(self, node, input_shapes):
        sx, sy = input_shapes
        return [(sx[0], sx[1], sy[2])]

    def grad(self, inputs, output_grads):
        from transpile.tensor.blas import grad_like
        x, y = inputs
        (gz,) = output_grads
        return [grad_like(self(gz, _swap_last(y)), x), grad_like(self(_swap_last(x), gz), y)]

    def __str__(self):
        return "BatchedDot"


_batched_dot = BatchedDot()


def batched_dot(a, b):
    """For each i along the first (batch) axis: dot(a[i], b[i]).

    Ranks: 1-d operands scale the other's entries; 2-d (a batch of vectors) and 3-d (a batch of
    matrices) go through `BatchedDot`; higher ranks contract the last axis of `a` with the
    second-to-last of `b` (numpy.dot per entry) through batched_tensordot."""
    import transpile.tensor as T
    from transpile.tensor.blas_tensordot import batched_tensordot
    a, b = as_tensor_variable(a), as_tensor_variable(b)
    if a.ndim == 0 or b.ndim == 0:
        raise TypeError(f"batched_dot: both inputs need a batch axis, got {a.type} and {b.type}")
    if a.ndim == 1:
        return T.mul(DimShuffle(a.broadcastable, [0] + ["x"] * (b.ndim - 1))(a), b)
    if b.ndim == 1:
        return T.mul(a, DimShuffle(b.broadcastable, [0] + ["x"] * (a.ndim - 1))(b))
    if a.ndim > 3 or b.ndim > 3:
        return batched_tensordot(a, b, [[a.ndim - 1], [max(1, b.ndim - 2)]])
    x = DimShuffle(a.broadcastable, (0, "x", 1))(a) if a.ndim == 2 else a
    y = DimShuffle(b.broadcastable, (0, 1, "x"))(b) if b.ndim == 2 else b
    out = _batched_dot(x, y)
    keep = [0] + ([1] if a.ndim == 3 else []) + ([2] if b.ndim == 3 else [])
    if len(keep) == 3:
        return out
    return DimShuffle(out.broadcastable, keep)(out)
