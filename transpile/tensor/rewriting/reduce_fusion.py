"""Reductions fused with the elementwise work that feeds them (FAST_RUN, phase `fusion`, tag
`reduce_fusion`): Sum{axis}(Elemwise(Composite)(inputs)), when the sum is the elementwise
result's only reader, becomes FusedReduce(Sum{axis}, Composite)(inputs), one loop that never
stores the mapped tensor (tensor/reduce_fused.py).

It runs after `elemwise_fusion` (a graph pass of the same phase), so the elementwise part is
already one maximal Composite; any reduction (Sum, Prod, Max, Min, All, Any) qualifies.
"""
from transpile.graph.rewriting import node_rewriter
from transpile.tensor.reduce import CAReduce
from transpile.tensor.reduce_fused import FusedReduce
from transpile.tensor.rewriting.utils import plain_elemwise, single_client


@node_rewriter("fusion", "fast_run", "reduce_fusion", tracks=(CAReduce,))
def local_fuse_reduce(fgraph, node):
    """CAReduce(Elemwise(op)(inputs)) -> FusedReduce(CAReduce, op)(inputs)."""
    (x,) = node.inputs
    producer = x.owner
    if producer is None or not plain_elemwise(producer.op) or producer.op.inplace_pattern:
        return None
    scalar_op = producer.op.scalar_op
    if scalar_op.nout != 1 or not getattr(scalar_op, "fusable", True) or not single_client(fgraph, x):
        return None
    new = FusedReduce(node.op, scalar_op)(*producer.inputs)
    return [new] if new.type == node.outputs[0].type else None
