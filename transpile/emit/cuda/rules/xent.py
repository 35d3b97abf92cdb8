"""The cross-entropies with integer labels on the GPU (templates/cuda/xent.cuh): the fused softmax
forms of the FAST_RUN rewrites (`CrossentropySoftmax1Hot`, its gradient
`CrossentropySoftmax1HotDx`) and `CrossentropyCategorical1Hot` with its gradient
`CrossentropyCategorical1HotGrad`. The labels are read on
the host first, where the C++ rule's checks run (one label per row, each a valid class: the same
errors), then copied to the GPU for the kernel."""
from transpile.emit.cpp.rules.xent import _wide, check_1hot_grad, check_dx, check_labels
from transpile.emit.registry import register_lowering
from transpile.tensor.nnet.xent import CrossentropyCategorical1Hot, CrossentropyCategorical1HotGrad
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


@register_lowering(CrossentropyCategorical1Hot, target="cuda", host_inputs=(1,), when=_floats)
def lower_xent_1hot(lc, node):
    (coding, labels), (out,) = node.inputs, node.outputs
    C, Y = lc.buffer(coding), lc.buffer(labels)
    check_labels(lc, C, Y)
    Yd = lc.buffer(labels, space="device")
    lc.emit(f"const int64_t rows_[1] = {{{C.name}.shape[0]}};")
    dst = lc.alloc(out, "rows_")
    call = lc.device_function(f"xent_1hot_{coding.dtype}_{labels.dtype}",
                              (f"tr::Array<{dst.ctype}, 1> out", f"tr::Array<{C.ctype}, 2> coding",
                               f"tr::Array<{Yd.ctype}, 1> y"),
                              ("return tr::cu::xent_1hot(stream, out, coding, y);",))
    lc.need("cuda_xent")
    lc.emit(call(dst.name, C.name, Yd.name))


@register_lowering(CrossentropyCategorical1HotGrad, target="cuda", host_inputs=(2,), when=_floats)
def lower_xent_1hot_grad(lc, node):
    """Zeros except out[i, y[i]] = -g[i] / coding[i, y[i]] (a g of length 1 is broadcast): the C++
    rule's checks on the host, then one kernel writes every element."""
    (g, coding, labels), (out,) = node.inputs, node.outputs
    G, C, Y = lc.buffer(g), lc.buffer(coding), lc.buffer(labels)
    check_1hot_grad(lc, G, C, Y)
    Yd = lc.buffer(labels, space="device")
    dst = lc.alloc(out, f"{C.name}.shape")
    wide = _wide(g.dtype, coding.dtype)
    call = lc.device_function(
        f"xent_1hot_grad_{out.dtype}_{g.dtype}_{labels.dtype}",
        (f"tr::Array<{dst.ctype}, 2> dx", f"tr::Array<{G.ctype}, 1> g", "int64_t gs", f"tr::Array<{C.ctype}, 2> coding",
         f"tr::Array<{Yd.ctype}, 1> y"),
        (f"return tr::cu::xent_1hot_grad<{dst.ctype}, {wide}>(stream, dx, g, gs, coding, y);",))
    lc.need("cuda_xent")
    lc.emit(call(dst.name, G.name, "gs_", C.name, Yd.name))
