"""Algebraic canonicalisation of elementwise arithmetic (FAST_RUN, phase `canonicalize`).

Neutral elements (x*1, x+0, x-0, 0-x, x/1, x**1), double negation, like terms ((x+y)+(x+y) ->
2*(x+y), x + 3*x -> 4*x, x + -x -> zeros), flattening of nested sums and products, and
folding of the constant factors and terms of a sum or product.

Each rewrite keeps the output's type and shape. Some drop run-time checks: removing
`zeros_like(y)` from `x + zeros_like(y)` no longer checks that y's shape matches x's, and
`x + -x -> 0` gives 0 where x is inf (not nan); this is why they are FAST_RUN only (see
elemwise_basic.py for the seed's caveat).
"""
from transpile.graph.rewriting import node_rewriter
from transpile.scalar.arith import Add, Mul, Neg, Pow, Sub, TrueDiv
from transpile.tensor.basic import constant
from transpile.tensor.elemwise import Elemwise
from transpile.tensor.rewriting.utils import (
    T,
    constant_value,
    result,
    scalar_op_of,
    single_client,
)


def _drop_neutral(node, neutral):
    kept = [i for i in node.inputs if constant_value(i) != neutral]
    if len(kept) == len(node.inputs) or not kept:
        return None
    new = kept[0] if len(kept) == 1 else node.op(*kept)
    return result(new, node)


@node_rewriter("canonicalize", "fast_run", "neutral", tracks=(Elemwise,))
def local_add_neutral(fgraph, node):
    """x + 0 -> x (also x + zeros_like(y), the seed's exercise)."""
    if scalar_op_of(node, Add) is None:
        return None
    return _drop_neutral(node, 0)


@node_rewriter("canonicalize", "fast_run", "neutral", tracks=(Elemwise,))
def local_mul_neutral(fgraph, node):
    """x * 1 -> x (also x * ones_like(y))."""
    if scalar_op_of(node, Mul) is None:
        return None
    return _drop_neutral(node, 1)


@node_rewriter("canonicalize", "fast_run", "neutral", tracks=(Elemwise,))
def local_sub_div_pow_neutral(fgraph, node):
    """x - 0 -> x, x / 1 -> x, x ** 1 -> x, 0 - x -> -x."""
    for cls, neutral in ((Sub, 0), (TrueDiv, 1), (Pow, 1)):
        if scalar_op_of(node, cls) is not None and constant_value(node.inputs[1]) == neutral:
            return result(node.inputs[0], node)
    if scalar_op_of(node, Sub) is not None and constant_value(node.inputs[0]) == 0:
        return result(T().neg(node.inputs[1]), node)
    return None


@node_rewriter("canonicalize", "fast_run", tracks=(Elemwise,))
def local_double_neg(fgraph, node):
    """-(-x) -> x."""
    if scalar_op_of(node, Neg) is None or scalar_op_of(node.inputs[0], Neg) is None:
        return None
    return result(node.inputs[0].owner.inputs[0], node)


def _coefficient_and_base(var):
    """`var` as (c, t) with var == c * t for a Python number c: -t gives (-1, t), c*t and t*c
    with a one-element constant c give (c, t), anything else (1, var)."""
    if scalar_op_of(var, Neg) is not None:
        inner = var.owner.inputs[0]
        if inner.type == var.type:
            return -1, inner
    if scalar_op_of(var, Mul) is not None and len(var.owner.inputs) == 2:
        a, b = var.owner.inputs
        for c, t in ((a, b), (b, a)):
            value = constant_value(c) if all(c.broadcastable) else None
            if value is not None and t.type == var.type and not isinstance(value, bool):
                return value, t
    return 1, var


@node_rewriter("canonicalize", "fast_run", tracks=(Elemwise,))
def local_collect_like_terms(fgraph, node):
    """t + t + u -> 2*t + u, 3*t + t -> 4*t, t + -t -> zeros (the seed's (x+y)+(x+y) ->
    2*(x+y)). Terms are compared by identity, which the merge pass makes meaningful."""
    if scalar_op_of(node, Add) is None or node.outputs[0].dtype == "bool":
        return None
    coef, order = {}, []
    for i in node.inputs:
        c, t = _coefficient_and_base(i)
        if id(t) not in coef:
            order.append(t)
            coef[id(t)] = 0
        coef[id(t)] += c
    if len(order) == len(node.inputs):
        return None
    tensor = T()
    terms = []
    for t in order:
        c = coef[id(t)]
        if c == 0:
            terms.append(tensor.second(t, constant(0, dtype=t.dtype)))
        elif c == 1:
            terms.append(t)
        elif c == -1:
            terms.append(tensor.neg(t))
        else:
            if t.dtype.startswith(("int", "uint")) and c != int(c):
                return None
            terms.append(tensor.mul(constant(c, dtype=t.dtype), t))
    new = terms[0] if len(terms) == 1 else node.op(*terms)
    return result(new, node)


def _flatten(fgraph, node, cls):
    if scalar_op_of(node, cls) is None:
        return None
    out = node.outputs[0]
    flat, changed = [], False
    for i in node.inputs:
        if (scalar_op_of(i, cls) is not None and single_client(fgraph, i)
                and i.dtype == out.dtype and i.ndim == out.ndim):
            flat.extend(i.owner.inputs)
            changed = True
        else:
            flat.append(i)
    if not changed:
        return None
    return result(node.op(*flat), node)


@node_rewriter("canonicalize", "fast_run", tracks=(Elemwise,))
def local_add_flatten(fgraph, node):
    """(a + b) + c -> add(a, b, c) when the inner sum is used once."""
    return _flatten(fgraph, node, Add)


@node_rewriter("canonicalize", "fast_run", tracks=(Elemwise,))
def local_mul_flatten(fgraph, node):
    """(a * b) * c -> mul(a, b, c) when the inner product is used once."""
    return _flatten(fgraph, node, Mul)


def _fold_constants(node, cls, combine):
    """Combine the one-element constant inputs of an n-ary add or mul into one."""
    if scalar_op_of(node, cls) is None:
        return None
    values = [constant_value(i) if all(i.broadcastable) else None for i in node.inputs]
    known = [v for v in values if v is not None]
    rest = [i for i, v in zip(node.inputs, values) if v is None]
    if len(known) < 2 or not rest:
        return None
    value = known[0]
    for v in known[1:]:
        value = combine(value, v)
    dtype = node.outputs[0].dtype
    try:
        folded = constant(value, dtype=dtype)
    except (OverflowError, ValueError, TypeError):
        return None
    if folded.data != value and not dtype.startswith(("float", "complex")):
        return None  # does not fit the integer dtype
    return result(node.op(folded, *rest), node)


@node_rewriter("canonicalize", "fast_run", tracks=(Elemwise,))
def local_mul_constants(fgraph, node):
    """Multiply the constant factors of a product together: 2 * x * 3 -> 6 * x."""
    return _fold_constants(node, Mul, lambda a, b: a * b)


@node_rewriter("canonicalize", "fast_run", tracks=(Elemwise,))
def local_add_constants(fgraph, node):
    """Add the constant terms of a sum together: 1 + x + 2 -> 3 + x."""
    return _fold_constants(node, Add, lambda a, b: a + b)
