"""`AdvancedSubtensor1` (`x[ivec]`: rows) and `AdvancedIncSubtensor1` (`x[ivec] += y`, `= y`) on
the GPU. The indices are checked on the host, with the reference's IndexError. A gather copies
them to the GPU, where one kernel reads the rows (templates/cuda/index.cuh). A scatter sorts the
positions by row on the host (`tr::cu::row_runs`, transpile_cuda.h) and copies that plan to the
GPU, where one thread per (row, element) adds the row's increments in the order of the indices:
repeated indices accumulate deterministically, bit for bit as on the CPU (no atomics).

`AdvancedSubtensor` (any other key: several index arrays, slices, masks; Theano's
`log(p)[arange(n), y]`) is a gather of elements: the host walks the region as the CPU rule does
(its checks, its errors) over x's shape and strides and the host indices, writing each output
element's offset into x; the offsets are copied to the GPU, where one kernel reads them.
`AdvancedIncSubtensor` (its gradient) walks the region on the host the same way, sorts the
elements by their offset into x (`tr::cu::offset_runs`) and copies that plan to the GPU, where one
thread per element written adds its increments in the walk's order, bit for bit as on the CPU."""
from transpile.emit.cpp.rules.subtensor_advanced import gather_walk
from transpile.emit.cpp.rules.subtensor_inc import check_y, scatter_walk, start, y_strides
from transpile.emit.registry import register_lowering
from transpile.tensor.subtensor_advanced import AdvancedSubtensor, AdvancedSubtensor1
from transpile.tensor.subtensor_inc import AdvancedIncSubtensor, AdvancedIncSubtensor1


def _real(node):
    x = node.inputs[0]
    return x.ndim >= 1 and not x.dtype.startswith("complex")


def check_rows(lc, I, X, n):
    """IndexError unless every index of host buffer `I` is a row of `X` (rank n): [-rows, rows)."""
    lc.emit("long long max_ = 0, min_ = 0;",
            f"for (int64_t r = 0; r < {I.name}.shape[0]; ++r) {{",
            f"  const long long v_ = (long long){I.name}.data[r * {I.name}.strides[0]];",
            "  if (r == 0 || v_ > max_) max_ = v_;",
            "  if (r == 0 || v_ < min_) min_ = v_;",
            "}",
            f"if ({I.name}.shape[0] > 0 && (max_ >= (long long){X.name}.shape[0] || min_ < -(long long){X.name}.shape[0])) "
            + lc.fail("index", "index %lld is out of bounds for dim 0 with length %lld (indexing an array of shape %s)",
                      f"max_ >= (long long){X.name}.shape[0] ? max_ : min_", f"(long long){X.name}.shape[0]",
                      f"tr::shape_text({X.name}.shape, {n}).text"))


@register_lowering(AdvancedSubtensor1, target="cuda", host_inputs=(1,), when=_real)
def lower_advanced_subtensor1(lc, node):
    (x, ilist), (out,) = node.inputs, node.outputs
    X, I = lc.buffer(x), lc.buffer(ilist)
    n = x.ndim
    check_rows(lc, I, X, n)
    Id = lc.buffer(ilist, space="device")
    dims = [f"{I.name}.shape[0]"] + [f"{X.name}.shape[{d}]" for d in range(1, n)]
    lc.emit(f"const int64_t shape_[{n}] = {{{', '.join(dims)}}};")
    dst = lc.alloc(out, "shape_")
    lc.need("cuda_index")
    name = f"take_rows_{x.dtype}_{ilist.dtype}_{n}d"
    call = lc.device_function(name, (f"{dst.decl} out", f"{X.decl} x", f"{Id.decl} idx"),
                              ("return tr::cu::take_rows(stream, out, x, idx);",))
    lc.emit(call(dst.name, X.name, Id.name))


@register_lowering(AdvancedSubtensor, target="cuda", host_inputs=("1:",), when=_real)
def lower_advanced_subtensor(lc, node):
    x, out = node.inputs[0], node.outputs[0]
    X = lc.buffer(x)
    dst, rank = gather_walk(lc, X, out, node.op.idx_list, node.inputs[1:])
    lc.emit(f"const int64_t count_[1] = {{tr::numel({dst.name})}};")
    at = lc.temp("int64", (False,), "count_", "at", space="host")
    lc.emit(f"ix::walk(dims_, {rank}, 0, dims_[0].n, [&](int64_t xo_, int64_t yo_) {{ {at.name}.data[yo_] = xo_; }});")
    at_d = lc.temp("int64", (False,), "count_", "at", space="device")
    lc.emit(*lc.copy(at_d, at))
    lc.need("cuda_index")
    call = lc.device_function(f"take_at_{x.dtype}", (f"{X.ctype}* out", f"const {X.ctype}* x", f"{at_d.decl} at"),
                              ("return tr::cu::take_at(stream, out, x, at);",))
    lc.emit(call(f"{dst.name}.data", f"{X.name}.data + offset_", at_d.name))


