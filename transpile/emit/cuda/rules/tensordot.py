"""Contractions on the GPU through cuBLAS (float32, float64, one dtype): `TensorDot` (with or without
its batch axis) and `BatchedDot`, each one strided-batched gemm (`tr::cu::gemm_batched`,
templates/cuda/blas.cuh; a batch of one without a batch axis). As in the C++ rule
(cpp/rules/tensordot.py), each operand is viewed with its dims permuted (batch, then rows, then
cols) and each group merged into one strided dim (`ix::merge`); when they do not merge, or the
merged matrix is not one cuBLAS reads (no unit stride, a negative batch stride), it is first
copied into a contiguous GPU temporary in that order. The output is C-contiguous."""
from transpile.emit.cpp.rules.tensordot import contraction_sizes
from transpile.emit.cuda.rules.blas import _floats
from transpile.emit.registry import register_lowering
from transpile.tensor.blas_batched import BatchedDot
from transpile.tensor.blas_tensordot import TensorDot


def _operand(lc, var, name, dims, split, batch, rows, cols):
    """Emit `name`: `var` with dims (batch dim first, then `dims`) read as a batch of rows x cols
    matrices with strides {name}r_, {name}c_ and batch stride {name}b_, in a form cuBLAS takes."""
    buf = lc.buffer(var)
    order = ([0] if batch else []) + list(dims)
    nb, n = int(batch), len(order)
    lo, mid = nb, nb + split
    view = lc.local(name, buf, [var.broadcastable[d] for d in order])
    joined = lambda f: "{" + ", ".join(f"{buf.name}.{f}[{d}]" for d in order) + "}"  # noqa: E731
    merged = (f"ix::merge({name}.shape, {name}.strides, {lo}, {mid}, &{name}r_) && "
              f"ix::merge({name}.shape, {name}.strides, {mid}, {n}, &{name}c_)")
    batch_stride = f"{name}.strides[0]" if batch else "0"
    lc.emit(f"{view.decl} {name} = {{{buf.name}.data, {joined('shape')}, {joined('strides')}}};",
            f"int64_t {name}r_ = 0, {name}c_ = 0;",
            f"if (!({merged}) || !tr::cu::blas_layout({rows}, {cols}, {name}r_, {name}c_) || {batch_stride} < 0) {{")
    tmp = lc.temp(var.dtype, (False,) * n, f"{name}.shape", "contiguous")
    lc.emit(*["  " + line for line in lc.copy(tmp, view)])
    lc.emit(f"  {name} = {tmp.name};", f"  {merged};", "}",
            f"const int64_t {name}b_ = {batch_stride};")
    return buf


def _gemm_batched_function(lc, dtype):
    """`gemm_batched_<dtype>(ctx, batch, m, n, k, a, ar, ac, ab, b, br, bc, bb, c)`: one per dtype."""
    ctype = {"float32": "float", "float64": "double"}[dtype]
    lc.need("cublas")
    return lc.device_function(
        f"gemm_batched_{dtype}",
        ("int64_t batch", "int64_t m", "int64_t n", "int64_t k", f"const {ctype}* a", "int64_t ar", "int64_t ac",
         "int64_t ab", f"const {ctype}* b", "int64_t br", "int64_t bc", "int64_t bb", f"{ctype}* c"),
        (f"return tr::cu::gemm_batched<{ctype}>(ctx, batch, m, n, k, tr::cu::Mat<{ctype}>{{a, ar, ac}}, ab, "
         f"tr::cu::Mat<{ctype}>{{b, br, bc}}, bb, c);",), context=True)


def contract(lc, node, a_rows, a_cols, b_rows, b_cols, batch):
    """out[batch?, a_rows..., b_cols...] = sum over the paired a_cols/b_rows of a * b."""
    (a, b), (out,) = node.inputs, node.outputs
    A = lc.name(a)
    lc.use_runtime("merge")
    lengths = contraction_sizes(lc, node, a_rows, a_cols, b_rows, b_cols, batch)  # the C++ rule's checks
    _operand(lc, a, "ma_", list(a_rows) + list(a_cols), len(a_rows), batch, "m_", "k_")
    _operand(lc, b, "mb_", list(b_rows) + list(b_cols), len(b_rows), batch, "k_", "n_")
    if lengths:
        lc.emit(f"const int64_t shape_[{len(lengths)}] = {{{', '.join(lengths)}}};")
    dst = lc.alloc(out, "shape_" if lengths else "nullptr")
    call = _gemm_batched_function(lc, out.dtype)
    lc.emit(call(f"{A}.shape[0]" if batch else "1", "m_", "n_", "k_", "ma_.data", "ma_r_", "ma_c_", "ma_b_",
                 "mb_.data", "mb_r_", "mb_c_", "mb_b_", f"{dst.name}.data"))


@register_lowering(TensorDot, target="cuda", when=_floats)
def lower_tensordot(lc, node):
    op = node.op
    a, b = node.inputs
    free_a, free_b = op._free(a.ndim, op.axes_a), op._free(b.ndim, op.axes_b)
    contract(lc, node, free_a, op.axes_a, op.axes_b, free_b, op.batch)


@register_lowering(BatchedDot, target="cuda", when=_floats)
def lower_batched_dot(lc, node):
    contract(lc, node, [1], [2], [1], [2], True)
