"""`Softmax` and `LogSoftmax` of vectors and of matrix rows on the GPU: `tr::cu::softmax_rows`
(templates/cuda/kernels.cuh; one block per row), with the CPU rule's semantics (the row maximum
ignores NaNs and is replaced by 0 when not finite). Other axes stay on the host."""
from transpile.emit.registry import register_lowering
from transpile.tensor.nnet.softmax import LogSoftmax, Softmax


def _rows(node):
    x = node.inputs[0]
    return x.dtype in ("float32", "float64") and (x.ndim == 1 or (x.ndim == 2 and node.op.axis in (1, -1)))


@register_lowering(Softmax, LogSoftmax, target="cuda", when=_rows)
def lower_softmax(lc, node):
    (x,), (out,) = node.inputs, node.outputs
    src = lc.buffer(x)
    dst = lc.alloc(out, f"{src.name}.shape")
    log = "true" if isinstance(node.op, LogSoftmax) else "false"
    if x.ndim == 1:  # one row
        lc.emit(f"tr::Array<{src.ctype}, 2> in_ = {{{src.name}.data, {{1, {src.name}.shape[0]}}, {{0, {src.name}.strides[0]}}}};",
                f"tr::Array<{dst.ctype}, 2> out_ = {{{dst.name}.data, {{1, {dst.name}.shape[0]}}, {{0, 1}}}};")
        args = ("out_", "in_")
    else:
        args = (dst.name, src.name)
    name = f"softmax_rows_{x.dtype}"
    call = lc.device_function(name, (f"tr::Array<{dst.ctype}, 2> out", f"tr::Array<{src.ctype}, 2> in", "bool log"),
                              ("return tr::cu::softmax_rows(stream, out, in, log);",))
    lc.emit(call(*args, log))
