"""Pattern helpers shared by the tensor rewrites."""
import numpy as np

from transpile.graph.basic import Constant
from transpile.scalar.arith import Second
from transpile.tensor.elemwise import DimShuffle, Elemwise


def scalar_op_of(var_or_node, cls):
    """The scalar op of an Elemwise node (or the node owning `var`) if it is a `cls`, else None."""
    node = getattr(var_or_node, "owner", var_or_node)
    if node is None or not hasattr(node, "op") or not isinstance(node.op, Elemwise):
        return None
    return node.op.scalar_op if isinstance(node.op.scalar_op, cls) else None


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


def same_type_or_cast(new, like):
    """`new` cast to `like`'s dtype; None when the broadcastable patterns differ (the
    replacement would change the shape)."""
    import transpile.tensor as T
    if new.broadcastable != like.broadcastable:
        return None
    return T.cast(new, like.dtype) if new.dtype != like.dtype else new


def single_client(fgraph, var):
    """True when exactly one node (once) reads `var` and it is not a graph output."""
    clients = fgraph.clients(var)
    return len(clients) == 1 and clients[0][0] != "output"
