"""`AdvancedSubtensor1` (`x[ivec]`: rows) on the GPU: the indices are checked on the host, with the
reference's IndexError, then copied to the GPU, where one kernel gathers the rows
(templates/cuda/index.cuh). Other advanced indexing stays on the host."""
from transpile.emit.registry import register_lowering
from transpile.tensor.subtensor_advanced import AdvancedSubtensor1


def _gatherable(node):
    x = node.inputs[0]
    return x.ndim >= 1 and not x.dtype.startswith("complex")


@register_lowering(AdvancedSubtensor1, target="cuda", host_inputs=(1,), when=_gatherable)
def lower_advanced_subtensor1(lc, node):
    (x, ilist), (out,) = node.inputs, node.outputs
    X, I = lc.buffer(x), lc.buffer(ilist)
    n = x.ndim
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
    Id = lc.buffer(ilist, space="device")
    lc.emit(f"const int64_t shape_[{n}] = {{{', '.join([f'{I.name}.shape[0]'] + [f'{X.name}.shape[{d}]' for d in range(1, n)])}}};")
    dst = lc.alloc(out, "shape_")
    lc.need("cuda_index")
    name = f"take_rows_{x.dtype}_{ilist.dtype}_{n}d"
    call = lc.device_function(name, (f"{dst.decl} out", f"{X.decl} x", f"{Id.decl} idx"),
                              ("return tr::cu::take_rows(stream, out, x, idx);",))
    lc.emit(call(dst.name, X.name, Id.name))
