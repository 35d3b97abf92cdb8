"""Matrix products to BLAS calls (FAST_RUN, phase `specialize`, tag `blas`); the ops are in
tensor/blas_gemm.py.

- dot(x, y) of float matrices -> Dot22, a transposed operand (`x.T`, a DimShuffle{1,0})
  folded into the op's trans flag instead of being copied;
- dot(a.T, v) -> dot(v, a) and dot(v, a.T) -> dot(a, v) (numpy's dot of a vector reads the
  matrix either way, so no transpose is needed);
- z + alpha * dot(x, y) -> Gemm(z, alpha, x, y, 1), and the variants: a sum of several terms
  (the others become z), z - dot (alpha = -1), dot - z (beta = -1), -dot, products of scalars
  as alpha, a transposed product dot(x, y).T (= dot(y.T, x.T), flags swapped); a
  matrix-vector dot gives Gemv, an outer product (col . row) gives Ger.

The product must be used only by that sum (otherwise it would be computed twice), and all
operands share one float dtype (integer products stay `Dot`). Rounding differs from the
unfused graph only as reassociated float arithmetic does.
"""
from transpile.graph.rewriting import node_rewriter
from transpile.scalar.arith import Add, Mul, Neg, Sub
from transpile.tensor.blas import Dot
from transpile.tensor.blas_gemm import FLOATS, Dot22, Gemm, Gemv, Ger
from transpile.tensor.elemwise import DimShuffle, Elemwise
from transpile.tensor.rewriting.utils import T, as_scalar, scalar_op_of, single_client, transposed


@node_rewriter("specialize", "fast_run", "blas", tracks=(Dot,))
def local_dot_vector_transpose(fgraph, node):
    """dot(a.T, v) -> dot(v, a); dot(v, a.T) -> dot(a, v)."""
    x, y = node.inputs
    if x.ndim == 2 and y.ndim == 1:
        a, trans = transposed(x)
        new = node.op(y, a) if trans else None
    elif x.ndim == 1 and y.ndim == 2:
        a, trans = transposed(y)
        new = node.op(a, x) if trans else None
    else:
        return None
    return [new] if new is not None and new.type == node.outputs[0].type else None


def _float_operands(*variables):
    return variables[0].dtype in FLOATS and all(v.dtype == variables[0].dtype for v in variables)


@node_rewriter("specialize", "fast_run", "blas", tracks=(Dot,))
def local_dot_to_dot22(fgraph, node):
    """dot(x, y) of float matrices -> Dot22, transposed operands folded into flags."""
    x, y = node.inputs
    if x.ndim != 2 or y.ndim != 2 or not _float_operands(x, y, node.outputs[0]):
        return None
    (x, tx), (y, ty) = transposed(x), transposed(y)
    new = Dot22(tx, ty)(x, y)
    return [new] if new.type == node.outputs[0].type else None


def _outer_operands(x, y):
    """(u, v) when dot(x, y) is outer(u, v): x = u.dimshuffle(0, 'x'), y = v.dimshuffle('x', 0)."""
    nx, ny = x.owner, y.owner
    if (nx is not None and ny is not None and isinstance(nx.op, DimShuffle) and isinstance(ny.op, DimShuffle)
            and nx.op.new_order == (0, "x") and ny.op.new_order == ("x", 0)):
        return nx.inputs[0], ny.inputs[0]
    return None


def _product(var):
    """A description of the product computing `var`: ("mm", x, tx, y, ty), ("mv", a, ta, v) or
    ("outer", u, v); None when `var` is not a float dot the BLAS ops can take."""
    node = var.owner
    if node is None:
        return None
    if isinstance(node.op, Dot22):
        x, y = node.inputs
        outer = None if node.op.trans_x or node.op.trans_y else _outer_operands(x, y)
        return ("outer",) + outer if outer else ("mm", x, node.op.trans_x, y, node.op.trans_y)
    if not isinstance(node.op, Dot) or not _float_operands(*node.inputs, var):
        return None
    x, y = node.inputs
    if x.ndim == 2 and y.ndim == 2:
        outer = _outer_operands(x, y)
        if outer:
            return ("outer",) + outer
        (x, tx), (y, ty) = transposed(x), transposed(y)
        return ("mm", x, tx, y, ty)
    if x.ndim == 2 and y.ndim == 1:
        a, ta = transposed(x)
        return ("mv", a, ta, y)
    if x.ndim == 1 and y.ndim == 2:
        a, ta = transposed(y)
        return ("mv", a, not ta, x)
    return None


