"""Numpy-style extra ops: `CumOp` (cumsum/cumprod), `Repeat`, `BinCount`, `SearchSorted`,
`Nonzero` (kernels in templates/runtime/extra_ops.h), `UnravelIndex` and `RavelMultiIndex`
(short loops written here). Results whose length depends on the values (bincount, nonzero) are
counted first, then allocated: output shapes are run-time values (`Unique` is in unique.py).
"""
from transpile.emit.registry import register_lowering
from transpile.tensor.counting import BinCount, Nonzero, SearchSorted
from transpile.tensor.cumulative import CumOp, Repeat
from transpile.tensor.index_ops import RavelMultiIndex, UnravelIndex



def _shape_arg(buf, var):
    return f"{buf}.shape" if var.ndim else "nullptr"


@register_lowering(CumOp)
def lower_cumop(lc, node):
    (x,), (out,) = node.inputs, node.outputs
    lc.use_runtime("extra_ops")
    src = lc.name(x)
    dst = lc.alloc(out, f"{src}.shape")
    lc.emit(f"xo::cumulate<{'true' if node.op.mode == 'mul' else 'false'}>({dst.name}, {src}, {node.op.axis});")


@register_lowering(Repeat)
def lower_repeat(lc, node):
    (x, reps), (out,) = node.inputs, node.outputs
    lc.use_runtime("extra_ops")
    src, axis, n = lc.name(x), node.op.axis, x.ndim
    lc.emit(f"int64_t shape_[{n}] = {{{', '.join(f'{src}.shape[{d}]' for d in range(n))}}};")
    if reps.ndim == 0:
        lc.emit(f"const int64_t reps_ = {lc.scalar(reps)};",
                "if (reps_ < 0) " + lc.fail("value", "%s: repeats must be non-negative, got %lld", lc.label(),
                                            "(long long)reps_"),
                f"shape_[{axis}] *= reps_;")
        counts, stride = "&reps_", "0"
    else:
        r = lc.name(reps)
        lc.emit(f"if ({r}.shape[0] != {src}.shape[{axis}]) "
                + lc.fail("value", "%s: %lld repeat counts for an axis of length %lld (input shape %s)", lc.label(),
                          f"(long long){r}.shape[0]", f"(long long){src}.shape[{axis}]",
                          f"tr::shape_text({src}.shape, {n}).text"),
                f"shape_[{axis}] = 0;",
                f"for (int64_t i_ = 0; i_ < {r}.shape[0]; ++i_) {{",
                f"  const int64_t c_ = {r}.data[i_ * {r}.strides[0]];",
                "  if (c_ < 0) " + lc.fail("value", "%s: repeats must be non-negative, got %lld", lc.label(),
                                           "(long long)c_"),
                f"  shape_[{axis}] += c_;",
                "}")
        counts, stride = f"{r}.data", f"{r}.strides[0]"
    dst = lc.alloc(out, "shape_")
    lc.emit(f"xo::repeat({dst.name}, {src}, {axis}, {counts}, {stride});")


@register_lowering(BinCount)
def lower_bincount(lc, node):
    out = node.outputs[0]
    lc.use_runtime("extra_ops")
    x = lc.name(node.inputs[0])
    lc.emit("int64_t bad_ = 0;",
            f"const int64_t bins_ = xo::bincount_length({x}, {node.op.minlength}, &bad_);",
            "if (bins_ < 0) " + lc.fail("value", "%s: x must be non-negative, got %lld", lc.label(), "(long long)bad_"))
    weights = None
    if len(node.inputs) > 1:
        weights = lc.name(node.inputs[1])
        lc.emit(f"if ({weights}.shape[0] != {x}.shape[0]) "
                + lc.fail("value", "%s: weights of shape (%lld,) do not match x of shape (%lld,)", lc.label(),
                          f"(long long){weights}.shape[0]", f"(long long){x}.shape[0]"))
    lc.emit("const int64_t shape_[1] = {bins_};")
    dst = lc.alloc(out, "shape_")
    w = f"&{weights}" if weights else f"static_cast<const tr::Array<{dst.ctype}, 1>*>(nullptr)"
    lc.emit(f"xo::bincount({dst.name}, {x}, {w});")


@register_lowering(SearchSorted)
def lower_searchsorted(lc, node):
    (x, v), (out,) = node.inputs, node.outputs
    lc.use_runtime("extra_ops")
    xs, vs = lc.name(x), lc.name(v)
    dst = lc.alloc(out, _shape_arg(vs, v))
    lc.emit(f"xo::searchsorted<{'true' if node.op.side == 'right' else 'false'}>({dst.name}, {xs}, {vs});")


