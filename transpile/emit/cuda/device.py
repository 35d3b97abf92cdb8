"""The CUDA target's part of the lowering driver (`emit/lower.py`): which rule lowers a placed
node, where its inputs are read and its outputs live, and the copies between host and GPU.

A CUDA program is host C++ (`src/NAME.cpp`, compiled like every graph, the nodes left on the
host lowered by their C++ rules) that calls host functions of `src/NAME_kernels.cu` (compiled
by nvcc) for the nodes placed on the GPU. Array descriptors (`tr::Array`: pointer, shape,
strides) always live on the host, so shapes, views and checks are host code whatever the
memory; only the data of a "device" buffer is in GPU memory.

- A `GpuOp` node is lowered by the CUDA rule of the op it wraps (it sees the wrapped op as
  `node.op`); its outputs and scratch memory are in GPU memory, and it reads its inputs there,
  except the positions its rule reads on the host (`host_inputs`: shapes, indices).
- `GpuFromHost` / `HostFromGpu` have CUDA rules of their own (`rules/transfer.py`).
- Every other node is lowered by its C++ rule and reads its inputs in host memory, except
  `Shape` and `Shape_i`, which read only a descriptor.
- A value read in the other memory than it lives in (a constant, or a graph input of a segment
  between host-only nodes) is copied once, where it is first read (`transfer`).
"""
from transpile.emit import cpp
from transpile.emit.cuda.printer import cuda_printer
from transpile.emit.program import Buffer, DeviceFunction, dtype_const
from transpile.emit.registry import LoweringError, find_lowering, rule_info
from transpile.gpuarray.ops import GpuFromHost, GpuOp, HostFromGpu
from transpile.graph.traversal import IdMap
from transpile.tensor.shape import Shape, Shape_i

__all__ = ["cuda_printer", "rule_for", "spaces", "transfer", "copy_lines", "define_function", "host_positions",
           "inputs_on_device", "unread_inputs", "outputs_on_device", "read_input_where_it_is", "return_output_where_asked"]

#: host ops that read only the descriptor of their input (its shape): no copy to the host
SHAPE_READERS = (Shape, Shape_i)


class DeviceNode:
    """A `GpuOp` node as its CUDA rule sees it: the wrapped op, the same variables."""

    def __init__(self, node):
        self.op, self.inputs, self.outputs, self.tag = node.op.op, node.inputs, node.outputs, node.tag
        self.placed = node

    def __str__(self):
        return str(self.placed)


def rule_for(lc, node):
    """(rule, the node the rule is given) for `node` in a lowering of target `lc.target`."""
    placed = isinstance(node.op, (GpuOp, GpuFromHost, HostFromGpu))
    if placed and lc.target != "cuda":
        raise LoweringError(f"{node} runs on the GPU: lower its graph with target='cuda'")
    if isinstance(node.op, GpuOp):
        return find_lowering(node.op.op, "cuda"), DeviceNode(node)
    if placed:
        return find_lowering(node.op, "cuda"), node
    return find_lowering(node.op), node


def host_positions(info, n_inputs):
    """The input positions a rule reads on the host: ints, and "k:" for k and all after."""
    found = []
    for entry in info.host_inputs:
        if isinstance(entry, str):
            found.extend(range(int(entry.rstrip(":")), n_inputs))
        else:
            found.append(entry)
    return found


def spaces(lc, node):
    """(where `node`'s outputs live, {input: where the rule reads it})."""
    read = IdMap()
    if lc.target != "cuda":
        return "host", read
    op = node.op
    if isinstance(op, GpuOp):
        host = host_positions(rule_info(op.op, "cuda"), len(node.inputs))
        for k, var in enumerate(node.inputs):
            read[var] = "host" if k in host else "device"
        return "device", read
    if isinstance(op, GpuFromHost):
        read[node.inputs[0]] = "host"
        return "device", read
    if isinstance(op, HostFromGpu):
        read[node.inputs[0]] = "device"
        return "host", read
    if not isinstance(op, SHAPE_READERS):
        for var in node.inputs:
            read[var] = "host"
    return "host", read


