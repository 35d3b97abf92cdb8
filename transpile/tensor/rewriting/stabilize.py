"""Stable forms of sigmoid/softplus expressions (FAST_RUN, phase `stabilize`).

log(sigmoid(x)) underflows to -inf once sigmoid(x) rounds to 0 (x < -750 in float64, -104 in
float32), and 1 - sigmoid(x) rounds to 0 for x > 37: the rewrites below give the same values
where the naive forms are accurate and finite values where they are not.

- 1 - sigmoid(x)       -> sigmoid(-x)
- log(sigmoid(x))      -> -softplus(-x)
- log(1 - sigmoid(x))  -> -softplus(x)   (through the two above, or from log1p(-sigmoid(x)))
- log1p(exp(x))        -> softplus(x)    (log(1 + exp(x)) arrives here through local_log1p)
- (a / d) * d * ...    -> a * ...        (the gradient of log(sigmoid(x)) is
  (1 / sigmoid(x)) * sigmoid(x) * sigmoid(-x): NaN where sigmoid(x) rounds to 0, sigmoid(-x) once
  cancelled; like x / x -> 1, this drops the NaN a zero or infinite d would give)
"""
from transpile.graph.rewriting import node_rewriter
from transpile.scalar.activation import Sigmoid
from transpile.scalar.arith import Exp, Log, Mul, Neg, Sub, TrueDiv
from transpile.scalar.transcendental import Log1p
from transpile.tensor.elemwise import Elemwise
from transpile.tensor.rewriting.utils import T, is_scalar_constant, result, scalar_op_of


def _neg(x):
    """-x, without a double negation (canonicalize, which removes them, has already run)."""
    if scalar_op_of(x, Neg) is not None and x.owner.inputs[0].type == x.type:
        return x.owner.inputs[0]
    return T().neg(x)


def _sigmoid_arg(var):
    """x when `var` is sigmoid(x) of a float x (negating an integer may wrap around)."""
    if scalar_op_of(var, Sigmoid) is None:
        return None
    x = var.owner.inputs[0]
    return x if x.dtype.startswith("float") else None


@node_rewriter("stabilize", "fast_run", "sigmoid", tracks=(Elemwise,))
def local_one_minus_sigmoid(fgraph, node):
    """1 - sigmoid(x) -> sigmoid(-x)."""
    if scalar_op_of(node, Sub) is None or not is_scalar_constant(node.inputs[0], 1):
        return None
    x = _sigmoid_arg(node.inputs[1])
    if x is None:
        return None
    return result(T().sigmoid(_neg(x)), node)


@node_rewriter("stabilize", "fast_run", "sigmoid", tracks=(Elemwise,))
def local_log_sigmoid(fgraph, node):
    """log(sigmoid(x)) -> -softplus(-x)."""
    if scalar_op_of(node, Log) is None:
        return None
    x = _sigmoid_arg(node.inputs[0])
    if x is None:
        return None
    tensor = T()
    return result(tensor.neg(tensor.softplus(_neg(x))), node)


@node_rewriter("stabilize", "fast_run", "sigmoid", tracks=(Elemwise,))
def local_log1p_neg_sigmoid(fgraph, node):
    """log1p(-sigmoid(x)) -> -softplus(x)."""
    if scalar_op_of(node, Log1p) is None or scalar_op_of(node.inputs[0], Neg) is None:
        return None
    x = _sigmoid_arg(node.inputs[0].owner.inputs[0])
    if x is None:
        return None
    tensor = T()
    return result(tensor.neg(tensor.softplus(x)), node)


@node_rewriter("stabilize", "fast_run", "sigmoid", tracks=(Elemwise,))
def local_log1p_exp(fgraph, node):
    """log1p(exp(x)) -> softplus(x)."""
    if scalar_op_of(node, Log1p) is None or scalar_op_of(node.inputs[0], Exp) is None:
        return None
    return result(T().softplus(node.inputs[0].owner.inputs[0]), node)


@node_rewriter("stabilize", "fast_run", tracks=(Elemwise,))
def local_mul_cancel_div(fgraph, node):
    """mul(..., a / d, ..., d, ...) -> mul(..., a, ...) for a float d (the same variable twice)."""
    if scalar_op_of(node, Mul) is None:
        return None
    factors = list(node.inputs)
    for k, factor in enumerate(factors):
        if scalar_op_of(factor, TrueDiv) is None:
            continue
        a, d = factor.owner.inputs
        if not d.dtype.startswith("float"):
            continue
        for j, other in enumerate(factors):
            if j != k and other is d:
                rest = [f for i, f in enumerate(factors) if i not in (j, k)] + [a]
                new = result(T().mul(*rest) if len(rest) > 1 else rest[0], node)
                if new is not None:
                    return new
    return None
