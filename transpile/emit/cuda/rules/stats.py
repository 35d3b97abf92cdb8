"""`Argmax` / `Argmin` on the GPU: `tr::cu::arg_reduce` (templates/cuda/kernels.cuh), numpy's
first best position, the first NaN winning. The kernel numbers the reduced elements in C order
of the reduced dims, so nodes whose axes are listed out of order stay on the host."""
from transpile.emit.registry import register_lowering
from transpile.tensor.stats import Argmax, Argmin


def _in_order(node):
    axes = list(node.op.axis)
    return axes == sorted(axes) and not node.inputs[0].dtype.startswith("complex") and node.inputs[0].ndim > 0


@register_lowering(Argmax, target="cuda", when=_in_order)  # Argmin too (a subclass)
def lower_argmax(lc, node):
    (x,), (out,) = node.inputs, node.outputs
    src = lc.buffer(x)
    n, axes = x.ndim, list(node.op.axis)
    kept = [d for d in range(n) if d not in axes]
    if axes:
        empty = " || ".join(f"{src.name}.shape[{a}] == 0" for a in axes)
        lc.emit(f"if ({empty}) "
                + lc.fail("value", f"%s: attempt to get the {node.op.what} of an empty axis (input shape %s)", lc.label(),
                          f"tr::shape_text({src.name}.shape, {n}).text"))
    shape = "nullptr"
    if kept:
        lc.emit(f"const int64_t kept_[{len(kept)}] = {{{', '.join(f'{src.name}.shape[{d}]' for d in kept)}}};")
        shape = "kept_"
    dst = lc.alloc(out, shape)
    view_shape = ["1" if d in axes else f"{dst.name}.shape[{kept.index(d)}]" for d in range(n)]
    view_strides = ["0" if d in axes else f"{dst.name}.strides[{kept.index(d)}]" for d in range(n)]
    lc.emit(f"tr::Array<int64_t, {n}> view_ = {{{dst.name}.data, {{{', '.join(view_shape)}}}, {{{', '.join(view_strides)}}}}};")
    is_max = "false" if isinstance(node.op, Argmin) else "true"
    mask = sum(1 << d for d in axes)
    name = f"arg{'max' if is_max == 'true' else 'min'}_{x.dtype}_{n}d_{mask}"
    call = lc.device_function(name, (f"tr::Array<int64_t, {n}> out", f"tr::Array<{src.ctype}, {n}> in"),
                              (f"return tr::cu::arg_reduce<{is_max}>(stream, out, in, {mask}u);",))
    lc.emit(call("view_", src.name))
