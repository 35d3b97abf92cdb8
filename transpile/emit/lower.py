"""Lowering a FunctionGraph to a `Program`: the driver and the context rules work through.

The driver walks the graph's toposort, calls each node's rule (found in the registry), and
takes care of what no rule should: binding inputs, turning graph outputs into caller-visible
output buffers (copying when a rule produced a view), and freeing temporaries after their last
use. Rules only say how one node computes, through `LoweringContext`:

    lc.buffer(var) / lc.name(var)   the buffer holding a variable (constants are created lazily)
    lc.alloc(var, shape)            give a node output fresh memory (an output buffer if it is one)
    lc.view(var, base, shape, strides, offset)   make a node output alias another buffer
    lc.temp(dtype, broadcastable, shape, hint)   scratch memory for the current node
    lc.emit(*lines)                 C++ statements (status checks through TR_CHECK / lc.fail)
    lc.use_runtime(family)          include templates/runtime/<family>.h (static C++ the steps call)
    lc.sparse(var) / lc.bind_sparse(var, ...) / lc.part_view(...)   sparse values (four parts)
    lc.inner_function(fgraph, label) / lc.inner_graph(inner) / lc.inner_results(...) /
    lc.call_inner(...) / lc.adopt(...)
                                    inner graphs as C++ functions of the same source (emit/inner.py)

Sparse inputs and outputs are first expanded into their dense parts (`sparse_abi.expand`), so
the program's inputs and outputs are always dense.

With `target="cuda"` the graph has been placed (`emit/cuda/placement.py`): nodes of `GpuOp`s
are lowered by their CUDA rule, in GPU memory, everything else by its C++ rule, in host
memory; the transfer nodes copy between the two (`emit/cuda/device.py` has the details).
"""
from transpile.emit import cpp, inner, sparse_abi
from transpile.emit.cpp import unit_kernels
from transpile.emit.cpp.printer import cpp_printer
from transpile.emit.cuda import device
from transpile.emit.program import MAX_NDIM, Buffer, InnerProgram, Program, SparseBuffers, Step, dtype_const
from transpile.emit.registry import LoweringError, missing_lowering_error
from transpile.emit.runtime import REQUIRES, runtime_source
from transpile.graph.basic import Constant
from transpile.graph.traversal import IdMap

STATUS = {"argument": "TRANSPILE_ERR_ARGUMENT", "dtype": "TRANSPILE_ERR_DTYPE", "rank": "TRANSPILE_ERR_RANK",
          "shape": "TRANSPILE_ERR_SHAPE", "value": "TRANSPILE_ERR_VALUE", "alloc": "TRANSPILE_ERR_ALLOC",
          "internal": "TRANSPILE_ERR_INTERNAL", "index": "TRANSPILE_ERR_INDEX",
          "assert": "TRANSPILE_ERR_ASSERT"}


