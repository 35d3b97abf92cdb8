"""Shapes as values (`Shape`, `Shape_i`), run-time assertions (`SpecifyShape`, `Assert`) and
`Reshape` (a view of a contiguous input; a contiguous copy is made first otherwise)."""
from transpile.emit import cpp
from transpile.emit.registry import register_lowering
from transpile.tensor.check import Assert
from transpile.tensor.shape import Shape, Shape_i
from transpile.tensor.shape_ops import Reshape, SpecifyShape


@register_lowering(Shape)
def lower_shape(lc, node):
    (x,), (out,) = node.inputs, node.outputs
    src = lc.name(x)
    lc.emit(f"static const int64_t dims_[1] = {{{x.ndim}}};")
    dst = lc.alloc(out, "dims_")
    lc.emit(*[f"{dst.name}.data[{d}] = {src}.shape[{d}];" for d in range(x.ndim)])


@register_lowering(Shape_i)
def lower_shape_i(lc, node):
    (x,), (out,) = node.inputs, node.outputs
    src = lc.name(x)
    dst = lc.alloc(out, "nullptr")
    lc.emit(f"{dst.name}.data[0] = {src}.shape[{node.op.i}];")


@register_lowering(SpecifyShape)
def lower_specify_shape(lc, node):
    x, dims, out = node.inputs[0], node.inputs[1:], node.outputs[0]
    src = lc.name(x)
    n = x.ndim
    if n:
        lc.emit(f"const int64_t expected_[{n}] = {{{', '.join(f'static_cast<int64_t>({lc.scalar(s)})' for s in dims)}}};")
        checks = " || ".join(f"{src}.shape[{d}] != expected_[{d}]" for d in range(n))
        lc.emit(f"if ({checks}) "
                + lc.fail("shape", "specify_shape: expected shape %s, got an input of shape %s",
                          f"tr::shape_text(expected_, {n}).text", f"tr::shape_text({src}.shape, {n}).text"))
    lc.view(out, x, [f"{src}.shape[{d}]" for d in range(n)], [f"{src}.strides[{d}]" for d in range(n)])


@register_lowering(Assert)
def lower_assert(lc, node):
    x, conditions, out = node.inputs[0], node.inputs[1:], node.outputs[0]
    src = lc.name(x)
    if conditions:
        failed = " || ".join(f"!({lc.scalar(c)})" for c in conditions)
        lc.emit(f"if ({failed}) " + lc.fail("assert", "%s", cpp.string_literal(node.op.msg)))
    n = x.ndim
    lc.view(out, x, [f"{src}.shape[{d}]" for d in range(n)], [f"{src}.strides[{d}]" for d in range(n)])


@register_lowering(Reshape)
def lower_reshape(lc, node):
    (x, shp), (out,) = node.inputs, node.outputs
    src, target = lc.name(x), lc.name(shp)
    n, m = out.ndim, x.ndim
    lc.emit(f"int64_t shape_[{max(n, 1)}], strides_[{max(n, 1)}];",
            "int64_t known_ = 1, missing_ = -1;",
            "bool bad_ = false;",
            f"for (int d = 0; d < {n}; ++d) {{",
            f"  shape_[d] = static_cast<int64_t>({target}.data[d * {target}.strides[0]]);",
            "  if (shape_[d] == -1 && missing_ < 0) missing_ = d;",
            "  else if (shape_[d] < 0) bad_ = true;",
            "  else known_ *= shape_[d];",
            "}",
            f"const int64_t size_ = tr::numel({src}.shape, {m});",
            "if (missing_ >= 0) {",
            "  bad_ = bad_ || known_ == 0 || size_ % known_ != 0;",
            "  if (!bad_) shape_[missing_] = size_ / known_;",
            "} else {",
            "  bad_ = bad_ || known_ != size_;",
            "}")
    lc.emit("if (bad_) {",
            f"  for (int d = 0; d < {n}; ++d) shape_[d] = static_cast<int64_t>({target}.data[d * {target}.strides[0]]);",
            "  " + lc.fail("value", "Reshape: cannot reshape an array of shape %s (size %lld) into shape %s",
                           f"tr::shape_text({src}.shape, {m}).text", "(long long)size_",
                           f"tr::shape_text(shape_, {n}).text"),
            "}",
            f"tr::contiguous_strides(shape_, {n}, strides_);",
            f"{lc.buffer(x).ctype}* data_ = {src}.data;")
    src_buf = lc.buffer(x)
    lc.emit(f"if (!tr::contiguous({src})) {{")
    tmp = lc.temp(x.dtype, x.broadcastable, f"{src}.shape", "contiguous")
    lc.emit(*["  " + line for line in lc.copy(tmp, src_buf)], f"  data_ = {tmp.name}.data;", "}")
    lc.view(out, x, [f"shape_[{d}]" for d in range(n)], [f"strides_[{d}]" for d in range(n)],
            data="data_", aliases=[tmp])