def inputs_on_device(fgraph, target="cuda"):
    """Positions of the graph inputs the program may take in GPU memory: every reader copies
    them to the GPU (target cuda) or reads only their shape (any target: a shape query), and
    none is a graph output; an input nothing reads (an update's target) too."""
    readers_ok = (GpuFromHost, *SHAPE_READERS) if target == "cuda" else SHAPE_READERS
    found = []
    for k, var in enumerate(fgraph.inputs):
        readers = [node for node, _ in fgraph.clients(var)]
        if all(node != "output" and isinstance(node.op, readers_ok) for node in readers):
            found.append(k)
    return found


def unread_inputs(fgraph):
    """Positions of the graph inputs nothing reads (a shared variable only an update writes):
    a CUDA program takes them in either memory, so a value kept on the GPU stays there."""
    return [k for k, var in enumerate(fgraph.inputs) if not fgraph.clients(var)]


def outputs_on_device(fgraph):
    """Positions of the graph outputs the program may return in GPU memory: copies to the host
    (`HostFromGpu`) that nothing else reads, each returned once."""
    return [k for k, var in enumerate(fgraph.outputs)
            if var.owner is not None and isinstance(var.owner.op, HostFromGpu) and fgraph.clients(var) == [("output", k)]]


def read_input_where_it_is(lc, out, src):
    """`GpuFromHost` of graph input `src` that the caller may give in GPU memory: `out` views
    it there (so no rule may write into it), or, when it comes in host memory, is a copy on the
    GPU (freed after the last reader of the input)."""
    k, ndim = src.index, src.ndim
    dst = lc.view(out, src, [f"{src.name}.shape[{d}]" for d in range(ndim)], [f"{src.name}.strides[{d}]" for d in range(ndim)])
    dst.space = "device"
    slot = lc._slot(device=True)
    lc._input_copies.append((src, slot))
    name = cpp.string_literal(lc.program.input_names[k])
    lc.emit(f"if (in[{k}].memory == TRANSPILE_MEMORY_DEVICE) {{  // read in the caller's GPU memory",
            f"    TR_CHECK(tr::cu::check_device_array(ctx, in[{k}], \"input\", {name}));",
            "} else {",
            f"    TR_CHECK(tr::cu::alloc(ctx, {dst.name}, {src.name + '.shape' if ndim else 'nullptr'}, dslots_[{slot}]));",
            f"    TR_CHECK(tr::cu::upload(ctx, {dst.name}, {src.name}));",
            "}")


def return_output_where_asked(lc, out, src):
    """`HostFromGpu` into a graph output the caller may take in GPU memory: a GPU copy when its
    descriptor asks for GPU memory (handed over when the run succeeds), else a copy to the host.
    Returns False when `out` is not such an output."""
    position = lc._output_position.get(out)
    if position is None or position[1] is not None or position[0] not in lc.program.device_outputs:
        return False
    k = position[0]
    on_gpu = lc.local(f"{src.name}_out", src)
    slot = lc._slot(device=True)
    label = cpp.string_literal(lc.program.output_names[k])
    copy = [f"{on_gpu.decl} {on_gpu.name};",
            f"TR_CHECK(tr::cu::output_on_device(ctx, {on_gpu.name}, {src.name}.shape, out[{k}], "
            f"{dtype_const(src.dtype)}, dslots_[{slot}], {label}));",
            *copy_lines(lc, on_gpu, src)]
    if _dies_here(lc, src, out.owner.inputs[0]):  # its memory can be the output's: no copy
        copy = ["bool handed_ = false;",
                f"TR_CHECK(tr::cu::hand_over(ctx, {src.name}, dslots_[{src.slot}], out[{k}], {dtype_const(src.dtype)}, "
                f"dslots_[{slot}], {label}, &handed_));",
                "if (!handed_) {", *("    " + line for line in copy), "}"]
    lc.emit(f"if (out[{k}].memory == TRANSPILE_MEMORY_DEVICE) {{  // the caller keeps it in GPU memory",
            *("    " + line for line in copy), "} else {")
    first = len(lc._step.lines)
    dst = lc.alloc(out, f"{src.name}.shape", space="host")
    lc._step.lines[first:] = ["    " + line for line in lc._step.lines[first:]]
    lc.emit(*("    " + line for line in copy_lines(lc, dst, src)), "}")
    lc.program.commit_lines.append(f"if (dslots_[{slot}] != nullptr) {{  // output {k} is handed over in GPU memory")
    lc.program.commit_lines += [f"    out[{k}].data = dslots_[{slot}];", f"    dslots_[{slot}] = nullptr;", "}"]
    return True