class LoweringContext:
    """`mode`: the compile mode inner graphs are rewritten with (None: FAST_RUN's rewrites);
    `root`: the context of the outer graph when this one lowers an inner graph (it owns the
    functions, runtime families and features); `prefix`: of constant names (unique per source)."""

    def __init__(self, printer=cpp_printer, mode=None, root=None, prefix="", function="run_graph", target="cpp"):
        self.program = Program(target=target)
        self.function = function  # the C++ function being lowered
        self.host_printer = printer
        self.target = target
        self.space = "host"       # where the current node's outputs live ("device": GPU memory)
        self._read_space = IdMap()  # the current node's inputs -> where the rule reads them
        self._device_copies = {}  # (id(value), memory) -> its copy there (constants, inputs)
        self._input_copies = []   # (input buffer, GPU slot): copies of inputs the caller may give in GPU memory
        self.mode = mode
        self.root = self if root is None else root
        self.prefix = prefix
        self._inner = []          # root only: [(inner graph, function name)] lowered so far
        self.node = None
        self.index = None
        self._buffers = IdMap()
        self._output_position = IdMap()
        self._step = None
        self._reads = []          # per step: buffers read
        self._n_temps = 0
        self.fgraph, self.node_index = None, IdMap()  # the graph being lowered, its nodes' positions

    # -- for rules ---------------------------------------------------------------------------
    @property
    def printer(self):
        """The scalar-op printer of the current node's target."""
        return device.cuda_printer if self.space == "device" else self.host_printer

    def buffer(self, var, space=None):
        """The buffer of `var` where the rule reads it (`space`: "host" or "device" to choose:
        a copy is made there once when the value lives in the other memory)."""
        buf = self._buffers.get(var)
        if isinstance(buf, SparseBuffers) or sparse_abi.is_sparse(var):
            raise LoweringError(f"{var} is sparse: rules read it with lc.sparse(var)")
        if buf is None:
            if not isinstance(var, Constant):
                raise LoweringError(f"{var} is used before it is computed (internal lowering error)")
            name = f"{self.prefix}c{len(self.program.constants)}"
            buf = self._add(var, Buffer(name, var.dtype, var.broadcastable, "constant", data=var.data, label=str(var)))
        wanted = space or self._read_space.get(var)
        if wanted is not None and wanted != buf.space:
            buf = device.transfer(self, var, buf, wanted)
        if self._step is not None:
            self._reads[-1].append(buf)
        return buf

    def name(self, var):
        return self.buffer(var).name

    def emit(self, *lines):
        self._step.lines.extend(lines)

    def need(self, feature):
        self.root.program.features.add(feature)

    def use_kernel(self, kernel):
        """Record that the steps call `kernel`, an instance of a unit's kernel (see
        emit/cpp/unit_kernels.py; None records nothing)."""
        if kernel is not None:
            self.root.program.add_kernel(*kernel)

    def use_scalar_op(self, scalar_op):
        """Make what the printed form of `scalar_op` needs available: its runtime families, and
        <complex> when a fused loop computes complex values between real inputs and outputs
        (angle(complex(x, y))), which no buffer shows."""
        for family in self.printer.runtimes(scalar_op):
            self.use_runtime(family)
        if any(dtype.startswith("complex") for _, _, dtype in getattr(scalar_op, "instructions", ())):
            self.need("complex")

    def use_runtime(self, family, **data):
        """Make runtime family `family` (templates/runtime/<family>.h, or .h.j2 rendered with
        `data`) available to the steps; asking again is free."""
        for required in REQUIRES.get(family, ()):
            self.use_runtime(required)
        self.root.program.add_runtime(family, runtime_source(family, **data))

    # -- inner graphs (emit/inner.py) ----------------------------------------------------------
    def inner_graph(self, inner):
        """The FunctionGraph of an op's inner graph (`compile.inner.InnerFunction`) rewritten
        with this lowering's mode (built once per mode and kept by `inner`)."""
        return inner.optimized(self.mode)

    def inner_function(self, fgraph, label):
        """The name of a C++ function of this source (in its anonymous namespace), `int NAME(
        tr::Context&, const transpile_tensor* in, transpile_tensor* out)` (the ABI of the graph's run function),
        computing `fgraph` with the same rules; lowered once per graph (`label` names it in
        comments and errors). Functions come before the functions that call them."""
        root = self.root
        for graph, name in root._inner:
            if graph is fgraph:
                return name
        name = f"inner{len(root._inner)}"
        root._inner.append((fgraph, name))
        where = f"{label}, called by node {self.index} of {self.function}: {self.node}"
        sub = LoweringContext(self.host_printer, self.mode, root=root, prefix=f"{name}_", function=name)
        try:
            lower_graph(sub, fgraph)
        except LoweringError as err:
            raise LoweringError(f"{err}\n(lowering {where})") from err
        if sub.program.sparse_inputs or sub.program.sparse_outputs:
            raise LoweringError(f"{where}: sparse inputs or outputs, which inner functions do not take yet")
        root.program.functions.append(InnerProgram(name, cpp.comment(f"{name}: {where}"), sub.program))
        return name

    def call_inner(self, function, inputs, results):
        """Lines calling inner function `function` on `inputs` (variables or Buffers) with
        output descriptors `results` (a `transpile_tensor` array name)."""
        return inner.call_lines(self, function, inputs, results)

    def inner_results(self, outputs, name):
        """Lines declaring `name`, the output descriptors of an inner call computing `outputs`."""
        return inner.results(self, outputs, name)

    def adopt(self, var, descriptor):
        """Node output `var` takes the memory an inner function returned in `descriptor`."""
        return inner.adopt(self, var, descriptor)

    def fail(self, status, message, *args):
        """A C++ statement returning error `status` ("shape", "value", ...) with a printf message."""
        extra = "".join(", " + a for a in args)
        return f"return tr::fail(ctx, {STATUS[status]}, {cpp.string_literal(message)}{extra});"

    def alloc(self, var, shape, space=None):
        """Fresh C-contiguous memory of `shape` (a C++ `const int64_t*`) for node output `var`,
        in the node's memory (`space`: "host" or "device" to choose)."""
        space = space or self.space
        position = self._output_position.get(var)
        if space == "device":  # a graph output on the GPU is copied to the caller by the driver
            buf = self._add(var, self._buffer_for(var, "temp"))
            buf.space = "device"
        elif position is not None and position[1] is None:
            buf = self._add(var, self._buffer_for(var, "output", index=position[0]))
            buf.label = self.program.output_names[position[0]]
            position[1] = buf
        else:
            buf = self._add(var, self._buffer_for(var, "temp"))
        self._allocate(buf, shape)
        return buf

    def temp(self, dtype, broadcastable, shape, hint="tmp", space=None):
        """Scratch memory for the current node (freed after its last use)."""
        self._n_temps += 1
        buf = Buffer(f"t{self.index}_{hint}{self._n_temps}", dtype, tuple(broadcastable), "temp", label=hint,
                     space=space or self.space)
        self.program.buffers.append(buf)
        self._allocate(buf, shape)
        return buf

    def view(self, var, base, shape, strides, offset="0", data=None, aliases=()):
        """Node output `var` aliases `base`'s memory with the given per-dim shape and strides.
        `data` overrides the start pointer; it may then point into one of `aliases` instead."""
        base_buf = self.buffer(base) if not isinstance(base, Buffer) else base
        buf = self._add(var, self._buffer_for(var, "view"))
        self._set_view(buf, base_buf, shape, strides, offset, data, aliases)
        return buf

    def _set_view(self, buf, base_buf, shape, strides, offset, data, aliases):
        buf.base, buf.aliases, buf.space = base_buf, tuple(aliases), base_buf.space
        data = (data or base_buf.name + ".data") + ("" if offset == "0" else f" + ({offset})")
        dims = lambda xs: "{" + ", ".join(xs) + "}"  # noqa: E731
        self.emit(f"{buf.name} = {{{data}, {dims(shape)}, {dims(strides)}}};")

    # -- sparse values: four 1-d parts each (see program.SparseBuffers) ---------------------------
    def sparse(self, var):
        """The `SparseBuffers` of sparse `var` (every part counts as read)."""
        value = self._buffers.get(var)
        if not isinstance(value, SparseBuffers):
            raise LoweringError(f"{var} is not a sparse value computed before (internal lowering error)")
        if self._step is not None:
            self._reads[-1].extend(value.parts())
        return value

    def bind_sparse(self, var, data, indices, indptr, shape):
        """Node output `var` (sparse, of its type's format) is held by these part buffers."""
        value = SparseBuffers(var.type.format, data, indices, indptr, shape)
        self._buffers[var] = value
        return value

    def part_view(self, base, length, stride="1", data=None, aliases=(), hint="part"):
        """A 1-d view of buffer `base` bound to no variable (a part of a sparse value)."""
        self._n_temps += 1
        buf = Buffer(f"t{self.index}_{hint}{self._n_temps}", base.dtype, (False,), "view", label=hint)
        self.program.buffers.append(buf)
        self._reads[-1].append(base)
        self._set_view(buf, base, [length], [stride], "0", data, aliases)
        return buf

    def shape_of(self, var):
        return f"{self.name(var)}.shape"

    def scalar(self, var):
        """A C++ expression of the value of 0-d `var` (a literal for a constant)."""
        if isinstance(var, Constant):
            return cpp.literal(var.data.reshape(()).item(), var.dtype)
        return f"{self.name(var)}.data[0]"

    def label(self):
        return cpp.string_literal(str(self.node.op))

    def local(self, name, like, broadcastable=None):
        """A Buffer naming `name`, a descriptor the rule declares itself in its step (a region
        of `like`'s memory, say), to copy into or out of with `lc.copy`."""
        return Buffer(name, like.dtype, like.broadcastable if broadcastable is None else tuple(broadcastable), "view",
                      space=like.space)

    def copy(self, dst, src):
        """Lines copying buffer `src` into `dst` (same shape), converting the dtype; between
        host and GPU memory too (then of one dtype)."""
        if dst.space == "host" and src.space == "host":
            self.use_kernel(unit_kernels.copy(dst, src))
            return [f"tr::copy({dst.name}, {src.name});"]
        return device.copy_lines(self, dst, src)

    # -- CUDA (emit/cuda/device.py) -------------------------------------------------------------
    def device_function(self, name, params, body, kernels=(), context=False):
        """A host function of the CUDA source, `cudaError_t name(cudaStream_t stream, params...)`
        (launching the `kernels`, lines at namespace scope before it; with `context`: `int
        name(tr::Context& ctx, params...)`, returning a status), defined once per name; returns
        `call`, a function of the arguments giving the C++ statement that calls it."""
        return device.define_function(self, name, params, body, kernels, context)

    # -- internals ---------------------------------------------------------------------------
    def _buffer_for(self, var, role, index=None):
        if var.ndim > MAX_NDIM:
            raise LoweringError(f"{var} has {var.ndim} dims; the native backend supports at most {MAX_NDIM}")
        return Buffer(_node_output_name(self.index, self.node, var), var.dtype, var.broadcastable, role, index=index,
                      label=str(var))

    def _add(self, var, buf):
        self._buffers[var] = buf
        self.program.buffers.append(buf)
        return buf

    def _allocate(self, buf, shape):
        self._reads[-1].append(buf)  # creation counts as a use: a dead temp is freed right away
        if buf.space == "device":
            buf.slot = self._slot(device=True)
            self.emit(f"TR_CHECK(tr::cu::alloc(ctx, {buf.name}, {shape if buf.ndim else 'nullptr'}, dslots_[{buf.slot}]));")
        elif buf.role == "output":
            buf.slot = self._slot()
            self.emit(f"TR_CHECK(tr::alloc_output(ctx, {buf.name}, {shape if buf.ndim else 'nullptr'}, out[{buf.index}], "
                      f"{dtype_const(buf.dtype)}, slots_[{buf.slot}], {cpp.string_literal(buf.label)}));")
        elif buf.ndim == 0:
            self.emit(f"{buf.name}.data = &{buf.name}_v;")
        else:
            buf.slot = self._slot()
            self.emit(f"TR_CHECK(tr::alloc(ctx, {buf.name}, {shape}, slots_[{buf.slot}]));")

    def _slot(self, device=False):
        if device:
            self.program.n_device_slots += 1
            return self.program.n_device_slots - 1
        self.program.n_slots += 1
        return self.program.n_slots - 1

    def _begin(self, index, node, comment):
        self.index, self.node = index, node
        self._step = Step(index, cpp.comment(comment))
        self.program.steps.append(self._step)
        self._reads.append([])
        self.space, self._read_space = "host", IdMap()
        if node is not None:
            self.space, self._read_space = device.spaces(self, node)
            self.emit(f"ctx.node = {index};")

    def _end(self):
        self._step = None
        self.node = None
        self.space, self._read_space = "host", IdMap()


