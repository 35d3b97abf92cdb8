"""`SortOp` and `ArgSortOp` along any axis (kernels in templates/runtime/sort.h): the lines along
the axis are sorted as contiguous rows, stably, NaN last. When the axis is not the last one the
rows are gathered into a scratch array with that axis last, sorted there, and copied back."""
from transpile.emit.registry import register_lowering
from transpile.tensor.sort import ArgSortOp, SortOp


@register_lowering(SortOp, ArgSortOp)
def lower_sort(lc, node):
    (x,), (out,) = node.inputs, node.outputs
    lc.use_runtime("sort")
    if x.dtype.startswith("complex"):
        lc.use_runtime("sort_complex")
    argsort = isinstance(node.op, ArgSortOp)
    src = lc.buffer(x)
    n, axis = x.ndim, node.op.axis
    lc.emit(f"const int64_t n_ = {src.name}.shape[{axis}];",
            f"const int64_t lines_ = n_ ? tr::numel({src.name}) / n_ : 0;")
    dst = lc.alloc(out, f"{src.name}.shape")
    if axis == n - 1:
        if argsort:
            lc.emit(f"xs::argsort_rows({dst.name}.data, {src.name}, {axis});")
        else:
            lc.emit(f"tr::copy({dst.name}, {src.name});", f"xs::sort_rows({dst.name}.data, lines_, n_);")
        return
    moved = [d for d in range(n) if d != axis] + [axis]
    lc.emit(f"const int64_t moved_shape_[{n}] = {{{', '.join(f'{src.name}.shape[{d}]' for d in moved)}}};")
    tmp = lc.temp(out.dtype, [x.broadcastable[d] for d in moved], "moved_shape_", "moved")
    position = {d: i for i, d in enumerate(moved)}
    lc.emit(f"const {tmp.decl} back_ = {{{tmp.name}.data, {{{', '.join(f'{src.name}.shape[{d}]' for d in range(n))}}}, "
            f"{{{', '.join(f'{tmp.name}.strides[{position[d]}]' for d in range(n))}}}}};")
    if argsort:
        lc.emit(f"xs::argsort_rows({tmp.name}.data, {src.name}, {axis});")
    else:
        lc.emit(f"tr::copy(back_, {src.name});", f"xs::sort_rows({tmp.name}.data, lines_, n_);")
    lc.emit(f"tr::copy({dst.name}, back_);")
