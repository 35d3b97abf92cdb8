"""Scan: the loop in C++, calling the step (the op's inner graph, lowered as a function of the
same source by `lc.inner_function`) once per step (C++ helpers in templates/runtime/scan.h).

Storage (temporaries) per recurrent output: its `m` initial entries then one row per step, or,
when only its last entries are used (`last_only`, scan_module/history.py), a ring of `m + 1`
rows; per nit-sot output one row per step, allocated after step 0 (its entry shape is known
only then). A `while` loop starts with room for min(n_steps, 16) steps and doubles it when full.
Each step reads rows of the sequences and of the storage at each tap (descriptors of views,
no copy) and writes its outputs straight into the next rows (preset output descriptors); a
non-sequence that is a strided view (a transposed weight) is copied contiguous once before the
loop. The node outputs are views of the storage's first rows (a ring's entries are copied out).

A step that keeps the rows of its values apart (an RNN's batch: emit/scan_rows.py) runs step 0
on all the rows, then, with rows enough for two threads, every other step on each thread for its
own block of rows (`tr::steps_by_rows`): no thread waits for another until the loop ends, where
splitting each step's small products and loops across the threads joined them several times
per step.

Errors are `Scan.perform`'s: negative n_steps, a too-short sequence, an initial state of the
wrong length, a step output whose shape changes (`tr::run_step`), and any failure inside the
step names the inner node, the scan node and "at scan step t of n".

A scan whose step holds a host-only op (or sparse values at its boundary), or whose
`scan(mode=...)` runs no native code (FAST_COMPILE, DebugMode, NanGuardMode), stays on the host
(`register_host_only_when`): its loop runs in Python (`Scan.perform`), the step compiled with
that mode. A native mode named there rewrites the step with its own rewrites.
"""
from transpile.emit import cpp, scan_rows, sparse_abi
from transpile.emit.program import dtype_const
from transpile.emit.registry import is_host_only, register_host_only_when, register_lowering
from transpile.graph.traversal import io_toposort
from transpile.scalar.dtypes import C_TYPES
from transpile.tensor.elemwise import DimShuffle
from transpile.tensor.subtensor_basic import Subtensor

# defined above the backend (scan_module imports compile), so named, not imported
SCAN = "transpile.scan_module.op.Scan"

#: ops whose output may be a strided view of their input
_VIEWS = (DimShuffle, Subtensor)

#: a while loop's first capacity when n_steps does not bound it (Scan.perform's _WHILE_START)
WHILE_START = 16


def _needs_host(op):
    """True when the step holds a host-only op, a sparse value crosses its boundary, or
    `scan(mode=...)` asked for a mode that runs no native code."""
    if not op.native_step or any(sparse_abi.is_sparse(v) for v in op.inner_inputs + op.inner_outputs):
        return True
    return any(is_host_only(n.op) for n in io_toposort(op.inner_inputs, op.inner_outputs))


register_host_only_when(SCAN, _needs_host)


def _dims(buf, first):
    """C++ initializer of a shape: `first` rows, then `buf`'s other lengths."""
    return "{" + ", ".join([first] + [f"{buf.name}.shape[{d}]" for d in range(1, buf.ndim)]) + "}"


def _row(op, r, offset):
    """C++ index of the storage row of recurrent output r holding entry `m + offset` (a ring
    of m + 1 rows when it keeps only its last entries)."""
    m = op.mintaps[r]
    return f"({m} + {offset}) % {m + 1}" if op.last_only[r] else f"{m} + {offset}"


@register_lowering(SCAN)
def lower_scan(lc, node):
    op = node.op
    n_var, seqs, inits, nonseqs = op.outer_parts(node.inputs)
    inner = op.step_function.optimized(op.mode) if op.mode is not None else lc.inner_graph(op.step_function)
    step = lc.inner_function(inner, f"the step of {op}")  # scan(mode=...)'s rewrites when it named a mode
    lc.use_runtime("scan")
    seq_bufs, init_bufs = _checked_inputs(lc, op, n_var, seqs, inits)
    nonseq_bufs = _compact(lc, nonseqs, [lc.buffer(v) for v in nonseqs])
    stores = _storage(lc, node, init_bufs)
    rows = scan_rows.row_axes(op)
    if rows is None:
        body = _growth(op, stores) + _step(lc, op, step, seq_bufs, stores, nonseq_bufs)
        lc.emit("for (int64_t t = 0; t < scan_n; ++t) {", *["    " + line for line in body], "}")
    else:
        _rows_apart(lc, op, step, seq_bufs, stores, nonseq_bufs, rows)
    _outputs(lc, node, stores)


