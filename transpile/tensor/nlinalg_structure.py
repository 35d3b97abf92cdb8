"""Diagonals and composites of numpy.linalg: `ExtractDiag` (numpy.diagonal), `AllocDiag` (a
batch of diagonals into zero matrices), `diag`, `trace`, `kron` and `norm` (numpy's ord/axis
semantics, built from elementwise ops, reductions and the SVD)."""
import numpy as np

from transpile.graph.basic import Apply
from transpile.graph.op import Op
from transpile.tensor.basic import as_tensor_variable
from transpile.tensor.blas import grad_like
from transpile.tensor.elemwise import DimShuffle
from transpile.tensor.linalg_common import tensor_of
from transpile.tensor.type import TensorType

__all__ = ["AllocDiag", "ExtractDiag", "alloc_diag", "diag", "diagonal", "extract_diag", "kron", "norm", "trace"]


def _axes(op_name, axis1, axis2, ndim):
    a1, a2 = axis1 % ndim if -ndim <= axis1 < ndim else None, axis2 % ndim if -ndim <= axis2 < ndim else None
    if a1 is None or a2 is None or a1 == a2:
        raise ValueError(f"{op_name}: axis1={axis1} and axis2={axis2} must be distinct axes of a {ndim}-d array")
    return a1, a2


def _diagonal_indices(n_rows, n_cols, offset):
    length = max(0, min(n_rows - max(-offset, 0), n_cols - max(offset, 0)))
    i = np.arange(length)
    return i + max(-offset, 0), i + max(offset, 0)


class ExtractDiag(Op):
    """numpy.diagonal(x, offset, axis1, axis2): the diagonal becomes the last axis (a copy)."""

    __props__ = ("offset", "axis1", "axis2")
    view_map = {0: [0]}  # the native rule returns a strided view

    def __init__(self, offset=0, axis1=0, axis2=1):
        self.offset, self.axis1, self.axis2 = int(offset), int(axis1), int(axis2)

    def make_node(self, x):
        x = as_tensor_variable(x)
        if x.ndim < 2:
            raise ValueError(f"ExtractDiag: the input must have at least 2 dims, got {x} ({x.type})")
        a1, a2 = _axes("ExtractDiag", self.axis1, self.axis2, x.ndim)
        rest = [x.broadcastable[d] for d in range(x.ndim) if d not in (a1, a2)]
        return Apply(self, [x], [TensorType(x.dtype, tuple(rest) + (False,))()])

    def perform(self, node, inputs, output_storage):
        output_storage[0][0] = np.diagonal(inputs[0], self.offset, self.axis1, self.axis2).copy()

    def infer_shape(self, node, input_shapes):
        import transpile.tensor as T
        shape = input_shapes[0]
        a1, a2 = _axes("ExtractDiag", self.axis1, self.axis2, len(shape))
        rows, cols = shape[a1], shape[a2]
        k = self.offset
        length = T.maximum(0, T.minimum(rows - max(-k, 0), cols - max(k, 0)))
        return [tuple(shape[d] for d in range(len(shape)) if d not in (a1, a2)) + (length,)]

    def grad(self, inputs, output_grads):
        (x,), (gz,) = inputs, output_grads
        return [grad_like(DiagonalScatter(self.offset, self.axis1, self.axis2)(x, gz), x)]

    def __str__(self):
        return f"ExtractDiag{{offset={self.offset}, axis1={self.axis1}, axis2={self.axis2}}}"


