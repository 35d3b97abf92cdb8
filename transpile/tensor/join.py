"""Joining tensors: `Join` (concatenate along an existing axis), its inverse `Split`, and
`MakeVector` (a vector from scalars, e.g. a symbolic shape). `stack` is a join of tensors given
a new broadcastable axis.

Mixed dtypes are upcast (Python scalars adopt the tensors' dtype, like elementwise operands);
each gradient is cast back to its input's dtype and broadcastable pattern.
"""
import numbers

import numpy as np

from transpile.graph.basic import Apply, Variable
from transpile.graph.op import Op
from transpile.scalar import dtypes as D
from transpile.tensor.basic import as_tensor_like, as_tensor_variable, constant
from transpile.tensor.shape import _axis, as_int_scalar, patternbroadcast, shape_const, shape_i
from transpile.tensor.type import TensorType

__all__ = ["Join", "MakeVector", "Split", "concatenate", "join", "make_vector", "split", "stack"]


def _zero_grad(x):
    import transpile.tensor as T
    return T.zeros_like(x, dtype=D.config.floatX if D.is_discrete(x.dtype) else x.dtype)


def _as_input_grad(g, x):
    """Gradient `g` made to match input `x`: zeros for integer inputs, else x's dtype and pattern."""
    import transpile.tensor as T
    if D.is_discrete(x.dtype):
        return _zero_grad(x)
    g = patternbroadcast(g, x.broadcastable)
    return T.cast(g, x.dtype) if g.dtype != x.dtype else g


def _is_connected(g):
    return isinstance(g, Variable) and isinstance(g.type, TensorType)


class MakeVector(Op):
    """A vector of `dtype` from 0-d inputs (which must convert to `dtype` without loss)."""

    __props__ = ("dtype",)

    def __init__(self, dtype="int64"):
        self.dtype = D.check_dtype(dtype)

    def make_node(self, *inputs):
        inputs = [as_tensor_variable(i) for i in inputs]
        for k, i in enumerate(inputs):
            if i.ndim != 0:
                raise TypeError(f"{self}: input {k} must be a scalar, got {i} ({i.type})")
            if D.upcast(i.dtype, self.dtype) != self.dtype:
                raise TypeError(f"{self}: input {k} ({i.type}) cannot be converted to {self.dtype} "
                                "without loss")
        return Apply(self, inputs, [TensorType(self.dtype, (len(inputs) == 1,))()])

    def perform(self, node, inputs, output_storage):
        output_storage[0][0] = np.array([np.asarray(i).item() for i in inputs] if inputs else [],
                                        dtype=self.dtype)

    def infer_shape(self, node, input_shapes):
        return [(shape_const(len(node.inputs)),)]

    def grad(self, inputs, output_grads):
        """Entry i of the output gradient, read as sum(gz * onehot_i) (no indexing op needed)."""
        import transpile.tensor as T
        (gz,) = output_grads
        n = len(inputs)
        grads = []
        for k, x in enumerate(inputs):
            if D.is_discrete(x.dtype):
                grads.append(_zero_grad(x))
                continue
            onehot = np.zeros(n, dtype=gz.dtype)
            onehot[k] = 1
            g = T.sum(gz * constant(onehot), axis=None)
            grads.append(T.cast(g, x.dtype) if g.dtype != x.dtype else g)
        return grads

    def __str__(self):
        return f"MakeVector{{{self.dtype}}}"


def make_vector(*scalars, dtype=None):
    """A vector from scalars (Python numbers adopt the dtype of the variables)."""
    scalars = as_tensor_like(list(scalars)) if scalars else []
    dtype = dtype or (D.upcast(*[s.dtype for s in scalars]) if scalars else "int64")
    return MakeVector(dtype)(*scalars)


class Join(Op):
    """Concatenation of tensors of equal rank along `axis` (their other lengths must agree)."""

    __props__ = ("axis",)

    def __init__(self, axis):
        self.axis = int(axis)

    def make_node(self, *tensors):
        tensors = [as_tensor_variable(t) for t in tensors]
        if not tensors:
            raise ValueError("Join: need at least one tensor to join")
        ndim = tensors[0].ndim
        for k, t in enumerate(tensors):
            if t.ndim != ndim:
                raise TypeError(f"Join: all tensors must have the same number of dimensions; tensor 0 "
                                f"is {ndim}-d ({tensors[0].type}), tensor {k} is {t.ndim}-d ({t.type})")
        if ndim == 0:
            raise TypeError("Join: scalars cannot be joined; use stack")
        if not -ndim <= self.axis < ndim:
            raise ValueError(f"Join: axis {self.axis} is out of range for {ndim}-d tensors")
        axis = self.axis % ndim
        bcast = [any(t.broadcastable[d] for t in tensors) for d in range(ndim)]
        bcast[axis] = len(tensors) == 1 and tensors[0].broadcastable[axis]
        dtype = D.upcast(*[t.dtype for t in tensors])
        return Apply(self, tensors, [TensorType(dtype, tuple(bcast))()])

    def perform(self, node, inputs, output_storage):
        axis = self.axis % inputs[0].ndim
        ref = inputs[0].shape
        for k, x in enumerate(inputs):
            if x.shape[:axis] + x.shape[axis + 1:] != ref[:axis] + ref[axis + 1:]:
                shapes = ", ".join(str(i.shape) for i in inputs)
                raise ValueError(f"Join: tensors must have the same lengths except along axis {axis}; "
                                 f"got shapes {shapes}")
        out = np.concatenate(inputs, axis=axis)
        output_storage[0][0] = out.astype(node.outputs[0].dtype, copy=False)

    def infer_shape(self, node, input_shapes):
        import transpile.tensor as T
        axis = self.axis % node.inputs[0].ndim
        out = list(input_shapes[0])
        for d in range(len(out)):
            if d == axis:
                out[d] = T.add(*[s[d] for s in input_shapes]) if len(input_shapes) > 1 else out[d]
            elif node.outputs[0].broadcastable[d]:
                out[d] = shape_const(1)
        return [tuple(out)]

    def grad(self, inputs, output_grads):
        (gz,) = output_grads
        axis = self.axis % inputs[0].ndim
        if len(inputs) == 1:
            return [_as_input_grad(gz, inputs[0])]
        parts = Split(len(inputs), axis)(gz, *[shape_i(x, axis) for x in inputs])
        return [_as_input_grad(p, x) for p, x in zip(parts, inputs)]