@register_lowering(Nonzero)
def lower_nonzero(lc, node):
    (x,), (out,) = node.inputs, node.outputs
    lc.use_runtime("extra_ops")
    src = lc.name(x)
    lc.emit(f"const int64_t shape_[2] = {{{x.ndim}, xo::count_nonzero({src})}};")
    dst = lc.alloc(out, "shape_")
    lc.emit(f"xo::nonzero({dst.name}, {src});")


def _dims(lc, dims, what):
    """Declare dims_ (the int64 values of the 0-d `dims`) and check them non-negative."""
    lc.emit(f"const int64_t dims_[{len(dims)}] = {{{', '.join(f'static_cast<int64_t>({lc.scalar(d)})' for d in dims)}}};",
            "int64_t size_ = 1;",
            "for (int64_t d_ : dims_) {",
            "  if (d_ < 0) " + lc.fail("value", f"%s: {what} must be non-negative, got %lld", lc.label(), "(long long)d_"),
            "  size_ *= d_;",
            "}")


def _element(name, var, flat="f_"):
    return f"static_cast<int64_t>({name}.data[xo::element_offset<{var.ndim}>({name}.shape, {name}.strides, {flat})])"


@register_lowering(UnravelIndex)
def lower_unravel_index(lc, node):
    indices, dims = node.inputs[0], node.inputs[1:]
    lc.use_runtime("extra_ops")
    src = lc.name(indices)
    _dims(lc, dims, "dims")
    outs = [lc.alloc(o, _shape_arg(src, indices)).name for o in node.outputs]
    order = range(len(dims) - 1, -1, -1) if node.op.order == "C" else range(len(dims))
    lc.emit(f"for (int64_t f_ = 0, n_ = tr::numel({src}.shape, {indices.ndim}); f_ < n_; ++f_) {{",
            f"  int64_t v_ = {_element(src, indices)};",
            "  if (v_ < 0 || v_ >= size_) " + lc.fail("value", "%s: index %lld is out of bounds for an array of size %lld",
                                                      lc.label(), "(long long)v_", "(long long)size_"),
            *[f"  {outs[k]}.data[f_] = v_ % dims_[{k}]; v_ /= dims_[{k}];" for k in order],
            "}")


@register_lowering(RavelMultiIndex)
def lower_ravel_multi_index(lc, node):
    k = len(node.inputs) // 2
    indices, dims = node.inputs[:k], node.inputs[k:]
    lc.use_runtime("extra_ops")
    names = [lc.name(i) for i in indices]
    nd = indices[0].ndim
    for name in names[1:]:
        if nd:
            lc.emit(f"if (!std::equal({name}.shape, {name}.shape + {nd}, {names[0]}.shape)) "
                    + lc.fail("value", "%s: index tensors of different shapes %s and %s", lc.label(),
                              f"tr::shape_text({names[0]}.shape, {nd}).text", f"tr::shape_text({name}.shape, {nd}).text"))
    _dims(lc, dims, "dims")
    dst = lc.alloc(node.outputs[0], _shape_arg(names[0], indices[0]))
    mode = node.op.mode
    lines = []
    for j in (range(k) if node.op.order == "C" else range(k - 1, -1, -1)):
        lines.append(f"  {{ int64_t c_ = {_element(names[j], indices[j])};")
        if mode == "raise":
            lines.append(f"    if (c_ < 0 || c_ >= dims_[{j}]) "
                         + lc.fail("value", "%s: invalid entry in coordinates array (%lld for a dim of length %lld)",
                                   lc.label(), "(long long)c_", f"(long long)dims_[{j}]"))
        elif mode == "wrap":
            lines.append(f"    if (dims_[{j}] == 0) " + lc.fail("value", "%s: cannot wrap an index into an empty dim",
                                                                 lc.label()))
            lines.append(f"    c_ = ((c_ % dims_[{j}]) + dims_[{j}]) % dims_[{j}];")
        else:
            lines.append(f"    c_ = c_ < 0 ? 0 : (c_ >= dims_[{j}] ? dims_[{j}] - 1 : c_);")
        lines.append(f"    flat_ = flat_ * dims_[{j}] + c_; }}")
    lc.emit(f"for (int64_t f_ = 0, n_ = tr::numel({names[0]}.shape, {nd}); f_ < n_; ++f_) {{",
            "  int64_t flat_ = 0;", *lines, f"  {dst.name}.data[f_] = flat_;", "}")
