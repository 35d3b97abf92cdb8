"""Reductions on the GPU (`Sum`, `Prod`, `Max`, `Min`, `All`, `Any` over any axes, and the
FAST_RUN `FusedReduce`): `tr::cu::reduce` (templates/cuda/kernels.cuh) over the input viewed
with the output's rank, the output viewed with extent 1 and stride 0 on the reduced dims. The
accumulator is the CPU rule's (float32 sums and products in double), so both targets agree to
rounding. A `FusedReduce` first maps its inputs with an elementwise kernel into a GPU
temporary, then reduces it. Reductions of complex values stay on the host."""
from transpile.emit.cpp.rules.elemwise import elementwise_operands
from transpile.emit.cpp.rules.reduce import accumulator_dtype, reduced_shape
from transpile.emit.cuda.elementwise import elementwise_function
from transpile.emit.cuda.rules.elemwise import printable_scalar
from transpile.emit.cpp.loops import Operand
from transpile.emit.registry import LoweringError, register_lowering
from transpile.scalar.dtypes import C_TYPES
from transpile.tensor.reduce import All, Any, CAReduce, Max, Min, Prod, Sum
from transpile.tensor.reduce_fused import FusedReduce

#: class -> the combining functor of kernels.cuh, most specific first
KINDS = [(Sum, "tr::cu::Add"), (Prod, "tr::cu::Mul"), (Min, "tr::cu::Min"), (Max, "tr::cu::Max"), (Any, "tr::cu::Or"),
         (All, "tr::cu::And")]


def _functor(op):
    for cls, functor in KINDS:
        if isinstance(op, cls):
            return functor
    return None


def _reducible(op, node):
    return _functor(op) is not None and not any(v.dtype.startswith("complex") for v in node.inputs + node.outputs)


def _reduce(lc, op, src, out, n):
    """Checks, the output and the call reducing GPU buffer `src` (rank n) with `op` into `out`."""
    axes, kept, shape = reduced_shape(lc, op, f"{src.name}.shape", n)
    dst = lc.alloc(out, shape)
    if n == 0:  # nothing reduced: a copy (converting)
        lc.emit(*lc.copy(dst, src))
        return
    view_shape = ["1" if d in axes else f"{dst.name}.shape[{kept.index(d)}]" for d in range(n)]
    view_strides = ["0" if d in axes else f"{dst.name}.strides[{kept.index(d)}]" for d in range(n)]
    lc.emit(f"tr::Array<{dst.ctype}, {n}> view_ = {{{dst.name}.data, {{{', '.join(view_shape)}}}, {{{', '.join(view_strides)}}}}};")
    acc = C_TYPES[accumulator_dtype(op, out.dtype)]
    mask = sum(1 << d for d in axes)
    name = f"reduce_{type(op).__name__.lower()}_{out.dtype}_from_{src.dtype}_{n}d_{mask}"
    functor = _functor(op)
    call = lc.device_function(
        name, (f"tr::Array<{dst.ctype}, {n}> out", f"tr::Array<{src.ctype}, {n}> in"),
        (f"const size_t bytes = tr::cu::reduce_scratch_bytes<{acc}>(in, {mask}u);",
         "void* scratch = nullptr;",
         "if (bytes != 0) {",
         "    TR_CHECK(tr::cu::check(ctx, cudaMallocAsync(&scratch, bytes, tr::cu::stream(ctx)), \"cudaMallocAsync (reduction scratch)\"));",
         "}",
         f"const int status = tr::cu::check(ctx, tr::cu::reduce<{acc}, {functor}>(tr::cu::stream(ctx), out, in, {mask}u, "
         f"scratch, bytes), \"{name}\");",
         "if (scratch != nullptr) {",
         "    cudaFreeAsync(scratch, tr::cu::stream(ctx));",
         "}",
         "return status;"), context=True)
    lc.emit(call("view_", src.name))


@register_lowering(CAReduce, target="cuda", when=lambda node: _reducible(node.op, node))
def lower_careduce(lc, node):
    (x,), (out,) = node.inputs, node.outputs
    _reduce(lc, node.op, lc.buffer(x), out, x.ndim)


def _fusable(node):
    mapped = node.op.mapped_type(node.inputs)
    return _reducible(node.op.reduce_op, node) and printable_scalar(node.op.scalar_op, [v.dtype for v in node.inputs],
                                                                    [mapped.dtype])


@register_lowering(FusedReduce, target="cuda", when=_fusable)
def lower_fused_reduce(lc, node):
    op, out = node.op, node.outputs[0]
    mapped = op.mapped_type(node.inputs)
    n = mapped.ndim
    operands, lines, shape = elementwise_operands(lc, node.inputs, n)
    lc.emit(*lines)
    tmp = lc.temp(mapped.dtype, mapped.broadcastable, shape, "mapped")
    in_dtypes = [v.dtype for v in node.inputs]

    def body(values):
        return lc.printer.block(op.scalar_op, values, in_dtypes, [mapped.dtype], "v")

    name = f"node{lc.index}_mapped"
    if lc.function != "run_graph":
        raise LoweringError("GPU nodes are lowered in the graph's run function only (internal error)")
    params, launcher, kernel = elementwise_function(name, [Operand.of(tmp.name, tmp.ctype, tmp.broadcastable)], operands,
                                                    body, n, f"node {lc.index}: the map of {lc.node}")
    call = lc.device_function(name, params, launcher, kernel)
    lc.emit(call(tmp.name, *[o.array for o in operands if o.array is not None]))
    _reduce(lc, op.reduce_op, tmp, out, n)