class Split(Op):
    """`x` cut along `axis` into `n_splits` pieces of the given (symbolic) lengths."""

    __props__ = ("n_splits", "axis")

    def __init__(self, n_splits, axis):
        self.n_splits = int(n_splits)
        self.axis = int(axis)
        self.view_map = {i: [0] for i in range(self.n_splits)}

    def make_node(self, x, *sizes):
        x = as_tensor_variable(x)
        if len(sizes) != self.n_splits:
            raise ValueError(f"{self}: expected {self.n_splits} sizes, got {len(sizes)}")
        sizes = [as_int_scalar(s, "split size") for s in sizes]
        if not 0 <= self.axis < x.ndim:
            raise ValueError(f"{self}: axis {self.axis} is out of range for {x.type}")
        bcast = tuple(False if d == self.axis else b for d, b in enumerate(x.broadcastable))
        return Apply(self, [x] + sizes, [TensorType(x.dtype, bcast)() for _ in sizes])

    def perform(self, node, inputs, output_storage):
        x, sizes = inputs[0], [int(s) for s in inputs[1:]]
        if any(s < 0 for s in sizes) or sum(sizes) != x.shape[self.axis]:
            raise ValueError(f"{self}: sizes {sizes} do not add up to the length {x.shape[self.axis]} "
                             f"of axis {self.axis} of an input of shape {x.shape}")
        parts = np.split(x, np.cumsum(sizes)[:-1], axis=self.axis)
        for cell, part in zip(output_storage, parts):
            cell[0] = part

    def infer_shape(self, node, input_shapes):
        xshp = input_shapes[0]
        return [tuple(s if d == self.axis else xshp[d] for d in range(len(xshp))) for s in node.inputs[1:]]

    def grad(self, inputs, output_grads):
        x = inputs[0]
        outs = self.make_node(*inputs).outputs
        gs = [g if _is_connected(g) else _zero_grad(o) for g, o in zip(output_grads, outs)]
        g = Join(self.axis)(*gs) if len(gs) > 1 else gs[0]
        return [_as_input_grad(g, x)] + [_zero_grad(s) for s in inputs[1:]]


def split(x, sizes, n_splits=None, axis=0):
    """Pieces of `x` along `axis` with lengths `sizes` (a list of ints or int scalars)."""
    x = as_tensor_variable(x)
    sizes = list(sizes)
    if n_splits is not None and n_splits != len(sizes):
        raise ValueError(f"split: n_splits={n_splits} but {len(sizes)} sizes given")
    out = Split(len(sizes), _axis(axis, x.ndim, "split"))(x, *sizes)
    return out if isinstance(out, list) else [out]


def join(axis, *tensors):
    """Theano's `join(axis, *tensors)`: concatenate along `axis` (one tensor is returned as is)."""
    if isinstance(axis, Variable) or not isinstance(axis, numbers.Integral):
        raise TypeError(f"join: axis must be an int (a symbolic axis is not supported), got {axis!r}")
    if not tensors:
        raise ValueError("join: need at least one tensor")
    tensors = as_tensor_like(list(tensors))
    if len(tensors) == 1:
        return tensors[0]
    ndim = tensors[0].ndim
    if ndim and all(t.ndim == ndim for t in tensors):
        axis = _axis(axis, ndim, "join")
    return Join(axis)(*tensors)


def concatenate(tensors, axis=0):
    """Concatenate a list of tensors along `axis` (numpy's argument order)."""
    if isinstance(tensors, Variable) or not isinstance(tensors, (list, tuple)):
        raise TypeError(f"concatenate: expected a list or tuple of tensors, got {type(tensors).__name__}")
    return join(axis, *tensors)


def stack(*tensors, axis=0):
    """`stack(tensors, axis=0)`, or Theano's old `stack(t1, t2, ...)`: join along a new axis.
    Scalars stacked along axis 0 give a MakeVector."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = list(tensors[0])
    elif len(tensors) == 2 and isinstance(tensors[0], (list, tuple)) and isinstance(tensors[1], numbers.Integral):
        tensors, axis = list(tensors[0]), tensors[1]
    if not tensors:
        raise ValueError("stack: need at least one tensor")
    tensors = as_tensor_like(list(tensors))
    ndim = tensors[0].ndim
    for k, t in enumerate(tensors):
        if t.ndim != ndim:
            raise TypeError(f"stack: all tensors must have the same number of dimensions; tensor 0 is "
                            f"{ndim}-d ({tensors[0].type}), tensor {k} is {t.ndim}-d ({t.type})")
    axis = _axis(axis, ndim + 1, "stack")
    if ndim == 0:
        return MakeVector(D.upcast(*[t.dtype for t in tensors]))(*tensors)
    from transpile.tensor.elemwise import DimShuffle
    order = list(range(ndim))
    order.insert(axis, "x")
    padded = [DimShuffle(t.broadcastable, order)(t) for t in tensors]
    return join(axis, *padded)
