"""`Argmax` / `Argmin` over several axes (flattened together in the order the op lists them):
for each output element, one sweep of its block keeps the first best position; the first NaN
wins, as in numpy. Complex values compare by real part, then imaginary part (numpy's order).
One runtime template per (kind, dtype) serves every node; output elements are split across
threads."""
from transpile.emit.registry import register_lowering
from transpile.tensor.stats import Argmax, Argmin


@register_lowering(Argmax)  # Argmin too (a subclass)
def lower_argmax(lc, node):
    (x,), (out,) = node.inputs, node.outputs
    src = lc.name(x)
    axes = list(node.op.axis)
    kept = [d for d in range(x.ndim) if d not in axes]
    lc.use_runtime("argmax")
    if x.dtype.startswith("complex"):
        lc.use_runtime("complex_order")
    if axes:
        empty = " || ".join(f"{src}.shape[{a}] == 0" for a in axes)
        lc.emit(f"if ({empty}) "
                + lc.fail("value", f"%s: attempt to get the {node.op.what} of an empty axis (input shape %s)", lc.label(),
                          f"tr::shape_text({src}.shape, {x.ndim}).text"))

    def dims(name, which):
        return f"const int64_t {name}[{max(len(which), 1)}] = {{{', '.join(which) or '0'}}};"

    lc.emit(dims("ks_", [f"{src}.shape[{d}]" for d in kept]), dims("kst_", [f"{src}.strides[{d}]" for d in kept]),
            dims("as_", [f"{src}.shape[{d}]" for d in axes]), dims("ast_", [f"{src}.strides[{d}]" for d in axes]))
    dst = lc.alloc(out, "ks_" if kept else "nullptr")
    is_max = "false" if isinstance(node.op, Argmin) else "true"
    lc.emit(f"ix::arg_reduce<{is_max}>({src}.data, {len(kept)}, ks_, kst_, {len(axes)}, as_, ast_, {dst.name}.data);")
