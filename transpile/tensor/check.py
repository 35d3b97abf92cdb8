"""`Assert`: `x` itself, checked at run time against conditions (Theano's and PyTensor's
`assert_op`): a false condition raises AssertionError with the op's message in Python and
returns an error status with it from native code. The check is a graph node, so it survives
compilation and export (a constant true condition is dropped when the graph is built).
"""
from transpile.graph.basic import Apply, Constant
from transpile.graph.op import Op
from transpile.tensor.basic import as_tensor_variable
from transpile.tensor.gradient_ops import disconnected_type

__all__ = ["Assert", "assert_op"]


class Assert(Op):
    """Assert(msg)(x, *conditions): x, once every condition (a scalar) is true (nonzero)."""

    __props__ = ("msg",)
    view_map = {0: [0]}

    def __init__(self, msg="Assertion failed"):
        self.msg = str(msg)

    def make_node(self, x, *conditions):
        x = as_tensor_variable(x)
        conditions = [as_tensor_variable(c) for c in conditions]
        for c in conditions:
            if c.ndim != 0:
                raise TypeError(f"{self}: conditions must be scalars, got {c} ({c.type})")
        return Apply(self, [x, *conditions], [x.type()])

    def perform(self, node, inputs, output_storage):
        x, *conditions = inputs
        if not all(bool(c) for c in conditions):
            raise AssertionError(self.msg)
        output_storage[0][0] = x

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]

    def grad(self, inputs, output_grads):
        return [output_grads[0]] + [disconnected_type() for _ in inputs[1:]]

    def __str__(self):
        return f"Assert{{msg={self.msg!r}}}"


def assert_op(x, *conditions, msg="Assertion failed"):
    """`x`, with a run-time check that every condition holds (constant true ones are dropped)."""
    conditions = [as_tensor_variable(c) for c in conditions]
    left = [c for c in conditions if not (isinstance(c, Constant) and c.data.ndim == 0 and bool(c.data))]
    return Assert(msg)(x, *left) if left else as_tensor_variable(x)