def _scaled_product(fgraph, var):
    """(alpha factors, product) when `var` is a product, -product or c1 * c2 * product (scalar
    factors) used only here; else None."""
    if not single_client(fgraph, var):
        return None
    prod = _product(var)
    if prod is not None:
        return [], prod
    inner, trans = transposed(var)
    if trans and single_client(fgraph, inner):
        prod = _product(inner)
        if prod is not None and prod[0] == "mm":  # (op(x) op(y)).T = op(y).T op(x).T
            _, x, tx, y, ty = prod
            return [], ("mm", y, not ty, x, not tx)
        return None
    if scalar_op_of(var, Neg) is not None:
        inner = _scaled_product(fgraph, var.owner.inputs[0])
        if inner is not None and var.owner.inputs[0].type == var.type:
            return inner[0] + [-1], inner[1]
        return None
    if scalar_op_of(var, Mul) is None:
        return None
    factors, prod_var = [], None
    for i in var.owner.inputs:
        s = as_scalar(i)
        if s is not None:
            factors.append(s)
        elif prod_var is None:
            prod_var = i
        else:
            return None
    if prod_var is None or prod_var.type != var.type:
        return None
    inner = _scaled_product(fgraph, prod_var)
    return None if inner is None else (inner[0] + factors, inner[1])


def _scalar(factors, dtype):
    """The product of `factors` (0-d variables or Python numbers) as a 0-d `dtype` variable."""
    tensor = T()
    numbers = [f for f in factors if not hasattr(f, "type")]
    variables = [tensor.cast(f, dtype) for f in factors if hasattr(f, "type")]
    value = 1
    for n in numbers:
        value *= n
    if not variables:
        return tensor.constant(value, dtype=dtype)
    if value != 1:
        variables.insert(0, tensor.constant(value, dtype=dtype))
    return variables[0] if len(variables) == 1 else tensor.mul(*variables)


def _blas_call(z, alpha, beta, prod):
    kind = prod[0]
    if kind == "mm":
        _, x, tx, y, ty = prod
        return Gemm(tx, ty)(z, alpha, x, y, beta)
    if kind == "mv":
        _, a, ta, v = prod
        return Gemv(ta)(z, alpha, a, v, beta)
    _, u, v = prod
    if beta.owner is None and float(beta.data) == 1.0:
        return Ger()(z, alpha, u, v)
    return None


def _rank_ok(z, prod):
    return z.ndim == (1 if prod[0] == "mv" else 2)


@node_rewriter("specialize", "fast_run", "blas", tracks=(Elemwise,))
def local_gemm(fgraph, node):
    """z + alpha * dot(x, y) -> Gemm (Gemv, Ger) with the sign, scalar factors and transposes
    folded; see the module docstring."""
    out = node.outputs[0]
    if out.dtype not in FLOATS:
        return None
    if scalar_op_of(node, Add) is not None:
        terms = [(t, 1) for t in node.inputs]
    elif scalar_op_of(node, Sub) is not None:
        terms = [(node.inputs[0], 1), (node.inputs[1], -1)]
    else:
        return None
    for k, (term, sign) in enumerate(terms):
        found = _scaled_product(fgraph, term) if term.dtype == out.dtype else None
        if found is None:
            continue
        factors, prod = found
        others = [(t, s) for j, (t, s) in enumerate(terms) if j != k]
        if len(others) == 1:
            z, beta = others[0][0], others[0][1]
        elif all(s == 1 for _, s in others):
            z, beta = T().add(*[t for t, _ in others]), 1
        else:
            continue
        if z.dtype != out.dtype or not _rank_ok(z, prod):
            continue
        alpha = _scalar(factors + ([sign] if sign != 1 else []), out.dtype)
        try:
            new = _blas_call(z, alpha, T().constant(beta, dtype=out.dtype), prod)
        except TypeError:  # operands of another dtype than the output
            continue
        if new is not None and new.type == out.type:
            return [new]
    return None