def lower(fgraph, input_names=None, output_names=None, printer=cpp_printer, mode=None, target="cpp"):
    """The Program computing `fgraph.outputs` from `fgraph.inputs` (inner graphs of its nodes
    rewritten with `mode`, FAST_RUN's rewrites by default). `target="cuda"`: a placed graph
    (see the module docstring)."""
    lc = LoweringContext(printer, mode, target=target)
    lower_graph(lc, fgraph, input_names, output_names)
    program = lc.program
    programs = [program] + [f.program for f in program.functions]
    if any(b.dtype.startswith("complex") for p in programs for b in p.buffers):
        program.features.add("complex")
    return program


def lower_graph(lc, fgraph, input_names=None, output_names=None):
    """Fill `lc.program` with the steps computing `fgraph` (the driver, for a graph or an inner graph)."""
    program = lc.program
    input_names = list(input_names or [v.name or f"input{k}" for k, v in enumerate(fgraph.inputs)])
    output_names = list(output_names or [v.name or f"output{k}" for k, v in enumerate(fgraph.outputs)])
    fgraph, layout = sparse_abi.expand(fgraph, input_names, output_names)
    program.input_names, program.output_names = layout.input_names, layout.output_names
    program.sparse_inputs, program.sparse_outputs = layout.sparse_inputs, layout.sparse_outputs
    if lc.root is lc:  # where the caller may keep arrays: see emit/cuda/device.py
        program.device_inputs = device.inputs_on_device(fgraph, lc.target)
        program.device_outputs = device.outputs_on_device(fgraph) if lc.target == "cuda" else []
        program.unread_inputs = device.unread_inputs(fgraph) if lc.target == "cuda" else []
    _bind_inputs(lc, fgraph)
    for k, var in enumerate(fgraph.outputs):
        if var.owner is not None and var not in lc._output_position:
            lc._output_position[var] = [k, None]
    order = fgraph.toposort()
    lc.fgraph, lc.node_index = fgraph, IdMap((node, i) for i, node in enumerate(order))  # who reads a value later
    program.node_labels = [f"node {i}: {node}" for i, node in enumerate(order)]
    for index, node in enumerate(order):
        rule, rule_node = device.rule_for(lc, node)
        if rule is None:
            raise missing_lowering_error(node, index)
        outs = ", ".join(_node_output_name(index, node, o) for o in node.outputs)
        lc._begin(index, node, f"node {index}: {node} -> {outs}")
        rule(lc, rule_node)
        for out in node.outputs:
            if out not in lc._buffers:
                raise LoweringError(f"the lowering of {node.op} did not produce output {out.index} of {node}")
            position = lc._output_position.get(out)
            if position is not None and position[1] is None:
                _materialize(lc, position, lc._buffers[out])
        lc._end()
    _finish_outputs(lc, fgraph)
    _free_temporaries(lc)
    program.outputs = sorted((b for b in program.buffers if b.role == "output"), key=lambda b: b.index)
    return program


