"""Making and converting sparse values: `CSM` (parts -> matrix, fully checked: the parts may
come from the caller), `CSMProperties` (views of the parts), `CSMGrad` (both
structures checked, then g's values gathered at x's positions), `Transpose` (shares the parts,
swaps the shape), `AsFormat` (a counting sort, like scipy), `DenseFromSparse`, `SparseFromDense`.
"""
from transpile.emit.registry import register_lowering
from transpile.emit.cpp.rules.sparse_common import csr_flag, declare_dims, oriented, setup, vector
from transpile.sparse.basic import AsFormat, DenseFromSparse, SparseFromDense, Transpose
from transpile.sparse.csm import CSM, CSMGrad, CSMProperties
from transpile.graph.basic import Constant


def _contiguous(lc, var, hint):
    """A unit-stride part holding `var` (a 1-d input): `var` itself, or a copy if strided."""
    src = lc.buffer(var)
    if isinstance(var, Constant):
        return src
    s = src.name
    lc.emit(f"const bool {hint}_c_ = {s}.shape[0] <= 1 || {s}.strides[0] == 1;")
    tmp = vector(lc, var.dtype, f"{hint}_c_ ? 0 : {s}.shape[0]", hint)
    lc.emit(f"if (!{hint}_c_) tr::copy({tmp.name}, {s});")
    return lc.part_view(src, f"{s}.shape[0]", data=f"({hint}_c_ ? {s}.data : {tmp.name}.data)", aliases=(tmp,),
                        hint=hint)


@register_lowering(CSM)
def lower_csm(lc, node):
    setup(lc, node)
    data, indices, indptr, shape = node.inputs
    sh = lc.name(shape)
    lc.emit(f"if ({sh}.shape[0] != 2) "
            + lc.fail("value", "%s: shape must have 2 entries, got %lld", lc.label(), f"(long long){sh}.shape[0]"))
    d, i, p = (_contiguous(lc, v, h) for v, h in ((data, "data"), (indices, "indices"), (indptr, "indptr")))
    csr = "true" if node.op.format == "csr" else "false"
    lc.emit(f"TR_CHECK(sp::check(ctx, {lc.label()}, {sh}.data[0], {sh}.data[{sh}.strides[0]], {csr}, {d.name}.shape[0], "
            f"{i.name}.data, {i.name}.shape[0], {p.name}.data, {p.name}.shape[0]));")
    lc.bind_sparse(node.outputs[0], d, i, p, lc.buffer(shape))


@register_lowering(CSMGrad)
def lower_csm_grad(lc, node):
    setup(lc, node)
    xd, xi, xp, xs, gd, gi, gp, gs = node.inputs
    x_shape, g_shape = lc.name(xs), lc.name(gs)
    lc.emit(f"if ({x_shape}.shape[0] != 2 || {g_shape}.shape[0] != 2 || {x_shape}.data[0] != {g_shape}.data[0] || "
            f"{x_shape}.data[{x_shape}.strides[0]] != {g_shape}.data[{g_shape}.strides[0]]) "
            + lc.fail("value", "%s: the gradient's shape differs from x's", lc.label()),
            f"const int64_t rows_ = {x_shape}.data[0], cols_ = {x_shape}.data[{x_shape}.strides[0]];")
    parts = [_contiguous(lc, v, h) for v, h in ((xi, "x_indices"), (xp, "x_indptr"), (gd, "g_data"), (gi, "g_indices"),
                                                (gp, "g_indptr"))]
    i, p, d, gi_, gp_ = parts
    x_len = lc.name(xd)
    lc.emit(f"const bool csr_ = {p.name}.shape[0] == rows_ + 1;",
            f"TR_CHECK(sp::check(ctx, {lc.label()}, rows_, cols_, csr_, {x_len}.shape[0], {i.name}.data, {i.name}.shape[0], "
            f"{p.name}.data, {p.name}.shape[0]));",
            f"TR_CHECK(sp::check(ctx, {lc.label()}, rows_, cols_, csr_, {d.name}.shape[0], {gi_.name}.data, "
            f"{gi_.name}.shape[0], {gp_.name}.data, {gp_.name}.shape[0]));",
            "const int64_t major_ = csr_ ? rows_ : cols_, minor_ = csr_ ? cols_ : rows_;")
    out = node.outputs[0]
    lc.emit(f"const int64_t out_len_[1] = {{{x_len}.shape[0]}};")
    dst = lc.alloc(out, "out_len_")
    ws, stamp = vector(lc, out.dtype, "minor_", "ws"), vector(lc, "int64", "minor_", "stamp")
    lc.emit(f"sp::gather_sparse({i.name}.data, {p.name}.data, major_, minor_, {d.name}.data, {gi_.name}.data, "
            f"{gp_.name}.data, {ws.name}.data, {stamp.name}.data, {dst.name}.data);")


