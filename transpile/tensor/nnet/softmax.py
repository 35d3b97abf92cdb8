"""`Softmax` and `LogSoftmax` along one axis (Theano applies them to the rows of a matrix:
axis=-1 is the default here too).

Both are computed stably: the maximum along the axis is subtracted before exponentiating, so
large inputs neither overflow nor lose the result. Their gradients are written with tensor
operations (no dedicated gradient op), so second derivatives come for free.
"""
import numpy as np

from transpile.graph.basic import Apply
from transpile.graph.op import Op
from transpile.scalar import dtypes as D
from transpile.tensor.basic import as_tensor_variable

__all__ = ["LogSoftmax", "Softmax", "log_softmax", "logsoftmax", "softmax", "softmax_graph",
           "softmax_with_bias"]


class _AxisOp(Op):
    """Common part: one float input, same-typed output, a non-negative `axis` prop."""

    __props__ = ("axis",)

    def __init__(self, axis=-1):
        if not isinstance(axis, (int, np.integer)):
            raise TypeError(f"{type(self).__name__}: axis must be an int, got {axis!r}")
        self.axis = int(axis)

    def make_node(self, x):
        x = as_tensor_variable(x)
        if x.ndim == 0:
            raise TypeError(f"{type(self).__name__}: input must have at least 1 dimension, got {x} ({x.type})")
        if not -x.ndim <= self.axis < x.ndim:
            raise ValueError(f"{type(self).__name__}: axis {self.axis} is out of range for {x} ({x.type})")
        if self.axis < 0:
            return type(self)(self.axis % x.ndim).make_node(x)
        if D.is_complex(x.dtype):
            raise TypeError(f"{type(self).__name__}: complex input {x} ({x.type}) is not supported")
        if not D.is_float(x.dtype):
            import transpile.tensor as T
            x = T.cast(x, D.upgrade_to_float(x.dtype))
        return Apply(self, [x], [x.type()])

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]

    def _shifted(self, x):
        """x minus its max along the axis (rows of -inf stay -inf, not nan)."""
        m = np.max(x, axis=self.axis, keepdims=True) if x.shape[self.axis] else 0
        if np.ndim(m):
            m = np.where(np.isfinite(m), m, 0)
        return x - m

    def __str__(self):
        return f"{type(self).__name__}{{axis={self.axis}}}"


class Softmax(_AxisOp):
    """exp(x) / sum(exp(x)) along `axis`."""

    def perform(self, node, inputs, output_storage):
        e = np.exp(self._shifted(inputs[0]))
        out = e / np.sum(e, axis=self.axis, keepdims=True)
        output_storage[0][0] = np.asarray(out, dtype=node.outputs[0].dtype)

    def grad(self, inputs, output_grads):
        import transpile.tensor as T
        (x,) = inputs
        (gz,) = output_grads
        sm = self(x)
        return [(gz - T.sum(gz * sm, axis=self.axis, keepdims=True)) * sm]


class LogSoftmax(_AxisOp):
    """x - log(sum(exp(x))) along `axis` (log of the softmax, without underflow)."""

    def perform(self, node, inputs, output_storage):
        s = self._shifted(inputs[0])
        with np.errstate(divide="ignore"):
            out = s - np.log(np.sum(np.exp(s), axis=self.axis, keepdims=True))
        output_storage[0][0] = np.asarray(out, dtype=node.outputs[0].dtype)

    def grad(self, inputs, output_grads):
        import transpile.tensor as T
        (x,) = inputs
        (gz,) = output_grads
        sm = Softmax(self.axis)(x)
        return [gz - T.sum(gz, axis=self.axis, keepdims=True) * sm]


def softmax(x, axis=-1):
    """Softmax along `axis` (default: the last, i.e. the rows of a matrix)."""
    return Softmax(axis)(x)


def log_softmax(x, axis=-1):
    """log(softmax(x)) along `axis`, computed stably."""
    return LogSoftmax(axis)(x)


logsoftmax = log_softmax


def softmax_with_bias(x, b):
    """softmax(x + b) of the rows of matrix `x` with a bias vector `b` added to every row."""
    x = as_tensor_variable(x)
    if x.ndim != 2:
        raise TypeError(f"softmax_with_bias: x must be a matrix, got {x} ({x.type})")
    b = as_tensor_variable(b)
    if b.ndim != 1:
        raise TypeError(f"softmax_with_bias: b must be a vector, got {b} ({b.type})")
    return softmax(x + b, axis=-1)


def softmax_graph(x, axis=-1):
    """The naive graph exp(x) / sum(exp(x)) (not stabilized): what the rewrites recognise."""
    import transpile.tensor as T
    e = T.exp(x)
    return e / T.sum(e, axis=axis, keepdims=True)
