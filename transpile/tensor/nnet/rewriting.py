"""Stabilizing rewrites of the nnet ops (FAST_RUN, phase `stabilize`, tag `softmax`):
log(softmax(x)) -> log_softmax(x), which stays finite where the softmax underflows to 0.

The other softmax and cross-entropy rewrites (recognising exp(a)/sum(exp(a)), dropping a
subtracted max, the log of an indexed softmax, the fused cross-entropy and its gradient) live
with the tensor rewrites: tensor/rewriting/softmax.py and xent.py.
"""
from transpile.graph.rewriting import node_rewriter
from transpile.scalar.arith import Log
from transpile.tensor.elemwise import Elemwise
from transpile.tensor.nnet.softmax import LogSoftmax, Softmax


@node_rewriter("stabilize", "fast_run", "softmax", tracks=(Elemwise,))
def local_log_softmax(fgraph, node):
    """log(Softmax{axis}(x)) -> LogSoftmax{axis}(x)."""
    if not isinstance(node.op.scalar_op, Log):
        return None
    (arg,) = node.inputs
    if arg.owner is None or not isinstance(arg.owner.op, Softmax):
        return None
    new = LogSoftmax(arg.owner.op.axis)(arg.owner.inputs[0])
    return [new] if new.type == node.outputs[0].type else None
