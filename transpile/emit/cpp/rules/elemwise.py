"""Elementwise nodes: `Elemwise` (any scalar op the printer knows, Composite included) and the
copies the compiler inserts (`DeepCopyOp`)."""
from transpile.graph.deepcopy import DeepCopyOp
from transpile.emit import cpp
from transpile.emit.cpp.loops import Operand, map_loop
from transpile.emit.cpp.printer import guard_faults
from transpile.emit.registry import register_lowering
from transpile.graph.basic import Constant
from transpile.scalar.dtypes import C_TYPES
from transpile.tensor.elemwise import Elemwise


def _is_literal(var):
    return isinstance(var, Constant) and var.data.size == 1 and all(var.broadcastable)


def elementwise_operands(lc, inputs, ndim):
    """Loop operands for elementwise `inputs` (size-1 constants become literals) and the lines
    computing the broadcast shape `shape_` with Theano's check (the op named by `lc.label()`).
    Returns (operands, lines, shape expression)."""
    operands, shapes, bcast = [], [], []
    for var in inputs:
        if _is_literal(var):
            operands.append(Operand.literal(cpp.literal(var.data.reshape(()).item(), var.dtype), C_TYPES[var.dtype], ndim))
            shapes.append("tr_ones_")
        else:
            buf = lc.buffer(var)
            operands.append(Operand.of(buf.name, buf.ctype, var.broadcastable))
            shapes.append(f"{buf.name}.shape")
        bcast.extend("1" if b else "0" for b in var.broadcastable)
    if not ndim:
        return operands, [], "nullptr"
    lines = [f"int64_t shape_[{ndim}];"]
    if "tr_ones_" in shapes:
        lines.append(f"static const int64_t tr_ones_[{ndim}] = {{{', '.join(['1'] * ndim)}}};")
    lines += [f"const int64_t* const shapes_[] = {{{', '.join(shapes)}}};",
              f"static const unsigned char bcast_[] = {{{', '.join(bcast)}}};",
              f"TR_CHECK(tr::broadcast_shape(ctx, {lc.label()}, {ndim}, {len(shapes)}, shapes_, bcast_, shape_));"]
    return operands, lines, "shape_"


@register_lowering(Elemwise)
def lower_elemwise(lc, node):
    op = node.op
    ndim = node.outputs[0].ndim
    operands, lines, shape = elementwise_operands(lc, node.inputs, ndim)
    lc.use_scalar_op(op.scalar_op)
    lc.emit(*lines)
    outs, in_place = [], False
    for k, var in enumerate(node.outputs):
        target = dict(op.inplace_pattern).get(k)
        if target is not None and overwritable(lc, node.inputs[target]):
            outs.append(lc.view(var, node.inputs[target], *_same_layout(lc.name(node.inputs[target]), ndim)))
            in_place = True
        else:
            outs.append(lc.alloc(var, shape))
    in_dtypes = [v.dtype for v in node.inputs]
    out_dtypes = [v.dtype for v in node.outputs]

    def body(values):
        return lc.printer.block(op.scalar_op, values, in_dtypes, out_dtypes, "v")

    out_ops = [Operand.of(b.name, b.ctype, b.broadcastable) for b in outs]
    lc.emit(*guard_faults(lc, map_loop(out_ops, operands, body, f"{outs[0].name}.shape", ndim, restrict=not in_place)))


def overwritable(lc, var):
    """True when `var`'s memory belongs to this program's temporaries (never an input, a
    constant or a returned output), so an in-place op may write into it."""
    return not isinstance(var, Constant) and all(b.role == "temp" for b in lc.buffer(var).roots())


def _same_layout(name, ndim):
    return [f"{name}.shape[{d}]" for d in range(ndim)], [f"{name}.strides[{d}]" for d in range(ndim)]


@register_lowering(DeepCopyOp)
def lower_deep_copy(lc, node):
    (x,), (out,) = node.inputs, node.outputs
    src = lc.buffer(x)
    dst = lc.alloc(out, f"{src.name}.shape")
    lc.emit(*lc.copy(dst, src))
