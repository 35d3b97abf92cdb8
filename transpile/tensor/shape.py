"""Shapes as graph values: `Shape` (the whole shape, an int64 vector), `Shape_i` (one length, an
int64 scalar), `Unbroadcast` / `AddBroadcast` (forget or assert that some dims are broadcastable),
and helpers reading symbolic shape vectors entry by entry."""
import numbers

import numpy as np

from transpile.graph.basic import Apply, Constant
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
    if not -x.ndim <= i < x.ndim:
        raise ValueError(f"{x} has {x.ndim} dims; dimension {i} does not exist")
    i %= x.ndim
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

    def __str__(self):
        return f"Unbroadcast{{{','.join(map(str, self.axes))}}}"


def unbroadcast(x, *axes):
    x = as_tensor_variable(x)
    axes = [a for a in axes if x.broadcastable[a]]
    return Unbroadcast(*axes)(x) if axes else x


def specify_broadcastable_as(var, ttype):
    """`var` with the broadcastable pattern of `ttype` (only removing broadcastability)."""
    axes = [d for d, (a, b) in enumerate(zip(var.broadcastable, ttype.broadcastable)) if a and not b]
    return unbroadcast(var, *axes)


class AddBroadcast(Op):
    """Identity that marks `axes` broadcastable, checking at run time that they have length 1."""

    __props__ = ("axes",)
    view_map = {0: [0]}

    def __init__(self, *axes):
        self.axes = tuple(sorted(set(int(a) for a in axes)))

    def make_node(self, x):
        x = as_tensor_variable(x)
        for a in self.axes:
            if not 0 <= a < x.ndim:
                raise ValueError(f"{self}: axis {a} is out of range for {x.type}")
        bc = tuple(True if d in self.axes else b for d, b in enumerate(x.broadcastable))
        return Apply(self, [x], [TensorType(x.dtype, bc)()])

    def perform(self, node, inputs, output_storage):
        (x,) = inputs
        for a in self.axes:
            if x.shape[a] != 1:
                raise ValueError(f"{self}: dimension {a} was declared broadcastable and must have "
                                 f"length 1, got an input of shape {x.shape}")
        output_storage[0][0] = x

    def infer_shape(self, node, input_shapes):
        (shp,) = input_shapes
        return [tuple(shape_const(1) if d in self.axes else s for d, s in enumerate(shp))]

    def grad(self, inputs, output_grads):
        (x,) = inputs
        (g,) = output_grads
        return [unbroadcast(g, *[a for a in self.axes if not x.broadcastable[a]])]

    def __str__(self):
        return f"AddBroadcast{{{','.join(map(str, self.axes))}}}"


def addbroadcast(x, *axes):
    """`x` with `axes` marked broadcastable (they must have length 1 at run time)."""
    x = as_tensor_variable(x)
    axes = [_axis(a, x.ndim, "addbroadcast") for a in axes]
    axes = [a for a in axes if not x.broadcastable[a]]
    return AddBroadcast(*axes)(x) if axes else x


def specify_broadcastable(x, *axes):
    """PyTensor's name for `addbroadcast`: `x` known to have length 1 along `axes`."""
    return addbroadcast(x, *axes)


def patternbroadcast(x, broadcastable):
    """`x` with exactly the broadcastable pattern `broadcastable` (same length as x.ndim)."""
    x = as_tensor_variable(x)
    pattern = tuple(bool(b) for b in broadcastable)
    if len(pattern) != x.ndim:
        raise ValueError(f"patternbroadcast: pattern {pattern} has {len(pattern)} entries, "
                         f"{x} has {x.ndim} dims")
    x = unbroadcast(x, *[d for d, (b, p) in enumerate(zip(x.broadcastable, pattern)) if b and not p])
    return addbroadcast(x, *[d for d, (b, p) in enumerate(zip(x.broadcastable, pattern)) if p and not b])


def _axis(a, ndim, what):
    if isinstance(a, bool) or not isinstance(a, numbers.Integral):
        raise TypeError(f"{what}: axis must be an int, got {a!r}")
    if not -ndim <= a < ndim:
        raise ValueError(f"{what}: axis {a} is out of range for a {ndim}-d tensor")
    return int(a) % ndim


