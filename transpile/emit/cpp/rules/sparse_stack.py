"""Rules that rebuild a sparse matrix's storage: `HStack`/`VStack` (blocks oriented to the output
format, then their lines appended, or each line's pieces placed side by side), `Remove0` (stored
zeros dropped), `EnsureSortedIndices` (each line stably sorted; the line pointers are shared)."""
from transpile.emit.registry import register_lowering
from transpile.emit.cpp.rules.sparse_common import declare_dims, oriented, setup, vector
from transpile.sparse.stack import HStack
from transpile.sparse.tidy import EnsureSortedIndices, Remove0


@register_lowering(HStack)
def lower_stack(lc, node):
    """VStack is an HStack with axis 0."""
    setup(lc, node)
    op, out = node.op, node.outputs[0]
    along_lines = (op.axis == 0) == (op.format == "csr")  # the blocks' lines follow each other
    blocks = []
    for k, var in enumerate(node.inputs):
        sb = lc.sparse(var)
        dims = declare_dims(lc, sb, f"b{k}")
        parts = oriented(lc, sb, op.format, dims, f"b{k}")
        if sb.format != op.format:  # lines and line length in the output's orientation
            dims = dict(dims, major=dims["minor"], minor=dims["major"])
        blocks.append((dims, parts))
    stacked, kept = ("rows", "cols") if op.axis == 0 else ("cols", "rows")
    first = blocks[0][0]
    for k, (dims, _) in enumerate(blocks[1:], 1):
        lc.emit(f"if ({dims[kept]} != {first[kept]}) "
                + lc.fail("value", f"%s: block {k} has shape (%lld, %lld), block 0 (%lld, %lld): their "
                          f"{'rows' if kept == 'rows' else 'columns'} differ", lc.label(), f"(long long){dims['rows']}",
                          f"(long long){dims['cols']}", f"(long long){first['rows']}", f"(long long){first['cols']}"))
    total = " + ".join(dims[stacked] for dims, _ in blocks)
    nnz = " + ".join(dims["nnz"] for dims, _ in blocks)
    lc.emit(f"const int64_t stacked_ = {total}, out_nnz_ = {nnz};",
            "if (stacked_ > sp::kIndexMax || out_nnz_ > sp::kIndexMax) "
            + lc.fail("value", "%s: the result is too large for int32 indices", lc.label()))
    major = "stacked_" if along_lines else first["major"]
    indptr = vector(lc, "int32", f"{major} + 1", "indptr")
    indices, data = vector(lc, "int32", "out_nnz_", "indices"), vector(lc, out.dtype, "out_nnz_", "data")
    shape = vector(lc, "int64", "2", "shape")
    rows, cols = ("stacked_", first["cols"]) if op.axis == 0 else (first["rows"], "stacked_")
    lc.emit(f"{shape.name}.data[0] = {rows};", f"{shape.name}.data[1] = {cols};", f"{indptr.name}.data[0] = 0;")
    if along_lines:
        lc.emit("int64_t line_ = 0, at_ = 0;")
        for dims, (d, i, p) in blocks:
            lc.emit(f"sp::append_lines({dims['major']}, {d.name}.data, {i.name}.data, {p.name}.data, line_, at_, "
                    f"{indptr.name}.data, {indices.name}.data, {data.name}.data);",
                    f"line_ += {dims['major']};", f"at_ += {dims['nnz']};")
    else:
        cursor = vector(lc, "int64", major, "cursor")
        lc.emit(f"for (int64_t i = 0; i < {major}; ++i) {{",
                f"    int64_t n = 0;")
        for dims, (d, i, p) in blocks:
            lc.emit(f"    n += {p.name}.data[i + 1] - {p.name}.data[i];")
        lc.emit(f"    {cursor.name}.data[i] = {indptr.name}.data[i];",
                f"    {indptr.name}.data[i + 1] = int32_t({indptr.name}.data[i] + n);",
                "}",
                "int64_t offset_ = 0;")
        for dims, (d, i, p) in blocks:
            lc.emit(f"sp::append_across({major}, {d.name}.data, {i.name}.data, {p.name}.data, offset_, "
                    f"{cursor.name}.data, {indices.name}.data, {data.name}.data);",
                    f"offset_ += {dims['minor']};")
    lc.bind_sparse(out, data, indices, indptr, shape)


@register_lowering(Remove0)
def lower_remove0(lc, node):
    setup(lc, node)
    (x,), (out,) = node.inputs, node.outputs
    sb = lc.sparse(x)
    dims = declare_dims(lc, sb)
    indptr = vector(lc, "int32", f"{dims['major']} + 1", "indptr")
    indices, data = vector(lc, "int32", dims["nnz"], "indices"), vector(lc, out.dtype, dims["nnz"], "data")
    lc.emit(f"const int64_t kept_ = sp::remove_zeros({dims['major']}, {sb.data.name}.data, {sb.indices.name}.data, "
            f"{sb.indptr.name}.data, {indptr.name}.data, {indices.name}.data, {data.name}.data);")
    lc.bind_sparse(out, lc.part_view(data, "kept_", hint="data"), lc.part_view(indices, "kept_", hint="indices"),
                   indptr, sb.shape)


@register_lowering(EnsureSortedIndices)
def lower_ensure_sorted_indices(lc, node):
    setup(lc, node)
    (x,), (out,) = node.inputs, node.outputs
    sb = lc.sparse(x)
    dims = declare_dims(lc, sb)
    order = vector(lc, "int64", dims["nnz"], "order")
    indices, data = vector(lc, "int32", dims["nnz"], "indices"), vector(lc, out.dtype, dims["nnz"], "data")
    lc.emit(f"sp::sort_lines({dims['major']}, {sb.data.name}.data, {sb.indices.name}.data, {sb.indptr.name}.data, "
            f"{order.name}.data, {indices.name}.data, {data.name}.data);")
    lc.bind_sparse(out, data, indices, sb.indptr, sb.shape)
