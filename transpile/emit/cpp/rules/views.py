"""Nodes that are views: a new shape and strides over the input's memory, no copy
(`DimShuffle`, `Unbroadcast`, the broadcastable-pattern ops of the shape module, `ViewOp`), and
`CpuContiguous` (a view, or a contiguous copy of a strided input)."""
from transpile.emit.registry import register_lowering
from transpile.tensor.elemwise import DimShuffle
from transpile.tensor.shape import AddBroadcast, Unbroadcast
from transpile.tensor.view_ops import CpuContiguous, ViewOp


@register_lowering(DimShuffle)
def lower_dimshuffle(lc, node):
    (x,), (out,) = node.inputs, node.outputs
    src = lc.name(x)
    order = node.op.new_order
    shape = ["1" if d == "x" else f"{src}.shape[{d}]" for d in order]
    strides = ["0" if d == "x" else f"{src}.strides[{d}]" for d in order]
    lc.view(out, x, shape, strides)


@register_lowering(Unbroadcast)
@register_lowering(ViewOp)
def lower_unbroadcast(lc, node):
    """The same shape and strides (only the type changes, or nothing: a ViewOp)."""
    (x,), (out,) = node.inputs, node.outputs
    src = lc.name(x)
    lc.view(out, x, [f"{src}.shape[{d}]" for d in range(x.ndim)], [f"{src}.strides[{d}]" for d in range(x.ndim)])


@register_lowering(AddBroadcast)
def lower_addbroadcast(lc, node):
    """Checked view: the dims made broadcastable must have length 1."""
    (x,), (out,) = node.inputs, node.outputs
    src = lc.name(x)
    for d in node.op.axes:
        if not x.broadcastable[d]:
            lc.emit(f"if ({src}.shape[{d}] != 1) "
                    + lc.fail("shape", f"%s: dimension {d} was declared broadcastable and must have length 1, "
                              "got an input of shape %s", lc.label(), f"tr::shape_text({src}.shape, {x.ndim}).text"))
    lc.view(out, x, [f"{src}.shape[{d}]" for d in range(x.ndim)],
            ["0" if out.broadcastable[d] else f"{src}.strides[{d}]" for d in range(x.ndim)])


@register_lowering(CpuContiguous)
def lower_cpu_contiguous(lc, node):
    """A view of a C-contiguous input; a strided one is first copied into a contiguous temporary."""
    (x,), (out,) = node.inputs, node.outputs
    src_buf = lc.buffer(x)
    src, n = src_buf.name, x.ndim
    lc.emit(f"{src_buf.ctype}* data_ = {src}.data;",
            f"int64_t strides_[{max(n, 1)}];",
            f"tr::contiguous_strides({src}.shape, {n}, strides_);",
            f"if (!tr::contiguous({src})) {{")
    tmp = lc.temp(x.dtype, x.broadcastable, f"{src}.shape", "contiguous")
    lc.emit(*["  " + line for line in lc.copy(tmp, src_buf)], f"  data_ = {tmp.name}.data;", "}")
    lc.view(out, x, [f"{src}.shape[{d}]" for d in range(n)], [f"strides_[{d}]" for d in range(n)], data="data_",
            aliases=[tmp])