def _checked_inputs(lc, op, n_var, seqs, inits):
    """Lines checking n_steps, the sequences' and the initial states' lengths; their buffers."""
    label = lc.label()
    lc.emit(f"const int64_t scan_n = int64_t({lc.scalar(n_var)});",
            "if (scan_n < 0) { " + lc.fail("value", "%s: n_steps must be non-negative, got %lld", label,
                                            "(long long)scan_n") + " }")
    seq_bufs = [lc.buffer(s) for s in seqs]
    for i, b in enumerate(seq_bufs):
        lc.emit(f"if ({b.name}.shape[0] < scan_n) {{ "
                + lc.fail("value", f"%s: sequence {i} has %lld entries, fewer than the %lld steps to run", label,
                          f"(long long){b.name}.shape[0]", "(long long)scan_n") + " }")
    init_bufs = [lc.buffer(v) for v in inits]
    for r, (b, m) in enumerate(zip(init_bufs, op.mintaps)):
        lc.emit(f"if ({b.name}.shape[0] != {m}) {{ "
                + lc.fail("value", f"%s: the initial state of %s has %lld entries, taps {list(op.taps[r])} need {m}",
                          label, cpp.string_literal(op.output_label(r)), f"(long long){b.name}.shape[0]") + " }")
    return seq_bufs, init_bufs


def _compact(lc, nonseqs, bufs):
    """The non-sequences the step reads, a transposed or sliced one (a view, maybe strided:
    `W.T` in the backward loop's `dz W^T`) copied once into C-contiguous memory when the loop
    runs more than one step, so that every step's product or loop reads it with unit strides
    (a transposed BLAS operand is repacked at each call, slower)."""
    out = []
    for p, (var, buf) in enumerate(zip(nonseqs, bufs)):
        if var.ndim < 2 or var.owner is None or not isinstance(var.owner.op, _VIEWS):
            out.append(buf)
            continue
        tmp = lc.temp(var.dtype, var.broadcastable, f"{buf.name}.shape", hint=f"nonseq{p}_")
        name = f"scan_nonseq{p}"
        lc.emit(f"auto {name} = {buf.name};",
                f"if (scan_n > 1 && !tr::contiguous({buf.name})) {{ tr::copy({tmp.name}, {buf.name}); {name} = {tmp.name}; }}")
        out.append(_Named(name, buf.dtype))
    return out


class _Named:
    """A buffer descriptor the rule declared itself (the step reads it like a node's buffer)."""

    def __init__(self, name, dtype):
        self.name, self.dtype = name, dtype


def _storage(lc, node, init_bufs):
    """The loop's storage (temporaries): per recurrent output its initial entries copied in and
    room for `scan_cap` steps (or a ring), per nit-sot output an empty array (sized at step 0)."""
    op = node.op
    cap = f"std::min<int64_t>(scan_n, {WHILE_START})" if op.as_while else "scan_n"
    lc.emit(f"int64_t scan_cap = {cap};", "int64_t scan_steps = 0;")
    stores = []
    for r, (b, m) in enumerate(zip(init_bufs, op.mintaps)):
        out = node.outputs[r]
        rows = f"{m + 1}" if op.last_only[r] else f"{m} + scan_cap"
        lc.emit(f"const int64_t scan_shape{r}[] = {_dims(b, rows)};")
        st = lc.temp(out.dtype, out.broadcastable, f"scan_shape{r}", hint=f"rec{r}_")
        lc.emit("{", f"    auto head = {st.name};", f"    head.shape[0] = {m};", f"    tr::copy(head, {b.name});", "}")
        stores.append(st)
    for q in range(op.n_nitsot):
        out = node.outputs[op.n_rec + q]
        lc.emit(f"const int64_t scan_zshape{q}[] = {{{', '.join(['0'] * out.ndim)}}};")
        stores.append(lc.temp(out.dtype, out.broadcastable, f"scan_zshape{q}", hint=f"nitsot{q}_"))
    return stores


