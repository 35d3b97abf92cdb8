"""Categorical cross-entropy of a softmax, fused and stable (FAST_RUN, phase `stabilize`, tag
`xent`).

- CrossentropyCategorical1Hot(softmax(x), y) -> CrossentropySoftmax1Hot(x, y), which computes
  logsumexp(x) - x[y] per row: finite for large logits where -log(softmax(x)[y]) is inf.
- its gradient as `grad` writes it, (G - sum(G * sm, axis=1, keepdims)) * sm with
  G = CrossentropyCategorical1HotGrad(g, sm, y) = -g / sm[y] at y, becomes
  CrossentropySoftmax1HotDx(g, sm, y) = g * (sm - onehot(y)): no division by a probability
  that may have underflowed to 0, one pass instead of five.

The matrix-target form -sum(t * log(softmax(x)), axis=1) is made stable by the log_softmax
rewrites (nnet/rewriting.py, softmax.py).
"""
from transpile.graph.rewriting import node_rewriter
from transpile.scalar.arith import Mul, Sub
from transpile.tensor.elemwise import Elemwise
from transpile.tensor.nnet.softmax import Softmax
from transpile.tensor.nnet.xent import CrossentropyCategorical1Hot, CrossentropyCategorical1HotGrad
from transpile.tensor.nnet.xent_softmax import CrossentropySoftmax1Hot, CrossentropySoftmax1HotDx
from transpile.tensor.reduce import Sum
from transpile.tensor.rewriting.softmax import keepdims_reduction
from transpile.tensor.rewriting.utils import op_of, scalar_op_of


def _row_softmax_arg(var):
    """x when `var` is Softmax over the last axis of a matrix x."""
    op = op_of(var, Softmax)
    if op is None or var.ndim != 2 or op.axis != 1:
        return None
    return var.owner.inputs[0]


@node_rewriter("stabilize", "fast_run", "xent", tracks=(CrossentropyCategorical1Hot,))
def local_crossentropy_softmax(fgraph, node):
    """CrossentropyCategorical1Hot(softmax(x), y) -> CrossentropySoftmax1Hot(x, y)."""
    sm, y = node.inputs
    x = _row_softmax_arg(sm)
    if x is None:
        return None
    new = CrossentropySoftmax1Hot()(x, y)
    return [new] if new.type == node.outputs[0].type else None


def _is_product_of(var, a, b):
    if var is None or scalar_op_of(var, Mul) is None or len(var.owner.inputs) != 2:
        return False
    p, q = var.owner.inputs
    return (p is a and q is b) or (p is b and q is a)


def _summed_over_rows(s):
    """v when `s` is sum(v, axis=1, keepdims=True) of a matrix v, else None."""
    node = s.owner
    if node is None or s.ndim != 2 or not node.inputs or node.inputs[0].owner is None:
        return None
    v = node.inputs[0].owner.inputs[0]
    return v if keepdims_reduction(s, Sum, v, 2) == 1 else None


@node_rewriter("stabilize", "fast_run", "xent", tracks=(Elemwise,))
def local_crossentropy_softmax_grad(fgraph, node):
    """(G - sum(G * sm, axis=1, keepdims)) * sm with G = CrossentropyCategorical1HotGrad(g, sm, y)
    -> CrossentropySoftmax1HotDx(g, sm, y)."""
    if scalar_op_of(node, Mul) is None or len(node.inputs) != 2:
        return None
    a, b = node.inputs
    for diff, sm in ((a, b), (b, a)):
        if _row_softmax_arg(sm) is None or scalar_op_of(diff, Sub) is None:
            continue
        G, s = diff.owner.inputs
        if op_of(G, CrossentropyCategorical1HotGrad) is None:
            continue
        g, sm_in, y = G.owner.inputs
        if sm_in is not sm or not _is_product_of(_summed_over_rows(s), G, sm):
            continue
        new = CrossentropySoftmax1HotDx()(g, sm, y)
        return [new] if new.type == node.outputs[0].type else None
    return None
