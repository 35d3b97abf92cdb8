"""In-place outputs (FAST_RUN, phase `inplace`, the last one): an elementwise node (or a
Gemm/Gemv/Ger, an inc_subtensor) writes its result into an input's buffer instead of
allocating one, so a chain of unfused operations reuses one intermediate buffer.

inc_subtensor/set_subtensor (IncSubtensor, AdvancedIncSubtensor1, AdvancedIncSubtensor, e.g.
the gradients of indexing, which write into fresh zeros) update their first operand in place;
when that operand is a constant fill (zeros) that other nodes read too, the fill is
recomputed for it (a fill costs no more than the copy the op would otherwise make).

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
from transpile.scalar.arith import Second
from transpile.tensor.alloc import Alloc
from transpile.tensor.blas_gemm import Gemm, Gemv, Ger
from transpile.tensor.elemwise import Elemwise
from transpile.tensor.rewriting.utils import plain_elemwise
from transpile.tensor.subtensor_inc import AdvancedIncSubtensor, AdvancedIncSubtensor1, IncSubtensor


def destroyable(fgraph, node, var, through_aliases=True):
    """True when `node` may overwrite its input `var` (see the module docstring). With
    `through_aliases=False`, `var` must not be a view: freshly allocated, or computed in place
    into such a result (a chain of inc_subtensors into one array)."""
    if sum(v is var for v in node.inputs) != 1:
        return False  # also read through another operand: it would see the overwritten values
    inputs = {id(v) for v in fgraph.inputs}
    reader = node
    while True:
        if isinstance(var, Constant) or var.owner is None or id(var) in inputs:
            return False
        clients = fgraph.clients(var)
        if not clients or any(c is not reader for c, _ in clients):
            return False
        owner = var.owner
        destroyed = owner.op.destroy_map.get(var.index)
        aliased = destroyed or owner.op.view_map.get(var.index)
        if not aliased:
            return True
        if not (through_aliases or destroyed):
            return False  # a view (maybe strided or broadcast); a result written in place is not one
        var, reader = owner.inputs[aliased[0]], owner


@node_rewriter("inplace", "fast_run", tracks=(Elemwise,))
def local_elemwise_inplace(fgraph, node):
    """Elemwise{op,no_inplace}(..., t, ...) -> Elemwise{op,inplace} writing into t."""
    op = node.op
    if op.inplace_pattern or len(node.outputs) != 1 or not plain_elemwise(op):
        return None
    out = node.outputs[0]
    for i, var in enumerate(node.inputs):
        if var.type != out.type:
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


def _private_fill(fgraph, var):
    """A fresh copy of `var` when it is a fill of a constant (zeros_like(x), alloc(0, ...)),
    shared with other readers: gradients of several indexings start from one merged zeros."""
    owner = var.owner
    if owner is None or any(c == "output" for c, _ in fgraph.clients(var)):
        return None
    if isinstance(owner.op, Elemwise) and isinstance(owner.op.scalar_op, Second):
        value = owner.inputs[1]
    elif isinstance(owner.op, Alloc):
        value = owner.inputs[0]
    else:
        return None
    if not isinstance(value, Constant):
        return None
    return owner.op.make_node(*owner.inputs).outputs[var.index]


@node_rewriter("inplace", "fast_run", tracks=(IncSubtensor, AdvancedIncSubtensor1, AdvancedIncSubtensor))
def local_incsubtensor_inplace(fgraph, node):
    """inc_subtensor / set_subtensor update a freshly computed x in place (not a view: it must
    be writeable as it is); a constant fill that others read too is recomputed for it."""
    op = node.op
    x = node.inputs[0]
    if op.inplace:
        return None
    if not destroyable(fgraph, node, x, through_aliases=False):
        x = _private_fill(fgraph, x)
        if x is None:
            return None
    props = dict(op._props_dict(), inplace=True)
    return [type(op)(**props)(x, *node.inputs[1:])]
