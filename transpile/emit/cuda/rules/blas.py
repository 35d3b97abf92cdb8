"""Matrix products on the GPU through cuBLAS (float32 and float64): `Dot` of 1-d/2-d operands and
the BLAS-shaped ops of the FAST_RUN rewrites (`Dot22`, `Gemm`, `Gemv`, `Ger`), each one gemm
(`tr::cu::gemm`, templates/cuda/blas.cuh): C = alpha op(A) op(B) + beta C, vectors viewed as
1 x k or k x 1 matrices. An operand cuBLAS cannot read as it is (no unit stride) is first copied
into a contiguous GPU temporary. For Gemm, Gemv and Ger the output starts as a copy of z (or a)
broadcast to the product's shape; nodes whose product is broadcast along a dim where z is not
stay on the host."""
from transpile.emit.registry import register_lowering
from transpile.tensor.blas import Dot
from transpile.tensor.blas_gemm import Dot22, Gemm, Gemv, Ger

FLOATS = ("float32", "float64")


def _floats(node):
    return all(v.dtype in FLOATS for v in node.inputs + node.outputs) and len({v.dtype for v in node.inputs}) == 1


def _product_broadcastable(node):
    op, inputs = node.op, node.inputs
    if isinstance(op, Gemm):
        return Dot22(op.trans_x, op.trans_y)._bcast(inputs[2], inputs[3])
    if isinstance(op, Gemv):
        return op._prod_bcast(inputs[2])
    return (inputs[2].broadcastable[0], inputs[3].broadcastable[0])  # Ger


def _z_fits(node):
    """z (broadcast or not) is copied into the output, then the product accumulates there: the
    product may not be broadcast along a dim where z is not (a 1-row product added to a full z
    stays on the host, where the C++ rule makes a temporary)."""
    z = node.inputs[0]
    return _floats(node) and not any(p and not zb for p, zb in zip(_product_broadcastable(node), z.broadcastable))


def _gemm_function(lc, dtype):
    """`gemm_<dtype>(ctx, m, n, k, alpha, a, as0, as1, b, bs0, bs1, beta, c, c0)`: one per dtype."""
    ctype = {"float32": "float", "float64": "double"}[dtype]
    lc.need("cublas")
    return lc.device_function(
        f"gemm_{dtype}",
        ("int64_t m", "int64_t n", "int64_t k", f"{ctype} alpha", f"const {ctype}* a", "int64_t as0", "int64_t as1",
         f"const {ctype}* b", "int64_t bs0", "int64_t bs1", f"{ctype} beta", f"{ctype}* c", "int64_t c0"),
        (f"return tr::cu::gemm<{ctype}>(ctx, m, n, k, alpha, tr::cu::Mat<{ctype}>{{a, as0, as1}}, "
         f"tr::cu::Mat<{ctype}>{{b, bs0, bs1}}, beta, c, c0);",), context=True)


def _operand(lc, buf, rows, cols, s0, s1, hint):
    """(data, s0, s1) C++ expressions of a matrix operand cuBLAS can read: `buf` itself, or a
    contiguous GPU copy made at run time when its strides do not suit."""
    lc.emit(f"{buf.ctype}* {hint}_ = {buf.name}.data;", f"int64_t {hint}s0_ = {s0}, {hint}s1_ = {s1};",
            f"if (!tr::cu::blas_layout({rows}, {cols}, {hint}s0_, {hint}s1_)) {{")
    tmp = lc.temp(buf.dtype, buf.broadcastable, f"{buf.name}.shape", f"{hint}_contiguous")
    lc.emit(*["  " + line for line in lc.copy(tmp, buf)])
    if buf.ndim == 2:
        same = s0.startswith(f"{buf.name}.strides[0]")
        lc.emit(f"  {hint}_ = {tmp.name}.data;",
                f"  {hint}s0_ = {tmp.name}.strides[{0 if same else 1}]; {hint}s1_ = {tmp.name}.strides[{1 if same else 0}];")
    else:  # a vector read as a row (1 x k: s0 is "0") or a column (k x 1)
        row = s0 == "0"
        lc.emit(f"  {hint}_ = {tmp.name}.data;", f"  {hint}s0_ = {0 if row else 1}; {hint}s1_ = {1 if row else 0};")
    lc.emit("}")
    return f"{hint}_", f"{hint}s0_", f"{hint}s1_"


def _matrix(buf, trans):
    """(rows, cols, s0, s1) of a 2-d buffer read as op(buf)."""
    n = buf.name
    if trans:
        return f"{n}.shape[1]", f"{n}.shape[0]", f"{n}.strides[1]", f"{n}.strides[0]"
    return f"{n}.shape[0]", f"{n}.shape[1]", f"{n}.strides[0]", f"{n}.strides[1]"


def _row(buf):
    return "1", f"{buf.name}.shape[0]", "0", f"{buf.name}.strides[0]"


def _column(buf):
    return f"{buf.name}.shape[0]", "1", f"{buf.name}.strides[0]", "0"


def _check_inner(lc, k, k2, a, b):
    lc.emit(f"if ({k} != {k2}) "
            + lc.fail("value", "%s: shapes %s and %s not aligned: %lld != %lld", lc.label(),
                      f"tr::shape_text({a.name}.shape, {a.ndim}).text", f"tr::shape_text({b.name}.shape, {b.ndim}).text",
                      f"(long long){k}", f"(long long){k2}"))


