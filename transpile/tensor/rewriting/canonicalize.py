"""Algebraic canonicalisation of elementwise arithmetic (FAST_RUN).

Neutral elements (x*1, x+0, x-0, x/1, x**1), double negation, like terms ((x+y)+(x+y) ->
2*(x+y)), flattening of nested sums and products, and removal of useless fills
(x + zeros_like(y) -> x). Each rewrite keeps the output's type; some drop run-time shape checks
(x + zeros_like(y) no longer checks that y's shape matches), which is why they are FAST_RUN only.
"""
from transpile.graph.rewriting import node_rewriter
from transpile.scalar.arith import Add, Mul, Neg, Pow, Sub, TrueDiv
from transpile.tensor.basic import constant
from transpile.tensor.elemwise import Elemwise
from transpile.tensor.rewriting.utils import constant_value, same_type_or_cast, scalar_op_of, single_client


def _T():
    import transpile.tensor as T
    return T


def _drop_neutral(node, neutral):
    out = node.outputs[0]
    kept = [i for i in node.inputs if constant_value(i) != neutral]
    if len(kept) == len(node.inputs) or not kept:
        return None
    new = kept[0] if len(kept) == 1 else node.op(*kept)
    new = same_type_or_cast(new, out)
    return None if new is None else [new]


@node_rewriter("canonicalize", "fast_run", tracks=(Elemwise,))
def local_add_neutral(fgraph, node):
    """x + 0 -> x (also x + zeros_like(y))."""
    if scalar_op_of(node, Add) is None:
        return None
    return _drop_neutral(node, 0)


@node_rewriter("canonicalize", "fast_run", tracks=(Elemwise,))
def local_mul_neutral(fgraph, node):
    """x * 1 -> x."""
    if scalar_op_of(node, Mul) is None:
        return None
    return _drop_neutral(node, 1)


@node_rewriter("canonicalize", "fast_run", tracks=(Elemwise,))
def local_sub_div_pow_neutral(fgraph, node):
    """x - 0 -> x, x / 1 -> x, x ** 1 -> x."""
    for cls, neutral in ((Sub, 0), (TrueDiv, 1), (Pow, 1)):
        if scalar_op_of(node, cls) is not None and constant_value(node.inputs[1]) == neutral:
            new = same_type_or_cast(node.inputs[0], node.outputs[0])
            return None if new is None else [new]
    return None


@node_rewriter("canonicalize", "fast_run", tracks=(Elemwise,))
def local_sub_self(fgraph, node):
    """x - x -> zeros with x's shape."""
    if scalar_op_of(node, Sub) is None or node.inputs[0] is not node.inputs[1]:
        return None
    out = node.outputs[0]
    return [_T().second(node.inputs[0], constant(0, dtype=out.dtype))]


@node_rewriter("canonicalize", "fast_run", tracks=(Elemwise,))
def local_double_neg(fgraph, node):
    """-(-x) -> x."""
    if scalar_op_of(node, Neg) is None or scalar_op_of(node.inputs[0], Neg) is None:
        return None
    return [node.inputs[0].owner.inputs[0]]


@node_rewriter("canonicalize", "fast_run", tracks=(Elemwise,))
def local_collect_like_terms(fgraph, node):
    """t + t + u -> 2*t + u (the seed's (x+y)+(x+y) -> 2*(x+y))."""
    if scalar_op_of(node, Add) is None:
        return None
    counts, order = {}, []
    for i in node.inputs:
        if id(i) not in counts:
            order.append(i)
        counts[id(i)] = counts.get(id(i), 0) + 1
    if len(order) == len(node.inputs):
        return None
    T = _T()
    terms = [t if counts[id(t)] == 1 else T.mul(constant(counts[id(t)], dtype=t.dtype), t) for t in order]
    new = terms[0] if len(terms) == 1 else node.op(*terms)
    new = same_type_or_cast(new, node.outputs[0])
    return None if new is None else [new]


def _flatten(fgraph, node, cls):
    if scalar_op_of(node, cls) is None:
        return None
    flat, changed = [], False
    for i in node.inputs:
        if (scalar_op_of(i, cls) is not None and single_client(fgraph, i)
                and i.dtype == node.outputs[0].dtype and i.ndim == node.outputs[0].ndim):
            flat.extend(i.owner.inputs)
            changed = True
        else:
            flat.append(i)
    if not changed:
        return None
    new = same_type_or_cast(node.op(*flat), node.outputs[0])
    return None if new is None else [new]


@node_rewriter("canonicalize", "fast_run", tracks=(Elemwise,))
def local_add_flatten(fgraph, node):
    """(a + b) + c -> add(a, b, c) when the inner sum is used once."""
    return _flatten(fgraph, node, Add)


@node_rewriter("canonicalize", "fast_run", tracks=(Elemwise,))
def local_mul_flatten(fgraph, node):
    """(a * b) * c -> mul(a, b, c) when the inner product is used once."""
    return _flatten(fgraph, node, Mul)


@node_rewriter("canonicalize", "fast_run", tracks=(Elemwise,))
def local_mul_constants(fgraph, node):
    """Multiply the constant factors of a product together: 2 * x * 3 -> 6 * x."""
    if scalar_op_of(node, Mul) is None:
        return None
    consts = [(i, constant_value(i)) for i in node.inputs]
    scalars = [(i, v) for i, v in consts if v is not None and all(i.broadcastable)]
    if len(scalars) < 2:
        return None
    value = 1
    for _, v in scalars:
        value = value * v
    rest = [i for i, v in consts if not (v is not None and all(i.broadcastable))]
    out = node.outputs[0]
    new = node.op(constant(value, dtype=out.dtype), *rest) if rest else None
    if new is None:
        return None
    new = same_type_or_cast(new, out)
    return None if new is None else [new]
