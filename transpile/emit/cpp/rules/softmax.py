"""`Softmax` and `LogSoftmax` along any axis: one runtime template per (kind, dtype, rank).

Each row (the elements along the axis, for one index of the other dims) is done in three
sweeps: its maximum, exp(x - max) into the output and their sum, then the write. When the dims
after a non-last axis are contiguous, blocks of columns are swept together instead (unit-stride
inner loops rather than one strided row at a time); any other layout goes row by row through
strides. The last axis, the usual case, calls `softmax_last`, which does not compile the column
sweep. As in the numpy `perform`, a maximum that is not finite is replaced by 0, so a row
holding +inf gives nan/0 and a row of -inf gives nan, like the reference. Work is split across
OpenMP threads above the runtime's threshold. The gradients are elementwise ops and sums
(lowered elsewhere).
"""
from transpile.emit.cpp import unit_kernels
from transpile.emit.registry import register_lowering
from transpile.tensor.nnet.softmax import LogSoftmax, Softmax


@register_lowering(Softmax, LogSoftmax)
def lower_softmax(lc, node):
    (x,), (out,) = node.inputs, node.outputs
    src = lc.buffer(x)
    lc.use_runtime("softmax")
    dst = lc.alloc(out, f"{src.name}.shape")
    log = "true" if isinstance(node.op, LogSoftmax) else "false"
    lc.use_kernel(unit_kernels.softmax(log == "true", src, last=node.op.axis == x.ndim - 1))
    if node.op.axis == x.ndim - 1:  # the usual case: the column sweep is not compiled
        lc.emit(f"softmax_last<{log}>({src.name}, {dst.name});")
    else:
        lc.emit(f"softmax_rows<{log}>({src.name}, {dst.name}, {node.op.axis});")