class DiagonalScatter(Op):
    """Zeros of `x`'s shape (and `values`' dtype) with `values` on the diagonal that
    ExtractDiag with the same parameters reads: ExtractDiag's gradient."""

    __props__ = ("offset", "axis1", "axis2")

    def __init__(self, offset=0, axis1=0, axis2=1):
        self.offset, self.axis1, self.axis2 = int(offset), int(axis1), int(axis2)

    def make_node(self, x, values):
        x, values = as_tensor_variable(x), as_tensor_variable(values)
        if values.ndim != x.ndim - 1:
            raise TypeError(f"DiagonalScatter: values must have {x.ndim - 1} dims, got {values} ({values.type})")
        return Apply(self, [x, values], [tensor_of(values.dtype, x.ndim)])

    def perform(self, node, inputs, output_storage):
        x, values = inputs
        a1, a2 = _axes("DiagonalScatter", self.axis1, self.axis2, x.ndim)
        out = np.zeros(x.shape, dtype=node.outputs[0].dtype)
        moved = np.moveaxis(out, (a1, a2), (-2, -1))
        rows, cols = _diagonal_indices(x.shape[a1], x.shape[a2], self.offset)
        if values.shape[-1] != len(rows) or values.shape[:-1] != moved.shape[:-2]:
            raise ValueError(f"DiagonalScatter: values of shape {values.shape} do not fit the diagonal of shape "
                             f"{moved.shape[:-2] + (len(rows),)}")
        moved[..., rows, cols] = values
        output_storage[0][0] = out

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]

    def grad(self, inputs, output_grads):
        import transpile.tensor as T
        (x, values), (gz,) = inputs, output_grads
        return [grad_like(T.zeros_like(x), x), grad_like(ExtractDiag(self.offset, self.axis1, self.axis2)(gz), values)]

    def __str__(self):
        return f"DiagonalScatter{{offset={self.offset}, axis1={self.axis1}, axis2={self.axis2}}}"


class AllocDiag(Op):
    """Square matrices of size n + |offset| with the last axis of the input (length n) on
    diagonal `offset`, placed at output axes axis1 and axis2; the other input dims fill the
    remaining output axes in order."""

    __props__ = ("offset", "axis1", "axis2")

    def __init__(self, offset=0, axis1=0, axis2=1):
        self.offset, self.axis1, self.axis2 = int(offset), int(axis1), int(axis2)

    def make_node(self, x):
        x = as_tensor_variable(x)
        if x.ndim < 1:
            raise TypeError(f"AllocDiag: the input must have at least 1 dim, got {x} ({x.type})")
        _axes("AllocDiag", self.axis1, self.axis2, x.ndim + 1)
        return Apply(self, [x], [tensor_of(x.dtype, x.ndim + 1)])

    def _out_shape(self, shape, size):
        a1, a2 = _axes("AllocDiag", self.axis1, self.axis2, len(shape) + 1)
        rest, out = iter(shape[:-1]), []
        for d in range(len(shape) + 1):
            out.append(size if d in (a1, a2) else next(rest))
        return tuple(out), a1, a2

    def perform(self, node, inputs, output_storage):
        (x,) = inputs
        n = x.shape[-1] + abs(self.offset)
        shape, a1, a2 = self._out_shape(x.shape, n)
        out = np.zeros(shape, dtype=x.dtype)
        rows, cols = _diagonal_indices(n, n, self.offset)
        np.moveaxis(out, (a1, a2), (-2, -1))[..., rows, cols] = x
        output_storage[0][0] = out

    def infer_shape(self, node, input_shapes):
        shape = input_shapes[0]
        return [self._out_shape(tuple(shape), shape[-1] + abs(self.offset))[0]]

    def grad(self, inputs, output_grads):
        (x,), (gz,) = inputs, output_grads
        return [grad_like(ExtractDiag(self.offset, self.axis1, self.axis2)(gz), x)]

    def __str__(self):
        return f"AllocDiag{{offset={self.offset}, axis1={self.axis1}, axis2={self.axis2}}}"


def diagonal(a, offset=0, axis1=0, axis2=1):
    """numpy.diagonal (a copy)."""
    return ExtractDiag(offset, axis1, axis2)(a)


extract_diag = diagonal


def alloc_diag(v, offset=0, axis1=0, axis2=1):
    """Matrices with `v`'s last axis on diagonal `offset` (see AllocDiag)."""
    return AllocDiag(offset, axis1, axis2)(v)


def diag(v, k=0):
    """numpy.diag: a vector becomes a diagonal matrix, a matrix gives its diagonal."""
    v = as_tensor_variable(v)
    if v.ndim == 1:
        return alloc_diag(v, k)
    if v.ndim == 2:
        return diagonal(v, k)
    raise ValueError(f"diag: input must be 1-d or 2-d, got {v} ({v.type})")


