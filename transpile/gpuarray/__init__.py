"""The graph side of `device=cuda` (Theano's `theano.gpuarray`): transfer ops and the `GpuOp`
wrapper that marks a node as running on the GPU. Where each node runs is decided by
`transpile.emit.cuda.placement` (it knows which ops have CUDA rules); these ops only carry
the decision, so `debugprint(f)` shows `GpuElemwise{...}`, `GpuFromHost`, `HostFromGpu` as in
Theano. Values keep their `TensorType`: in numpy (the reference executor) a transfer is a copy."""
from transpile.gpuarray.ops import GpuFromHost, GpuOp, HostFromGpu, gpu_from_host, host_from_gpu

__all__ = ["GpuFromHost", "GpuOp", "HostFromGpu", "gpu_from_host", "host_from_gpu"]
