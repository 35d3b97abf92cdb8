"""`Unique` (numpy.unique, with or without an axis; kernels in templates/runtime/unique.h): the
input is copied as n contiguous rows (the slices along the axis, or single elements), the rows
are sorted stably and grouped, then the outputs are allocated with the number of groups found
at run time. The distinct rows come back to the output through a view in the input's dim order.
"""
from transpile.emit.registry import register_lowering
from transpile.tensor.counting import Unique


@register_lowering(Unique)
def lower_unique(lc, node):
    (x,), op = node.inputs, node.op
    lc.use_runtime("sort")
    if x.dtype.startswith("complex"):
        lc.use_runtime("sort_complex")
    lc.use_runtime("unique")
    src = lc.buffer(x)
    nd = x.ndim
    axis = op.axis
    moved = list(range(nd)) if axis is None else [axis] + [d for d in range(nd) if d != axis]
    shape = [f"{src.name}.shape[{d}]" for d in moved]
    if nd == 0:
        lc.emit("const int64_t rows_shape_[1] = {1};", "const int64_t n_ = 1, L_ = 1;")
        rows = lc.temp(x.dtype, (False,), "rows_shape_", "rows")
        lc.emit(f"{rows.name}.data[0] = {src.name}.data[0];")
    else:
        lc.emit(f"const int64_t rows_shape_[{nd}] = {{{', '.join(shape)}}};",
                f"const int64_t total_ = tr::numel(rows_shape_, {nd});",
                f"const int64_t n_ = {'total_' if axis is None else f'{src.name}.shape[{axis}]'};",
                "const int64_t L_ = n_ ? total_ / n_ : 1;")
        rows = lc.temp(x.dtype, [False] * nd, "rows_shape_", "rows")
        position = {d: i for i, d in enumerate(moved)}
        lc.emit(f"const {rows.decl} rows_in_x_order_ = {{{rows.name}.data, "
                f"{{{', '.join(f'{src.name}.shape[{d}]' for d in range(nd))}}}, "
                f"{{{', '.join(f'{rows.name}.strides[{position[d]}]' for d in range(nd))}}}}};",
                f"tr::copy(rows_in_x_order_, {src.name});")
    lc.emit("const int64_t n_shape_[1] = {n_};")
    order = lc.temp("int64", (False,), "n_shape_", "order")
    lc.emit(f"const int64_t groups_ = xu::sort_and_count({rows.name}.data, n_, L_, {order.name}.data);")
    values_out, *extra_outs = node.outputs
    if axis is None:
        lc.emit("const int64_t groups_shape_[1] = {groups_};")
        values = lc.alloc(values_out, "groups_shape_")
        values_data = f"{values.name}.data"
    else:
        lc.emit(f"int64_t values_shape_[{nd}] = {{{', '.join(f'{src.name}.shape[{d}]' for d in range(nd))}}};",
                f"values_shape_[{axis}] = groups_;",
                f"int64_t moved_values_shape_[{nd}] = {{{', '.join(shape)}}};",
                "moved_values_shape_[0] = groups_;")
        values = lc.alloc(values_out, "values_shape_")
        packed = lc.temp(x.dtype, [False] * nd, "moved_values_shape_", "packed")
        values_data = f"{packed.name}.data"
    lc.emit("const int64_t groups_shape1_[1] = {groups_};")
    pointers = {}
    flags = [f for f in ("return_index", "return_inverse", "return_counts") if getattr(op, f)]
    for flag, out in zip(flags, extra_outs):
        buf = lc.alloc(out, "n_shape_" if flag == "return_inverse" else "groups_shape1_")
        pointers[flag] = f"{buf.name}.data"
    lc.emit(f"xu::fill({rows.name}.data, n_, L_, {order.name}.data, {values_data}, "
            + ", ".join(pointers.get(f, "static_cast<int64_t*>(nullptr)")
                        for f in ("return_index", "return_inverse", "return_counts")) + ");")
    if axis is not None:
        lc.emit(f"const {values.decl} values_moved_ = {{{values.name}.data, {{{', '.join(f'moved_values_shape_[{i}]' for i in range(nd))}}}, "
                f"{{{', '.join(f'{values.name}.strides[{d}]' for d in moved)}}}}};",
                f"tr::copy(values_moved_, {packed.name});")
