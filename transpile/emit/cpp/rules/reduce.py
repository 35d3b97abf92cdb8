"""Reductions (`Sum`, `Prod`, `Max`, `Min`, `All`, `Any` over any axes): the output, viewed with
stride 0 on the reduced dims, accumulates the input in its memory order. float32 sums and
products accumulate in double (more accurate than numpy's pairwise float32, never less)."""
from transpile.emit.cpp.loops import Operand, map_loop, reduce_loop
from transpile.emit.cpp.printer import guard_faults
from transpile.emit.registry import LoweringError, register_lowering
from transpile.emit.cpp.rules.elemwise import elementwise_operands
from transpile.scalar.dtypes import C_TYPES
from transpile.tensor.reduce import All, Any, CAReduce, Max, Min, Prod, Sum
from transpile.tensor.reduce_fused import FusedReduce

#: class -> the runtime's combining functor (transpile_runtime.h), most specific first
KINDS = [(Sum, "tr::Add"), (Prod, "tr::Mul"), (Min, "tr::Min"), (Max, "tr::Max"), (Any, "tr::Or"), (All, "tr::And")]

_WIDER = {"float32": "float64", "complex64": "complex128"}


def reduced_shape(lc, op, shape_of, n):
    """Lines checking that a max/min has elements to reduce and computing the output's shape
    `kept_` from the input's `shape_of` (a C++ array of n lengths). Returns (reduced axes in the
    op's order, kept dims, the output shape's C++ expression)."""
    axes = tuple(op.axis)
    kept = [d for d in range(n) if d not in axes]
    if isinstance(op, (Max, Min)) and axes:
        empty = " || ".join(f"{shape_of}[{a}] == 0" for a in axes)
        lc.emit(f"if (tr::numel({shape_of}, {n}) == 0 && ({empty})) "
                + lc.fail("value", f"%s: cannot take the {type(op).__name__.lower()} of an empty axis (input shape %s)",
                          lc.label(), f"tr::shape_text({shape_of}, {n}).text"))
    if not kept:
        return axes, kept, "nullptr"
    lc.emit(f"const int64_t kept_[{len(kept)}] = {{{', '.join(f'{shape_of}[{d}]' for d in kept)}}};")
    return axes, kept, "kept_"


def accumulator_dtype(op, out_dtype):
    if isinstance(op, (Sum, Prod)):
        return op.acc_dtype or _WIDER.get(out_dtype, out_dtype)
    return out_dtype


def _functor(op):
    for cls, functor in KINDS:
        if isinstance(op, cls):
            return functor
    raise LoweringError(f"{op}: unknown reduction {type(op).__qualname__}")


def _start(lc, op, out, shape_of, n):
    """Checks, the output shape and the initialized accumulator of reducing a tensor whose
    shape is `shape_of` (a C++ array) with `op`. Returns (accumulator buffer, its loop operand,
    functor, output shape); the accumulator is the output itself unless it is wider."""
    functor = _functor(op)
    if isinstance(op, (Max, Min)) and out.dtype.startswith("complex"):
        raise LoweringError(f"{op}: max/min of complex values is not lowered")
    axes, kept, shape = reduced_shape(lc, op, shape_of, n)
    acc_dtype = accumulator_dtype(op, out.dtype)
    acc = lc.alloc(out, shape) if acc_dtype == out.dtype else lc.temp(acc_dtype, out.broadcastable, shape, "acc")
    lc.emit(f"for (int64_t i = 0, n = tr::numel({acc.name}); i < n; ++i) "
            f"{acc.name}.data[i] = {functor}::identity<{acc.ctype}>();")
    dims = tuple(None if d in axes else kept.index(d) for d in range(n))
    return acc, Operand(acc.name, acc.ctype, dims), functor, shape


def _finish(lc, out, acc, shape):
    """Copy the accumulator into the output when it is a wider temporary."""
    if acc.dtype != out.dtype:
        dst = lc.alloc(out, shape)
        lc.emit(*lc.copy(dst, acc))


@register_lowering(CAReduce)
def lower_careduce(lc, node):
    (x,), (out,) = node.inputs, node.outputs
    src = lc.buffer(x)
    n = x.ndim
    acc, operand, functor, shape = _start(lc, node.op, out, f"{src.name}.shape", n)
    lc.emit(*reduce_loop(operand, Operand(src.name, src.ctype, tuple(range(n))), functor, f"{src.name}.shape", n))
    _finish(lc, out, acc, shape)


@register_lowering(FusedReduce)
def lower_fused_reduce(lc, node):
    """reduce(scalar_op(inputs)) in one loop: the mapped values are never stored."""
    op, out = node.op, node.outputs[0]
    mapped = op.mapped_type(node.inputs)
    n = mapped.ndim
    operands, lines, shape = elementwise_operands(lc, node.inputs, n)
    lc.use_scalar_op(op.scalar_op)
    lc.emit(*lines)
    if not n:
        lc.emit("const int64_t* const shape_ = nullptr;")
    acc, operand, functor, kept = _start(lc, op.reduce_op, out, "shape_", n)
    in_dtypes = [v.dtype for v in node.inputs]

    def body(values):
        lines_, exprs = lc.printer.block(op.scalar_op, values, in_dtypes, [mapped.dtype], "v")
        return lines_, [f"static_cast<{C_TYPES[mapped.dtype]}>({exprs[0]})"]

    lc.emit(*guard_faults(lc, map_loop([operand], operands, body, "shape_", n, accumulate=functor)))
    _finish(lc, out, acc, kept)
