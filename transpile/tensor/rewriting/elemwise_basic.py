"""Shape-preserving simplifications that drop run-time error checks: x/x -> 1, x-x -> 0.

The seed's "Optimizations" slide warns: *sometimes optimizations discard error checking and
produce incorrect output rather than an exception*:

    >>> x = T.scalar()
    >>> f = function([x], x/x)
    >>> f(0.)
    array(1.0)

These rewrites do exactly that: x/x is 1 even where x is 0 (or inf, or nan), x-x is 0 even
where x is inf or nan. The result keeps x's shape (`fill(x, 1)`), so only the values at those
points change. They are tagged `fast_run` only: FAST_COMPILE keeps the reference semantics
(x/x at 0 gives nan there), and DEBUG_MODE compares the two.
"""
from transpile.graph.rewriting import node_rewriter
from transpile.scalar.arith import Sub, TrueDiv
from transpile.tensor.basic import constant
from transpile.tensor.elemwise import Elemwise
from transpile.tensor.rewriting.utils import T, result, scalar_op_of


@node_rewriter("canonicalize", "fast_run", "drops_checks", tracks=(Elemwise,))
def local_div_self(fgraph, node):
    """x / x -> fill(x, 1): the ones keep x's shape."""
    if scalar_op_of(node, TrueDiv) is None or node.inputs[0] is not node.inputs[1]:
        return None
    out = node.outputs[0]
    return result(T().second(node.inputs[0], constant(1, dtype=out.dtype)), node)


@node_rewriter("canonicalize", "fast_run", "drops_checks", tracks=(Elemwise,))
def local_sub_self(fgraph, node):
    """x - x -> fill(x, 0): the zeros keep x's shape."""
    if scalar_op_of(node, Sub) is None or node.inputs[0] is not node.inputs[1]:
        return None
    out = node.outputs[0]
    return result(T().second(node.inputs[0], constant(0, dtype=out.dtype)), node)
