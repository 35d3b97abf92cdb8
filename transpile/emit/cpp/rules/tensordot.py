"""Contractions as matrix products: `TensorDot` (numpy.tensordot, and its batched form) and
`BatchedDot`. Each operand is viewed, with its dims permuted, as a matrix (rows: the free
dims of a / the summed dims of b; cols: the other group) when each group's strides let it
merge into one; otherwise it is first copied into a contiguous temporary in that order. Then
one `tr::product` per batch entry (a CBLAS gemm when the dtypes and layout allow, the built-in
kernel otherwise: rules/blas.py) writes into the C-contiguous output."""
from transpile.emit.registry import register_lowering
from transpile.tensor.blas_batched import BatchedDot
from transpile.tensor.blas_tensordot import TensorDot


def _matrix(lc, var, name, dims, split, batch):
    """Emit `name`: a permuted view of `var` (batch dim first, then `dims`) with the merged
    strides {name}r_ (dims[:split]) and {name}c_ (dims[split:]); copied contiguously first when
    they do not merge."""
    buf = lc.buffer(var)
    order = ([0] if batch else []) + list(dims)
    nb, n = int(batch), len(order)
    lo, mid = nb, nb + split
    view = lambda f: "{" + ", ".join(f"{buf.name}.{f}[{d}]" for d in order) + "}"  # noqa: E731
    merged = (f"ix::merge({name}.shape, {name}.strides, {lo}, {mid}, &{name}r_) && "
              f"ix::merge({name}.shape, {name}.strides, {mid}, {n}, &{name}c_)")
    lc.emit(f"tr::Array<{buf.ctype}, {n}> {name} = {{{buf.name}.data, {view('shape')}, {view('strides')}}};",
            f"int64_t {name}r_ = 0, {name}c_ = 0;",
            f"if (!({merged})) {{")
    tmp = lc.temp(var.dtype, (False,) * n, f"{name}.shape", "contiguous")
    lc.emit(f"  tr::copy({tmp.name}, {name});", f"  {name} = {tmp.name};", f"  {merged};", "}")
    return buf


def contraction_sizes(lc, node, a_rows, a_cols, b_rows, b_cols, batch):
    """Lines checking that the paired dims (and the batch) agree, and of the sizes `m_`, `n_`, `k_`
    of the product; returns the output's lengths (C++ expressions)."""
    a, b = node.inputs
    A, B = lc.name(a), lc.name(b)
    pairs = [(f"{A}.shape[{i}]", f"{B}.shape[{j}]") for i, j in zip(a_cols, b_rows)]
    if batch:
        pairs.insert(0, (f"{A}.shape[0]", f"{B}.shape[0]"))
    if pairs:
        lc.emit(f"if ({' || '.join(f'{p} != {q}' for p, q in pairs)}) "
                + lc.fail("value", "%s: shapes %s and %s do not match (not aligned)", lc.label(),
                          f"tr::shape_text({A}.shape, {a.ndim}).text", f"tr::shape_text({B}.shape, {b.ndim}).text"))
    lengths = ([f"{A}.shape[0]"] if batch else []) + [f"{A}.shape[{d}]" for d in a_rows] + \
        [f"{B}.shape[{d}]" for d in b_cols]
    prod = lambda xs: " * ".join(xs) or "1"  # noqa: E731
    lc.emit(f"const int64_t m_ = {prod([f'{A}.shape[{d}]' for d in a_rows])}, "
            f"n_ = {prod([f'{B}.shape[{d}]' for d in b_cols])}, k_ = {prod([f'{A}.shape[{d}]' for d in a_cols])};")
    return lengths


def contract(lc, node, a_rows, a_cols, b_rows, b_cols, batch):
    """out[batch?, a_rows..., b_cols...] = sum over the paired a_cols/b_rows of a * b."""
    (a, b), (out,) = node.inputs, node.outputs
    A = lc.name(a)
    lc.use_runtime("merge")
    lc.need("blas")
    lengths = contraction_sizes(lc, node, a_rows, a_cols, b_rows, b_cols, batch)
    abuf = _matrix(lc, a, "ma_", list(a_rows) + list(a_cols), len(a_rows), batch)
    bbuf = _matrix(lc, b, "mb_", list(b_rows) + list(b_cols), len(b_rows), batch)
    if lengths:
        lc.emit(f"const int64_t shape_[{len(lengths)}] = {{{', '.join(lengths)}}};")
    dst = lc.alloc(out, "shape_" if lengths else "nullptr")
    nb = f"{A}.shape[0]" if batch else "1"
    sa, sb = ("ma_.strides[0]", "mb_.strides[0]") if batch else ("0", "0")
    lc.emit(f"for (int64_t b_ = 0; b_ < {nb}; ++b_) {{",
            f"  tr::product<{dst.ctype}>(m_, n_, k_, 1, tr::Mat<{abuf.ctype}>{{ma_.data + b_ * {sa}, ma_r_, ma_c_}}, "
            f"tr::Mat<{bbuf.ctype}>{{mb_.data + b_ * {sb}, mb_r_, mb_c_}}, 0, {dst.name}.data + b_ * m_ * n_, n_, 1);",
            "}")


@register_lowering(TensorDot)
def lower_tensordot(lc, node):
    op = node.op
    a, b = node.inputs
    free_a, free_b = op._free(a.ndim, op.axes_a), op._free(b.ndim, op.axes_b)
    contract(lc, node, free_a, op.axes_a, op.axes_b, free_b, op.batch)


@register_lowering(BatchedDot)
def lower_batched_dot(lc, node):
    contract(lc, node, [1], [2], [1], [2], True)
