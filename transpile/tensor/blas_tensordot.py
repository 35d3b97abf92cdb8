"""`TensorDot`: contraction of chosen axes of two tensors (numpy.tensordot), optionally with a
leading batch axis shared by both operands (Theano's batched_tensordot).

The result's dims are: the batch axis (if any), the free axes of `a` in order, then the free
axes of `b` in order. The gradient of a contraction is again a contraction followed by a
transpose, so one op class covers the forward and both gradients.
"""
import numpy as np

from transpile.graph.basic import Apply
from transpile.graph.op import Op
from transpile.scalar import dtypes as D
from transpile.tensor.basic import as_tensor_variable
from transpile.tensor.elemwise import DimShuffle
from transpile.tensor.type import TensorType

__all__ = ["TensorDot", "batched_tensordot", "tensordot"]


class TensorDot(Op):
    """Contract axes `axes_a` of the first input with `axes_b` of the second (pairwise).
    With `batch`, axis 0 of both inputs is a batch axis (never contracted)."""

    __props__ = ("axes_a", "axes_b", "batch")

    def __init__(self, axes_a, axes_b, batch=False):
        self.axes_a = tuple(int(d) for d in axes_a)
        self.axes_b = tuple(int(d) for d in axes_b)
        self.batch = bool(batch)
        if len(self.axes_a) != len(self.axes_b):
            raise ValueError(f"tensordot: axes {self.axes_a} and {self.axes_b} differ in length")

    def _free(self, ndim, axes):
        return [d for d in range(int(self.batch), ndim) if d not in axes]

    def make_node(self, a, b):
        a, b = as_tensor_variable(a), as_tensor_variable(b)
        nb = int(self.batch)
        for name, v, axes in (("first", a, self.axes_a), ("second", b, self.axes_b)):
            if v.ndim < nb:
                raise TypeError(f"{self}: the {name} input needs a batch axis, got {v} ({v.type})")
            if len(set(axes)) != len(axes) or any(not nb <= d < v.ndim for d in axes):
                raise ValueError(f"{self}: axes {axes} are not distinct dimensions of the {name} "
                                 f"input ({v.type}, {v.ndim}-d)")
        bcast = ((a.broadcastable[0] and b.broadcastable[0],) if nb else ()) + tuple(
            a.broadcastable[d] for d in self._free(a.ndim, self.axes_a)) + tuple(
            b.broadcastable[d] for d in self._free(b.ndim, self.axes_b))
        return Apply(self, [a, b], [TensorType(D.upcast(a.dtype, b.dtype), bcast)()])

    def perform(self, node, inputs, output_storage):
        a, b = inputs
        la = [a.shape[d] for d in self.axes_a]
        lb = [b.shape[d] for d in self.axes_b]
        if la != lb or (self.batch and a.shape[0] != b.shape[0]):
            what = "batch sizes differ" if la == lb else f"summed lengths {la} != {lb}"
            raise ValueError(f"{self}: shapes {a.shape} and {b.shape} do not match ({what}; "
                             f"axes {self.axes_a} and {self.axes_b})")
        if self.batch:
            out = _batched_tensordot(a, b, self.axes_a, self.axes_b)
        else:
            out = np.tensordot(a, b, (self.axes_a, self.axes_b))
        output_storage[0][0] = np.asarray(out, dtype=node.outputs[0].dtype)

    def infer_shape(self, node, input_shapes):
        a, b = node.inputs
        sa, sb = input_shapes
        batch = (sa[0],) if self.batch else ()
        return [batch + tuple(sa[d] for d in self._free(a.ndim, self.axes_a))
                + tuple(sb[d] for d in self._free(b.ndim, self.axes_b))]

    def grad(self, inputs, output_grads):
        from transpile.tensor.blas import grad_like
        a, b = inputs
        (gz,) = output_grads
        nb = int(self.batch)
        free_a, free_b = self._free(a.ndim, self.axes_a), self._free(b.ndim, self.axes_b)
        pos_a = list(range(nb, nb + len(free_a)))  # where a's free axes sit in the output
        pos_b = list(range(nb + len(free_a), gz.ndim))
        ga = _contract(gz, b, pos_b, free_b, self.batch)
        ga_axes = [0] * nb + free_a + [self.axes_a[self.axes_b.index(d)] for d in sorted(self.axes_b)]
        gb = _contract(a, gz, free_a, pos_a, self.batch)
        gb_axes = [0] * nb + [self.axes_b[self.axes_a.index(d)] for d in sorted(self.axes_a)] + free_b
        return [grad_like(_permute(ga, ga_axes), a), grad_like(_permute(gb, gb_axes), b)]

    def __str__(self):
        name = "BatchedTensorDot" if self.batch else "TensorDot"
        return f"{name}{{axes=({self.axes_a}, {self.axes_b})}}"


