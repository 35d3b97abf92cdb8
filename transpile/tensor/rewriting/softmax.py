"""Softmax recognition (FAST_RUN, phase `stabilize`, tag `softmax`): the seed's "more stable"
example, exp(a)/exp(a).sum() -> softmax(a).

- exp(a) / sum(exp(a), axis=k, keepdims) -> Softmax{k}(a), for the sum of a vector (a 0-d sum
  broadcast back) and for one axis of any tensor (keepdims=True, or the reduced sum given
  its axis back by a DimShuffle such as `.dimshuffle(0, 'x')`);
- Softmax{k}(a - max(a, axis=k, keepdims)) -> Softmax{k}(a) (the op subtracts the max itself),
  and the same for LogSoftmax;
- log(softmax(x)[idx]) -> log_softmax(x)[idx] for any indexing (so -log(softmax(x))[r, y] and
  -log(softmax(x)[r, y]) both become stable); log(softmax(x)) itself is in nnet/rewriting.py.

The naive forms overflow (exp(1000) = inf, inf/inf = nan); Softmax subtracts the maximum
first, so the rewritten graph stays finite where the original gave nan, and agrees with it
(within dtype tolerance) wherever the original was finite.
"""
from transpile.graph.rewriting import node_rewriter
from transpile.scalar.arith import Exp, Log, Sub, TrueDiv
from transpile.tensor.elemwise import DimShuffle, Elemwise
from transpile.tensor.nnet.softmax import LogSoftmax, Softmax
from transpile.tensor.reduce import Max, Sum
from transpile.tensor.rewriting.utils import result, scalar_op_of
from transpile.tensor.subtensor_advanced import AdvancedSubtensor, AdvancedSubtensor1
from transpile.tensor.subtensor_basic import Subtensor


def keepdims_reduction(var, op_class, of, ndim):
    """The axis k when `var` is `op_class{k}(of)` given its axis back as a broadcastable dim
    (keepdims, or the Elemwise broadcast of a 0-d reduction of a vector), else None."""
    node = var.owner
    if node is None or not isinstance(node.op, DimShuffle):
        return None
    red = node.inputs[0]
    if red.owner is None or not isinstance(red.owner.op, op_class) or red.owner.inputs[0] is not of:
        return None
    axes = red.owner.op.axis
    if len(axes) != 1:
        return None
    (k,) = axes
    expected = tuple(range(k)) + ("x",) + tuple(range(k, ndim - 1))
    return k if node.op.new_order == expected else None


@node_rewriter("stabilize", "fast_run", "softmax", tracks=(Elemwise,))
def local_exp_over_sum_softmax(fgraph, node):
    """exp(a) / sum(exp(a), axis=k, keepdims) -> Softmax{k}(a)."""
    if scalar_op_of(node, TrueDiv) is None:
        return None
    num, den = node.inputs
    if scalar_op_of(num, Exp) is None:
        return None
    k = keepdims_reduction(den, Sum, num, num.ndim)
    if k is None:
        return None
    a = num.owner.inputs[0]
    if not a.dtype.startswith("float"):
        return None
    return result(Softmax(k)(a), node)


@node_rewriter("stabilize", "fast_run", "softmax", tracks=(Softmax, LogSoftmax))
def local_softmax_drop_max(fgraph, node):
    """Softmax{k}(a - max(a, axis=k, keepdims)) -> Softmax{k}(a) (also LogSoftmax)."""
    (arg,) = node.inputs
    if scalar_op_of(arg, Sub) is None:
        return None
    a, m = arg.owner.inputs
    if a.type != arg.type or keepdims_reduction(m, Max, a, a.ndim) != node.op.axis:
        return None
    return result(type(node.op)(node.op.axis)(a), node)


_INDEXING = (Subtensor, AdvancedSubtensor1, AdvancedSubtensor)


@node_rewriter("stabilize", "fast_run", "softmax", tracks=(Elemwise,))
def local_log_indexed_softmax(fgraph, node):
    """log(softmax(x)[idx]) -> log_softmax(x)[idx]."""
    if scalar_op_of(node, Log) is None:
        return None
    (arg,) = node.inputs
    index = arg.owner
    if index is None or not isinstance(index.op, _INDEXING):
        return None
    sm = index.inputs[0]
    if sm.owner is None or not isinstance(sm.owner.op, Softmax):
        return None
    log_sm = LogSoftmax(sm.owner.op.axis)(sm.owner.inputs[0])
    return result(index.op(log_sm, *index.inputs[1:]), node)
