"""Writing into an indexed region: `IncSubtensor` (basic keys), `AdvancedIncSubtensor1` (one
integer vector on the first dim) and `AdvancedIncSubtensor` (any advanced key).

Each returns a new version of `x` with `y` added to (or, with `set_instead_of_inc`, stored in)
`x[key]`. `y` broadcasts to the region by Theano's rule: it may have fewer dims (aligned on
the right), and only its broadcastable dims are broadcast. Repeated indices accumulate for
inc (like `np.add.at`); for set the last write wins (like numpy assignment).

`inplace=True` overwrites `x` (destroy_map); only rewrites should ask for it.
"""
import numpy as np

from transpile.graph.basic import Apply
from transpile.graph.op import Op
from transpile.tensor.basic import as_tensor_variable
from transpile.tensor.subtensor_advanced import (
    AdvancedSubtensor,
    AdvancedSubtensor1,
    as_index_vector,
    check_index_array_bounds,
    index_numpy,
)
from transpile.tensor.subtensor_basic import (
    Subtensor,
    check_index_list,
    check_int_bounds,
    int_input_grads,
    view_key,
)
from transpile.tensor.subtensor_key import (
    advanced_broadcastable,
    basic_broadcastable,
    check_inputs,
    entry_str,
    is_advanced,
    numpy_key,
)

__all__ = ["AdvancedIncSubtensor", "AdvancedIncSubtensor1", "IncSubtensor"]


def check_y(op, y, y_broadcastable, region_shape):
    """ValueError unless `y` broadcasts to `region_shape` (Theano's rule, see module doc)."""
    region_shape = tuple(region_shape)
    if y.ndim > len(region_shape):
        raise ValueError(f"{op}: y has shape {y.shape}, more dims than the indexed region of shape {region_shape}")
    offset = len(region_shape) - y.ndim
    for k, (n, b) in enumerate(zip(y.shape, y_broadcastable)):
        if n != region_shape[offset + k] and not b:
            hint = " (that dim of y is not broadcastable)" if n == 1 else ""
            raise ValueError(
                f"{op}: cannot broadcast y of shape {y.shape} to the indexed region of shape {region_shape}: "
                f"dim {k} of y has length {n}, the region {region_shape[offset + k]}{hint}")


def grad_for_y(y, gy):
    """`gy` (the gradient of the region) summed down to `y`'s dims and broadcastable pattern."""
    import transpile.tensor as T
    from transpile.tensor.shape import unbroadcast
    lead = gy.ndim - y.ndim
    if lead:
        gy = T.sum(gy, axis=tuple(range(lead)))
    axes = [d for d in range(y.ndim) if y.broadcastable[d] and not gy.broadcastable[d]]
    if axes:
        gy = T.sum(gy, axis=axes, keepdims=True)
    gy = unbroadcast(gy, *[d for d in range(y.ndim) if gy.broadcastable[d] and not y.broadcastable[d]])
    return T.cast(gy, y.dtype)


class _IncBase(Op):
    """Shared parts: props, type checks, strings. Subclasses define the region."""

    _name = "IncSubtensor"

    def _init_flags(self, inplace, set_instead_of_inc):
        self.inplace = bool(inplace)
        self.set_instead_of_inc = bool(set_instead_of_inc)
        self.destroy_map = {0: [0]} if self.inplace else {}

    def _check_types(self, x, y, region_broadcastable):
        if y.dtype != x.dtype:
            raise TypeError(f"{self}: y ({y.type}) must have the dtype of x ({x.type}); cast it first")
        if y.ndim > len(region_broadcastable):
            raise ValueError(f"{self}: y ({y.type}) has {y.ndim} dims, more than the {len(region_broadcastable)} "
                             f"of the indexed region")

    def _start(self, x):
        return x if self.inplace else np.array(x, order="C", copy=True)

    def _grads_x_y(self, x, y, gz, region_of, set_zero):
        """(gx, gy): gz passes to x (zeroed on the region for set); y gets gz[key] reduced."""
        import transpile.tensor as T
        gz = T.cast(as_tensor_variable(gz), x.dtype)
        gx = set_zero(gz) if self.set_instead_of_inc else gz
        return gx, grad_for_y(y, region_of(gz))

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]

    def _label(self, entries):
        kind = "SetSubtensor" if self.set_instead_of_inc else "IncSubtensor"
        name = self._name.replace("IncSubtensor", kind)
        parts = list(entries) + (["inplace"] if self.inplace else [])
        return f"{name}{{{', '.join(parts)}}}" if parts else name

    def __str__(self):
        return self._label(())


