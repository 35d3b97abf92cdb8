"""`FusedReduce`: a reduction of an elementwise expression as one op, so the native backend
prints one loop that maps and accumulates without materialising the mapped tensor.

`FusedReduce(reduce_op, scalar_op)(*inputs)` is `reduce_op(Elemwise(scalar_op)(*inputs))`:
`reduce_op` is a `CAReduce` (Sum{axis}, Max{axis}, ...), `scalar_op` any scalar op, usually
a fusion `Composite`. Inputs follow the elementwise rules (same rank, broadcastable dims
broadcast, other dims must agree). Made by the FAST_RUN rewrite
`tensor/rewriting/reduce_fusion.py`, after differentiation: `grad` raises.

It is deliberately not a `CAReduce` subclass: code keyed on the class (lowering tables)
must not mistake it for a plain reduction of its first input.
"""
import numpy as np

from transpile.graph.basic import Apply
from transpile.graph.op import Op
from transpile.tensor.basic import as_tensor_like
from transpile.tensor.type import TensorType

__all__ = ["FusedReduce"]


class FusedReduce(Op):
    __props__ = ("reduce_op", "scalar_op")

    def __init__(self, reduce_op, scalar_op):
        if scalar_op.nout != 1:
            raise TypeError(f"FusedReduce: the scalar op must have one output, "
                            f"{scalar_op} has {scalar_op.nout}")
        self.reduce_op = reduce_op
        self.scalar_op = scalar_op

    def mapped_type(self, inputs):
        """The type of the elementwise result the reduction reads."""
        ndim = inputs[0].ndim
        if any(i.ndim != ndim for i in inputs):
            types = ", ".join(str(i.type) for i in inputs)
            raise TypeError(f"{self}: inputs must have the same rank, got {types}")
        (dtype,) = self.scalar_op.output_dtypes(*[i.dtype for i in inputs])
        bcast = tuple(all(i.broadcastable[d] for i in inputs) for d in range(ndim))
        return TensorType(dtype, bcast)

    def make_node(self, *inputs):
        inputs = as_tensor_like(list(inputs))
        if not inputs:
            raise TypeError(f"{self}: needs at least one input")
        mapped = self.mapped_type(inputs)()
        out = self.reduce_op.make_node(mapped).outputs[0]
        return Apply(self, inputs, [out.type()])

    def perform(self, node, inputs, output_storage):
        shape = _broadcast_shape(self, node.inputs, inputs)
        mapped_type = self.mapped_type(node.inputs)
        values = np.asarray(self.scalar_op.impl(*inputs))
        if values.dtype.name != mapped_type.dtype:
            values = values.astype(mapped_type.dtype)
        if values.shape != shape:
            values = np.broadcast_to(values, shape)
        out = self.reduce_op.reduce(values, node.outputs[0].dtype)
        output_storage[0][0] = np.asarray(out, dtype=node.outputs[0].dtype)

    def infer_shape(self, node, input_shapes):
        from transpile.tensor.shape import shape_const
        lengths = []
        for d in range(node.inputs[0].ndim):
            entry = shape_const(1)
            for var, shp in zip(node.inputs, input_shapes):
                if not var.broadcastable[d]:
                    entry = shp[d]
                    break
            lengths.append(entry)
        return [tuple(s for d, s in enumerate(lengths) if d not in self.reduce_op.axis)]

    def grad(self, inputs, output_grads):
        raise NotImplementedError(
            f"{self} is introduced by FAST_RUN rewrites after differentiation; take gradients of "
            "the graph before compiling it")

    def __str__(self):
        return f"FusedReduce{{{self.reduce_op}, {self.scalar_op}}}"


def _broadcast_shape(op, variables, values):
    """The mapped shape, with the elementwise check: a dim that is not broadcastable must have
    the same length in every input."""
    shape = []
    for d in range(variables[0].ndim):
        lengths = {v.shape[d] for v, var in zip(values, variables) if not var.broadcastable[d]}
        if len(lengths) > 1:
            shapes = ", ".join(f"input[{k}].shape = {tuple(v.shape)}" for k, v in enumerate(values))
            raise ValueError(f"Input dimension mis-match in {op} at dimension {d}: {shapes}")
        shape.append(lengths.pop() if lengths else 1)
    return tuple(shape)
