"""The BLAS-shaped products of the FAST_RUN rewrites (tensor/blas_gemm.py), each one
`tr::product` call (C = alpha * op(A) op(B) + beta * C): `Dot22`, `Gemm`, `Gemv`, `Ger`.

z (or a) is first broadcast into the output (or, in place, the output is z itself), then the
product accumulates into it. When the product is broadcast along a dim where z is not (a
1-row product against a full z), it goes to a temporary and an elementwise pass adds it."""
from transpile.emit.cpp import unit_kernels
from transpile.emit.cpp.loops import Operand, map_loop
from transpile.emit.registry import register_lowering
from transpile.emit.cpp.rules.elemwise import overwritable
from transpile.tensor.blas_gemm import Dot22, Gemm, Gemv, Ger


def _matrix(buf, trans):
    """(rows, cols, "data, s0, s1") of a 2-d buffer read as op(buf)."""
    n = buf.name
    if trans:
        return f"{n}.shape[1]", f"{n}.shape[0]", f"{n}.data, {n}.strides[1], {n}.strides[0]"
    return f"{n}.shape[0]", f"{n}.shape[1]", f"{n}.data, {n}.strides[0], {n}.strides[1]"


def _check_inner(lc, k, k2, a, b):
    lc.emit(f"if ({k} != {k2}) "
            + lc.fail("value", "%s: shapes %s and %s not aligned: %lld != %lld", lc.label(),
                      f"tr::shape_text({a.name}.shape, {a.ndim}).text", f"tr::shape_text({b.name}.shape, {b.ndim}).text",
                      f"(long long){k}", f"(long long){k2}"))


def _accumulate(lc, node, z_var, prod_dims, prod_bcast, product):
    """Output = beta * z + (the product): `product(c, c0, c1, beta)` returns the call writing
    into c (strides c0, c1) with that beta."""
    out = node.outputs[0]
    n = out.ndim
    z = lc.buffer(z_var)
    beta = lc.scalar(node.inputs[4]) if len(node.inputs) == 5 else "1"
    lc.emit(f"const int64_t prod_[{n}] = {{{', '.join(prod_dims)}}};")
    for d in range(n):
        if not z_var.broadcastable[d] and not prod_bcast[d]:
            lc.emit(f"if ({z.name}.shape[{d}] != prod_[{d}]) "
                    + lc.fail("shape", "%s: z of shape %s does not match the product's shape %s", lc.label(),
                              f"tr::shape_text({z.name}.shape, {n}).text", f"tr::shape_text(prod_, {n}).text"))
    strides = lambda b: (f"{b.name}.strides[0]" if n == 2 else "0", f"{b.name}.strides[{n - 1}]" if n else "1")  # noqa: E731
    if any(pb and not zb for pb, zb in zip(prod_bcast, z_var.broadcastable)):
        tmp = lc.temp(out.dtype, prod_bcast, "prod_", "product")
        lc.emit(product(f"{tmp.name}.data", *strides(tmp), "0"))
        lc.emit(f"int64_t shape_[{n}];")
        lc.emit(*[f"shape_[{d}] = {z.name}.shape[{d}] > prod_[{d}] ? {z.name}.shape[{d}] : prod_[{d}];" for d in range(n)])
        dst = lc.alloc(out, "shape_")
        body = lambda v: ([], [f"{beta} * {v[0]} + {v[1]}"])  # noqa: E731
        lc.emit(*map_loop([Operand.of(dst.name, dst.ctype, out.broadcastable)],
                          [Operand.of(z.name, z.ctype, z_var.broadcastable), Operand.of(tmp.name, tmp.ctype, prod_bcast)],
                          body, "shape_", n))
        return
    if getattr(node.op, "inplace", False) and overwritable(lc, z_var):
        dst = lc.view(out, z_var, [f"{z.name}.shape[{d}]" for d in range(n)], [f"{z.name}.strides[{d}]" for d in range(n)])
    else:
        dst = lc.alloc(out, "prod_")
        lc.emit(*map_loop([Operand.of(dst.name, dst.ctype, out.broadcastable)], [Operand.of(z.name, z.ctype, z_var.broadcastable)],
                          lambda v: ([], v), "prod_", n))
    lc.emit(product(f"{dst.name}.data", *strides(dst), beta))


