"""The shape feature: a shape never forces the computation of the tensor it measures
(FAST_RUN, phase `canonicalize`, tag `shape`).

- `Shape_i{k}(x)` where x is computed by a node becomes the node's `infer_shape` entry, written
  with the shapes of the node's inputs, which are rewritten in turn down to the graph inputs.
  `(T.exp(m) + 1).shape[0]` compiles to `Shape_i{0}(m)`; the exp is never run.
- `Shape(x)[k]` (a constant index into the shape vector) becomes `Shape_i{k}(x)`.
- `Shape(x)` of a computed x becomes `MakeVector(Shape_i{0}(x), ...)` (a graph input's `Shape`
  is already cheap and stays), and indexing a MakeVector by a constant picks the entry.

A broadcastable dim has length 1 by type: its Shape_i is the constant 1. The shapes of an
elementwise node come from its first input that is not broadcastable there, so a mismatch
between inputs that only the shape depended on is no longer reported: FAST_RUN only.
"""
import numpy as np

from transpile.graph.rewriting import node_rewriter
from transpile.tensor.join import MakeVector
from transpile.tensor.rewriting.utils import T, depends_only_on
from transpile.tensor.shape import Shape, Shape_i, Unbroadcast, shape_const, shape_i
from transpile.tensor.subtensor_basic import Subtensor
from transpile.tensor.subtensor_key import SliceEntry
from transpile.tensor.type import TensorType


def _as_length(value):
    """An infer_shape entry as an int64 0-d variable (None if it is not one)."""
    tensor = T()
    try:
        var = tensor.as_tensor_variable(value)
    except (TypeError, ValueError):
        return None
    if var.ndim != 0 or not np.issubdtype(np.dtype(var.dtype), np.integer):
        return None
    return tensor.cast(var, "int64")


def _input_shapes(node):
    return [tuple(shape_i(v, d) for d in range(v.ndim)) if isinstance(v.type, TensorType) else None
            for v in node.inputs]


@node_rewriter("canonicalize", "fast_run", "shape", tracks=(Shape_i,))
def local_shape_i_lift(fgraph, node):
    """Shape_i{k}(f(inputs)) -> entry k of f's infer_shape (never computes f)."""
    x = node.inputs[0]
    k = node.op.i
    if x.broadcastable[k]:
        return [shape_const(1)]
    owner = x.owner
    if owner is None:
        return None
    try:
        shapes = owner.op.infer_shape(owner, _input_shapes(owner))
        length = _as_length(shapes[x.index][k])
    except Exception:  # no infer_shape, or one that cannot work on these inputs: keep Shape_i
        return None
    if length is None or not depends_only_on(fgraph, length, forbidden=owner.outputs):
        return None
    return [length]


@node_rewriter("canonicalize", "fast_run", "shape", tracks=(Subtensor,))
def local_shape_subtensor(fgraph, node):
    """Shape(x)[k] -> Shape_i{k}(x); MakeVector(a, b, ...)[k] -> the k-th entry, and a
    constant slice of a MakeVector -> a MakeVector of those entries."""
    vec = node.inputs[0]
    while vec.owner is not None and isinstance(vec.owner.op, Unbroadcast):
        vec = vec.owner.inputs[0]  # a length-1 MakeVector standing in for a Shape
    owner = vec.owner
    if owner is None or len(node.op.idx_list) != 1:
        return None
    (entry,) = node.op.idx_list
    if isinstance(owner.op, Shape):
        x = owner.inputs[0]
        if isinstance(entry, int) and -x.ndim <= entry < x.ndim:
            return [shape_i(x, entry)]
        return None
    if not isinstance(owner.op, MakeVector):
        return None
    items = owner.inputs
    out = node.outputs[0]
    if isinstance(entry, int) and -len(items) <= entry < len(items):
        return [T().cast(items[entry], out.dtype)]
    if isinstance(entry, SliceEntry) and all(p is None or isinstance(p, int) for p in entry):
        picked = items[slice(*entry)]
        new = MakeVector(owner.op.dtype)(*picked)
        if new.type == out.type or (new.dtype == out.dtype and len(picked) == 1):
            return [new]
    return None


@node_rewriter("canonicalize", "fast_run", "shape", tracks=(Shape,))
def local_shape_to_make_vector(fgraph, node):
    """Shape(x) -> MakeVector(Shape_i{0}(x), ..., Shape_i{n-1}(x)) for a computed x, so each
    entry can be lifted to the graph inputs by local_shape_i_lift."""
    x = node.inputs[0]
    if x.owner is None or x.ndim == 0:
        return None
    return [MakeVector("int64")(*[shape_i(x, d) for d in range(x.ndim)])]
