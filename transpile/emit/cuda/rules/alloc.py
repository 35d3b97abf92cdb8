"""`Eye` and `ARange` on the GPU: the C++ rules' checks and lengths on the host (the inputs are
scalars read there), then one kernel fills the output with the same values
(templates/cuda/alloc.cuh). Bool outputs stay on the host."""
from transpile.emit.cpp.rules.alloc import _int
from transpile.emit.registry import register_lowering
from transpile.scalar import dtypes as D
from transpile.tensor.alloc import ARange, Eye


def _not_bool(node):
    return node.outputs[0].dtype != "bool"


@register_lowering(Eye, target="cuda", host_inputs=(0, 1, 2), when=_not_bool)
def lower_eye(lc, node):
    (n, m, k), (out,) = node.inputs, node.outputs
    lc.emit(f"const int64_t shape_[2] = {{{_int(lc, n)}, {_int(lc, m)}}};",
            "if (shape_[0] < 0 || shape_[1] < 0) "
            + lc.fail("value", "eye: negative dimensions (%lld, %lld)", "(long long)shape_[0]", "(long long)shape_[1]"),
            f"const int64_t k_ = {_int(lc, k)};")
    dst = lc.alloc(out, "shape_")
    call = lc.device_function(f"eye_{out.dtype}", (f"{dst.decl} out", "int64_t k"),
                              ("return tr::cu::eye(stream, out, k);",))
    lc.need("cuda_alloc")
    lc.emit(call(dst.name, "k_"))


@register_lowering(ARange, target="cuda", host_inputs=(0, 1, 2), when=_not_bool)
def lower_arange(lc, node):
    (start, stop, step), (out,) = node.inputs, node.outputs
    ctype = D.C_TYPES[out.dtype]
    lc.need("cuda_alloc")
    lc.emit(f"const auto start_ = {lc.scalar(start)};", f"const auto stop_ = {lc.scalar(stop)};",
            f"const auto step_ = {lc.scalar(step)};",
            "if (step_ == 0) " + lc.fail("value", "arange: step must not be 0"))
    if all(D.is_discrete(v.dtype) for v in node.inputs):
        lc.emit("const int64_t a_ = start_, b_ = stop_, s_ = step_;",
                "int64_t len_ = (b_ - a_) / s_ + (((b_ - a_) % s_) != 0 && ((b_ - a_) < 0) == (s_ < 0) ? 1 : 0);",
                "const int64_t shape_[1] = {len_ > 0 ? len_ : 0};")
        dst = lc.alloc(out, "shape_")
        call = lc.device_function(f"arange_int_{out.dtype}", (f"{dst.decl} out", "int64_t start", "int64_t step"),
                                  ("return tr::cu::arange_int(stream, out, start, step);",))
        lc.emit(call(dst.name, "a_", "s_"))
        return
    # numpy: the length from doubles, then first = start, delta = (start + step) - start in the dtype
    lc.emit("const double len_ = std::ceil((double(stop_) - double(start_)) / double(step_));",
            "const int64_t shape_[1] = {len_ > 0 ? int64_t(len_) : 0};",
            f"const {ctype} first_ = static_cast<{ctype}>(start_);",
            f"const {ctype} delta_ = static_cast<{ctype}>(double(start_) + double(step_)) - first_;")
    dst = lc.alloc(out, "shape_")
    call = lc.device_function(f"arange_float_{out.dtype}", (f"{dst.decl} out", f"{ctype} first", f"{ctype} delta"),
                              ("return tr::cu::arange_float(stream, out, first, delta);",))
    lc.emit(call(dst.name, "first_", "delta_"))