@register_lowering(Dot22)
def lower_dot22(lc, node):
    (x, y), (out,) = node.inputs, node.outputs
    X, Y = lc.buffer(x), lc.buffer(y)
    lc.need("blas")
    m, k, a = _matrix(X, node.op.trans_x)
    k2, n, b = _matrix(Y, node.op.trans_y)
    _check_inner(lc, k, k2, X, Y)
    lc.emit(f"const int64_t shape_[2] = {{{m}, {n}}};")
    C = lc.alloc(out, "shape_")
    lc.use_kernel(unit_kernels.product(C.ctype, X.ctype, Y.ctype))
    lc.emit(f"tr::product<{C.ctype}>({m}, {n}, {k}, 1, tr::Mat<{X.ctype}>{{{a}}}, tr::Mat<{Y.ctype}>{{{b}}}, 0, "
            f"{C.name}.data, {C.name}.strides[0], {C.name}.strides[1]);")


@register_lowering(Gemm)
def lower_gemm(lc, node):
    z, alpha, x, y, _ = node.inputs
    X, Y = lc.buffer(x), lc.buffer(y)
    lc.need("blas")
    m, k, a = _matrix(X, node.op.trans_x)
    k2, n, b = _matrix(Y, node.op.trans_y)
    _check_inner(lc, k, k2, X, Y)
    ctype = X.ctype
    lc.use_kernel(unit_kernels.product(ctype, ctype, ctype))
    bcast = Dot22(node.op.trans_x, node.op.trans_y)._bcast(x, y)
    _accumulate(lc, node, z, [m, n], bcast, lambda c, c0, c1, beta: (
        f"tr::product<{ctype}>({m}, {n}, {k}, {lc.scalar(alpha)}, tr::Mat<{ctype}>{{{a}}}, tr::Mat<{ctype}>{{{b}}}, "
        f"{beta}, {c}, {c0}, {c1});"))


@register_lowering(Gemv)
def lower_gemv(lc, node):
    z, alpha, amat, x, _ = node.inputs
    A, X = lc.buffer(amat), lc.buffer(x)
    lc.need("blas")
    m, k, a = _matrix(A, node.op.trans_a)
    _check_inner(lc, k, f"{X.name}.shape[0]", A, X)
    ctype = A.ctype
    lc.use_kernel(unit_kernels.product(ctype, ctype, ctype))
    _accumulate(lc, node, z, [m], node.op._prod_bcast(amat), lambda c, c0, c1, beta: (
        f"tr::product<{ctype}>({m}, 1, {k}, {lc.scalar(alpha)}, tr::Mat<{ctype}>{{{a}}}, "
        f"tr::Mat<{ctype}>{{{X.name}.data, {X.name}.strides[0], 0}}, {beta}, {c}, {c1}, 0);"))


@register_lowering(Ger)
def lower_ger(lc, node):
    amat, alpha, x, y = node.inputs
    X, Y = lc.buffer(x), lc.buffer(y)
    lc.need("blas")
    ctype = X.ctype
    lc.use_kernel(unit_kernels.product(ctype, ctype, ctype))
    m, n = f"{X.name}.shape[0]", f"{Y.name}.shape[0]"
    _accumulate(lc, node, amat, [m, n], (x.broadcastable[0], y.broadcastable[0]), lambda c, c0, c1, beta: (
        f"tr::product<{ctype}>({m}, {n}, 1, {lc.scalar(alpha)}, tr::Mat<{ctype}>{{{X.name}.data, {X.name}.strides[0], 0}}, "
        f"tr::Mat<{ctype}>{{{Y.name}.data, 0, {Y.name}.strides[0]}}, {beta}, {c}, {c0}, {c1});"))