def trace(a, offset=0, axis1=0, axis2=1):
    """numpy.trace: the sum of the diagonal."""
    import transpile.tensor as T
    return T.sum(diagonal(a, offset, axis1, axis2), axis=-1)


def kron(a, b):
    """numpy.kron: the Kronecker product (the smaller rank is padded with leading 1s)."""
    import transpile.tensor as T
    a, b = as_tensor_variable(a), as_tensor_variable(b)
    nd = max(a.ndim, b.ndim, 1)
    a = T.shape_padleft(a, nd - a.ndim) if a.ndim < nd else a
    b = T.shape_padleft(b, nd - b.ndim) if b.ndim < nd else b
    a_x = DimShuffle(a.broadcastable, [p for d in range(nd) for p in (d, "x")])(a)
    b_x = DimShuffle(b.broadcastable, [p for d in range(nd) for p in ("x", d)])(b)
    shape = [T.shape(a)[d] * T.shape(b)[d] for d in range(nd)]
    return T.reshape(a_x * b_x, T.stack(shape), ndim=nd)


def _vector_norm(x, ord, axis, keepdims):
    import transpile.tensor as T
    ax = abs(x) if ord not in (None, 2, 2.0) else None
    if ord is None or ord == 2:
        return T.sqrt(T.sum(T.sqr(x), axis=axis, keepdims=keepdims))
    if ord == np.inf:
        return T.max(ax, axis=axis, keepdims=keepdims)
    if ord == -np.inf:
        return T.min(ax, axis=axis, keepdims=keepdims)
    if ord == 0:
        return T.sum(T.cast(T.neq(x, 0), x.dtype), axis=axis, keepdims=keepdims)
    if ord == 1:
        return T.sum(ax, axis=axis, keepdims=keepdims)
    if isinstance(ord, str):
        raise ValueError(f"norm: invalid norm order {ord!r} for vectors")
    return T.sum(ax ** ord, axis=axis, keepdims=keepdims) ** (1.0 / ord)


def _matrix_norm(x, ord, row, col, keepdims):
    import transpile.tensor as T
    from transpile.tensor.nlinalg_decomp import svd
    if ord in (None, "fro", "f"):
        out = T.sqrt(T.sum(T.sqr(x), axis=(row, col)))
    elif ord in (1, -1, np.inf, -np.inf):
        summed, other = (col, row) if ord in (np.inf, -np.inf) else (row, col)
        sums = T.sum(abs(x), axis=summed)
        pick = T.max if ord in (1, np.inf) else T.min
        out = pick(sums, axis=other - (1 if other > summed else 0))
    elif ord in (2, -2, "nuc"):
        order = [d for d in range(x.ndim) if d not in (row, col)] + [row, col]
        s = svd(T.transpose(x, order), compute_uv=False)
        out = T.sum(s, axis=-1) if ord == "nuc" else (T.max if ord == 2 else T.min)(s, axis=-1)
    else:
        raise ValueError(f"norm: invalid norm order {ord!r} for matrices")
    if keepdims:
        kept = [d for d in range(x.ndim) if d not in (row, col)]
        pattern = [kept.index(d) if d in kept else "x" for d in range(x.ndim)]
        out = DimShuffle(out.broadcastable, pattern)(out)
    return out


def norm(x, ord=None, axis=None, keepdims=False):
    """numpy.linalg.norm: vector norms over one axis, matrix norms over two."""
    import transpile.tensor as T
    x = as_tensor_variable(x)
    if axis is None:
        if ord is None:
            out = T.sqrt(T.sum(T.sqr(x)))
            return DimShuffle((), ["x"] * x.ndim)(out) if keepdims else out
        if x.ndim not in (1, 2):
            raise ValueError(f"norm: ord={ord!r} without axis needs a 1-d or 2-d input, got {x.ndim}-d")
        axis = tuple(range(x.ndim))
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    axes = tuple(int(a) % x.ndim for a in axes)
    if len(axes) == 1:
        return _vector_norm(x, ord, axes[0], keepdims)
    if len(axes) == 2 and axes[0] != axes[1]:
        return _matrix_norm(x, ord, axes[0], axes[1], keepdims)
    raise ValueError(f"norm: axis must be an int or a pair of distinct ints, got {axis!r}")
