"""In-place outputs (FAST_RUN, phase `inplace`, the last one): an elementwise node (or a
Gemm/Gemv/Ger) writes its result into an input's buffer instead of allocating one, so a chain
of unfused operations reuses one intermediate buffer.

An input may be overwritten only when nothing else can see it: it is computed by the graph
(not a graph input, a shared variable or a constant), this node is its only reader (not a
graph output either), and if it is a view of (or was itself computed in place into) another
variable, the same holds for that variable, down to a freshly allocated result. It must also
have the output's dtype and broadcastable pattern (so, at run time, its shape).

The new op declares `destroy_map` ({output: [input]}); the reference executor honours it
(Elemwise.perform writes with `out=`), DEBUG_MODE checks that nothing else is overwritten.
"""
from transpile.graph.basic import Constant
from transpile.graph.rewriting import node_rewriter
from transpile.tensor.blas_gemm import Gemm, Gemv, Ger
from transpile.tensor.elemwise import Elemwise


def destroyable(fgraph, node, var):
    """True when `node` may overwrite its input `var` (see the module docstring)."""
    inputs = {id(v) for v in fgraph.inputs}
    reader = node
    while True:
        if isinstance(var, Constant) or var.owner is None or id(var) in inputs:
            return False
        clients = fgraph.clients(var)
        if not clients or any(c is not reader for c, _ in clients):
            return False
        owner = var.owner
        aliased = owner.op.destroy_map.get(var.index) or owner.op.view_map.get(var.index)
        if not aliased:
            return True
        var, reader = owner.inputs[aliased[0]], owner


@node_rewriter("inplace", "fast_run", tracks=(Elemwise,))
def local_elemwise_inplace(fgraph, node):
    """Elemwise{op,no_inplace}(..., t, ...) -> Elemwise{op,inplace} writing into t."""
    op = node.op
    if op.inplace_pattern or len(node.outputs) != 1:
        return None
    out = node.outputs[0]
    for i, var in enumerate(node.inputs):
        if var.type != out.type or sum(v is var for v in node.inputs) > 1:
            continue
        if destroyable(fgraph, node, var):
            new = Elemwise(op.scalar_op, {0: i}, name=op.name)(*node.inputs)
            return [new]
    return None


@node_rewriter("inplace", "fast_run", "blas", tracks=(Gemm, Gemv, Ger))
def local_blas_inplace(fgraph, node):
    """Gemm/Gemv/Ger accumulate into their first operand when it may be overwritten."""
    op = node.op
    z = node.inputs[0]
    if op.inplace or z.type != node.outputs[0].type or not destroyable(fgraph, node, z):
        return None
    props = dict(op._props_dict(), inplace=True)
    return [type(op)(**props)(*node.inputs)]
