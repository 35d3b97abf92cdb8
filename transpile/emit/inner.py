"""Inner graphs as C++ functions of the same source: the C++ a rule emits to call one.

`lc.inner_function(fgraph, label)` (lower.py) lowers an inner graph with the same driver and
rules into `static int innerK(tr::Context&, const transpile_tensor* in, transpile_tensor* out)`,
the ABI of the graph's own run function: it binds and checks its inputs, frees its temporaries
on every path, and either writes each output into the array `out[k]` describes (when its data
is not NULL: it must be C-contiguous of the output's shape) or allocates it (then the caller
owns it). Its errors name the inner node; `tr::inner_status` adds the calling node.

A rule calls it with these helpers (C++ in templates/runtime/inner.h):

    lc.emit(f"transpile_tensor r[{n}] = {{}};")          # the outputs: allocated by the callee
    lc.emit(*lc.call_inner(name, inputs, "r"))             # descriptors of the inputs, call, status
    for k, out in enumerate(node.outputs):
        lc.adopt(out, f"r[{k}]")                           # the node output owns the memory

A loop (scan) calls the same function once per step with views as inputs (`lc.call_inner`
accepts Buffers, e.g. `lc.temp`/`part_view`-made views of a sequence's row) and `r[k]` set
to `tr::tensor_of(row_view, dtype)` of a slice of preallocated storage, so the callee writes
each step's outputs in place.
"""
from transpile.emit.program import Buffer


def _dtype_const(dtype):
    return f"TRANSPILE_{dtype.upper()}"


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
    args = ", ".join(f"tr::tensor_of({b.name}, {_dtype_const(b.dtype)})" for b in bufs)
    return [f"const transpile_tensor {results}_in[{max(len(bufs), 1)}] = {{{args}}};",
            f"TR_CHECK(tr::inner_status(ctx, {function}(ctx, {results}_in, {results})));"]


def adopt(lc, var, descriptor):
    """Node output `var` becomes a temporary owning the array an inner function allocated and
    returned in `descriptor` (the driver copies it into the caller's buffer if it is an output)."""
    lc.use_runtime("inner")
    buf = lc._add(var, lc._buffer_for(var, "temp"))
    buf.slot = lc._slot()
    lc._reads[-1].append(buf)
    lc.emit(f"tr::adopt({buf.name}, {descriptor}, slots_[{buf.slot}]);")
    return buf
