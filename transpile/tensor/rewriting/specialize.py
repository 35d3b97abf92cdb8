"""Cheaper or more accurate forms of elementwise functions (FAST_RUN).

pow by small constants (x**2 -> sqr, x**0.5 -> sqrt, x**-1 -> 1/x, x**0 -> 1), log(1+x) ->
log1p(x), exp(x)-1 -> expm1(x), -1*x -> -x.
"""
from transpile.graph.rewriting import node_rewriter
from transpile.scalar.arith import Add, Exp, Log, Mul, Pow, Sub
from transpile.tensor.elemwise import Elemwise
from transpile.tensor.rewriting.utils import T, constant_value, is_scalar_constant, result, scalar_op_of

_POW_FORMS = {
    0: lambda t, x: t.ones_like(x),
    0.5: lambda t, x: t.sqrt(x),
    1: lambda t, x: x,
    2: lambda t, x: t.sqr(x),
    3: lambda t, x: t.mul(x, t.sqr(x)),
    -0.5: lambda t, x: t.inv(t.sqrt(x)),
    -1: lambda t, x: t.inv(x),
    -2: lambda t, x: t.inv(t.sqr(x)),
}


@node_rewriter("specialize", "fast_run", tracks=(Elemwise,))
def local_pow_specialize(fgraph, node):
    """x ** c for c in {0, 0.5, 1, 2, 3, -0.5, -1, -2} without calling pow."""
    if scalar_op_of(node, Pow) is None:
        return None
    x, e = node.inputs
    out = node.outputs[0]
    c = constant_value(e) if all(e.broadcastable) else None
    if c is None or isinstance(c, bool) or c not in _POW_FORMS or x.broadcastable != out.broadcastable:
        return None
    if c < 0 and out.dtype not in ("float32", "float64"):
        return None  # integer powers with negative exponents are errors (numpy) or 0
    tensor = T()
    xf = tensor.cast(x, out.dtype)
    return result(_POW_FORMS[c](tensor, xf), node)


@node_rewriter("stabilize", "fast_run", tracks=(Elemwise,))
def local_log1p(fgraph, node):
    """log(1 + x) -> log1p(x) (any number of terms: log(1 + a + b) -> log1p(a + b));
    log(1 - x) -> log1p(-x)."""
    if scalar_op_of(node, Log) is None:
        return None
    (arg,) = node.inputs
    tensor = T()
    if scalar_op_of(arg, Add) is not None:
        terms = arg.owner.inputs
        ones = [k for k, t in enumerate(terms) if is_scalar_constant(t, 1)]
        if ones and len(terms) > 1:
            rest = [t for k, t in enumerate(terms) if k != ones[0]]
            x = rest[0] if len(rest) == 1 else tensor.add(*rest)
            if x.broadcastable == arg.broadcastable:
                return result(tensor.log1p(tensor.cast(x, arg.dtype)), node)
    if scalar_op_of(arg, Sub) is not None:
        one, x = arg.owner.inputs
        if is_scalar_constant(one, 1) and x.broadcastable == arg.broadcastable:
            return result(tensor.log1p(-tensor.cast(x, arg.dtype)), node)
    return None


@node_rewriter("stabilize", "fast_run", tracks=(Elemwise,))
def local_expm1(fgraph, node):
    """exp(x) - 1 -> expm1(x)."""
    if scalar_op_of(node, Sub) is None:
        return None
    e, one = node.inputs
    if scalar_op_of(e, Exp) is not None and is_scalar_constant(one, 1):
        return result(T().expm1(e.owner.inputs[0]), node)
    return None


@node_rewriter("specialize", "fast_run", tracks=(Elemwise,))
def local_mul_minus_one(fgraph, node):
    """-1 * x -> -x."""
    if scalar_op_of(node, Mul) is None or len(node.inputs) != 2:
        return None
    a, b = node.inputs
    for m, x in ((a, b), (b, a)):
        if is_scalar_constant(m, -1) and x.dtype != "bool":
            return result(T().neg(x), node)
    return None
