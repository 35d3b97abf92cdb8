"""Building and cutting tensors: `MakeVector` (scalars into a vector), `Join` (concatenate:
each input copied into its slice of the output, through `lc.copy`: the CUDA target's rule too)
and `Split` (views of the pieces)."""
from transpile.emit.registry import register_lowering
from transpile.tensor.join import Join, MakeVector, Split


@register_lowering(MakeVector)
def lower_make_vector(lc, node):
    out = node.outputs[0]
    lc.emit(f"static const int64_t shape_[1] = {{{len(node.inputs)}}};")
    dst = lc.alloc(out, "shape_")
    for i, var in enumerate(node.inputs):
        lc.emit(f"{dst.name}.data[{i}] = static_cast<{dst.ctype}>({lc.scalar(var)});")


@register_lowering(Join)
def lower_join(lc, node):
    out = node.outputs[0]
    n = out.ndim
    axis = node.op.axis % n
    srcs = [lc.buffer(v) for v in node.inputs]
    first = srcs[0].name
    others = [d for d in range(n) if d != axis]
    for s in srcs[1:]:
        if others:
            cond = " || ".join(f"{s.name}.shape[{d}] != {first}.shape[{d}]" for d in others)
            shapes = ", ".join(["%s"] * len(srcs))
            lc.emit(f"if ({cond}) "
                    + lc.fail("value", f"Join: tensors must have the same lengths except along axis {axis}; "
                              f"got shapes {shapes}", *[f"tr::shape_text({t.name}.shape, {n}).text" for t in srcs]))
    lc.emit(f"int64_t shape_[{n}] = {{{', '.join(f'{first}.shape[{d}]' for d in range(n))}}};",
            f"shape_[{axis}] = {' + '.join(f'{s.name}.shape[{axis}]' for s in srcs)};")
    dst = lc.alloc(out, "shape_")
    lc.emit("int64_t offset_ = 0;")
    for s, var in zip(srcs, node.inputs):
        lc.emit("{",
                f"  {dst.decl} part_ = {{{dst.name}.data + offset_ * {dst.name}.strides[{axis}], "
                f"{{{', '.join(f'{s.name}.shape[{d}]' for d in range(n))}}}, "
                f"{{{', '.join(f'{dst.name}.strides[{d}]' for d in range(n))}}}}};")
        lc.emit(*["  " + line for line in lc.copy(lc.local("part_", dst), s)], f"  offset_ += {s.name}.shape[{axis}];", "}")


@register_lowering(Split)
def lower_split(lc, node):
    x, sizes = node.inputs[0], node.inputs[1:]
    axis, n = node.op.axis, x.ndim
    src = lc.name(x)
    lc.emit(f"const int64_t sizes_[{len(sizes)}] = {{{', '.join(f'static_cast<int64_t>({lc.scalar(s)})' for s in sizes)}}};",
            "int64_t total_ = 0;",
            "bool bad_ = false;",
            "for (int64_t s : sizes_) { bad_ = bad_ || s < 0; total_ += s; }",
            f"if (bad_ || total_ != {src}.shape[{axis}]) "
            + lc.fail("value", f"%s: sizes %s do not add up to the length %lld of axis {axis} of an input of shape %s",
                      lc.label(), f"tr::shape_text(sizes_, {len(sizes)}).text", f"(long long){src}.shape[{axis}]",
                      f"tr::shape_text({src}.shape, {n}).text"),
            "int64_t offset_ = 0;")
    for k, out in enumerate(node.outputs):
        shape = [f"sizes_[{k}]" if d == axis else f"{src}.shape[{d}]" for d in range(n)]
        lc.view(out, x, shape, [f"{src}.strides[{d}]" for d in range(n)], offset=f"offset_ * {src}.strides[{axis}]")
        lc.emit(f"offset_ += sizes_[{k}];")
