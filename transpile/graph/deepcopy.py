"""`DeepCopyOp`: the op `function()` puts on outputs that would alias storage it keeps."""
import numpy as np

from transpile.graph.basic import Apply
from transpile.graph.op import Op


class DeepCopyOp(Op):
    """Copies its input: put on function outputs that are inputs or constants, so the caller
    never receives (and mutates) storage the function keeps."""

    foldable = False

    def make_node(self, x):
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs, output_storage):
        value = inputs[0]
        # scipy.sparse values (transpile.sparse) copy themselves; np.array would wrap them
        output_storage[0][0] = value.copy() if hasattr(value, "tocsr") else np.array(value, copy=True)

    def infer_shape(self, node, input_shapes):
        return input_shapes

    def grad(self, inputs, output_grads):
        return output_grads


deep_copy_op = DeepCopyOp()
