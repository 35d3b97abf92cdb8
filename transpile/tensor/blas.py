"""Matrix products: the `Dot` op (1-d and 2-d operands) and the user-facing `dot`, `outer`.

`dot` follows `numpy.dot` for every rank: a 0-d operand multiplies elementwise, 1-d/2-d
operands give a `Dot` node (the node the BLAS rewrites later turn into Gemm/Gemv/Ger), and
higher ranks contract the last axis of `a` with the second-to-last of `b` through `tensordot`.
`tensordot`/`batched_tensordot` live in `blas_tensordot.py`, `batched_dot` in `blas_batched.py`.
"""
import numpy as np

from transpile.graph.basic import Apply
from transpile.graph.op import Op
from transpile.scalar import dtypes as D
from transpile.tensor.basic import as_tensor_variable
from transpile.tensor.elemwise import DimShuffle
from transpile.tensor.type import TensorType

__all__ = ["Dot", "batched_dot", "batched_tensordot", "dot", "outer", "tensordot",
           "BatchedDot", "TensorDot"]


def transpose2(x):
    """`x.T` for a matrix, as a DimShuffle (no dependency on the shape-ops module)."""
    return DimShuffle(x.broadcastable, (1, 0))(x)


def grad_like(g, x):
    """Make gradient `g` exactly of `x`'s type: sum over dims `x` broadcasts, forget
    broadcastability `x` lacks, cast to its dtype; integer inputs get float zeros."""
    import transpile.tensor as T
    if D.is_discrete(x.dtype):
        return T.zeros_like(x, dtype=D.config.floatX)
    g = as_tensor_variable(g)
    if g.ndim != x.ndim:
        raise ValueError(f"gradient {g} ({g.type}) does not match the rank of {x} ({x.type})")
    axes = [d for d in range(x.ndim) if x.broadcastable[d] and not g.broadcastable[d]]
    if axes:
        g = T.sum(g, axis=axes, keepdims=True)
    loose = [d for d in range(x.ndim) if g.broadcastable[d] and not x.broadcastable[d]]
    if loose:
        from transpile.tensor.shape import unbroadcast
        g = unbroadcast(g, *loose)
    if g.dtype != x.dtype:
        g = T.cast(g, x.dtype)
    return g


class Dot(Op):
    """Inner product of 1-d/2-d tensors: vector.vector -> 0-d, matrix.vector -> vector,
    vector.matrix -> vector, matrix.matrix -> matrix. The dtype is the upcast of the inputs."""

    def make_node(self, a, b):
        a, b = as_tensor_variable(a), as_tensor_variable(b)
        for name, v in (("first", a), ("second", b)):
            if v.ndim not in (1, 2):
                raise TypeError(f"Dot: the {name} input must be 1-d or 2-d, got {v} ({v.type}); "
                                "use T.dot for other ranks")
        bcast = a.broadcastable[:-1] + b.broadcastable[1:]
        return Apply(self, [a, b], [TensorType(D.upcast(a.dtype, b.dtype), bcast)()])

    def perform(self, node, inputs, output_storage):
        a, b = inputs
        k_b = b.shape[0]
        if a.shape[-1] != k_b:
            raise ValueError(
                f"dot: shapes {a.shape} and {b.shape} not aligned: {a.shape[-1]} (dim {a.ndim - 1}) "
                f"!= {k_b} (dim 0)")
        out = np.dot(a, b)
        output_storage[0][0] = np.asarray(out, dtype=node.outputs[0].dtype)

    def infer_shape(self, node, input_shapes):
        sa, sb = input_shapes
        return [tuple(sa[:-1]) + tuple(sb[1:])]

    def grad(self, inputs, output_grads):
        a, b = inputs
        (gz,) = output_grads
        if a.ndim == 1 and b.ndim == 1:
            ga, gb = gz * b, gz * a
        elif a.ndim == 2 and b.ndim == 1:
            ga, gb = outer(gz, b), dot(transpose2(a), gz)
        elif a.ndim == 1 and b.ndim == 2:
            ga, gb = dot(b, gz), outer(a, gz)
        else:
            ga, gb = dot(gz, transpose2(b)), dot(transpose2(a), gz)
        return [grad_like(ga, a), grad_like(gb, b)]

    def __str__(self):
        return "dot"


_dot = Dot()


def dot(a, b):
    """numpy.dot semantics for symbolic tensors (see the module docstring)."""
    import transpile.tensor as T
    if _is_python_scalar(a) or _is_python_scalar(b):
        return T.mul(a, b)  # weak typing: the scalar adopts the tensor's dtype
    a, b = as_tensor_variable(a), as_tensor_variable(b)
    if a.ndim == 0 or b.ndim == 0:
        return T.mul(a, b)
    if a.ndim <= 2 and b.ndim <= 2:
        return _dot(a, b)
    return tensordot(a, b, [[a.ndim - 1], [max(0, b.ndim - 2)]])


def _is_python_scalar(v):
    return isinstance(v, (bool, int, float)) and not isinstance(v, np.generic)


def outer(x, y):
    """Outer product of two vectors: a (len(x), len(y)) matrix (a Dot of a column and a row).
    Higher-rank inputs are flattened first, as in numpy."""
    import transpile.tensor as T
    x, y = as_tensor_variable(x), as_tensor_variable(y)
    if x.ndim != 1:
        x = T.flatten(x)
    if y.ndim != 1:
        y = T.flatten(y)
    return _dot(DimShuffle(x.broadcastable, (0, "x"))(x), DimShuffle(y.broadcastable, ("x", 0))(y))


from transpile.tensor.blas_tensordot import TensorDot, batched_tensordot, tensordot  # noqa: E402
from transpile.tensor.blas_batched import BatchedDot, batched_dot  # noqa: E402