def _product(lc, out_dtype, a, b, alpha, beta, c, c0):
    """The statement C = alpha A B + beta C for operands (buf, rows, cols, s0, s1)."""
    (abuf, m, k, as0, as1), (bbuf, k2, n, bs0, bs1) = a, b
    A = _operand(lc, abuf, m, k, as0, as1, "a")
    B = _operand(lc, bbuf, k2, n, bs0, bs1, "b")
    return _gemm_function(lc, out_dtype)(m, n, k, alpha, *A, *B, beta, c, c0)


@register_lowering(Dot, target="cuda", when=_floats)
def lower_dot(lc, node):
    (a, b), (out,) = node.inputs, node.outputs
    A, B = lc.buffer(a), lc.buffer(b)
    am = _matrix(A, False) if a.ndim == 2 else _row(A)
    bm = _matrix(B, False) if b.ndim == 2 else _column(B)
    _check_inner(lc, am[1], bm[0], A, B)
    dims = ([am[0]] if a.ndim == 2 else []) + ([bm[1]] if b.ndim == 2 else [])
    shape = "nullptr"
    if dims:
        lc.emit(f"const int64_t shape_[{len(dims)}] = {{{', '.join(dims)}}};")
        shape = "shape_"
    C = lc.alloc(out, shape)
    c0 = f"{C.name}.strides[0]" if a.ndim == 2 else bm[1]
    lc.emit(_product(lc, out.dtype, (A, *am), (B, *bm), "1", "0", f"{C.name}.data", c0))


@register_lowering(Dot22, target="cuda", when=_floats)
def lower_dot22(lc, node):
    (x, y), (out,) = node.inputs, node.outputs
    X, Y = lc.buffer(x), lc.buffer(y)
    xm, ym = _matrix(X, node.op.trans_x), _matrix(Y, node.op.trans_y)
    _check_inner(lc, xm[1], ym[0], X, Y)
    lc.emit(f"const int64_t shape_[2] = {{{xm[0]}, {ym[1]}}};")
    C = lc.alloc(out, "shape_")
    lc.emit(_product(lc, out.dtype, (X, *xm), (Y, *ym), "1", "0", f"{C.name}.data", f"{C.name}.strides[0]"))


def _start_from_z(lc, node, prod_dims):
    """The output, a fresh copy of z (input 0) broadcast to the product's shape `prod_dims`."""
    z_var, out = node.inputs[0], node.outputs[0]
    z, n = lc.buffer(z_var), out.ndim
    lc.emit(f"const int64_t prod_[{n}] = {{{', '.join(prod_dims)}}};")
    for d in range(n):
        if not z_var.broadcastable[d]:
            lc.emit(f"if ({z.name}.shape[{d}] != prod_[{d}]) "
                    + lc.fail("shape", "%s: z of shape %s does not match the product's shape %s", lc.label(),
                              f"tr::shape_text({z.name}.shape, {n}).text", f"tr::shape_text(prod_, {n}).text"))
    view = lc.local("zb_", z, out.broadcastable)
    lc.emit(f"{view.decl} zb_ = {{{z.name}.data, {{{', '.join(f'prod_[{d}]' for d in range(n))}}}, "
            f"{{{', '.join('0' if z_var.broadcastable[d] else f'{z.name}.strides[{d}]' for d in range(n))}}}}};")
    dst = lc.alloc(out, "prod_")
    lc.emit(*lc.copy(dst, view))
    return dst


@register_lowering(Gemm, target="cuda", host_inputs=(1, 4), when=_z_fits)
def lower_gemm(lc, node):
    z, alpha, x, y, beta = node.inputs
    X, Y = lc.buffer(x), lc.buffer(y)
    xm, ym = _matrix(X, node.op.trans_x), _matrix(Y, node.op.trans_y)
    _check_inner(lc, xm[1], ym[0], X, Y)
    C = _start_from_z(lc, node, [xm[0], ym[1]])
    lc.emit(_product(lc, C.dtype, (X, *xm), (Y, *ym), lc.scalar(alpha), lc.scalar(beta), f"{C.name}.data",
                     f"{C.name}.strides[0]"))


@register_lowering(Gemv, target="cuda", host_inputs=(1, 4), when=_z_fits)
def lower_gemv(lc, node):
    z, alpha, a, x, beta = node.inputs
    A, X = lc.buffer(a), lc.buffer(x)
    am, xm = _matrix(A, node.op.trans_a), _column(X)
    _check_inner(lc, am[1], xm[0], A, X)
    C = _start_from_z(lc, node, [am[0]])
    lc.emit(_product(lc, C.dtype, (A, *am), (X, *xm), lc.scalar(alpha), lc.scalar(beta), f"{C.name}.data", "1"))


@register_lowering(Ger, target="cuda", host_inputs=(1,), when=_z_fits)
def lower_ger(lc, node):
    a, alpha, x, y = node.inputs
    X, Y = lc.buffer(x), lc.buffer(y)
    xm, ym = _column(X), _row(Y)
    C = _start_from_z(lc, node, [xm[0], ym[1]])
    lc.emit(_product(lc, C.dtype, (X, *xm), (Y, *ym), lc.scalar(alpha), "1", f"{C.name}.data", f"{C.name}.strides[0]"))
