"""Elementwise simplifications that keep shapes: x/x -> 1, useless fills.

These drop run-time error checks (x/x with x = 0 gives 1, not nan), which is why they are tagged
`fast_run` only: FAST_COMPILE keeps the reference semantics (the seed's "optimizations discard
error checking" slide).
"""
from transpile.graph.rewriting import node_rewriter
from transpile.scalar.arith import Second, TrueDiv
from transpile.tensor.basic import constant
from transpile.tensor.elemwise import Elemwise


def _scalar_op(node, cls):
    return isinstance(node.op, Elemwise) and isinstance(node.op.scalar_op, cls)


@node_rewriter("canonicalize", "fast_run", tracks=(Elemwise,))
def local_div_self(fgraph, node):
    """x / x -> fill(x, 1): the ones keep x's shape."""
    if not _scalar_op(node, TrueDiv) or node.inputs[0] is not node.inputs[1]:
        return None
    import transpile.tensor as T
    out = node.outputs[0]
    return [T.second(node.inputs[0], constant(1, dtype=out.dtype))]


@node_rewriter("canonicalize", "fast_run", tracks=(Elemwise,))
def local_useless_second(fgraph, node):
    """fill(x, y) -> y when x cannot change the shape (all its dims broadcastable) and y
    already has the output's type."""
    if not _scalar_op(node, Second):
        return None
    x, y = node.inputs
    if all(x.broadcastable) and y.type == node.outputs[0].type:
        return [y]
    return None
