"""`local_incsubtensor_serialize` (FAST_RUN, canonicalize): a sum of increments of regions
becomes a chain of increments of one array (Theano's rewrite of the same name).

The gradient of `x[a]`, `x[b]`, ... (the slices of a concatenation, an LSTM's four gates) is
`add(inc_subtensor(zeros_like(x)[a], ga), inc_subtensor(zeros_like(x)[b], gb), ...)`: one full
array per region, then a sum of them all. `add(inc(x1, y1, i1), inc(x2, y2, i2), w)` equals
`inc(inc(add(x1, x2, w), y1, i1), y2, i2)` (the increments add, whatever the regions). An
increment qualifies when it has the add's output type (no broadcasting) and nothing else reads
it. Of the arrays left to add, those known to be zeros are dropped while another remains, so
the gradient of the gates is one zero-filled array incremented (in place, once `inplace` runs)
region by region.
"""
from transpile.graph.rewriting import node_rewriter
from transpile.scalar.arith import Add
from transpile.tensor.alloc import Alloc
from transpile.tensor.elemwise import Elemwise
from transpile.tensor.rewriting.utils import constant_value, op_of, scalar_op_of
from transpile.tensor.subtensor_inc import _IncBase


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
