"""The input shapes a graph implies, for golden vectors when the user gave no example inputs.

Each dim of each explicit input starts as an unknown; shared variables and constants have known
shapes. Walking the graph unifies dims that must be equal: the non-broadcastable dims of an
elementwise node's inputs, and the inner dims of the products (Dot, Dot22, Gemm, Gemv, Ger,
BatchedDot). Output dims follow each op's `infer_shape` where it passes an input dim or a
constant through, and are fresh unknowns otherwise. So `dot(x, W)` with a shared (4, 3) `W` fixes
x's last dim to 4. Dims nothing constrains get `default` (a small length). The result is a
guess: the caller still runs the reference on it and gives up cleanly if it fails.
"""
import numpy as np

from transpile.graph.basic import Constant
from transpile.tensor.basic import lscalar
from transpile.tensor.blas import Dot
from transpile.tensor.blas_batched import BatchedDot
from transpile.tensor.blas_gemm import Dot22, Gemm, Gemv, Ger
from transpile.tensor.elemwise import DimShuffle, Elemwise
from transpile.tensor.type import TensorType


class _Dims:
    """Union-find over dim unknowns; a class may be bound to a known length."""

    def __init__(self):
        self.parent, self.length = [], []

    def fresh(self):
        self.parent.append(len(self.parent))
        self.length.append(None)
        return len(self.parent) - 1

    def known(self, n):
        k = self.fresh()
        self.length[k] = int(n)
        return k

    def find(self, k):
        while self.parent[k] != k:
            self.parent[k] = self.parent[self.parent[k]]
            k = self.parent[k]
        return k

    def unify(self, a, b):
        a, b = self.find(a), self.find(b)
        if a == b:
            return
        if self.length[a] is None:
            a, b = b, a
        self.parent[b] = a  # a keeps its length; a conflict of two lengths keeps the first
        if self.length[a] is None:
            self.length[a] = self.length[b]

    def value(self, k):
        return self.length[self.find(k)]


def implied_input_shapes(fgraph, n_inputs, shared_values, default):
    """One shape tuple per explicit input (the first `n_inputs` of `fgraph.inputs`)."""
    dims = _Dims()
    shapes = {}
    for k, var in enumerate(fgraph.inputs):
        if k < n_inputs:
            shapes[id(var)] = [dims.known(1) if b else dims.fresh() for b in var.type.broadcastable]
        else:
            shapes[id(var)] = [dims.known(n) for n in np.shape(shared_values[k - n_inputs])]

    def shape_of(var):
        if id(var) not in shapes:
            if isinstance(var, Constant):
                shapes[id(var)] = [dims.known(n) for n in np.shape(var.data)]
            else:
                shapes[id(var)] = [dims.fresh() for _ in range(getattr(var.type, "ndim", 0))]
        return shapes[id(var)]

    for node in fgraph.toposort():
        if not all(isinstance(v.type, TensorType) for v in node.inputs + node.outputs):
            continue
        ins = [shape_of(v) for v in node.inputs]
        for out, shape in zip(node.outputs, _node_shapes(node, ins, dims)):
            shapes[id(out)] = shape
    return [tuple(dims.value(d) or default for d in shapes[id(v)]) for v in fgraph.inputs[:n_inputs]]


def _node_shapes(node, ins, dims):
    """The output shapes of `node` (lists of dim classes), unifying what the op requires."""
    op, inputs = node.op, node.inputs
    if isinstance(op, Elemwise):
        out = []
        for d in range(node.outputs[0].type.ndim):
            live = [s[d] for s, v in zip(ins, inputs) if not v.type.broadcastable[d]]
            for other in live[1:]:
                dims.unify(live[0], other)
            out.append(live[0] if live else dims.known(1))
        return [out] * len(node.outputs)
    if isinstance(op, DimShuffle):
        return [[dims.known(1) if d == "x" else ins[0][d] for d in op.new_order]]
    if isinstance(op, Dot22):
        x, y = _oriented(ins[0], op.trans_x), _oriented(ins[1], op.trans_y)
        dims.unify(x[1], y[0])
        return [[x[0], y[1]]]
    if isinstance(op, Dot):
        a, b = ins
        if a and b:
            dims.unify(a[-1], b[0] if len(b) == 1 else b[-2])
        return [a[:-1] + b[:-2] + b[-1:] if len(b) > 1 else a[:-1]]
    if isinstance(op, Gemm):  # z, alpha, x, y, beta
        z, _, x, y, _ = ins
        x, y = _oriented(x, op.trans_x), _oriented(y, op.trans_y)
        dims.unify(x[1], y[0])
        _unify_live(dims, z, [x[0], y[1]], inputs[0])
        return [[x[0], y[1]]]
    if isinstance(op, Gemv):  # z, alpha, A, x, beta
        z, _, a, x, _ = ins
        a = _oriented(a, op.trans_a)
        dims.unify(a[1], x[0])
        _unify_live(dims, z, [a[0]], inputs[0])
        return [[a[0]]]
    if isinstance(op, Ger):  # A, alpha, x, y
        a, _, x, y = ins
        _unify_live(dims, a, [x[0], y[0]], inputs[0])
        return [[x[0], y[0]]]
    if isinstance(op, BatchedDot):
        a, b = ins
        dims.unify(a[0], b[0])
        dims.unify(a[-1], b[1])
        return [a[:-1] + b[2:]]
    return _passed_through(node, ins, dims)


def _oriented(shape, transposed):
    return shape[::-1] if transposed else shape


def _unify_live(dims, shape, wanted, var):
    for d, (have, want) in enumerate(zip(shape, wanted)):
        if not var.type.broadcastable[d]:
            dims.unify(have, want)


def _passed_through(node, ins, dims):
    """Output shapes from the op's infer_shape: an input dim returned as is keeps its class, a
    constant is a known length, anything computed is a fresh unknown."""
    placeholders = [[lscalar() for _ in s] for s in ins]
    owner = {id(p): cls for ps, s in zip(placeholders, ins) for p, cls in zip(ps, s)}
    fresh = [[dims.fresh() for _ in range(v.type.ndim)] for v in node.outputs]
    infer = getattr(node.op, "infer_shape", None)
    if infer is None:
        return fresh
    try:
        shapes = infer(node, [tuple(p) for p in placeholders])
    except Exception:  # noqa: BLE001  an op whose infer_shape needs more than shapes: no constraint
        return fresh
    out = []
    for shape, default in zip(shapes, fresh):
        row = []
        for expr, fallback in zip(shape, default):
            if id(expr) in owner:
                row.append(owner[id(expr)])
            elif isinstance(expr, Constant):
                row.append(dims.known(int(expr.data)))
            elif isinstance(expr, (int, np.integer)):
                row.append(dims.known(int(expr)))
            else:
                row.append(fallback)
        out.append(row)
    return out
