"""Making and cutting tensors on the GPU: `Alloc` (a value broadcast to a shape read on the host:
an elementwise kernel), `Join` (each input copied into its slice of the output) and `Split`
(views: the C++ rule)."""
from transpile.emit import cpp
from transpile.emit.cpp.loops import Operand
from transpile.emit.cpp.rules.join import lower_split
from transpile.emit.cuda.device import copy_lines
from transpile.emit.cuda.elementwise import elementwise_function
from transpile.emit.program import Buffer
from transpile.emit.registry import register_lowering
from transpile.graph.basic import Constant
from transpile.scalar import dtypes as D
from transpile.tensor.alloc import Alloc
from transpile.tensor.join import Join, Split

register_lowering(Split, target="cuda", host_inputs=("1:",))(lower_split)


@register_lowering(Alloc, target="cuda", host_inputs=("1:",), when=lambda node: node.outputs[0].ndim > 0)
def lower_alloc(lc, node):
    value, dims, out = node.inputs[0], node.inputs[1:], node.outputs[0]
    n, k = out.ndim, value.ndim
    lead = n - k
    lc.emit(f"const int64_t shape_[{n}] = {{{', '.join(f'static_cast<int64_t>({lc.scalar(d)})' for d in dims)}}};",
            f"for (int d = 0; d < {n}; ++d) if (shape_[d] < 0) "
            + lc.fail("value", "alloc: negative length in shape %s", f"tr::shape_text(shape_, {n}).text"))
    if isinstance(value, Constant) and value.data.size == 1 and all(value.broadcastable):
        operand = Operand.literal(cpp.literal(value.data.reshape(()).item(), value.dtype), D.C_TYPES[value.dtype], n)
        args = []
    else:
        src = lc.buffer(value)
        for d in range(k):
            if not value.broadcastable[d]:
                lc.emit(f"if ({src.name}.shape[{d}] != shape_[{lead + d}]) "
                        + lc.fail("value", f"alloc: cannot broadcast a value of shape %s to shape %s (value dim {d} is "
                                  "not broadcastable)", f"tr::shape_text({src.name}.shape, {k}).text",
                                  f"tr::shape_text(shape_, {n}).text"))
        # the value viewed with the output's rank: stride 0 on the leading and broadcast dims
        bcast = [d < lead or value.broadcastable[d - lead] for d in range(n)]
        lc.emit(f"tr::Array<{src.ctype}, {n}> value_ = {{{src.name}.data, "
                f"{{{', '.join('1' if b else f'shape_[{d}]' for d, b in enumerate(bcast))}}}, "
                f"{{{', '.join('0' if b else f'{src.name}.strides[{d - lead}]' for d, b in enumerate(bcast))}}}}};")
        operand = Operand("value_", src.ctype, tuple(None if b else d for d, b in enumerate(bcast)))
        args = ["value_"]
    dst = lc.alloc(out, "shape_")
    name = f"node{lc.index}_alloc"
    params, launcher, kernel = elementwise_function(name, [Operand.of(dst.name, dst.ctype, out.broadcastable)], [operand],
                                                    lambda v: ([], v), n, f"node {lc.index}: {lc.node}")
    lc.emit(lc.device_function(name, params, launcher, kernel)(dst.name, *args))


@register_lowering(Join, target="cuda")
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
    part = Buffer("part_", dst.dtype, dst.broadcastable, "view", space="device")
    for s in srcs:
        lc.emit("{",
                f"  {dst.decl} part_ = {{{dst.name}.data + offset_ * {dst.name}.strides[{axis}], "
                f"{{{', '.join(f'{s.name}.shape[{d}]' for d in range(n))}}}, "
                f"{{{', '.join(f'{dst.name}.strides[{d}]' for d in range(n))}}}}};",
                *["  " + line for line in copy_lines(lc, part, s)], f"  offset_ += {s.name}.shape[{axis}];", "}")