def _contract(a, b, axes_a, axes_b, batch):
    if batch:
        return TensorDot(axes_a, axes_b, True)(a, b)
    return tensordot(a, b, [list(axes_a), list(axes_b)])


def _permute(x, current):
    """`x`, whose dim i holds original axis current[i], transposed to original order."""
    order = [current.index(d) for d in range(len(current))]
    if order == list(range(len(order))):
        return x
    return DimShuffle(x.broadcastable, order)(x)


def _batched_tensordot(a, b, axes_a, axes_b):
    """numpy: per batch entry tensordot, as one transpose+reshape+matmul."""
    n = a.shape[0]
    free_a = [d for d in range(1, a.ndim) if d not in axes_a]
    free_b = [d for d in range(1, b.ndim) if d not in axes_b]
    k = int(np.prod([a.shape[d] for d in axes_a], dtype=np.int64))
    fa = [a.shape[d] for d in free_a]
    fb = [b.shape[d] for d in free_b]
    am = np.transpose(a, [0] + free_a + list(axes_a)).reshape(n, int(np.prod(fa, dtype=np.int64)), k)
    bm = np.transpose(b, [0] + list(axes_b) + free_b).reshape(n, k, int(np.prod(fb, dtype=np.int64)))
    return np.matmul(am, bm).reshape([n] + fa + fb)


def _normalize_axes(axes, a, b, first=0):
    """`axes` (an int n, or a pair of ints / int sequences) as two tuples of non-negative dims."""
    if isinstance(axes, (int, np.integer)):
        n = int(axes)
        if n < 0 or n > a.ndim - first or n > b.ndim - first:
            raise ValueError(f"tensordot: cannot sum over {n} axes of {a.type} and {b.type}")
        return tuple(range(a.ndim - n, a.ndim)), tuple(range(first, first + n))
    try:
        axa, axb = axes
    except (TypeError, ValueError):
        raise ValueError(f"tensordot: axes must be an int or a pair of axis lists, got {axes!r}") from None
    axa = [axa] if isinstance(axa, (int, np.integer)) else list(axa)
    axb = [axb] if isinstance(axb, (int, np.integer)) else list(axb)
    if len(axa) != len(axb):
        raise ValueError(f"tensordot: axes {axa} and {axb} must have the same length")
    out = []
    for axs, v in ((axa, a), (axb, b)):
        norm = []
        for d in axs:
            d = int(d)
            if not -v.ndim <= d < v.ndim:
                raise ValueError(f"tensordot: axis {d} is out of range for {v} ({v.type})")
            norm.append(d % v.ndim)
        out.append(tuple(norm))
    return out[0], out[1]


def tensordot(a, b, axes=2):
    """numpy.tensordot: sum products over `axes` (an int n: the last n axes of `a` with the
    first n of `b`; or a pair of axis lists)."""
    from transpile.tensor.blas import _dot
    a, b = as_tensor_variable(a), as_tensor_variable(b)
    axa, axb = _normalize_axes(axes, a, b)
    if 1 <= a.ndim <= 2 and 1 <= b.ndim <= 2 and axa == (a.ndim - 1,) and axb == (0,):
        return _dot(a, b)
    return TensorDot(axa, axb)(a, b)


def batched_tensordot(x, y, axes=2):
    """tensordot over each entry of a shared leading batch axis: the result's first axis is the
    batch axis. `axes` counts/names axes excluding the batch axis 0 (an int n sums the last n
    axes of `x` with axes 1..n of `y`)."""
    x, y = as_tensor_variable(x), as_tensor_variable(y)
    for v in (x, y):
        if v.ndim < 1:
            raise TypeError(f"batched_tensordot: {v} ({v.type}) has no batch axis")
    axa, axb = _normalize_axes(axes, x, y, first=1)
    if 0 in axa or 0 in axb:
        raise ValueError("batched_tensordot: axis 0 is the batch axis and cannot be summed over")
    return TensorDot(axa, axb, batch=True)(x, y)
