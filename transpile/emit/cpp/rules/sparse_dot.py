"""Sparse products and sums: `StructuredDot` (csr: one output row per line, rows split across
threads; csc: each line scattered, threads split the output columns), `StructuredDotGradA`
(one dot product per stored entry), `SpSum` (per line, scattered, or everything), `TrueDot`
(through a dense product)."""
from transpile.emit.registry import register_lowering
from transpile.emit.cpp.rules.sparse_common import csr_flag, declare_dims, setup, vector
from transpile.sparse.basic import is_sparse_variable
from transpile.sparse.dot import StructuredDot, StructuredDotGradA
from transpile.sparse.products import TrueDot
from transpile.sparse.reduce import SpSum


def _matrix_operand(lc, var):
    """(name, stride 0, stride 1, columns) of a dense vector or matrix read as a matrix."""
    s = lc.name(var)
    if var.ndim == 1:
        return s, f"{s}.strides[0]", "0", "int64_t(1)"
    return s, f"{s}.strides[0]", f"{s}.strides[1]", f"{s}.shape[1]"


@register_lowering(StructuredDot)
def lower_structured_dot(lc, node):
    setup(lc, node)
    (a, b), (out,) = node.inputs, node.outputs
    sb = lc.sparse(a)
    dims = declare_dims(lc, sb)
    bn, b0, b1, n = _matrix_operand(lc, b)
    lc.emit(f"if ({bn}.shape[0] != {dims['cols']}) "
            + lc.fail("value", "structured_dot: shapes (%lld, %lld) and %s are not aligned (%lld != %lld)",
                      f"(long long){dims['rows']}", f"(long long){dims['cols']}",
                      f"tr::shape_text({bn}.shape, {b.ndim}).text", f"(long long){dims['cols']}",
                      f"(long long){bn}.shape[0]"),
            f"const int64_t n_ = {n};",
            f"const int64_t shape_[2] = {{{dims['rows']}, n_}};")
    dst = lc.alloc(out, "shape_")
    parts = f"{sb.data.name}.data, {sb.indices.name}.data, {sb.indptr.name}.data"
    if sb.format == "csr":
        lc.emit(f"sp::dot_csr({parts}, {dims['rows']}, {bn}.data, {b0}, {b1}, n_, {dst.name}.data);")
    else:
        lc.emit(f"sp::dot_csc({parts}, {dims['cols']}, {dims['rows']}, {bn}.data, {b0}, {b1}, n_, {dst.name}.data);")


@register_lowering(StructuredDotGradA)
def lower_structured_dot_grad_a(lc, node):
    setup(lc, node)
    (a, b, gz), (out,) = node.inputs, node.outputs
    sb = lc.sparse(a)
    dims = declare_dims(lc, sb)
    bn, b0, b1, n = _matrix_operand(lc, b)
    gn, g0, g1, _ = _matrix_operand(lc, gz)
    checks = [f"{gn}.shape[0] != {dims['rows']}", f"{bn}.shape[0] != {dims['cols']}"]
    if b.ndim == 2:
        checks.append(f"{gn}.shape[1] != {bn}.shape[1]")
    lc.emit(f"if ({' || '.join(checks)}) "
            + lc.fail("value", "%s: gz of shape %s and b of shape %s do not match a sparse matrix of shape (%lld, %lld)",
                      lc.label(), f"tr::shape_text({gn}.shape, {gz.ndim}).text", f"tr::shape_text({bn}.shape, {b.ndim}).text",
                      f"(long long){dims['rows']}", f"(long long){dims['cols']}"))
    data = vector(lc, out.dtype, dims["nnz"], "data")
    lc.emit(f"sp::dot_grad_a({sb.indices.name}.data, {sb.indptr.name}.data, {dims['major']}, {csr_flag(sb)}, {bn}.data, "
            f"{b0}, {b1}, {gn}.data, {g0}, {g1}, {n}, {data.name}.data);")
    lc.bind_sparse(out, data, sb.indices, sb.indptr, sb.shape)


