"""Removal of ops that do nothing (FAST_RUN, phase `canonicalize`, tag `useless`).

fill(x, y) where y already has the output's shape, Cast to the dtype the value already has,
Elemwise{identity}, DimShuffle{0,1,...} (identity), a DimShuffle of a DimShuffle (one is
enough), a reduction over dims of length 1 (a DimShuffle), a fill whose shape the other
operands of its reader already give (`second(x, 0.01) * 2 * W` -> `0.01 * 2 * W`), and the
gradient-only identities `zero_grad` / `disconnected_grad`.
`x + zeros_like(y) -> x` lives with the neutral elements in canonicalize.py.

Removing a fill drops the check that x's shape agrees with y's; that is why these run in
FAST_RUN only.
"""
from transpile.tensor.gradient_ops import _GradientBarrier
from transpile.graph.rewriting import node_rewriter
from transpile.scalar.arith import Cast, Identity, Second
from transpile.tensor.elemwise import DimShuffle, Elemwise
from transpile.tensor.reduce import Max, Min, Prod, Sum
from transpile.tensor.rewriting.utils import result, scalar_op_of


@node_rewriter("canonicalize", "fast_run", "useless", tracks=(Elemwise,))
def local_useless_second(fgraph, node):
    """fill(x, y) -> y when y already has the output's type (so, by the elementwise shape rule,
    its shape): the fill would only copy it."""
    if scalar_op_of(node, Second) is None:
        return None
    y = node.inputs[1]
    return [y] if y.type == node.outputs[0].type else None


@node_rewriter("canonicalize", "fast_run", "useless", tracks=(Elemwise,))
def local_useless_cast(fgraph, node):
    """Cast{d}(x) -> x when x is already of dtype d."""
    if scalar_op_of(node, Cast) is None:
        return None
    x = node.inputs[0]
    return [x] if x.type == node.outputs[0].type else None


@node_rewriter("canonicalize", "fast_run", "useless", tracks=(Elemwise,))
def local_useless_identity(fgraph, node):
    """Elemwise{identity}(x) -> x (a copy nobody needs: outputs are protected separately)."""
    if scalar_op_of(node, Identity) is None:
        return None
    x = node.inputs[0]
    return [x] if x.type == node.outputs[0].type else None


@node_rewriter("canonicalize", "fast_run", "useless", tracks=(DimShuffle,))
def local_dimshuffle_identity(fgraph, node):
    """DimShuffle{0,1,...,n-1}(x) -> x."""
    x = node.inputs[0]
    if node.op.new_order == tuple(range(x.ndim)) and x.type == node.outputs[0].type:
        return [x]
    return None


@node_rewriter("canonicalize", "fast_run", "useless", tracks=(DimShuffle,))
def local_dimshuffle_merge(fgraph, node):
    """DimShuffle(DimShuffle(x)) -> one DimShuffle of x with the composed order."""
    inner = node.inputs[0].owner
    if inner is None or not isinstance(inner.op, DimShuffle):
        return None
    x = inner.inputs[0]
    order = tuple("x" if d == "x" else inner.op.new_order[d] for d in node.op.new_order)
    new = DimShuffle(x.broadcastable, order)(x)
    return [new] if new.type == node.outputs[0].type else None


@node_rewriter("canonicalize", "fast_run", "useless", tracks=(Sum, Prod, Max, Min))
def local_reduce_broadcastable(fgraph, node):
    """A sum (prod, max, min) over broadcastable dims only (length 1 by type) -> a DimShuffle
    dropping them (cast if the reduction changes the dtype, as Sum of int32 -> int64 does)."""
    (x,) = node.inputs
    axes = node.op.axis
    if not all(x.broadcastable[a] for a in axes):
        return None
    kept = tuple(d for d in range(x.ndim) if d not in axes)
    new = DimShuffle(x.broadcastable, kept)(x) if axes else x
    return result(new, node)


def _padded_broadcastable(var, ndim):
    return (True,) * (ndim - var.ndim) + var.broadcastable


@node_rewriter("canonicalize", "fast_run", "useless", tracks=(Elemwise,))
def local_fill_cut(fgraph, node):
    """op(..., fill(x, v), ...) -> op(..., v, ...) when the other operands already give the
    output its shape: x was only read for its shape (gradients build such fills)."""
    if scalar_op_of(node, Second) is not None or len(node.outputs) != 1:
        return None
    out = node.outputs[0]
    inputs = list(node.inputs)
    changed = False
    for k, var in enumerate(inputs):
        if scalar_op_of(var, Second) is None:
            continue
        trial = inputs[:k] + [var.owner.inputs[1]] + inputs[k + 1:]
        bcast = tuple(all(b) for b in zip(*[_padded_broadcastable(t, out.ndim) for t in trial]))
        if bcast == out.broadcastable:
            inputs, changed = trial, True
    if not changed:
        return None
    new = node.op(*inputs)
    return [new] if new.type == out.type else None


@node_rewriter("canonicalize", "fast_run", "useless", tracks=(_GradientBarrier,))
def local_remove_gradient_barrier(fgraph, node):
    """zero_grad(x), disconnected_grad(x) -> x: they only matter to `grad`, which has run."""
    x = node.inputs[0]
    return [x] if x.type == node.outputs[0].type else None
