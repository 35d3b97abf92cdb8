"""Linear algebra: inverse, determinants, solves, Cholesky, LU, eigh, svd, pinv, expm through LAPACK (the routines
of templates/runtime/linalg.h, batched over leading dims), the diagonal ops as strided views and
copies. The other decompositions run with numpy/scipy on the host (declared below).

A program with a LAPACK node needs the "lapack" feature: cmake/FindTranspileBLAS.cmake finds
LAPACK next to the BLAS (scipy-openblas32 has both) and configuring fails with a clear message
when there is none."""

from transpile.emit.registry import register_host_only, register_lowering
from transpile.tensor import nlinalg, nlinalg_decomp, slinalg, slinalg_lu, slinalg_matrix_equations, slinalg_schur
from transpile.tensor.nlinalg_structure import AllocDiag, DiagonalScatter, ExtractDiag, _axes


for _op, _why in [
    (nlinalg_decomp.Eig, "general eigenproblem (complex results) through numpy"),
    (nlinalg_decomp.QR, "QR decomposition through numpy"),
    (nlinalg_decomp.QRGrad, "the QR gradient (a triangular solve) through scipy"),
    (nlinalg.Lstsq, "least squares (an SVD-based driver) through numpy"),
    (slinalg_matrix_equations.SolveDiscreteARE, "the discrete Riccati equation (a QZ-based solver) through scipy"),
    (slinalg_schur.Schur, "the Schur decomposition through scipy"),
    (slinalg_schur.QZ, "the generalized Schur decomposition through scipy"),
    (slinalg_schur.OrdQZ, "the ordered generalized Schur decomposition through scipy"),
]:
    register_host_only(_op, _why)


def _start(lc, a, what="a"):
    """LAPACK for this program, and the check that the last two dims of buffer `a` are equal."""
    lc.need("blas")
    lc.need("lapack")
    lc.use_runtime("linalg_svd_expm")
    n = a.ndim
    lc.emit(f"if ({a.name}.shape[{n - 1}] != {a.name}.shape[{n - 2}]) "
            + lc.fail("value", f"%s: last 2 dimensions of the array {what} must be square, got shape %s", lc.label(),
                      f"tr::shape_text({a.name}.shape, {n}).text"))


def _lead_shape(buf, count):
    """A C++ shape pointer for the first `count` dims of `buf` ("nullptr" for none)."""
    return f"{buf.name}.shape" if count else "nullptr"


@register_lowering(nlinalg.MatrixInverse)
def lower_inverse(lc, node):
    (x,), (out,) = node.inputs, node.outputs
    X = lc.buffer(x)
    _start(lc, X)
    Z = lc.alloc(out, f"{X.name}.shape")
    lc.emit(f"TR_CHECK(tr_linalg::inverse(ctx, {X.name}, {Z.name}));")


@register_lowering(nlinalg.Det)
def lower_det(lc, node):
    (x,), (out,) = node.inputs, node.outputs
    X = lc.buffer(x)
    _start(lc, X)
    Z = lc.alloc(out, _lead_shape(X, out.ndim))
    lc.emit(f"TR_CHECK(tr_linalg::determinant(ctx, {X.name}, {Z.name}, {Z.name}, true));")


@register_lowering(nlinalg.SLogDet)
def lower_slogdet(lc, node):
    (x,), (sign, logdet) = node.inputs, node.outputs
    X = lc.buffer(x)
    _start(lc, X)
    S = lc.alloc(sign, _lead_shape(X, sign.ndim))
    L = lc.alloc(logdet, _lead_shape(X, logdet.ndim))
    lc.emit(f"TR_CHECK(tr_linalg::determinant(ctx, {X.name}, {S.name}, {L.name}, false));")


def _solve_operands(lc, node):
    (a, b), (out,) = node.inputs, node.outputs
    A, B = lc.buffer(a), lc.buffer(b)
    _start(lc, A)
    lead, n = a.ndim - 2, a.ndim
    lc.emit(f"if ({B.name}.shape[{lead}] != {A.name}.shape[{n - 1}] || "
            f"!std::equal({A.name}.shape, {A.name}.shape + {lead}, {B.name}.shape)) "
            + lc.fail("value", f"%s: shapes of a %s and b %s (b_ndim={node.op.b_ndim}) do not match", lc.label(),
                      f"tr::shape_text({A.name}.shape, {n}).text", f"tr::shape_text({B.name}.shape, {b.ndim}).text"))
    X = lc.alloc(out, f"{B.name}.shape")
    return A, B, X


def _flag(value):
    return "true" if value else "false"


