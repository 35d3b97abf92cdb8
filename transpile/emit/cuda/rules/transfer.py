"""The transfer nodes of a placed graph: `GpuFromHost` (a host array into fresh GPU memory) and
`HostFromGpu` (a GPU array into host memory: a graph output, or the input of a host node).

A graph input the caller may keep in GPU memory, and a graph output it may take there (a
shared variable and its update, say: see `device.inputs_on_device`), are moved only when
their descriptor says they are (or are wanted) in host memory."""
from transpile.emit.cuda.device import read_input_where_it_is, return_output_where_asked
from transpile.emit.registry import register_lowering
from transpile.gpuarray.ops import GpuFromHost, HostFromGpu


@register_lowering(GpuFromHost, target="cuda", host_inputs=(0,))
def lower_gpu_from_host(lc, node):
    (x,), (out,) = node.inputs, node.outputs
    src = lc.buffer(x)
    if src.role == "input" and src.index in lc.program.device_inputs:
        read_input_where_it_is(lc, out, src)
        return
    dst = lc.alloc(out, f"{src.name}.shape", space="device")
    lc.emit(*lc.copy(dst, src))


@register_lowering(HostFromGpu, target="cuda")
def lower_host_from_gpu(lc, node):
    (x,), (out,) = node.inputs, node.outputs
    src = lc.buffer(x)
    if return_output_where_asked(lc, out, src):
        return
    dst = lc.alloc(out, f"{src.name}.shape", space="host")
    lc.emit(*lc.copy(dst, src))
