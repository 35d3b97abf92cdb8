"""Elementwise nodes on the GPU: `Elemwise` (any scalar op the CUDA printer prints, a whole
Composite in one kernel; in place into GPU temporaries) and the compiler's `DeepCopyOp`."""
from transpile.emit.cpp.printer import FAULT_FLAG
from transpile.emit.cpp.rules.elemwise import _is_literal, elementwise_operands, overwritable
from transpile.emit.cuda.elementwise import elementwise_function
from transpile.emit.cuda.printer import cuda_printer
from transpile.emit.cpp.loops import Operand
from transpile.emit.registry import LoweringError, register_lowering
from transpile.graph.deepcopy import DeepCopyOp
from transpile.tensor.elemwise import Elemwise


def printable_scalar(scalar_op, in_dtypes, out_dtypes):
    """True when the CUDA printer prints `scalar_op` for these dtypes with no fault flag (an
    integer power's negative exponent is checked on the host: such nodes stay there)."""
    values = [f"x{k}" for k in range(len(in_dtypes))]
    try:
        lines, exprs = cuda_printer.block(scalar_op, values, list(in_dtypes), list(out_dtypes), "v")
    except LoweringError:  # no CUDA form (complex values, a function CUDA lacks): the node stays on the host
        return False
    return not any(FAULT_FLAG in text for text in [*lines, *exprs])


def printable(node):
    return printable_scalar(node.op.scalar_op, [v.dtype for v in node.inputs], [v.dtype for v in node.outputs])


@register_lowering(Elemwise, target="cuda", when=printable)
def lower_elemwise(lc, node):
    op = node.op
    ndim = node.outputs[0].ndim
    operands, lines, shape = elementwise_operands(lc, node.inputs, ndim)
    lc.emit(*lines)
    outs = []
    for k, var in enumerate(node.outputs):
        target = dict(op.inplace_pattern).get(k)
        if target is not None and overwritable(lc, node.inputs[target]) and not _is_literal(node.inputs[target]):
            name = lc.name(node.inputs[target])
            outs.append(lc.view(var, node.inputs[target], [f"{name}.shape[{d}]" for d in range(ndim)],
                                [f"{name}.strides[{d}]" for d in range(ndim)]))
        else:
            outs.append(lc.alloc(var, shape))
    in_dtypes, out_dtypes = [v.dtype for v in node.inputs], [v.dtype for v in node.outputs]

    def body(values):
        return lc.printer.block(op.scalar_op, values, in_dtypes, out_dtypes, "v")

    out_ops = [Operand.of(b.name, b.ctype, b.broadcastable) for b in outs]
    name = f"node{lc.index}_{type(op.scalar_op).__name__.lower()}"
    if lc.function != "run_graph":
        name = f"{lc.function}_{name}"
    params, launcher, kernel = elementwise_function(name, out_ops, operands, body, ndim, f"node {lc.index}: {lc.node}")
    call = lc.device_function(name, params, launcher, kernel)
    lc.emit(call(*[b.name for b in outs], *[o.array for o in operands if o.array is not None]))


@register_lowering(DeepCopyOp, target="cuda")
def lower_deep_copy(lc, node):
    (x,), (out,) = node.inputs, node.outputs
    src = lc.buffer(x)
    dst = lc.alloc(out, f"{src.name}.shape")
    lc.emit(*lc.copy(dst, src))
