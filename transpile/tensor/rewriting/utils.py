"""Pattern helpers shared by the tensor rewrites."""
import numpy as np

from transpile.graph.basic import Constant
from transpile.graph.traversal import ancestors
from transpile.scalar.arith import Second
from transpile.tensor.elemwise import DimShuffle, Elemwise


def T():
    """`transpile.tensor`, imported late (the rewrites are registered while it is imported)."""
    import transpile.tensor as tensor
    return tensor


def plain_elemwise(op):
    """`op` is an Elemwise computing what its scalar op says (a subclass overriding only
    `grad` qualifies; one with its own `perform` is left alone by the rewrites)."""
    return isinstance(op, Elemwise) and type(op).perform is Elemwise.perform


def scalar_op_of(var_or_node, cls):
    """The scalar op of an Elemwise node (or the node owning `var`) if it is a `cls`, else None."""
    node = getattr(var_or_node, "owner", var_or_node)
    if node is None or not hasattr(node, "op") or not plain_elemwise(node.op):
        return None
    return node.op.scalar_op if isinstance(node.op.scalar_op, cls) else None


def op_of(var, cls):
    """The op producing `var` if it is a `cls`, else None."""
    node = getattr(var, "owner", None)
    return node.op if node is not None and isinstance(node.op, cls) else None


def constant_value(var):
    """The single value every element of `var` is known to have, or None. Looks through
    DimShuffle and fill (`second(x, c)` is c everywhere)."""
    while True:
        if isinstance(var, Constant):
            data = np.asarray(var.data)
            if data.size == 0:
                return None
            first = data.flat[0]
            return first.item() if np.all(data == first) else None
        node = var.owner
        if node is None:
            return None
        if isinstance(node.op, DimShuffle):
            var = node.inputs[0]
        elif scalar_op_of(node, Second) is not None:
            var = node.inputs[1]
        else:
            return None


def is_scalar_constant(var, value):
    """`var` has one element (all dims broadcastable) known to equal `value`."""
    return all(var.broadcastable) and constant_value(var) == value


def same_type_or_cast(new, like):
    """`new` cast to `like`'s dtype; None when the broadcastable patterns differ (the
    replacement would change the shape)."""
    if new.broadcastable != like.broadcastable:
        return None
    return T().cast(new, like.dtype) if new.dtype != like.dtype else new


def result(new, node):
    """[new] as the replacement of `node`'s only output, cast to its dtype; None when `new`
    does not have the output's broadcastable pattern."""
    new = same_type_or_cast(new, node.outputs[0])
    return None if new is None else [new]


def single_client(fgraph, var):
    """True when exactly one node (once) reads `var` and it is not a graph output."""
    clients = fgraph.clients(var)
    return len(clients) == 1 and clients[0][0] != "output"


def only_used_by(fgraph, var, node):
    """True when every use of `var` is by `node` (one or more of its inputs)."""
    clients = fgraph.clients(var)
    return bool(clients) and all(c is node for c, _ in clients)


def as_scalar(var):
    """The 0-d variable behind `var` when `var` has one element by type (all dims broadcastable):
    DimShuffles that only add or drop broadcastable dims are looked through, else one is added.
    None when `var` may have more than one element."""
    if not all(var.broadcastable):
        return None
    while var.ndim and var.owner is not None and isinstance(var.owner.op, DimShuffle) \
            and all(var.owner.inputs[0].broadcastable):
        var = var.owner.inputs[0]
    if var.ndim == 0:
        return var
    if isinstance(var, Constant):
        return T().constant(np.asarray(var.data).reshape(()))
    return DimShuffle(var.broadcastable, ())(var)


def transposed(var):
    """(m, True) when `var` is `m.T` (a DimShuffle{1,0} of a matrix), else (var, False)."""
    node = var.owner
    if var.ndim == 2 and node is not None and isinstance(node.op, DimShuffle) and node.op.new_order == (1, 0):
        return node.inputs[0], True
    return var, False


def depends_only_on(fgraph, var, forbidden=()):
    """True when `var` can be computed from the graph's inputs and constants without any of
    the variables in `forbidden` (used to reject replacements that would form a cycle)."""
    inputs = {id(v) for v in fgraph.inputs}
    bad = {id(v) for v in forbidden}
    for v in ancestors([var], blockers=fgraph.inputs):
        if id(v) in bad:
            return False
        if v.owner is None and id(v) not in inputs and not isinstance(v, Constant):
            return False
    return True