@register_lowering(slinalg.Solve)
def lower_solve(lc, node):
    A, B, X = _solve_operands(lc, node)
    kind = {"gen": 0, "sym": 1, "pos": 2}[node.op.assume_a]
    lc.emit(f"TR_CHECK(tr_linalg::solve(ctx, {kind}, {_flag(node.op.lower)}, {A.name}, {B.name}, {X.name}));")


@register_lowering(slinalg.SolveTriangular)
def lower_solve_triangular(lc, node):
    A, B, X = _solve_operands(lc, node)
    op = node.op
    lc.emit(f"TR_CHECK(tr_linalg::solve_triangular(ctx, {_flag(op.lower)}, {op.trans}, {_flag(op.unit_diagonal)}, "
            f"{A.name}, {B.name}, {X.name}));")


@register_lowering(slinalg.CholeskySolve)
def lower_cho_solve(lc, node):
    A, B, X = _solve_operands(lc, node)
    lc.emit(f"TR_CHECK(tr_linalg::cho_solve(ctx, {_flag(node.op.lower)}, {A.name}, {B.name}, {X.name}));")


@register_lowering(slinalg.Cholesky)
def lower_cholesky(lc, node):
    (x,), (out,) = node.inputs, node.outputs
    X = lc.buffer(x)
    _start(lc, X)
    Z = lc.alloc(out, f"{X.name}.shape")
    lc.emit(f"TR_CHECK(tr_linalg::cholesky(ctx, {_flag(node.op.lower)}, {X.name}, {Z.name}));")


@register_lowering(slinalg_lu.LUFactor)
def lower_lu_factor(lc, node):
    (x,), (packed, pivots) = node.inputs, node.outputs
    X = lc.buffer(x)
    _start(lc, X)
    LU = lc.alloc(packed, f"{X.name}.shape")
    P = lc.alloc(pivots, f"{X.name}.shape")  # the lengths but the last
    lc.emit(f"TR_CHECK(tr_linalg::lu_factor_rows(ctx, {X.name}, {LU.name}, {P.name}));")


@register_lowering(slinalg_lu.PivotToPermutation)
def lower_pivot_to_permutation(lc, node):
    (piv,), (out,) = node.inputs, node.outputs
    lc.use_runtime("extra_ops")
    P = lc.buffer(piv)
    O = lc.alloc(out, f"{P.name}.shape")
    n = piv.ndim
    lc.emit(f"if (const int64_t bad = xo::pivots_to_permutation({P.name}, {O.name}, {_flag(node.op.inverse)}); "
            f"bad >= 0) "
            + lc.fail("index", "pivot_to_permutation: pivot %lld of row %lld is out of range for %lld rows",
                      f"(long long)({P.name}.data[xo::element_offset<{n}>({P.name}.shape, {P.name}.strides, bad)])",
                      f"(long long)(bad % {P.name}.shape[{n - 1}])", f"(long long){P.name}.shape[{n - 1}]"))


@register_lowering(nlinalg_decomp.Eigh)
def lower_eigh(lc, node):
    (x,), outs = node.inputs, node.outputs
    X = lc.buffer(x)
    _start(lc, X)
    W = lc.alloc(outs[0], f"{X.name}.shape")  # the first entry: n
    V = lc.alloc(outs[1], f"{X.name}.shape") if len(outs) > 1 else None
    vectors = f"&{V.name}" if V is not None else f"static_cast<const tr::Array<{W.ctype}, 2>*>(nullptr)"
    lc.emit(f"TR_CHECK(tr_linalg::eigh(ctx, {_flag(node.op.UPLO == 'L')}, {X.name}, {W.name}, {vectors}));")


@register_lowering(nlinalg_decomp.SVD)
def lower_svd(lc, node):
    (x,), outs = node.inputs, node.outputs
    X = lc.buffer(x)
    lc.need("blas")
    lc.need("lapack")
    lc.use_runtime("linalg_svd_expm")
    nd, full = x.ndim, node.op.full_matrices
    lead = [f"{X.name}.shape[{d}]" for d in range(nd - 2)]
    m, n = f"{X.name}.shape[{nd - 2}]", f"{X.name}.shape[{nd - 1}]"
    k = f"std::min({m}, {n})"
    shapes = {"s": lead + [k], "u": lead + [m, m if full else k], "vh": lead + [n if full else k, n]}
    for name, dims in shapes.items():
        lc.emit(f"const int64_t svd_{name}_[{len(dims)}] = {{{', '.join(dims)}}};")
    if node.op.compute_uv:
        U, S, V = lc.alloc(outs[0], "svd_u_"), lc.alloc(outs[1], "svd_s_"), lc.alloc(outs[2], "svd_vh_")
        vectors = f"&{U.name}, &{V.name}"
    else:
        S = lc.alloc(outs[0], "svd_s_")
        null = f"static_cast<const tr::Array<{S.ctype}, {nd}>*>(nullptr)"
        vectors = f"{null}, {null}"
    lc.emit(f"TR_CHECK(tr_linalg::svd(ctx, {_flag(full)}, {X.name}, {S.name}, {vectors}));")


