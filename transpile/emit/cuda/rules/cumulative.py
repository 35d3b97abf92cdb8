"""`CumOp` (cumsum / cumprod along an axis; the flattened forms are a CumOp of a reshape) on the GPU:
one thread per line along the axis accumulates it in order in the output's type, as the C++ rule
does (templates/cuda/cumulative.cuh), for any input strides."""
from transpile.emit.registry import register_lowering
from transpile.tensor.cumulative import CumOp


@register_lowering(CumOp, target="cuda")
def lower_cumop(lc, node):
    (x,), (out,) = node.inputs, node.outputs
    src = lc.buffer(x)
    dst = lc.alloc(out, f"{src.name}.shape")
    prod = "true" if node.op.mode == "mul" else "false"
    call = lc.device_function(f"cumulate_{node.op.mode}_{out.dtype}_from_{x.dtype}_{x.ndim}d",
                              (f"{dst.decl} out", f"{src.decl} x", "int axis"),
                              (f"return tr::cu::cumulate<{prod}>(stream, out, x, axis);",))
    lc.need("cuda_cumulative")
    lc.emit(call(dst.name, src.name, str(node.op.axis)))
