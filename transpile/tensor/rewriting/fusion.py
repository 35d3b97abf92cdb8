"""Elementwise fusion: maximal chains of elementwise nodes become one `Elemwise(Composite)`,
which the native backend prints as a single loop.

A producer joins its consumer's group when it is elementwise, has the group's broadcastable
pattern (a smaller operand, such as `exp(b)` of a bias row added to a matrix, stays a separate
loop: fused, it would be recomputed for every row), is used by nothing outside the group (so
no intermediate must be materialised) and is not a graph output.
Small constants (one element) are inlined as literals. Groups are found from the outputs
backwards over the deterministic toposort, so the result does not depend on hashing.
"""
from transpile.graph.basic import Constant
from transpile.graph.rewriting import graph_rewriter
from transpile.scalar.composite import Composite
from transpile.tensor.elemwise import Elemwise
from transpile.tensor.rewriting.utils import plain_elemwise


def _fusable(node):
    op = node.op
    return (plain_elemwise(op) and not op.inplace_pattern and len(node.outputs) == 1
            and getattr(op.scalar_op, "fusable", True))


def _is_literal(var):
    return isinstance(var, Constant) and var.data.size == 1 and all(var.broadcastable)


def _grow(fgraph, root, claimed):
    group = [root]
    members = {id(root)}
    changed = True
    while changed:
        changed = False
        for node in list(group):
            for var in node.inputs:
                p = var.owner
                if p is None or id(p) in members or id(p) in claimed or not _fusable(p):
                    continue
                if var.broadcastable != root.outputs[0].broadcastable:
                    continue  # fused, it would be recomputed along the dims it broadcasts over
                clients = fgraph.clients(var)
                if any(c == "output" or id(c) not in members for c, _ in clients):
                    continue
                group.append(p)
                members.add(id(p))
                changed = True
    return members


def _build(fgraph, members, root):
    order = [n for n in fgraph.toposort() if id(n) in members]
    inputs, input_index, instructions, result_of = [], {}, [], {}

    def arg(var):
        if id(var) in result_of:
            return ("t", result_of[id(var)])
        if _is_literal(var):
            return ("c", var.data.reshape(()).item(), var.dtype)
        if id(var) not in input_index:
            input_index[id(var)] = len(inputs)
            inputs.append(var)
        return ("i", input_index[id(var)])

    for node in order:
        args = [arg(v) for v in node.inputs]
        sop = node.op.scalar_op
        if isinstance(sop, Composite):
            base = len(instructions)
            for op, inner_args, dtype in sop.instructions:
                mapped = [args[a[1]] if a[0] == "i" else ("t", base + a[1]) if a[0] == "t" else a
                          for a in inner_args]
                instructions.append((op, tuple(mapped), dtype))
            result_of[id(node.outputs[0])] = base + sop.outputs[0]
        else:
            instructions.append((sop, tuple(args), node.outputs[0].dtype))
            result_of[id(node.outputs[0])] = len(instructions) - 1
    composite = Composite(len(inputs), instructions, (result_of[id(root.outputs[0])],))
    return Elemwise(composite)(*inputs) if inputs else None


@graph_rewriter("fusion", "fast_run")
def elemwise_fusion(fgraph):
    """Replace each maximal fusable elementwise group by one Elemwise(Composite)."""
    claimed = set()
    replacements = []
    for node in reversed(fgraph.toposort()):
        if id(node) in claimed or not _fusable(node):
            continue
        members = _grow(fgraph, node, claimed)
        if len(members) < 2:
            continue
        claimed |= members
        new = _build(fgraph, members, node)
        if new is not None and new.type == node.outputs[0].type:
            replacements.append((node.outputs[0], new))
    for old, new in replacements:
        fgraph.replace(old, new, reason="elemwise_fusion")