@register_lowering(AdvancedIncSubtensor1, target="cuda", host_inputs=(2,), when=_real)
def lower_advanced_inc_subtensor1(lc, node):
    (x, y, ilist), op = node.inputs, node.op
    n = x.ndim
    dst = start(lc, node)  # x's copy on the GPU (or x, in place)
    I = lc.buffer(ilist)
    check_rows(lc, I, dst, n)
    region = [f"{I.name}.shape[0]"] + [f"{dst.name}.shape[{d}]" for d in range(1, n)]
    check_y(lc, y, region)
    Y = lc.buffer(y)
    lc.emit(f"tr::Array<{Y.ctype}, {n}> y_ = {{{Y.name}.data, {{{', '.join(region)}}}, "
            f"{{{', '.join(y_strides(lc, y, n))}}}}};",
            f"const int64_t plan_shape_[1] = {{3 * {I.name}.shape[0] + 1}};")
    plan = lc.temp("int64", (False,), "plan_shape_", "plan", space="host")
    lc.emit(f"const int64_t runs_ = tr::cu::row_runs({I.name}, {dst.name}.shape[0], {plan.name}.data);")
    plan_d = lc.temp("int64", (False,), "plan_shape_", "plan", space="device")
    lc.emit(*lc.copy(plan_d, plan))
    lc.need("cuda_index")
    kind = "set" if op.set_instead_of_inc else "inc"
    name = f"{kind}_rows_{x.dtype}_{y.dtype}_{n}d"
    set_ = "true" if op.set_instead_of_inc else "false"
    call = lc.device_function(name, (f"{dst.decl} out", f"tr::Array<{Y.ctype}, {n}> y", "tr::Array<int64_t, 1> plan",
                                     "int64_t runs"),
                              (f"return tr::cu::scatter_rows(stream, out, y, plan, runs, {set_});",))
    lc.emit(call(dst.name, "y_", plan_d.name, "runs_"))


def _same_real(node):
    x, y = node.inputs[:2]
    return _real(node) and y.dtype == x.dtype


@register_lowering(AdvancedIncSubtensor, target="cuda", host_inputs=("2:",), when=_same_real)
def lower_advanced_inc_subtensor(lc, node):
    (x, y), op = node.inputs[:2], node.op
    dst, rank = scatter_walk(lc, node, op.idx_list, node.inputs[2:])  # x's copy on the GPU (or x, in place)
    Y = lc.buffer(y)
    lc.emit("int64_t count_[1] = {1};", f"for (int d_ = 0; d_ < {rank}; ++d_) count_[0] *= dims_[d_].n;",
            "const int64_t pairs_shape_[1] = {2 * count_[0]};", "const int64_t plan_shape_[1] = {3 * count_[0] + 1};")
    pairs = lc.temp("int64", (False,), "pairs_shape_", "offsets", space="host")
    plan = lc.temp("int64", (False,), "plan_shape_", "plan", space="host")
    lc.emit("int64_t k_ = 0;",
            f"ix::walk(dims_, {rank}, 0, dims_[0].n, [&](int64_t xo_, int64_t yo_) {{ "
            f"{pairs.name}.data[k_] = xo_; {pairs.name}.data[count_[0] + k_] = yo_; ++k_; }});",
            f"const int64_t runs_ = tr::cu::offset_runs({pairs.name}.data, {pairs.name}.data + count_[0], count_[0], "
            f"{plan.name}.data);")
    plan_d = lc.temp("int64", (False,), "plan_shape_", "plan", space="device")
    lc.emit(*lc.copy(plan_d, plan))
    lc.need("cuda_index")
    kind = "set" if op.set_instead_of_inc else "inc"
    set_ = "true" if op.set_instead_of_inc else "false"
    call = lc.device_function(f"{kind}_at_{x.dtype}", (f"{dst.ctype}* x", f"const {Y.ctype}* y", f"{plan_d.decl} plan",
                                                       "int64_t runs"),
                              (f"return tr::cu::scatter_at(stream, x, y, plan, runs, {set_});",))
    lc.emit(call(f"{dst.name}.data + offset_", f"{Y.name}.data", plan_d.name, "runs_"))
