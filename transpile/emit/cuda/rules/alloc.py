"""`Eye` and `ARange` on the GPU: the C++ rules' checks and lengths on the host (the inputs are
scalars read there: `eye_shape`, `arange_length`), then one kernel fills the output with the
same values (templates/cuda/alloc.cuh). Bool outputs stay on the host."""
from transpile.emit.cpp.rules.alloc import arange_length, eye_shape
from transpile.emit.registry import register_lowering
from transpile.scalar import dtypes as D
from transpile.tensor.alloc import ARange, Eye


def _not_bool(node):
    return node.outputs[0].dtype != "bool"


@register_lowering(Eye, target="cuda", host_inputs=(0, 1, 2), when=_not_bool)
def lower_eye(lc, node):
    out = node.outputs[0]
    eye_shape(lc, node)
    dst = lc.alloc(out, "shape_")
    call = lc.device_function(f"eye_{out.dtype}", (f"{dst.decl} out", "int64_t k"),
                              ("return tr::cu::eye(stream, out, k);",))
    lc.need("cuda_alloc")
    lc.emit(call(dst.name, "k_"))


@register_lowering(ARange, target="cuda", host_inputs=(0, 1, 2), when=_not_bool)
def lower_arange(lc, node):
    out = node.outputs[0]
    ctype = D.C_TYPES[out.dtype]
    lc.need("cuda_alloc")
    integers = arange_length(lc, node)
    dst = lc.alloc(out, "shape_")
    if integers:
        call = lc.device_function(f"arange_int_{out.dtype}", (f"{dst.decl} out", "int64_t start", "int64_t step"),
                                  ("return tr::cu::arange_int(stream, out, start, step);",))
        lc.emit(call(dst.name, "a_", "s_"))
        return
    call = lc.device_function(f"arange_float_{out.dtype}", (f"{dst.decl} out", f"{ctype} first", f"{ctype} delta"),
                              ("return tr::cu::arange_float(stream, out, first, delta);",))
    lc.emit(call(dst.name, "first_", "delta_"))
