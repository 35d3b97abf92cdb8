"""Sparse products and sums: `StructuredDot` (csr: one output row per line, rows split across
threads; csc: each line scattered, threads split the output columns), `StructuredDotGradA`
(one dot product per stored entry), `SpSum` (per line, scattered, or everything)."""
from transpile.emit.registry import register_lowering
from transpile.emit.cpp.rules.sparse_common import csr_flag, declare_dims, setup, vector
from transpile.sparse.dot import StructuredDot, StructuredDotGradA
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