class IncSubtensor(_IncBase):
    """`x` with `x[idx_list]` (basic indexing) incremented by (or set to) `y`."""

    __props__ = ("idx_list", "inplace", "set_instead_of_inc")

    def __init__(self, idx_list, inplace=False, set_instead_of_inc=False):
        self.idx_list = tuple(idx_list)
        self._init_flags(inplace, set_instead_of_inc)
        if is_advanced(self.idx_list):
            raise TypeError(f"{self}: index arrays need AdvancedIncSubtensor")

    def make_node(self, x, y, *index_inputs):
        x, y = as_tensor_variable(x), as_tensor_variable(y)
        index_inputs = [as_tensor_variable(i) for i in index_inputs]
        check_index_list(self, x, self.idx_list)
        check_inputs(self, self.idx_list, index_inputs)
        self._check_types(x, y, basic_broadcastable(x.broadcastable, self.idx_list))
        return Apply(self, [x, y] + index_inputs, [x.type()])

    def perform(self, node, inputs, output_storage):
        x, y, *values = inputs
        key = numpy_key(self.idx_list, values)
        check_int_bounds(x.shape, key)
        out = self._start(x)
        region = out[view_key(key)]
        check_y(self, y, node.inputs[1].broadcastable, region.shape)
        if self.set_instead_of_inc:
            region[...] = y
        else:
            region += y
        output_storage[0][0] = out

    def grad(self, inputs, output_grads):
        x, y, *index_inputs = inputs
        sub = Subtensor(self.idx_list)
        zero_region = IncSubtensor(self.idx_list, set_instead_of_inc=True)
        gx, gy = self._grads_x_y(
            x, y, output_grads[0], lambda g: sub(g, *index_inputs),
            lambda g: zero_region(g, _zero(g), *index_inputs))
        return [gx, gy] + int_input_grads(index_inputs)

    def __str__(self):
        return self._label(entry_str(e) for e in self.idx_list)


class AdvancedIncSubtensor1(_IncBase):
    """`x` with the rows `x[ilist]` incremented by (or set to) `y`."""

    __props__ = ("inplace", "set_instead_of_inc")
    _name = "AdvancedIncSubtensor1"

    def __init__(self, inplace=False, set_instead_of_inc=False):
        self._init_flags(inplace, set_instead_of_inc)

    def make_node(self, x, y, ilist):
        x, y = as_tensor_variable(x), as_tensor_variable(y)
        ilist = as_index_vector(ilist)
        if x.ndim == 0:
            raise IndexError(f"{self}: cannot index the 0-d tensor {x}")
        self._check_types(x, y, ilist.broadcastable + x.broadcastable[1:])
        return Apply(self, [x, y, ilist], [x.type()])

    def perform(self, node, inputs, output_storage):
        x, y, ilist = inputs
        check_index_array_bounds(ilist, x.shape[0], x.shape)
        check_y(self, y, node.inputs[1].broadcastable, (len(ilist),) + x.shape[1:])
        out = self._start(x)
        if self.set_instead_of_inc:
            out[ilist] = y
        else:
            np.add.at(out, ilist, y)
        output_storage[0][0] = out

    def grad(self, inputs, output_grads):
        x, y, ilist = inputs
        zero_rows = AdvancedIncSubtensor1(set_instead_of_inc=True)
        gx, gy = self._grads_x_y(
            x, y, output_grads[0], lambda g: AdvancedSubtensor1()(g, ilist),
            lambda g: zero_rows(g, _zero(g), ilist))
        return [gx, gy] + int_input_grads([ilist])


class AdvancedIncSubtensor(_IncBase):
    """`x` with `x[idx_list]` (advanced indexing) incremented by (or set to) `y`."""

    __props__ = ("idx_list", "inplace", "set_instead_of_inc")
    _name = "AdvancedIncSubtensor"

    def __init__(self, idx_list, inplace=False, set_instead_of_inc=False):
        self.idx_list = tuple(idx_list)
        self._init_flags(inplace, set_instead_of_inc)

    def make_node(self, x, y, *index_inputs):
        x, y = as_tensor_variable(x), as_tensor_variable(y)
        index_inputs = [as_tensor_variable(i) for i in index_inputs]
        check_index_list(self, x, self.idx_list)
        check_inputs(self, self.idx_list, index_inputs)
        region = advanced_broadcastable(x.broadcastable, self.idx_list, [i.type for i in index_inputs])
        self._check_types(x, y, region)
        return Apply(self, [x, y] + index_inputs, [x.type()])

    def perform(self, node, inputs, output_storage):
        x, y, *values = inputs
        key = numpy_key(self.idx_list, values)
        # the region's shape (and numpy's bounds and mask checks) from a zero-stride stand-in
        region_shape = index_numpy(np.broadcast_to(np.zeros((), "bool"), x.shape), key).shape
        check_y(self, y, node.inputs[1].broadcastable, region_shape)
        out = self._start(x)
        if self.set_instead_of_inc:
            out[key] = y  # repeated positions: the last write wins
        else:
            np.add.at(out, key, y)  # repeated positions accumulate
        output_storage[0][0] = out

    def grad(self, inputs, output_grads):
        x, y, *index_inputs = inputs
        sub = AdvancedSubtensor(self.idx_list)
        zero_region = AdvancedIncSubtensor(self.idx_list, set_instead_of_inc=True)
        gx, gy = self._grads_x_y(
            x, y, output_grads[0], lambda g: sub(g, *index_inputs),
            lambda g: zero_region(g, _zero(g), *index_inputs))
        return [gx, gy] + int_input_grads(index_inputs)

    def __str__(self):
        return self._label(entry_str(e) for e in self.idx_list)


def _zero(like):
    from transpile.tensor.basic import constant
    return constant(0, dtype=like.dtype)
