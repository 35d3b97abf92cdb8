"""New tensors of run-time shapes: `Alloc` (a value broadcast to a shape), `Eye`, `ARange`."""
from transpile.emit import cpp
from transpile.emit.cpp.loops import Operand, map_loop
from transpile.emit.registry import register_lowering
from transpile.graph.basic import Constant
from transpile.scalar import dtypes as D
from transpile.tensor.alloc import Alloc, ARange, Eye


def _int(lc, var):
    return f"static_cast<int64_t>({lc.scalar(var)})"


def alloc_shape(lc, node):
    """Lines computing `shape_` (checked) and checking that the value broadcasts to it.
    Returns the value's buffer, or None for a literal (`alloc_literal`)."""
    value, dims, out = node.inputs[0], node.inputs[1:], node.outputs[0]
    n, k = out.ndim, value.ndim
    if n:
        lc.emit(f"const int64_t shape_[{n}] = {{{', '.join(_int(lc, d) for d in dims)}}};",
                f"for (int d = 0; d < {n}; ++d) if (shape_[d] < 0) "
                + lc.fail("value", "alloc: negative length in shape %s", f"tr::shape_text(shape_, {n}).text"))
    if alloc_literal(value) is not None:
        return None
    src = lc.buffer(value)
    for d in range(k):
        if not value.broadcastable[d]:
            lc.emit(f"if ({src.name}.shape[{d}] != shape_[{n - k + d}]) "
                    + lc.fail("value", f"alloc: cannot broadcast a value of shape %s to shape %s (value dim {d} is "
                              "not broadcastable)", f"tr::shape_text({src.name}.shape, {k}).text",
                              f"tr::shape_text(shape_, {n}).text"))
    return src


def alloc_literal(value):
    """The C++ literal of a one-element constant value, else None."""
    if isinstance(value, Constant) and value.data.size == 1 and all(value.broadcastable):
        return cpp.literal(value.data.reshape(()).item(), value.dtype)
    return None


def value_dims(value, n):
    """Per output dim, the value's dim it steps along (None where it broadcasts)."""
    lead = n - value.ndim
    return tuple(None if d < lead or value.broadcastable[d - lead] else d - lead for d in range(n))


@register_lowering(Alloc)
def lower_alloc(lc, node):
    value, out = node.inputs[0], node.outputs[0]
    n = out.ndim
    src = alloc_shape(lc, node)
    if src is None:
        operand = Operand.literal(alloc_literal(value), D.C_TYPES[value.dtype], n)
    else:
        operand = Operand(src.name, src.ctype, value_dims(value, n))
    dst = lc.alloc(out, "shape_" if n else "nullptr")
    lc.emit(*map_loop([Operand.of(dst.name, dst.ctype, out.broadcastable)], [operand], lambda v: ([], v),
                      f"{dst.name}.shape", n))


def eye_shape(lc, node):
    """Lines of `shape_` (checked) and the diagonal `k_` of an `Eye` node."""
    n, m, k = node.inputs
    lc.emit(f"const int64_t shape_[2] = {{{_int(lc, n)}, {_int(lc, m)}}};",
            "if (shape_[0] < 0 || shape_[1] < 0) "
            + lc.fail("value", "eye: negative dimensions (%lld, %lld)", "(long long)shape_[0]", "(long long)shape_[1]"),
            f"const int64_t k_ = {_int(lc, k)};")


@register_lowering(Eye)
def lower_eye(lc, node):
    out = node.outputs[0]
    eye_shape(lc, node)
    dst = lc.alloc(out, "shape_")
    lc.emit("for (int64_t i = 0; i < shape_[0]; ++i)",
            f"  for (int64_t j = 0; j < shape_[1]; ++j) {dst.name}.data[i * shape_[1] + j] = "
            f"static_cast<{dst.ctype}>(j - i == k_ ? 1 : 0);")


def arange_length(lc, node):
    """Lines of an `ARange` node's checked `shape_` and what its fill needs: the integer start `a_`
    and step `s_` (returns True: every input is an integer), else the first value `first_` and
    the step `delta_` in the output's type (numpy: delta = (start + step) - start in the dtype)."""
    (start, stop, step), out = node.inputs, node.outputs[0]
    ctype = D.C_TYPES[out.dtype]
    lc.emit(f"const auto start_ = {lc.scalar(start)};", f"const auto stop_ = {lc.scalar(stop)};",
            f"const auto step_ = {lc.scalar(step)};",
            "if (step_ == 0) " + lc.fail("value", "arange: step must not be 0"))
    if all(D.is_discrete(v.dtype) for v in node.inputs):
        lc.emit("const int64_t a_ = start_, b_ = stop_, s_ = step_;",
                "int64_t len_ = (b_ - a_) / s_ + (((b_ - a_) % s_) != 0 && ((b_ - a_) < 0) == (s_ < 0) ? 1 : 0);",
                "const int64_t shape_[1] = {len_ > 0 ? len_ : 0};")
        return True
    lc.emit("const double len_ = std::ceil((double(stop_) - double(start_)) / double(step_));",
            "const int64_t shape_[1] = {len_ > 0 ? int64_t(len_) : 0};",
            f"const {ctype} first_ = static_cast<{ctype}>(start_);",
            f"const {ctype} delta_ = static_cast<{ctype}>(double(start_) + double(step_)) - first_;")
    return False


@register_lowering(ARange)
def lower_arange(lc, node):
    out = node.outputs[0]
    ctype = D.C_TYPES[out.dtype]
    if arange_length(lc, node):
        dst = lc.alloc(out, "shape_")
        lc.emit(f"for (int64_t i = 0; i < shape_[0]; ++i) {dst.name}.data[i] = static_cast<{ctype}>(a_ + i * s_);")
        return
    dst = lc.alloc(out, "shape_")
    # the product rounded before the sum, as numpy's (GCC may contract a * b + c into an FMA)
    lc.emit("for (int64_t i = 0; i < shape_[0]; ++i) {",
            f"    volatile const {ctype} step_i_ = static_cast<{ctype}>(i) * delta_;",
            f"    {dst.name}.data[i] = i == 0 ? first_ : static_cast<{ctype}>(first_ + step_i_);",
            "}")
