"""`IncSubtensor` on the GPU (basic keys): the output is a GPU copy of x (or x itself, in place,
when its memory is a temporary of this program), the region is located on the host by the C++
rule's code (the same index errors), and one elementwise kernel writes y into it or adds y to it.
y broadcasts to the region by Theano's rule (checked on the host)."""
from transpile.emit.cpp.loops import Operand
from transpile.emit.cpp.rules.subtensor_inc import inc_region, y_strides
from transpile.emit.cuda.elementwise import elementwise_function
from transpile.emit.registry import register_lowering
from transpile.tensor.subtensor_inc import IncSubtensor


@register_lowering(IncSubtensor, target="cuda", host_inputs=("2:",))
def lower_inc_subtensor(lc, node):
    y = node.inputs[1]
    dst, shape, strides = inc_region(lc, node)
    n = len(shape)
    dims = lambda xs: "{" + ", ".join(xs) + "}"  # noqa: E731
    Y = lc.buffer(y)
    ystr = y_strides(lc, y, n)
    lc.emit(f"tr::Array<{dst.ctype}, {n}> region_ = {{{dst.name}.data + offset_, {dims(shape)}, {dims(strides)}}};",
            f"tr::Array<{Y.ctype}, {n}> y_ = {{{Y.name}.data, {dims(['1' if s == '0' else f'region_.shape[{p}]' for p, s in enumerate(ystr)])}, "
            f"{dims(ystr)}}};")
    yop = Operand("y_", Y.ctype, tuple(None if s == "0" else p for p, s in enumerate(ystr)))
    region = Operand("region_", dst.ctype, tuple(range(n)))
    if node.op.set_instead_of_inc:
        ins, body = [yop], (lambda v: ([], [f"static_cast<{dst.ctype}>({v[0]})"]))
    else:
        ins, body = [region, yop], (lambda v: ([], [f"static_cast<{dst.ctype}>({v[0]} + {v[1]})"]))
    name = f"node{lc.index}_{'set' if node.op.set_instead_of_inc else 'inc'}_subtensor"
    params, launcher, kernel = elementwise_function(name, [region], ins, body, n, f"node {lc.index}: {lc.node}")
    args = [o.array for o in ins if o.array is not None]
    lc.emit(lc.device_function(name, params, launcher, kernel)("region_", *args))
