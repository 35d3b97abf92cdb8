"""log(sum(exp(x))) -> logsumexp (FAST_RUN, phase `stabilize`, tag `logsumexp`).

exp overflows to inf for x > 709 (88 in float32), so log(sum(exp(x))) is inf for x = [1000,
1000]; `T.logsumexp` shifts by the maximum first and is finite. Recognized forms, over any axes:

- log(sum(exp(x), axis))                      -> logsumexp(x, axis)
- log(sum(exp(x), axis, keepdims=True))       -> logsumexp(x, axis, keepdims=True)
  (the sum given its axes back by a DimShuffle)
- exp(x) * expand(a / sum(exp(x), axis)) * ... -> exp(x - m) * expand(a / sum(exp(x - m), axis)) * ...
  with m = max(x, axis) (0 where infinite): the gradient of log(sum(exp(x))), inf * 0 = NaN in the
  naive form, the softmax of x in this one

The rewritten graph contains log(sum(exp(x - shift))) itself; an exp whose argument is already
shifted by a switch (the form logsumexp builds) is left alone, so the rewrite runs once.
"""
from transpile.graph.rewriting import node_rewriter
from transpile.graph.traversal import ancestors, clone_replace
from transpile.scalar.arith import Exp, Log, Mul, Sub, TrueDiv
from transpile.scalar.compare import Switch
from transpile.tensor.elemwise import DimShuffle, Elemwise
from transpile.tensor.logsumexp import logsumexp, max_shift
from transpile.tensor.reduce import Sum
from transpile.tensor.rewriting.utils import T, result, scalar_op_of


def _keepdims_order(ndim, axes):
    order, k = [], 0
    for d in range(ndim):
        if d in axes:
            order.append("x")
        else:
            order.append(k)
            k += 1
    return tuple(order)


def _shifted(x):
    """x is `y - s` with s a switch (or its broadcast): logsumexp's own shifted argument."""
    if scalar_op_of(x, Sub) is None:
        return False
    s = x.owner.inputs[1]
    while s.owner is not None and isinstance(s.owner.op, DimShuffle):
        s = s.owner.inputs[0]
    return scalar_op_of(s, Switch) is not None


@node_rewriter("stabilize", "fast_run", "logsumexp", tracks=(Elemwise,))
def local_logsumexp(fgraph, node):
    """log(sum(exp(x), axis[, keepdims])) -> logsumexp(x, axis[, keepdims])."""
    if scalar_op_of(node, Log) is None:
        return None
    total, keepdims = node.inputs[0], False
    if total.owner is not None and isinstance(total.owner.op, DimShuffle):
        keepdims, total = True, total.owner.inputs[0]
    found = _sum_of_exp(total)
    if found is None:
        return None
    x, axes = found
    if keepdims and node.inputs[0].owner.op.new_order != _keepdims_order(x.ndim, axes):
        return None
    return result(logsumexp(x, axis=axes, keepdims=keepdims), node)


def _sum_of_exp(total):
    """(x, axes) when `total` is sum(exp(x), axes) of a float x not already shifted, else None."""
    if total.owner is None or type(total.owner.op) is not Sum:
        return None
    exp = total.owner.inputs[0]
    if scalar_op_of(exp, Exp) is None or not exp.dtype.startswith("float"):
        return None
    x = exp.owner.inputs[0]
    if _shifted(x) or not x.dtype.startswith("float"):
        return None
    return x, total.owner.op.axis


def _peel(var):
    """`var` under any DimShuffles (broadcasts, keepdims)."""
    while var.owner is not None and isinstance(var.owner.op, DimShuffle):
        var = var.owner.inputs[0]
    return var


@node_rewriter("stabilize", "fast_run", "logsumexp", tracks=(Elemwise,))
def local_exp_over_sum_exp(fgraph, node):
    """mul(..., bcast(a / bcast(sum(exp(x), axes))), ..., exp(x), ...) -> the same with x - max_shift
    in both exps (a ratio, so the shift cancels)."""
    if scalar_op_of(node, Mul) is None:
        return None
    factors = list(node.inputs)
    for k, factor in enumerate(factors):
        ratio = _peel(factor)
        if scalar_op_of(ratio, TrueDiv) is None:
            continue
        a, denominator = ratio.owner.inputs
        total = _peel(denominator)
        found = _sum_of_exp(total)
        if found is None or total in ancestors([a]):
            continue
        x, axes = found
        exp = total.owner.inputs[0]
        for j, other in enumerate(factors):
            if j == k or other is not exp:
                continue
            tensor = T()
            shifted = tensor.exp(x - max_shift(x, axes))
            new_factor = clone_replace(factor, {total: tensor.sum(shifted, axis=axes)})
            rest = [f for i, f in enumerate(factors) if i not in (j, k)]
            return result(tensor.mul(*rest, new_factor, shifted), node)
    return None
