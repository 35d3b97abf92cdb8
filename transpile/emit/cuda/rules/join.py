"""Making and cutting tensors on the GPU: `Alloc` (a value broadcast to a shape read on the host:
an elementwise kernel; the C++ rule's checks), `Join` and `Split` (the C++ rules: copies through
`lc.copy` into slices of the output, and views)."""
from transpile.emit.cpp.loops import Operand
from transpile.emit.cpp.rules.alloc import alloc_literal, alloc_shape, value_dims
from transpile.emit.cpp.rules.join import lower_join, lower_split
from transpile.emit.cuda.elementwise import elementwise_function
from transpile.emit.registry import register_lowering
from transpile.scalar import dtypes as D
from transpile.tensor.alloc import Alloc
from transpile.tensor.join import Join, Split

register_lowering(Join, target="cuda")(lower_join)
register_lowering(Split, target="cuda", host_inputs=("1:",))(lower_split)


@register_lowering(Alloc, target="cuda", host_inputs=("1:",), when=lambda node: node.outputs[0].ndim > 0)
def lower_alloc(lc, node):
    value, out = node.inputs[0], node.outputs[0]
    n = out.ndim
    src = alloc_shape(lc, node)
    if src is None:
        operand, args = Operand.literal(alloc_literal(value), D.C_TYPES[value.dtype], n), []
    else:  # the value viewed with the output's rank: extent 1 and stride 0 where it broadcasts
        dims = value_dims(value, n)
        shape = ", ".join("1" if a is None else f"shape_[{d}]" for d, a in enumerate(dims))
        strides = ", ".join("0" if a is None else f"{src.name}.strides[{a}]" for a in dims)
        lc.emit(f"tr::Array<{src.ctype}, {n}> value_ = {{{src.name}.data, {{{shape}}}, {{{strides}}}}};")
        operand = Operand("value_", src.ctype, tuple(None if a is None else d for d, a in enumerate(dims)))
        args = ["value_"]
    dst = lc.alloc(out, "shape_")
    name = f"node{lc.index}_alloc"
    params, launcher, kernel = elementwise_function(name, [Operand.of(dst.name, dst.ctype, out.broadcastable)], [operand],
                                                    lambda v: ([], v), n, f"node {lc.index}: {lc.node}")
    lc.emit(lc.device_function(name, params, launcher, kernel)(dst.name, *args))
