"""The fused softmax cross-entropies of the FAST_RUN rewrites on the GPU (`CrossentropySoftmax1Hot`
and its gradient `CrossentropySoftmax1HotDx`; templates/cuda/xent.cuh). The labels are read on
the host first, where the C++ rule's checks run (one label per row, each a valid class: the same
errors), then copied to the GPU for the kernel."""
from transpile.emit.cpp.rules.xent import _wide, check_dx, check_labels
from transpile.emit.registry import register_lowering
from transpile.tensor.nnet.xent_softmax import CrossentropySoftmax1Hot, CrossentropySoftmax1HotDx

FLOATS = ("float32", "float64")


def _floats(node):
    return all(v.dtype in FLOATS for v in node.outputs) and all(
        v.dtype in FLOATS for v in node.inputs if v is not node.inputs[-1])


@register_lowering(CrossentropySoftmax1Hot, target="cuda", host_inputs=(1,), when=_floats)
def lower_xent_softmax(lc, node):
    (x, labels), (out,) = node.inputs, node.outputs
    X, Y = lc.buffer(x), lc.buffer(labels)
    check_labels(lc, X, Y)
    Yd = lc.buffer(labels, space="device")
    lc.emit(f"const int64_t rows_[1] = {{{X.name}.shape[0]}};")
    dst = lc.alloc(out, "rows_")
    name = f"xent_softmax_{x.dtype}_{labels.dtype}"
    call = lc.device_function(name, (f"tr::Array<{dst.ctype}, 1> out", f"tr::Array<{X.ctype}, 2> x",
                                     f"tr::Array<{Yd.ctype}, 1> y"),
                              ("return tr::cu::xent_softmax_rows(stream, out, x, y);",))
    lc.need("cuda_xent")
    lc.emit(call(dst.name, X.name, Yd.name))


@register_lowering(CrossentropySoftmax1HotDx, target="cuda", host_inputs=(2,), when=_floats)
def lower_xent_softmax_dx(lc, node):
    (g, sm, labels), (out,) = node.inputs, node.outputs
    G, S, Y = lc.buffer(g), lc.buffer(sm), lc.buffer(labels)
    check_dx(lc, G, S, Y)
    Yd = lc.buffer(labels, space="device")
    dst = lc.alloc(out, f"{S.name}.shape")
    wide = _wide(g.dtype, sm.dtype)
    name = f"xent_softmax_dx_{out.dtype}_{g.dtype}_{sm.dtype}_{labels.dtype}"
    call = lc.device_function(
        name, (f"tr::Array<{dst.ctype}, 2> dx", f"tr::Array<{G.ctype}, 1> g", f"tr::Array<{S.ctype}, 2> sm",
               f"tr::Array<{Yd.ctype}, 1> y"),
        (f"return tr::cu::xent_softmax_dx<{dst.ctype}, {wide}>(stream, dx, g, sm, y);",))
    lc.need("cuda_xent")
    lc.emit(call(dst.name, G.name, S.name, Yd.name))