# -- reading symbolic shape vectors -----------------------------------------------------------
def static_int(var):
    """The Python int a 0-d integer variable is known to hold while building the graph, or None."""
    if isinstance(var, numbers.Integral):
        return int(var)
    if isinstance(var, Constant) and np.ndim(var.data) == 0 and np.issubdtype(np.asarray(var.data).dtype, np.integer):
        return int(var.data)
    owner = getattr(var, "owner", None)
    if owner is not None and getattr(getattr(owner.op, "scalar_op", None), "o_type", None) is not None:
        return static_int(owner.inputs[0])  # a Cast of a known int
    return None


def as_int_scalar(value, what="shape entry"):
    """`value` (a Python int or a 0-d integer variable) as an int64 scalar variable."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return shape_const(int(value))
    var = as_tensor_variable(value)
    if var.ndim != 0 or var.dtype not in ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32",
                                          "uint64"):
        raise TypeError(f"{what} must be an int or an integer scalar, got {var} ({var.type})")
    if var.dtype == "int64":
        return var
    from transpile.tensor.math import cast
    return cast(var, "int64")


def get_vector_length(v):
    """Length of a symbolic 1-d variable when it is known while building the graph, else None."""
    v = as_tensor_variable(v)
    if v.ndim != 1:
        raise TypeError(f"expected a vector, got {v} ({v.type})")
    if isinstance(v, Constant):
        return len(v.data)
    if v.broadcastable[0]:
        return 1
    owner = v.owner
    if owner is None:
        return None
    if isinstance(owner.op, Shape):
        return owner.inputs[0].ndim
    if type(owner.op).__name__ == "MakeVector":
        return len(owner.inputs)
    if type(owner.op).__name__ == "Join":
        lengths = [get_vector_length(i) for i in owner.inputs]
        return None if any(n is None for n in lengths) else sum(lengths)
    if getattr(owner.op, "scalar_op", None) is not None and len(owner.inputs) == 1:
        return get_vector_length(owner.inputs[0])  # a Cast (or other unary elemwise)
    if type(owner.op).__name__ == "Subtensor":
        return _constant_slice_length(owner)
    return None


def _constant_slice_length(node):
    """Length of `v[a:b:c]` (constant bounds) when the length of `v` is known (`x.shape[1:]`)."""
    idx = getattr(node.op, "idx_list", ())
    if len(idx) != 1 or not all(hasattr(idx[0], p) for p in ("start", "stop", "step")):
        return None
    parts = (idx[0].start, idx[0].stop, idx[0].step)
    if not all(p is None or isinstance(p, numbers.Integral) for p in parts):
        return None
    n = get_vector_length(node.inputs[0])
    return None if n is None else len(range(n)[slice(*parts)])


def shape_entries(shape, what="shape", ndim=None):
    """A shape given as an int, a tuple/list of ints and int scalars, or an int vector variable,
    as a list of int64 scalar variables (constants where the value is known). `ndim` is the
    length of a vector whose length the graph does not tell."""
    if isinstance(shape, numbers.Integral) and not isinstance(shape, bool):
        return [shape_const(shape)]
    if isinstance(shape, (list, tuple)):
        return [as_int_scalar(s, f"{what} entry {i}") for i, s in enumerate(shape)]
    v = as_tensor_variable(shape)
    if v.ndim == 0:
        return [as_int_scalar(v, what)]
    if v.ndim != 1 or not np.issubdtype(np.dtype(v.dtype), np.integer):
        raise TypeError(f"{what} must be an int vector, got {v} ({v.type})")
    if isinstance(v, Constant):
        return [shape_const(int(e)) for e in v.data]
    owner = v.owner
    if owner is not None and isinstance(owner.op, Shape):
        x = owner.inputs[0]
        return [shape_i(x, d) for d in range(x.ndim)]
    if owner is not None and type(owner.op).__name__ == "MakeVector":
        return [as_int_scalar(i) for i in owner.inputs]
    n = get_vector_length(v)
    n = ndim if n is None else n
    if n is None:
        raise ValueError(f"the length of {what} {v} is not known while building the graph; "
                         "pass it as a tuple of scalars (or give ndim)")
    return [as_int_scalar(v[i]) for i in range(n)]