def _node_output_name(index, node, var):
    """`t3` for the output of node 3 (`t3_1` for its second output when it has several)."""
    return f"t{index}" if len(node.outputs) == 1 else f"t{index}_{var.index}"


def _bind_inputs(lc, fgraph):
    lc._begin(-1, None, "bind the inputs (dtype, rank and broadcastable dims checked)")
    for k, var in enumerate(fgraph.inputs):
        if var.ndim > MAX_NDIM:
            raise LoweringError(f"input {var} has {var.ndim} dims; the native backend supports at most {MAX_NDIM}")
        buf = lc._add(var, Buffer(f"in{k}", var.dtype, var.broadcastable, "input", index=k, label=str(var)))
        lc.program.inputs.append(buf)
        bcast = "nullptr"
        if buf.ndim:
            lc.emit(f"static const unsigned char in{k}_bcast[] = {{{', '.join('1' if b else '0' for b in buf.broadcastable)}}};")
            bcast = f"in{k}_bcast"
        on_device = ", true" if k in lc.program.device_inputs else ""
        lc.emit(f"TR_CHECK(tr::bind_input(ctx, in{k}, in[{k}], {dtype_const(buf.dtype)}, {bcast}, "
                f"{cpp.string_literal(lc.program.input_names[k])}{on_device}));")
    lc._end()


