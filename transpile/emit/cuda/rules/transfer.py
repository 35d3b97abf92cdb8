"""The transfer nodes of a placed graph: `GpuFromHost` (a host array into fresh GPU memory) and
`HostFromGpu` (a GPU array into host memory: a graph output, or the input of a host node)."""
from transpile.emit.registry import register_lowering
from transpile.gpuarray.ops import GpuFromHost, HostFromGpu


@register_lowering(GpuFromHost, target="cuda", host_inputs=(0,))
def lower_gpu_from_host(lc, node):
    (x,), (out,) = node.inputs, node.outputs
    src = lc.buffer(x)
    dst = lc.alloc(out, f"{src.name}.shape", space="device")
    lc.emit(*lc.copy(dst, src))


@register_lowering(HostFromGpu, target="cuda")
def lower_host_from_gpu(lc, node):
    (x,), (out,) = node.inputs, node.outputs
    src = lc.buffer(x)
    dst = lc.alloc(out, f"{src.name}.shape", space="host")
    lc.emit(*lc.copy(dst, src))