@register_lowering(SpSum)
def lower_sp_sum(lc, node):
    setup(lc, node)
    (x,), (out,) = node.inputs, node.outputs
    sb = lc.sparse(x)
    dims = declare_dims(lc, sb)
    d = f"{sb.data.name}.data"
    if node.op.axis is None:
        dst = lc.alloc(out, "nullptr")
        lc.emit(f"{dst.name}.data[0] = tr::fold({dst.ctype}(0), {d}, 1, {dims['nnz']}, tr::Add());")
        return
    # axis 0 sums each column: a csc matrix's lines; axis 1 each row: a csr matrix's lines
    along_lines = (node.op.axis == 0) == (sb.format == "csc")
    length = dims["major"] if along_lines else dims["minor"]
    lc.emit(f"const int64_t shape_[1] = {{{length}}};")
    dst = lc.alloc(out, "shape_")
    if along_lines:
        lc.emit(f"sp::sum_lines({d}, {sb.indptr.name}.data, {dims['major']}, {dst.name}.data);")
    else:
        lc.emit(f"std::fill({dst.name}.data, {dst.name}.data + {length}, {dst.ctype}(0));",
                f"sp::sum_minor({d}, {sb.indices.name}.data, {dims['nnz']}, {dst.name}.data);")


@register_lowering(TrueDot)
def lower_true_dot(lc, node):
    """The product through a dense (rows x n) temporary (a sparse y densified first), then
    compressed like SparseFromDense: sorted lines, no zeros, as the reference."""
    setup(lc, node)
    (x, y), (out,) = node.inputs, node.outputs
    sb = lc.sparse(x)
    dims = declare_dims(lc, sb)
    if is_sparse_variable(y):
        sy = lc.sparse(y)
        dy = declare_dims(lc, sy, "y")
        lc.emit(f"const int64_t yshape_[2] = {{{dy['rows']}, {dy['cols']}}};")
        dense_y = lc.temp(out.dtype, (False, False), "yshape_", "y")
        lc.emit(f"std::fill({dense_y.name}.data, {dense_y.name}.data + {dy['rows']} * {dy['cols']}, {dense_y.ctype}(0));",
                f"sp::add_to_dense({sy.data.name}.data, {sy.indices.name}.data, {sy.indptr.name}.data, {dy['major']}, "
                f"{csr_flag(sy)}, {dense_y.name}.data, {dy['cols']}, 1);")
        bn, b0, b1, n, k = dense_y.name, dy["cols"], "1", dy["cols"], dy["rows"]
    else:
        bn, b0, b1, n = _matrix_operand(lc, y)
        k = f"{bn}.shape[0]"
    lc.emit(f"if ({k} != {dims['cols']}) "
            + lc.fail("value", "true_dot: shapes (%lld, %lld) and (%lld, %lld) are not aligned", f"(long long){dims['rows']}",
                      f"(long long){dims['cols']}", f"(long long){k}", f"(long long){n}"),
            f"const int64_t n_ = {n};",
            f"const int64_t pshape_[2] = {{{dims['rows']}, n_}};")
    prod = lc.temp(out.dtype, (False, False), "pshape_", "prod")
    parts = f"{sb.data.name}.data, {sb.indices.name}.data, {sb.indptr.name}.data"
    if sb.format == "csr":
        lc.emit(f"sp::dot_csr({parts}, {dims['rows']}, {bn}.data, {b0}, {b1}, n_, {prod.name}.data);")
    else:
        lc.emit(f"sp::dot_csc({parts}, {dims['cols']}, {dims['rows']}, {bn}.data, {b0}, {b1}, n_, {prod.name}.data);")
    csr = out.type.format == "csr"
    major, minor, sm, sn = ("rows_", "n_", "n_", "1") if csr else ("n_", "rows_", "1", "n_")
    lc.emit("if (n_ > sp::kIndexMax) " + lc.fail("value", "true_dot: a result with %lld columns is too large for int32 "
                                                 "indices", "(long long)n_"))
    indptr = vector(lc, "int32", f"{major} + 1", "indptr")
    lc.emit(f"if (!sp::count_dense({prod.name}.data, {sm}, {sn}, {major}, {minor}, {indptr.name}.data)) "
            + lc.fail("value", "true_dot: more than 2**31 - 1 nonzeros (int32 indices)"),
            f"const int64_t out_nnz_ = {indptr.name}.data[{major}];")
    data, indices = vector(lc, out.dtype, "out_nnz_", "data"), vector(lc, "int32", "out_nnz_", "indices")
    shape = vector(lc, "int64", "2", "shape")
    lc.emit(f"sp::fill_from_dense({prod.name}.data, {sm}, {sn}, {major}, {minor}, {indptr.name}.data, {data.name}.data, "
            f"{indices.name}.data);",
            f"{shape.name}.data[0] = rows_;", f"{shape.name}.data[1] = n_;")
    lc.bind_sparse(out, data, indices, indptr, shape)
