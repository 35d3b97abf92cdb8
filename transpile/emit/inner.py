"""Inner graphs as C++ functions of the same source: the C++ a rule emits to call one.

`lc.inner_function(fgraph, label)` (lower.py) lowers an inner graph with the same driver and
rules into `static int innerK(tr::Context&, const transpile_tensor* in, transpile_tensor* out)`,
the ABI of the graph's own run function: it binds and checks its inputs, frees its temporaries
on every path, and either writes each output into the array `out[k]` describes (when its data
is not NULL: it must be C-contiguous of the output's shape) or allocates it (then the caller
owns it). Its errors name the inner node; `tr::inner_status` adds the calling node.

A rule calls it with these helpers (C++ in templates/runtime/inner.h):

    lc.emit(*lc.inner_results(node.outputs, "r"))       # output descriptors: allocated by the callee
    lc.emit(*lc.call_inner(name, inputs, "r"))           # descriptors of the inputs, call, status
    for k, out in enumerate(node.outputs):
        lc.adopt(out, f"r[{k}]")                         # the node output owns the memory

`lc.call_inner` also accepts Buffers (views made by the rule). A loop (scan, cpp/rules/scan.py)
calls the function once per step with descriptors of rows (`tr::row_tensor`) of its sequences
and storage as inputs and output descriptors preset to rows of preallocated storage, so the
callee writes each step's outputs in place. A node output that is a graph output needs no copy: `results`
starts its descriptor as the caller's `out[k]`, and `adopt` makes it the output buffer.
"""
from transpile.emit.program import Buffer, dtype_const


def call_lines(lc, function, inputs, results):
    """Lines calling `function` on `inputs` (variables or Buffers, read by this step) with the
    output descriptor array `results`; a failure returns its status with both nodes named."""
    lc.use_runtime("inner")
    bufs = []
    for value in inputs:
        if isinstance(value, Buffer):
            lc._reads[-1].append(value)
            bufs.append(value)
        else:
            bufs.append(lc.buffer(value))
    args = ", ".join(f"tr::tensor_of({b.name}, {dtype_const(b.dtype)})" for b in bufs)
    return [f"const transpile_tensor {results}_in[{max(len(bufs), 1)}] = {{{args}}};",
            f"TR_CHECK(tr::inner_status(ctx, {function}(ctx, {results}_in, {results})));"]


def _graph_output(lc, var):
    """The output position of `var` when it is a graph output still without its buffer."""
    position = lc._output_position.get(var)
    return position if position is not None and position[1] is None else None


def results(lc, outputs, name):
    """Lines declaring `name`, the output descriptors of an inner call computing node outputs
    `outputs`: empty (the callee allocates), except a graph output's, which starts as the
    caller's own descriptor (the callee writes into the caller's array when it gave one)."""
    lines = [f"transpile_tensor {name}[{max(len(outputs), 1)}] = {{}};"]
    for k, var in enumerate(outputs):
        position = _graph_output(lc, var)
        if position is not None:
            lines.append(f"{name}[{k}] = out[{position[0]}];")
    return lines


def adopt(lc, var, descriptor):
    """Node output `var` takes the array an inner function returned in `descriptor` (declared
    by `results`): a temporary that owns it, or, for a graph output, the caller's output."""
    lc.use_runtime("inner")
    position = _graph_output(lc, var)
    if position is None:
        buf = lc._add(var, lc._buffer_for(var, "temp"))
        buf.slot = lc._slot()
        lc._reads[-1].append(buf)
        lc.emit(f"tr::adopt({buf.name}, {descriptor}, slots_[{buf.slot}]);")
        return buf
    k = position[0]
    buf = lc._add(var, lc._buffer_for(var, "output", index=k))
    buf.label = lc.program.output_names[k]
    buf.slot = lc._slot()
    position[1] = buf
    lc._reads[-1].append(buf)
    lc.emit(f"tr::adopt_output({buf.name}, {descriptor}, out[{k}], slots_[{buf.slot}]);")
    return buf
