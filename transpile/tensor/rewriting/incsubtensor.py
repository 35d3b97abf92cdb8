"""Increments of regions of zeros, as gradients of indexing build them (FAST_RUN, canonicalize).

`local_incsubtensor_serialize`: a sum of increments of regions becomes a chain of increments
of one array (Theano's rewrite of the same name).

The gradient of `x[a]`, `x[b]`, ... (the slices of a concatenation, an LSTM's four gates) is
`add(inc_subtensor(zeros_like(x)[a], ga), inc_subtensor(zeros_like(x)[b], gb), ...)`: one full
array per region, then a sum of them all. `add(inc(x1, y1, i1), inc(x2, y2, i2), w)` equals
`inc(inc(add(x1, x2, w), y1, i1), y2, i2)` (the increments add, whatever the regions). An
increment qualifies when it has the add's output type (no broadcasting) and nothing else reads
it. Of the arrays left to add, those known to be zeros are dropped while another remains, so
the gradient of the gates is one zero-filled array incremented (in place, once `inplace` runs)
region by region.

`local_incsubtensor_of_zeros_into_zeros`: the gradient of `x[a:][k]` (scan's `result[-1]`:
`buffer[m:][-1]`) is `inc(zeros_like(x)[a:], inc(zeros_like(x[a:])[k], g))`: two arrays of
zeros the size of x, and one added into the other. With a constant start a >= 0 and a
constant negative k, it is `inc(zeros_like(x)[k], g)`. (The rewritten graph no longer raises
the IndexError `x[a:][k]` would for len(x) - a < -k <= len(x): FAST_RUN only.)
"""
from transpile.graph.rewriting import node_rewriter
from transpile.scalar.arith import Add
from transpile.tensor.alloc import Alloc
from transpile.tensor.elemwise import Elemwise
from transpile.tensor.rewriting.utils import constant_value, op_of, scalar_op_of
from transpile.tensor.subtensor_inc import IncSubtensor, _IncBase
from transpile.tensor.subtensor_key import SliceEntry


@node_rewriter("canonicalize", "fast_run", tracks=(Elemwise,))
def local_incsubtensor_serialize(fgraph, node):
    if scalar_op_of(node, Add) is None or len(node.outputs) != 1:
        return None
    out_type = node.outputs[0].type
    movable = [v for v in node.inputs if _movable(fgraph, v, out_type)]
    if not movable:
        return None
    rest = [v for v in node.inputs if not any(v is m for m in movable)] + [m.owner.inputs[0] for m in movable]
    kept = [v for v in rest if not _zeros(v) or v.type != out_type]
    if not any(v.type == out_type for v in kept):
        kept = [v for v in rest if v.type == out_type][:1] + kept
    tip = kept[0] if len(kept) == 1 else node.op(*kept)
    if tip.type != out_type:
        return None
    for m in movable:
        tip = m.owner.op(tip, *m.owner.inputs[1:])
    return [tip]


def _movable(fgraph, var, out_type):
    node = var.owner
    return (node is not None and isinstance(node.op, _IncBase) and not node.op.set_instead_of_inc
            and not node.op.inplace and var.type == out_type and len(fgraph.clients(var)) == 1)


def _zeros(var):
    """`var` is known to be all zeros (a constant, a fill or an Alloc of 0)."""
    if op_of(var, Alloc) is not None:
        var = var.owner.inputs[0]
    return constant_value(var) == 0


@node_rewriter("canonicalize", "fast_run", tracks=(IncSubtensor,))
def local_incsubtensor_of_zeros_into_zeros(fgraph, node):
    op = node.op
    outer, inner = node.inputs[0], node.inputs[1]
    if op.set_instead_of_inc or op.inplace or len(node.inputs) != 2 or len(op.idx_list) != 1 or not _zeros(outer):
        return None
    entry = op.idx_list[0]
    if not (isinstance(entry, SliceEntry) and isinstance(entry.start, int) and entry.start >= 0
            and entry.stop is None and entry.step is None):
        return None
    owner = inner.owner
    if owner is None or not isinstance(owner.op, IncSubtensor) or owner.op.set_instead_of_inc or owner.op.inplace \
            or len(owner.inputs) != 2 or len(fgraph.clients(inner)) != 1 or not _zeros(owner.inputs[0]):
        return None
    (k,) = owner.op.idx_list if len(owner.op.idx_list) == 1 else (None,)
    if not isinstance(k, int) or k >= 0 or inner.type != outer.type:
        return None
    new = IncSubtensor((k,))(outer, owner.inputs[1])
    return [new] if new.type == node.outputs[0].type else None
