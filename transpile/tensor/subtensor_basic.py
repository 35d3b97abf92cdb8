"""`Subtensor`: basic indexing (ints, slices, newaxis), a view of its input.

Constant parts of the key live in the op's `idx_list` (see `subtensor_key`); symbolic integer
scalars (bounds, indices) are the node's inputs after `x`.
"""
from transpile.configdefaults import config
from transpile.graph.basic import Apply
from transpile.graph.op import Op
from transpile.scalar import dtypes as D
from transpile.tensor.basic import as_tensor_variable
from transpile.tensor.subtensor_key import (
    basic_broadcastable,
    check_constant_ints,
    check_inputs,
    dims_consumed,
    index_list_str,
    is_advanced,
    numpy_key,
)
from transpile.tensor.subtensor_shape import basic_shape, shape_tuple
from transpile.tensor.type import TensorType

__all__ = ["Subtensor"]


def check_index_list(op, x, idx_list):
    """Build-time checks shared by the ops: fits `x`'s ndim; constant ints fit length-1 dims."""
    used = sum(dims_consumed(e) for e in idx_list)
    if used > x.ndim:
        raise IndexError(f"{op}: too many indices for {x} ({x.type}): {x.ndim}-d, but {used} dims are indexed")
    check_constant_ints(x.broadcastable, idx_list, x)


def check_int_bounds(x_shape, key):
    """IndexError naming the index and the shape for an integer index out of range (numpy's
    message names neither the whole shape nor, for negative indices, the same rule)."""
    d = 0
    for k in key:
        if k is None:
            continue
        if isinstance(k, int):
            n = x_shape[d]
            if not -n <= k < n:
                raise IndexError(f"index {k} is out of bounds for dim {d} with length {n} "
                                 f"(indexing an array of shape {tuple(x_shape)})")
        d += 1


def view_key(key):
    """`key` with a trailing Ellipsis, so that indexing every dim gives a 0-d view, not a scalar."""
    return key + (Ellipsis,)


def int_input_grads(inputs):
    """Gradients of integer index inputs: zeros (CONTRIBUTING: floatX zeros of the input's shape)."""
    import transpile.tensor as T
    return [T.zeros_like(i, dtype=config.floatX) for i in inputs]


class Subtensor(Op):
    """`x[idx_list]` with basic indexing; the output is a view of `x`."""

    __props__ = ("idx_list",)
    view_map = {0: [0]}

    def __init__(self, idx_list):
        self.idx_list = tuple(idx_list)
        if is_advanced(self.idx_list):
            raise TypeError(f"{self}: index arrays need AdvancedSubtensor")

    def make_node(self, x, *index_inputs):
        x = as_tensor_variable(x)
        index_inputs = [as_tensor_variable(i) for i in index_inputs]
        check_index_list(self, x, self.idx_list)
        check_inputs(self, self.idx_list, index_inputs)
        bcast = basic_broadcastable(x.broadcastable, self.idx_list)
        return Apply(self, [x] + index_inputs, [TensorType(x.dtype, bcast)()])

    def perform(self, node, inputs, output_storage):
        x, *values = inputs
        key = numpy_key(self.idx_list, values)
        check_int_bounds(x.shape, key)
        output_storage[0][0] = x[view_key(key)]

    def infer_shape(self, node, input_shapes):
        return [shape_tuple(basic_shape(self.idx_list, input_shapes[0], node.inputs[1:]))]

    def grad(self, inputs, output_grads):
        import transpile.tensor as T
        from transpile.tensor.subtensor_inc import IncSubtensor
        x, *index_inputs = inputs
        (gz,) = output_grads
        if D.is_discrete(x.dtype):
            gx = T.zeros_like(x, dtype=config.floatX)
        else:
            gz = T.cast(as_tensor_variable(gz), x.dtype)
            gx = IncSubtensor(self.idx_list)(T.zeros_like(x), gz, *index_inputs)
        return [gx] + int_input_grads(index_inputs)

    def __str__(self):
        return index_list_str("Subtensor", self.idx_list)
