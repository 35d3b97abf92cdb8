"""Sums and products with sparse operands: `MulSD` (x's structure, y gathered at it), `AddSD`
(dense: y broadcast, then x added), `AddSS` / `MulSS` (scipy's binop: the union of the
structures, zeros dropped, lines sorted; the result in x's format)."""
from transpile.emit.registry import register_lowering
from transpile.emit.cpp.rules.sparse_common import (
    cast,
    csr_flag,
    declare_dims,
    dense_strides,
    map_parts,
    oriented,
    setup,
    vector,
)
from transpile.sparse.arith import AddSD, AddSS, MulSD, MulSS


@register_lowering(MulSD)
def lower_mul_sd(lc, node):
    setup(lc, node)
    (x, y), (out,) = node.inputs, node.outputs
    sb = lc.sparse(x)
    dims = declare_dims(lc, sb)
    y0, y1 = dense_strides(lc, y, dims["rows"], dims["cols"])
    g = vector(lc, out.dtype, dims["nnz"], "y")
    lc.emit(f"sp::gather_dense({sb.indices.name}.data, {sb.indptr.name}.data, {dims['major']}, {csr_flag(sb)}, "
            f"{lc.name(y)}.data, {y0}, {y1}, {g.name}.data);")
    data = vector(lc, out.dtype, dims["nnz"], "data")
    map_parts(lc, data, [sb.data, g], lambda v: ([], f"{cast(v[0], out.dtype)} * {v[1]}"))
    lc.bind_sparse(out, data, sb.indices, sb.indptr, sb.shape)


@register_lowering(AddSD)
def lower_add_sd(lc, node):
    setup(lc, node)
    (x, y), (out,) = node.inputs, node.outputs
    sb = lc.sparse(x)
    dims = declare_dims(lc, sb)
    y0, y1 = dense_strides(lc, y, dims["rows"], dims["cols"])
    lc.emit(f"const int64_t shape_[2] = {{{dims['rows']}, {dims['cols']}}};")
    dst = lc.alloc(out, "shape_")
    lc.emit(f"sp::broadcast_dense({dst.name}.data, {dims['rows']}, {dims['cols']}, {lc.name(y)}.data, {y0}, {y1});",
            f"sp::add_to_dense({sb.data.name}.data, {sb.indices.name}.data, {sb.indptr.name}.data, {dims['major']}, "
            f"{csr_flag(sb)}, {dst.name}.data, {dims['cols']}, 1);")


def _combine(lc, node, functor):
    setup(lc, node)
    (x, y), (out,) = node.inputs, node.outputs
    sx, sy = lc.sparse(x), lc.sparse(y)
    dx, dy = declare_dims(lc, sx, "x"), declare_dims(lc, sy, "y")
    lc.emit("if (rowsx_ != rowsy_ || colsx_ != colsy_) "
            + lc.fail("value", "%s: shapes differ: (%lld, %lld) and (%lld, %lld)", lc.label(), "(long long)rowsx_",
                      "(long long)colsx_", "(long long)rowsy_", "(long long)colsy_"),
            "if (nnzx_ + nnzy_ > sp::kIndexMax) "
            + lc.fail("value", "%s: more than 2**31 - 1 stored values (int32 indices)", lc.label()))
    yd, yi, yp = oriented(lc, sy, sx.format, dy, "y")
    major, minor = dx["major"], dx["minor"]
    wx, wy = vector(lc, out.dtype, minor, "wx"), vector(lc, out.dtype, minor, "wy")
    stamp, touched = vector(lc, "int64", minor, "stamp"), vector(lc, "int32", minor, "touched")
    indptr = vector(lc, "int32", f"{major} + 1", "indptr")
    indices, data = vector(lc, "int32", "nnzx_ + nnzy_", "indices"), vector(lc, out.dtype, "nnzx_ + nnzy_", "data")
    lc.emit(f"const int64_t nnz_ = sp::combine({major}, {minor}, {sx.data.name}.data, {sx.indices.name}.data, "
            f"{sx.indptr.name}.data, {yd.name}.data, {yi.name}.data, {yp.name}.data, {wx.name}.data, {wy.name}.data, "
            f"{stamp.name}.data, {touched.name}.data, {functor}(), {indptr.name}.data, {indices.name}.data, "
            f"{data.name}.data);")
    lc.bind_sparse(out, lc.part_view(data, "nnz_", hint="data"), lc.part_view(indices, "nnz_", hint="indices"),
                   indptr, sx.shape)


@register_lowering(AddSS)
def lower_add_ss(lc, node):
    _combine(lc, node, "sp::Plus")


@register_lowering(MulSS)
def lower_mul_ss(lc, node):
    _combine(lc, node, "sp::Times")
