"""`SortOp` and `ArgSortOp` along any axis on the GPU (templates/cuda/sort.cuh): one thread per
line along the axis sorts it stably, NaN last (the C++ rule's order, so the same bits and
positions), through two GPU scratch arrays of the input's size, and writes the line of the
C-contiguous output; any input strides."""
from transpile.emit.registry import register_lowering
from transpile.tensor.sort import ArgSortOp, SortOp


@register_lowering(SortOp, ArgSortOp, target="cuda")
def lower_sort(lc, node):
    (x,), (out,) = node.inputs, node.outputs
    src = lc.buffer(x)
    dst = lc.alloc(out, f"{src.name}.shape")
    a = lc.temp(out.dtype, x.broadcastable, f"{src.name}.shape", "sort_a")
    b = lc.temp(out.dtype, x.broadcastable, f"{src.name}.shape", "sort_b")
    kind = "argsort" if isinstance(node.op, ArgSortOp) else "sort"
    call = lc.device_function(f"{kind}_{x.dtype}_{x.ndim}d",
                              (f"{dst.decl} out", f"{src.decl} x", "int axis", f"{a.ctype}* a", f"{b.ctype}* b"),
                              (f"return tr::cu::{kind}_lines(stream, out, x, axis, a, b);",))
    lc.need("cuda_sort")
    lc.emit(call(dst.name, src.name, str(node.op.axis), f"{a.name}.data", f"{b.name}.data"))
