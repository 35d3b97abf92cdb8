"""Identities that say something about memory (Theano's): `view_op(x)`, x itself as a view of
its input's storage (no copy), and `cpu_contiguous(x)`, x in C-contiguous memory (a view when
it is already, else a contiguous copy), for code that needs a plain array."""
import numpy as np

from transpile.graph.basic import Apply
from transpile.graph.op import Op
from transpile.tensor.basic import as_tensor_variable

__all__ = ["CpuContiguous", "ViewOp", "cpu_contiguous", "view_op"]


class _Identity(Op):
    def make_node(self, x):
        x = as_tensor_variable(x)
        return Apply(self, [x], [x.type()])

    def infer_shape(self, node, input_shapes):
        return input_shapes

    def grad(self, inputs, output_grads):
        return output_grads


class ViewOp(_Identity):
    """x, as a view of its input."""

    view_map = {0: [0]}

    def perform(self, node, inputs, output_storage):
        x = inputs[0]
        output_storage[0][0] = x.view() if isinstance(x, np.ndarray) else x


class CpuContiguous(_Identity):
    """x, C-contiguous: the input itself when it is, else a contiguous copy."""

    view_map = {0: [0]}

    def perform(self, node, inputs, output_storage):
        output_storage[0][0] = np.ascontiguousarray(inputs[0])


view_op = ViewOp()
_cpu_contiguous = CpuContiguous()


def cpu_contiguous(x):
    """`x` in C-contiguous memory (Theano's extra_ops.cpu_contiguous)."""
    return _cpu_contiguous(x)
