"""The CUDA target's lowering rules (one file per op family), registered on import with
`@register_lowering(..., target="cuda")`. A rule sees the op it lowers as `node.op` (not the
`GpuOp` around it); its outputs and `lc.temp`s are in GPU memory, and `lc.device_function`
gives it host functions of the kernels' source to call."""
from transpile.emit.cuda.rules import (  # noqa: F401
    alloc, blas, conv, cumulative, elemwise, join, pool, random, reduce, softmax, stats, sort, subtensor_advanced,
    subtensor_inc, tensordot, transfer, views, xent)
