"""Where each node runs with `device=cuda`: the last pass over an optimized graph, as Theano's
GPU optimizer was. A node goes to the GPU (wrapped in `GpuOp`) when its op has a CUDA rule that
accepts it and it computes on arrays (an input already on the GPU, or an array in or out);
scalar and shape arithmetic stays on the host, where its consumers read it. Transfer nodes
(`GpuFromHost`, `HostFromGpu`) are inserted where a value changes memory, one per value and
direction, so `debugprint(f)` shows every copy. Graph inputs arrive in host memory and outputs
leave in host memory. A node whose op has no CUDA rule runs on the host, with a one-time warning
naming the op: never silently."""
import warnings

from transpile.emit.cuda.device import SHAPE_READERS, host_positions
from transpile.emit.registry import rule_info
from transpile.gpuarray.ops import GpuFromHost, GpuOp, HostFromGpu, gpu_from_host, host_from_gpu
from transpile.graph.basic import Apply, Constant
from transpile.graph.traversal import IdMap

_warned = set()


def place_on_device(fgraph):
    """Wrap the nodes that run on the GPU in `GpuOp`s and insert the transfers (in place);
    returns the number of nodes placed on the GPU. A graph placed already is left as it is."""
    on_device = IdMap()          # values in GPU memory
    copies = IdMap()             # value -> {"device": copy, "host": copy}
    placed = 0
    for node in fgraph.toposort():
        if isinstance(node.op, (GpuOp, GpuFromHost)):
            for out in node.outputs:
                on_device[out] = True
            continue
        if isinstance(node.op, HostFromGpu):
            continue
        host = _device_rule_host_inputs(node, on_device)
        if host is None:
            for k, var in enumerate(node.inputs):
                if var in on_device and not isinstance(node.op, SHAPE_READERS):
                    fgraph.change_input(node, k, _copy(var, "host", copies))
            continue
        inputs = [_in(var, "host" if k in host else "device", on_device, copies) for k, var in enumerate(node.inputs)]
        new = Apply(GpuOp(node.op), inputs, [out.type() for out in node.outputs])
        for old, out in zip(node.outputs, new.outputs):
            out.name = old.name
            on_device[out] = True
        fgraph.replace_all(list(zip(node.outputs, new.outputs)), reason="place_on_device")
        placed += 1
    for k, var in enumerate(list(fgraph.outputs)):
        if var in on_device:
            fgraph.change_input("output", k, _copy(var, "host", copies))
    return placed


def _device_rule_host_inputs(node, on_device):
    """The input positions read on the host when `node` goes to the GPU, or None: it stays."""
    if not _computes_on_arrays(node, on_device):
        return None
    info = rule_info(node.op, "cuda")
    if info is None or not info.accepts(node) or any(v.dtype.startswith("complex") for v in node.inputs + node.outputs):
        _warn_host(node, "has no CUDA rule" if info is None else "has no CUDA rule for these types")
        return None
    return host_positions(info, len(node.inputs))


def _computes_on_arrays(node, on_device):
    if isinstance(node.op, SHAPE_READERS):
        return False
    if any(v in on_device for v in node.inputs):
        return True
    return any(v.ndim > 0 for v in node.inputs + node.outputs)


def _in(var, space, on_device, copies):
    if isinstance(var, Constant):
        return var  # the lowering copies a constant where a GPU node reads it
    if (var in on_device) == (space == "device"):
        return var
    return _copy(var, space, copies)


def _copy(var, space, copies):
    made = copies.get(var)
    if made is None:
        made = copies[var] = {}
    if space not in made:
        made[space] = (gpu_from_host if space == "device" else host_from_gpu)(var)
    return made[space]


def _warn_host(node, why):
    cls = type(node.op)
    key = f"{cls.__module__}.{cls.__qualname__}"
    if key in _warned:
        return
    _warned.add(key)
    warnings.warn(f"device=cuda: {cls.__name__} {why}; its nodes (here {node}) run on the host, with copies "
                  "to and from the GPU", stacklevel=3)
