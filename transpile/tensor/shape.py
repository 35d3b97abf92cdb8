"""Shapes as graph values: `Shape` (the whole shape, an int64 vector), `Shape_i` (one length, an
int64 scalar), and `Unbroadcast` (forget that some dims are broadcastable)."""
import numpy as np

from transpile.graph.basic import Apply
from transpile.graph.op import Op
from transpile.tensor.basic import as_tensor_variable, constant
from transpile.tensor.type import TensorType


def shape_const(n):
    """An int64 scalar constant, as used in symbolic shapes."""
    return constant(np.int64(n))


class Shape(Op):
    def make_node(self, x):
        x = as_tensor_variable(x)
        return Apply(self, [x], [TensorType("int64", (False,))()])

    def perform(self, node, inputs, output_storage):
        output_storage[0][0] = np.asarray(inputs[0].shape, dtype="int64")

    def infer_shape(self, node, input_shapes):
        return [(shape_const(node.inputs[0].ndim),)]

    def grad(self, inputs, output_grads):
        import transpile.tensor as T
        return [T.zeros_like(inputs[0])]


class Shape_i(Op):
    __props__ = ("i",)

    def __init__(self, i):
        self.i = int(i)

    def make_node(self, x):
        x = as_tensor_variable(x)
        if not 0 <= self.i < x.ndim:
            raise ValueError(f"{x} has {x.ndim} dims; dimension {self.i} does not exist")
        return Apply(self, [x], [TensorType("int64", ())()])

    def perform(self, node, inputs, output_storage):
        output_storage[0][0] = np.asarray(inputs[0].shape[self.i], dtype="int64")

    def infer_shape(self, node, input_shapes):
        return [()]

    def grad(self, inputs, output_grads):
        import transpile.tensor as T
        return [T.zeros_like(inputs[0])]


_shape = Shape()


def shape(x):
    """Symbolic shape of `x` (an int64 vector); `x.shape[i]` indexes it."""
    return _shape(x)


def shape_i(x, i):
    """Symbolic length of dim `i` of `x` (a constant 1 where the dim is broadcastable)."""
    x = as_tensor_variable(x)
    if x.broadcastable[i]:
        return shape_const(1)
    return Shape_i(i)(x)


class Unbroadcast(Op):
    """Identity that marks some dims as not broadcastable (so types line up)."""

    __props__ = ("axes",)
    view_map = {0: [0]}

    def __init__(self, *axes):
        self.axes = tuple(sorted(set(int(a) for a in axes)))

    def make_node(self, x):
        x = as_tensor_variable(x)
        bc = tuple(False if d in self.axes else b for d, b in enumerate(x.broadcastable))
        return Apply(self, [x], [TensorType(x.dtype, bc)()])

    def perform(self, node, inputs, output_storage):
        output_storage[0][0] = inputs[0]

    def infer_shape(self, node, input_shapes):
        return input_shapes

    def grad(self, inputs, output_grads):
        (x,) = inputs
        (g,) = output_grads
        from transpile.tensor.elemwise import DimShuffle
        import transpile.tensor as T
        for d in self.axes:
            if x.broadcastable[d] and not g.broadcastable[d]:
                g = T.sum(g, axis=d, keepdims=True)
        return [g]


def unbroadcast(x, *axes):
    x = as_tensor_variable(x)
    axes = [a for a in axes if x.broadcastable[a]]
    return Unbroadcast(*axes)(x) if axes else x


def specify_broadcastable_as(var, ttype):
    """`var` with the broadcastable pattern of `ttype` (only removing broadcastability)."""
    axes = [d for d, (a, b) in enumerate(zip(var.broadcastable, ttype.broadcastable)) if a and not b]
    return unbroadcast(var, *axes)