@register_lowering(nlinalg.MatrixPinv)
def lower_pinv(lc, node):
    (x,), (out,) = node.inputs, node.outputs
    X = lc.buffer(x)
    lc.need("blas")
    lc.need("lapack")
    lc.use_runtime("linalg_svd_expm")
    lc.emit(f"const int64_t pinv_shape_[2] = {{{X.name}.shape[1], {X.name}.shape[0]}};")
    Z = lc.alloc(out, "pinv_shape_")
    lc.emit(f"TR_CHECK(tr_linalg::pinv(ctx, {node.op.rcond!r}, {X.name}, {Z.name}));")


@register_lowering(slinalg.Expm)
def lower_expm(lc, node):
    (x,), (out,) = node.inputs, node.outputs
    X = lc.buffer(x)
    _start(lc, X)
    Z = lc.alloc(out, f"{X.name}.shape")
    lc.emit(f"TR_CHECK(tr_linalg::expm(ctx, {X.name}, {Z.name}));")


def _diagonal(op, base, ndim):
    """(shape, strides, offset) C++ expressions of the diagonal of `base` (an ndim-d buffer)
    that ExtractDiag(op.offset, op.axis1, op.axis2) reads."""
    a1, a2 = _axes(str(op), op.axis1, op.axis2, ndim)
    k, name = op.offset, base.name
    rest = [d for d in range(ndim) if d not in (a1, a2)]
    length = (f"std::max<int64_t>(0, std::min<int64_t>({name}.shape[{a1}] - {max(-k, 0)}, "
              f"{name}.shape[{a2}] - {max(k, 0)}))")
    shape = [f"{name}.shape[{d}]" for d in rest] + [length]
    strides = [f"{name}.strides[{d}]" for d in rest] + [f"{name}.strides[{a1}] + {name}.strides[{a2}]"]
    offset = f"{k} * {name}.strides[{a2}]" if k >= 0 else f"{-k} * {name}.strides[{a1}]"
    return shape, strides, offset


@register_lowering(ExtractDiag)
def lower_extract_diag(lc, node):
    (x,), (out,) = node.inputs, node.outputs
    X = lc.buffer(x)
    shape, strides, offset = _diagonal(node.op, X, x.ndim)
    lc.view(out, x, shape, strides, offset)


def _scatter_into(lc, Z, V, op):
    """Z = 0 with V on the diagonal op describes (the shapes must agree)."""
    shape, strides, offset = _diagonal(op, Z, Z.ndim)
    n = V.ndim
    lc.emit(f"std::fill({Z.name}.data, {Z.name}.data + tr::numel({Z.name}), {Z.ctype}(0));",
            f"const tr::Array<{Z.ctype}, {n}> diag_ = {{{Z.name}.data + ({offset}), {{{', '.join(shape)}}}, "
            f"{{{', '.join(strides)}}}}};",
            f"if (!std::equal(diag_.shape, diag_.shape + {n}, {V.name}.shape)) "
            + lc.fail("value", "%s: values of shape %s do not fit the diagonal of shape %s", lc.label(),
                      f"tr::shape_text({V.name}.shape, {n}).text", f"tr::shape_text(diag_.shape, {n}).text"),
            *lc.copy(lc.local("diag_", Z, V.broadcastable), V))


@register_lowering(DiagonalScatter)
def lower_diagonal_scatter(lc, node):
    (x, values), (out,) = node.inputs, node.outputs
    X, V = lc.buffer(x), lc.buffer(values)
    Z = lc.alloc(out, f"{X.name}.shape")
    _scatter_into(lc, Z, V, node.op)


@register_lowering(AllocDiag)
def lower_alloc_diag(lc, node):
    (x,), (out,) = node.inputs, node.outputs
    op = node.op
    X = lc.buffer(x)
    a1, a2 = _axes(str(op), op.axis1, op.axis2, out.ndim)
    rest = iter(range(x.ndim - 1))
    size = f"{X.name}.shape[{x.ndim - 1}] + {abs(op.offset)}"
    dims = [size if d in (a1, a2) else f"{X.name}.shape[{next(rest)}]" for d in range(out.ndim)]
    lc.emit(f"const int64_t diag_shape_[{out.ndim}] = {{{', '.join(dims)}}};")
    Z = lc.alloc(out, "diag_shape_")
    _scatter_into(lc, Z, X, op)

