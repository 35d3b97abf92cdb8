"""Advanced (integer-array and boolean-mask) indexing, with numpy's semantics.

- `AdvancedSubtensor1`: `x[ivec]`, one integer vector on the first dim (the common case: rows
  of an embedding table, minibatch selection).
- `AdvancedSubtensor`: anything else with index arrays: several arrays broadcast together,
  mixed with slices, ints and newaxis; boolean masks on leading (or all) dims.

Both produce new arrays (numpy copies on advanced indexing), never views.
"""
import numpy as np

from transpile.configdefaults import config
from transpile.graph.basic import Apply
from transpile.graph.op import Op
from transpile.scalar import dtypes as D
from transpile.tensor.basic import as_tensor_variable
from transpile.tensor.subtensor_basic import check_index_list, int_input_grads
from transpile.tensor.subtensor_key import (
    advanced_broadcastable,
    check_inputs,
    index_list_str,
    is_advanced,
    numpy_key,
)
from transpile.tensor.subtensor_shape import advanced_shape, shape_tuple
from transpile.tensor.type import TensorType

__all__ = ["AdvancedSubtensor", "AdvancedSubtensor1", "advanced_subtensor1"]


def check_index_array_bounds(idx, n, shape, axis=0):
    """IndexError naming the bad index and the shape (integer index arrays)."""
    if idx.size and (idx.max() >= n or idx.min() < -n):
        bad = idx.max() if idx.max() >= n else idx.min()
        raise IndexError(f"index {bad} is out of bounds for dim {axis} with length {n} "
                         f"(indexing an array of shape {tuple(shape)})")


def index_numpy(x, key):
    """`x[key]` where numpy's own IndexError also gets the indexed shape."""
    try:
        return x[key]
    except IndexError as err:
        raise IndexError(f"{err} (indexing an array of shape {x.shape})") from None


def as_index_vector(ilist):
    ilist = as_tensor_variable(ilist)
    if not D.is_integer(ilist.dtype) or ilist.ndim != 1:
        raise TypeError(f"AdvancedSubtensor1: index must be an integer vector, got {ilist} ({ilist.type})")
    return ilist


class AdvancedSubtensor1(Op):
    """`x[ilist]` for an integer vector `ilist` (negative entries count from the end)."""

    def make_node(self, x, ilist):
        x = as_tensor_variable(x)
        ilist = as_index_vector(ilist)
        if x.ndim == 0:
            raise IndexError(f"{self}: cannot index the 0-d tensor {x}")
        bcast = ilist.broadcastable + x.broadcastable[1:]
        return Apply(self, [x, ilist], [TensorType(x.dtype, bcast)()])

    def perform(self, node, inputs, output_storage):
        x, ilist = inputs
        check_index_array_bounds(ilist, x.shape[0], x.shape)
        output_storage[0][0] = np.take(x, ilist, axis=0)

    def infer_shape(self, node, input_shapes):
        x_shape, i_shape = input_shapes
        return [(i_shape[0],) + tuple(x_shape[1:])]

    def grad(self, inputs, output_grads):
        import transpile.tensor as T
        from transpile.tensor.subtensor_inc import AdvancedIncSubtensor1
        x, ilist = inputs
        (gz,) = output_grads
        if D.is_discrete(x.dtype):
            gx = T.zeros_like(x, dtype=config.floatX)
        else:
            gx = AdvancedIncSubtensor1()(T.zeros_like(x), T.cast(as_tensor_variable(gz), x.dtype), ilist)
        return [gx] + int_input_grads([ilist])


advanced_subtensor1 = AdvancedSubtensor1()


class AdvancedSubtensor(Op):
    """`x[idx_list]` where the index list holds at least one index array or mask."""

    __props__ = ("idx_list",)

    def __init__(self, idx_list):
        self.idx_list = tuple(idx_list)
        if not is_advanced(self.idx_list):
            raise TypeError(f"{self}: no index array; use Subtensor")

    def make_node(self, x, *index_inputs):
        x = as_tensor_variable(x)
        index_inputs = [as_tensor_variable(i) for i in index_inputs]
        check_index_list(self, x, self.idx_list)
        check_inputs(self, self.idx_list, index_inputs)
        bcast = advanced_broadcastable(x.broadcastable, self.idx_list, [i.type for i in index_inputs])
        return Apply(self, [x] + index_inputs, [TensorType(x.dtype, bcast)()])

    def perform(self, node, inputs, output_storage):
        x, *values = inputs
        out = index_numpy(x, numpy_key(self.idx_list, values))
        output_storage[0][0] = np.asarray(out)  # advanced indexing always copies

    def infer_shape(self, node, input_shapes):
        index_inputs = node.inputs[1:]
        lengths = advanced_shape(self.idx_list, input_shapes[0], index_inputs, input_shapes[1:])
        return [shape_tuple(lengths)]

    def grad(self, inputs, output_grads):
        import transpile.tensor as T
        from transpile.tensor.subtensor_inc import AdvancedIncSubtensor
        x, *index_inputs = inputs
        (gz,) = output_grads
        if D.is_discrete(x.dtype):
            gx = T.zeros_like(x, dtype=config.floatX)
        else:
            gz = T.cast(as_tensor_variable(gz), x.dtype)
            gx = AdvancedIncSubtensor(self.idx_list)(T.zeros_like(x), gz, *index_inputs)
        return [gx] + int_input_grads(index_inputs)

    def __str__(self):
        return index_list_str("AdvancedSubtensor", self.idx_list)
