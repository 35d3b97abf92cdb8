"""Cheaper or more accurate forms of elementwise functions (FAST_RUN).

pow by small constants (x**2 -> sqr, x**0.5 -> sqrt, x**-1 -> 1/x, x**0 -> 1), log(1+x) ->
log1p(x), exp(x)-1 -> expm1(x), -1*x -> -x.
"""
from transpile.graph.rewriting import node_rewriter
from transpile.scalar.arith import Add, Exp, Log, Mul, Pow, Sub
from transpile.tensor.elemwise import Elemwise
from transpile.tensor.rewriting.utils import constant_value, same_type_or_cast, scalar_op_of


def _T():
    import transpile.tensor as T
    return T


def _result(new, node):
    new = same_type_or_cast(new, node.outputs[0])
    return None if new is None else [new]


@node_rewriter("specialize", "fast_run", tracks=(Elemwise,))
def local_pow_specialize(fgraph, node):
    """x ** c for c in {0, 0.5, 1, 2, 3, -0.5, -1, -2} without calling pow."""
    if scalar_op_of(node, Pow) is None:
        return None
    x, e = node.inputs
    c = constant_value(e)
    if c is None or not all(e.broadcastable) or x.type.broadcastable != node.outputs[0].broadcastable:
        return None
    T = _T()
    xf = T.cast(x, node.outputs[0].dtype) if x.dtype != node.outputs[0].dtype else x
    forms = {
        0: lambda: T.ones_like(xf),
        0.5: lambda: T.sqrt(xf),
        1: lambda: xf,
        2: lambda: T.sqr(xf),
        3: lambda: T.mul(xf, T.sqr(xf)),
        -0.5: lambda: T.inv(T.sqrt(xf)),
        -1: lambda: T.inv(xf),
        -2: lambda: T.inv(T.sqr(xf)),
    }
    if c not in forms or (c < 0 and node.outputs[0].dtype not in ("float32", "float64")):
        return None
    return _result(forms[c](), node)


@node_rewriter("stabilize", "fast_run", tracks=(Elemwise,))
def local_log1p(fgraph, node):
    """log(1 + x) -> log1p(x); log(1 - x) -> log1p(-x)."""
    if scalar_op_of(node, Log) is None:
        return None
    (arg,) = node.inputs
    T = _T()
    if scalar_op_of(arg, Add) is not None and len(arg.owner.inputs) == 2:
        a, b = arg.owner.inputs
        for one, x in ((a, b), (b, a)):
            if constant_value(one) == 1 and all(one.broadcastable):
                return _result(T.log1p(x), node)
    if scalar_op_of(arg, Sub) is not None:
        one, x = arg.owner.inputs
        if constant_value(one) == 1 and all(one.broadcastable):
            return _result(T.log1p(-x), node)
    return None


@node_rewriter("stabilize", "fast_run", tracks=(Elemwise,))
def local_expm1(fgraph, node):
    """exp(x) - 1 -> expm1(x)."""
    if scalar_op_of(node, Sub) is None:
        return None
    e, one = node.inputs
    if scalar_op_of(e, Exp) is not None and constant_value(one) == 1 and all(one.broadcastable):
        return _result(_T().expm1(e.owner.inputs[0]), node)
    return None


@node_rewriter("specialize", "fast_run", tracks=(Elemwise,))
def local_mul_minus_one(fgraph, node):
    """-1 * x -> -x."""
    if scalar_op_of(node, Mul) is None or len(node.inputs) != 2:
        return None
    a, b = node.inputs
    for m, x in ((a, b), (b, a)):
        if constant_value(m) == -1 and all(m.broadcastable):
            return _result(_T().neg(x), node)
    return None