def _materialize(lc, position, src):
    """Output `position` is a view or an input: copy it into its own output buffer."""
    k = position[0]
    dst = Buffer(f"out{k}", src.dtype, src.broadcastable, "output", index=k, label=lc.program.output_names[k])
    lc.program.buffers.append(dst)
    position[1] = dst
    lc._reads[-1].append(src)
    lc._allocate(dst, f"{src.name}.shape")
    lc.emit(*lc.copy(dst, src))


def _finish_outputs(lc, fgraph):
    """Outputs that are inputs, constants or repeated get copied at the end."""
    for k, var in enumerate(fgraph.outputs):
        position = lc._output_position.get(var)
        if position is not None and position[0] == k:
            continue
        lc._begin(len(lc.program.node_labels), None, f"output {k}: a copy of {var}")
        _materialize(lc, [k, None], lc.buffer(var))
        lc._end()


def _free_temporaries(lc):
    """Release each heap temporary after the last step reading it (or any view of it)."""
    last = {}
    for step_index, reads in enumerate(lc._reads):
        for buf in reads:
            for root in buf.roots():
                last[id(root)] = step_index
    for buf, slot in lc._input_copies:  # empty when the caller gave the input in GPU memory
        lc.program.steps[last[id(buf)]].lines.append(f"tr::cu::release(ctx, dslots_[{slot}]);  // {buf.name}'s GPU copy is dead")
    for buf in lc.program.buffers:
        if buf.role == "temp" and buf.slot is not None:
            release = (f"tr::cu::release(ctx, dslots_[{buf.slot}]);" if buf.space == "device"
                       else f"tr::release(slots_[{buf.slot}]);")
            lc.program.steps[last[id(buf)]].lines.append(f"{release}  // {buf.name} is dead")