def _dies_here(lc, src, var):
    """Whether GPU array `src` (the value of `var`) is its own allocation that no later node
    reads, directly or through a view: the output can take its memory over."""
    if src.space != "device" or src.role != "temp" or src.base is not None or src.slot is None:
        return False
    if any(b is not src and any(r is src for r in b.roots()) for b in lc.program.buffers):
        return False
    return all(node != "output" and lc.node_index[node] <= lc.index for node, _ in lc.fgraph.clients(var))


def transfer(lc, var, buf, wanted):
    """`var`'s value (in `buf`) in memory `wanted`: a copy made where it is first needed, then
    reused by later readers (freed after the last)."""
    key = (id(var), wanted)
    copy = lc._device_copies.get(key)
    if copy is not None:
        return copy
    suffix = "_d" if wanted == "device" else "_h"
    copy = Buffer(buf.name + suffix, buf.dtype, buf.broadcastable, "temp", label=f"{buf.label} ({wanted} copy)",
                  space=wanted)
    lc.program.buffers.append(copy)
    lc._reads[-1].append(buf)
    lc._allocate(copy, f"{buf.name}.shape")
    lc.emit(f"// {'to the GPU' if wanted == 'device' else 'to the host'}: {buf.name}")
    lc.emit(*copy_lines(lc, copy, buf))
    lc._device_copies[key] = copy
    return copy


def copy_lines(lc, dst, src):
    """Lines copying `src` into fresh C-contiguous `dst` when one of them is in GPU memory."""
    if dst.space == "device" and src.space == "device":
        return [_call(lc, _copy_function(lc, dst, src), dst.name, src.name)]
    if dst.dtype != src.dtype:
        raise LoweringError(f"a copy between host and GPU memory keeps the dtype: {src.dtype} -> {dst.dtype}")
    if dst.space == "device":
        return [f"TR_CHECK(tr::cu::upload(ctx, {dst.name}, {src.name}));"]
    squeeze = _copy_function(lc, src, src)  # makes a strided GPU array contiguous first
    return [f"TR_CHECK(tr::cu::download(ctx, {dst.name}, {src.name}, tk::{squeeze}));"]


def _copy_function(lc, dst, src):
    name = f"copy_{dst.dtype}_from_{src.dtype}_{dst.ndim}d"
    define_function(lc, name, (f"{dst.decl} dst", f"{src.decl} src"), ("return tr::cu::copy(stream, dst, src);",))
    return name


def define_function(lc, name, params, body, kernels=(), context=False):
    """Record DeviceFunction `name` once (a second definition must be the same) and return a
    function of its arguments giving the C++ statement that calls it from a step."""
    function = DeviceFunction(name, tuple(params), tuple(body), tuple(kernels), context)
    defined = lc.root.program.device_functions
    for f in defined:
        if f.name == name:
            if f != function:
                raise LoweringError(f"device function {name} defined twice with different code (internal error)")
            break
    else:
        defined.append(function)
    if context:
        return lambda *args: f"TR_CHECK(tk::{name}({', '.join(('ctx',) + args)}));"
    return lambda *args: _call(lc, name, *args)


def _call(lc, name, *args):
    return f"TR_CHECK(tr::cu::check(ctx, tk::{name}({', '.join(('tr::cu::stream(ctx)',) + args)}), \"{name}\"));"