@register_lowering(CSMProperties)
def lower_csm_properties(lc, node):
    sb = lc.sparse(node.inputs[0])
    for out, part in zip(node.outputs, sb.parts()):
        lc.view(out, part, [f"{part.name}.shape[0]"], [f"{part.name}.strides[0]"])


@register_lowering(Transpose)
def lower_transpose(lc, node):
    sb = lc.sparse(node.inputs[0])
    s = sb.shape.name
    shape = lc.part_view(sb.shape, "2", stride=f"-{s}.strides[0]", data=f"{s}.data + {s}.strides[0]", hint="shape")
    lc.bind_sparse(node.outputs[0], sb.data, sb.indices, sb.indptr, shape)


@register_lowering(AsFormat)
def lower_as_format(lc, node):
    setup(lc, node)
    sb = lc.sparse(node.inputs[0])
    dims = declare_dims(lc, sb)
    data, indices, indptr = oriented(lc, sb, node.op.format, dims, "out")
    lc.bind_sparse(node.outputs[0], data, indices, indptr, sb.shape)


@register_lowering(DenseFromSparse)
def lower_dense_from_sparse(lc, node):
    setup(lc, node)
    sb = lc.sparse(node.inputs[0])
    dims = declare_dims(lc, sb)
    lc.emit(f"const int64_t shape_[2] = {{{dims['rows']}, {dims['cols']}}};")
    out = lc.alloc(node.outputs[0], "shape_")
    lc.emit(f"std::fill({out.name}.data, {out.name}.data + {dims['rows']} * {dims['cols']}, {out.ctype}(0));",
            f"sp::add_to_dense({sb.data.name}.data, {sb.indices.name}.data, {sb.indptr.name}.data, {dims['major']}, "
            f"{csr_flag(sb)}, {out.name}.data, {dims['cols']}, 1);")


@register_lowering(SparseFromDense)
def lower_sparse_from_dense(lc, node):
    setup(lc, node)
    (x,), (out,) = node.inputs, node.outputs
    src = lc.name(x)
    m, n = (0, 1) if node.op.format == "csr" else (1, 0)
    lc.emit(f"if ({src}.shape[0] > sp::kIndexMax || {src}.shape[1] > sp::kIndexMax) "
            + lc.fail("value", "%s: a matrix of shape %s is too large for int32 indices", lc.label(),
                      f"tr::shape_text({src}.shape, 2).text"),
            f"const int64_t major_ = {src}.shape[{m}], minor_ = {src}.shape[{n}];")
    indptr = vector(lc, "int32", "major_ + 1", "indptr")
    lc.emit(f"if (!sp::count_dense({src}.data, {src}.strides[{m}], {src}.strides[{n}], major_, minor_, {indptr.name}.data)) "
            + lc.fail("value", "%s: more than 2**31 - 1 nonzeros (int32 indices)", lc.label()),
            f"const int64_t nnz_ = {indptr.name}.data[major_];")
    data, indices = vector(lc, x.dtype, "nnz_", "data"), vector(lc, "int32", "nnz_", "indices")
    shape = vector(lc, "int64", "2", "shape")
    lc.emit(f"sp::fill_from_dense({src}.data, {src}.strides[{m}], {src}.strides[{n}], major_, minor_, {indptr.name}.data, "
            f"{data.name}.data, {indices.name}.data);",
            f"{shape.name}.data[0] = {src}.shape[0];", f"{shape.name}.data[1] = {src}.shape[1];")
    lc.bind_sparse(out, data, indices, indptr, shape)