def _growth(op, stores):
    """Loop lines of a while loop doubling its room when full (a ring needs none)."""
    if not op.as_while:
        return []
    lines = ["if (t == scan_cap) {  // full: double the room",
             "    const int64_t grown = std::min<int64_t>(scan_n, 2 * scan_cap);"]
    for r, m in enumerate(op.mintaps):
        if not op.last_only[r]:
            st = stores[r]
            lines.append(f"    TR_CHECK(tr::resize_rows(ctx, {st.name}, {m} + grown, {st.name}.shape + 1, {m} + t, "
                         f"slots_[{st.slot}]));")
    for z in stores[op.n_rec:]:
        lines.append(f"    TR_CHECK(tr::resize_rows(ctx, {z.name}, grown, {z.name}.shape + 1, t, slots_[{z.slot}]));")
    return lines + ["    scan_cap = grown;", "}"]


def _step(lc, op, step, seq_bufs, stores, nonseq_bufs, rows=None):
    """Loop lines running step t: input descriptors (rows of the sequences and of the storage
    at each tap, the non-sequences), output descriptors (the next rows), the call. With `rows`
    (scan_rows.RowAxes), each descriptor holding rows has only those in [lo, hi)."""
    n_out = op.n_rec + op.n_nitsot + (1 if op.as_while else 0)
    labels = [cpp.string_literal(op.output_label(k)) for k in range(op.n_rec + op.n_nitsot)]
    firsts = ['"the initial state"'] * op.n_rec + ['"step 0"'] * op.n_nitsot
    if op.as_while:
        cond = op.inner_outputs[-1]
        labels.append('"the condition"')
        firsts.append('""')
        lc.emit(f"{C_TYPES[cond.dtype]} scan_cond = 0;")
    lc.emit(f"static const char* const scan_labels[] = {{{', '.join(labels)}}};",
            f"static const char* const scan_first[] = {{{', '.join(firsts)}}};")

    def part(text, axis):
        return text if axis is None else f"tr::rows_of({text}, {axis}, lo, hi)"

    seq_axes = rows.seqs if rows else [None] * len(seq_bufs)
    out_axes = rows.recs + rows.nitsots if rows else [None] * (op.n_rec + op.n_nitsot)
    ins = [part(f"tr::row_tensor({b.name}, t, {dtype_const(b.dtype)})", a) for b, a in zip(seq_bufs, seq_axes)]
    for r, taps in enumerate(op.taps):
        ins += [part(f"tr::row_tensor({stores[r].name}, {_row(op, r, f't + ({tap})')}, {dtype_const(stores[r].dtype)})",
                     out_axes[r])
                for tap in taps]
    ins += [f"tr::tensor_of({b.name}, {dtype_const(b.dtype)})" for b in nonseq_bufs]
    lines = [f"const transpile_tensor scan_in[{max(len(ins), 1)}] = {{{', '.join(ins)}}};",
             f"transpile_tensor scan_out[{n_out}] = {{}};"]
    for r in range(op.n_rec):
        lines.append(f"scan_out[{r}] = " + part(f"tr::row_tensor({stores[r].name}, {_row(op, r, 't')}, "
                                                f"{dtype_const(stores[r].dtype)})", out_axes[r]) + ";")
    for k in range(op.n_rec, op.n_rec + op.n_nitsot):
        lines.append(f"if (t > 0) scan_out[{k}] = "
                     + part(f"tr::row_tensor({stores[k].name}, t, {dtype_const(stores[k].dtype)})", out_axes[k])
                     + ";")
    if op.as_while:
        lines.append(f"scan_out[{n_out - 1}] = tr::scalar_tensor(&scan_cond, {dtype_const(cond.dtype)});")
    lines.append(f"TR_CHECK(tr::run_step<{n_out}>(ctx, {step}, scan_in, scan_out, {lc.label()}, scan_labels, "
                 f"scan_first, t, scan_n, {'true' if op.as_while else 'false'}));")
    if op.n_nitsot:
        lines.append("if (t == 0) {  // the entry shape is known: room for every step")
        lines += [f"    TR_CHECK(tr::first_row(ctx, {stores[k].name}, scan_cap, scan_out[{k}], "
                  f"slots_[{stores[k].slot}]));" for k in range(op.n_rec, op.n_rec + op.n_nitsot)]
        lines.append("}")
    if rows is not None:
        return lines
    lines.append("scan_steps = t + 1;")
    if op.as_while:
        lines.append(f"if (scan_cond != {C_TYPES[cond.dtype]}(0)) break;")
    return lines


def _rows_apart(lc, op, step, seq_bufs, stores, nonseq_bufs, rows):
    """The loop of a step that keeps rows apart (scan_rows.py): step 0 on all the rows (it fixes
    the nit-sot outputs' shapes), then, when every value holding rows has as many and the
    storage's entries have only length-1 dims before them (so that a block of rows is a
    C-contiguous output), the other steps by blocks of rows, one per thread (tr::steps_by_rows)."""
    body = _step(lc, op, step, seq_bufs, stores, nonseq_bufs, rows)
    lc.emit("auto scan_step = [&](tr::Context& ctx, int64_t t, int64_t lo, int64_t hi) -> int {",
            *["    " + line for line in body], "    return TRANSPILE_OK;", "};",
            "if (scan_n > 0) TR_CHECK(scan_step(ctx, 0, 0, -1));")
    held = list(zip(stores, rows.recs + rows.nitsots))
    first, axis = held[0]
    lc.emit(f"const int64_t scan_rows = {first.name}.shape[{axis + 1}];")
    checks = [f"{b.name}.shape[{a + 1}] == scan_rows" for b, a in zip(seq_bufs, rows.seqs) if a is not None]
    for st, a in held:
        checks.append(f"{st.name}.shape[{a + 1}] == scan_rows")
        checks += [f"{st.name}.shape[{d}] == 1" for d in range(1, a + 1)]
    lc.emit(f"const bool scan_apart = {' && '.join(checks)};",
            "TR_CHECK(tr::steps_by_rows(ctx, 1, scan_n, scan_apart ? scan_rows : -1, scan_step));",
            "scan_steps = scan_n;")


def _outputs(lc, node, stores):
    """The node outputs: views of the storage's first rows; a ring's last entries copied out."""
    op = node.op
    for r, m in enumerate(op.mintaps):
        out, st = node.outputs[r], stores[r]
        rest = [f"{st.name}.shape[{d}]" for d in range(1, st.ndim)]
        kind = op.last_only[r]
        if kind is None:
            lc.view(out, st, [f"{m} + scan_steps"] + rest, [f"{st.name}.strides[{d}]" for d in range(st.ndim)])
            continue
        rows = f"{m}" if kind == "tail" else "(scan_steps > 0 ? 1 : 0)"
        lc.emit(f"const int64_t scan_oshape{r}[] = {_dims(st, rows)};")
        dst = lc.alloc(out, f"scan_oshape{r}")
        if kind == "tail":
            lc.emit(f"for (int64_t i = 0; i < {m}; ++i) "
                    f"tr::copy_row({dst.name}, i, {st.name}, (scan_steps + i) % {m + 1});")
        else:
            lc.emit(f"if (scan_steps > 0) tr::copy_row({dst.name}, 0, {st.name}, ({m} + scan_steps - 1) % {m + 1});")
    for q in range(op.n_nitsot):
        out, z = node.outputs[op.n_rec + q], stores[op.n_rec + q]
        lc.view(out, z, ["scan_steps"] + [f"{z.name}.shape[{d}]" for d in range(1, z.ndim)],
                [f"{z.name}.strides[{d}]" for d in range(z.ndim)])
