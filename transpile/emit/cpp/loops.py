"""Loop nests over n-d arrays, written as C++ lines.

`map_loop` applies an elementwise body to operands with run-time shapes and strides: dims known
broadcastable at compile time are never read (stride 0), a C-contiguous run-time check selects
a flat loop, the innermost loop has a unit-stride version the compiler vectorizes, and the outer
loop is split across threads by `tr::parallel_for` above a size threshold. `reduce_loop`
accumulates an input into an output viewed with stride 0 on the reduced dims (the innermost
loop is a runtime template shared by all nodes of the same types).

An `Operand` names a `tr::Array` (or a literal value) and says, per loop dim, which dim of the
array it steps along (None: broadcast there).
"""
from dataclasses import dataclass


@dataclass
class Operand:
    array: str            # C++ name of the tr::Array, or None for a literal
    ctype: str
    dims: tuple           # per loop dim: the array's dim stepped along, or None (broadcast)
    value: str = None     # literal expression, when array is None

    @staticmethod
    def of(array, ctype, broadcastable):
        return Operand(array, ctype, tuple(None if b else d for d, b in enumerate(broadcastable)))

    @staticmethod
    def literal(value, ctype, ndim):
        return Operand(None, ctype, (None,) * ndim, value)

    def full(self):
        return all(d is not None for d in self.dims)

    def scalar(self):
        return all(d is None for d in self.dims)


def _names(operands, prefix):
    return [f"{prefix}{k}" for k in range(len(operands))]


def _setup(operands, names, const, strides=True, restrict=True):
    """Pointer and stride locals (declared inside the loop lambda, so they stay in registers)."""
    lines = []
    for op, name in zip(operands, names):
        if op.array is None:
            continue
        qual = "const " if const else ""
        res = "__restrict " if restrict else ""
        lines.append(f"{qual}{op.ctype}* {res}const {name} = {op.array}.data;")
        if not strides:
            continue
        steps = [f"{name}s{d} = {op.array}.strides[{a}]" for d, a in enumerate(op.dims) if a is not None]
        if steps:
            lines.append("const int64_t " + ", ".join(steps) + ";")
    return lines


def map_loop(outs, ins, body, shape, ndim, accumulate=None, restrict=True):
    """Lines computing `outs[j] = exprs[j]` where `lines, exprs = body(values)` and `values` are
    the inputs' current elements. `shape` is a C++ `const int64_t*` of the loop extents.

    With `accumulate` (a combining functor such as `tr::Add`) the outputs are accumulators:
    `outs[j] = accumulate(outs[j], exprs[j])`, and an output that is None on a dim (a reduced
    one) is revisited along it. `restrict=False` when an output may alias an input (in place)."""
    onames, inames = _names(outs, "o"), _names(ins, "p")
    store = _store(outs, accumulate)
    if ndim == 0:
        values = [op.value if op.array is None else f"{op.array}.data[0]" for op in ins]
        lines, exprs = body(values)
        return ["{", *_indent(lines), *["  " + store(k, f"{o.array}.data[0]", e) for k, (o, e) in enumerate(zip(outs, exprs))], "}"]
    code = []
    parallel = all(o.dims[0] is not None for o in outs)
    nested = _nested(outs, ins, onames, inames, body, shape, ndim, store, parallel, restrict)
    flat_ok = ndim > 1 and all(op.full() or op.scalar() for op in ins) and all(o.full() for o in outs)
    if flat_ok:
        checks = [f"tr::contiguous({op.array})" for op in outs + ins if op.array is not None and op.full()]
        code.append(f"if ({' && '.join(checks)}) {{")
        code.extend(_indent(_flat(outs, ins, onames, inames, body, shape, ndim, store, restrict)))
        code.append("} else {")
        code.extend(_indent(nested))
        code.append("}")
    else:
        code.extend(["{", *_indent(nested), "}"])
    return code


def _store(outs, accumulate):
    def store(k, lhs, expr):
        if accumulate is None:
            return f"{lhs} = {expr};"
        return f"{lhs} = {accumulate}()({lhs}, static_cast<{outs[k].ctype}>({expr}));"
    return store


def _flat(outs, ins, onames, inames, body, shape, ndim, store, restrict):
    lines = [f"const int64_t total_ = tr::numel({shape}, {ndim});",
             "tr::parallel_for(total_, total_, [&](int64_t lo_, int64_t hi_) TR_NOINLINE {"]
    inner = _setup(outs, onames, False, strides=False, restrict=restrict)
    values = []
    for op, name in zip(ins, inames):
        if op.array is None:
            values.append(op.value)
        elif op.scalar():
            inner.append(f"const {op.ctype} {name}v = {op.array}.data[0];")
            values.append(f"{name}v")
        else:
            inner.extend(_setup([op], [name], True, strides=False, restrict=restrict))
            values.append(f"{name}[i]")
    blines, exprs = body(values)
    inner.append("for (int64_t i = lo_; i < hi_; ++i) {")
    inner.extend(_indent(blines))
    inner.extend("  " + store(k, f"{name}[i]", e) for k, (name, e) in enumerate(zip(onames, exprs)))
    inner.append("}")
    return lines + _indent(inner) + ["});"]


def _nested(outs, ins, onames, inames, body, shape, ndim, store, parallel, restrict):
    operands = list(zip(outs, onames)) + list(zip(ins, inames))
    work = f"tr::numel(n_, {ndim})" if parallel else "0"
    lines = [f"const int64_t* const n_ = {shape};",
             f"tr::parallel_for(n_[0], {work}, [&](int64_t lo_, int64_t hi_) TR_NOINLINE {{"]
    inner = _setup(outs, onames, False, restrict=restrict) + _setup(ins, inames, True, restrict=restrict)
    if ndim > 1:
        inner.append("const int64_t " + ", ".join(f"n{d} = n_[{d}]" for d in range(1, ndim)) + ";")
    current = {name: name for _, name in operands}
    body_lines, depth = [], 0
    for d in range(ndim - 1):
        lo, hi = ("lo_", "hi_") if d == 0 else ("0", f"n{d}")
        block = [f"for (int64_t i{d} = {lo}; i{d} < {hi}; ++i{d}) {{"]
        for op, name in operands:
            if op.array is not None and op.dims[d] is not None:
                qual = "const " if name.startswith("p") else ""
                block.append(f"  {qual}{op.ctype}* const {name}_{d} = {current[name]} + i{d} * {name}s{d};")
                current[name] = f"{name}_{d}"
        body_lines.extend(_indent(block, depth))
        depth += 1
    last = ndim - 1
    lo, hi = ("lo_", "hi_") if last == 0 else ("0", f"n{last}")
    hoisted, values_unit, values_strided = [], [], []
    for op, name in zip(ins, inames):
        if op.array is None:
            values_unit.append(op.value)
            values_strided.append(op.value)
        elif op.dims[last] is None:
            hoisted.append(f"const {op.ctype} {name}v = {current[name]}[0];")
            values_unit.append(f"{name}v")
            values_strided.append(f"{name}v")
        else:
            values_unit.append(f"{current[name]}[i{last}]")
            values_strided.append(f"{current[name]}[i{last} * {name}s{last}]")
    stepping = [name for op, name in operands if op.array is not None and op.dims[last] is not None]

    def innermost(values, unit):
        blines, exprs = body(values)
        out = [f"for (int64_t i{last} = {lo}; i{last} < {hi}; ++i{last}) {{", *_indent(blines)]
        for k, (o, name, e) in enumerate(zip(outs, onames, exprs)):
            if o.dims[last] is None:
                out.append("  " + store(k, f"{current[name]}[0]", e))
            else:
                index = f"i{last}" if unit else f"i{last} * {name}s{last}"
                out.append("  " + store(k, f"{current[name]}[{index}]", e))
        return out + ["}"]

    block = list(hoisted)
    if stepping:
        block.append(f"if ({' && '.join(f'{n}s{last} == 1' for n in stepping)}) {{")
        block.extend(_indent(innermost(values_unit, True)))
        block.append("} else {")
        block.extend(_indent(innermost(values_strided, False)))
        block.append("}")
    else:
        block.extend(innermost(values_unit, True))
    body_lines.extend(_indent(block, depth))
    for d in reversed(range(ndim - 1)):
        body_lines.append("  " * d + "}")
    inner.extend(body_lines)
    return lines + _indent(inner) + ["});"]


def reduce_loop(acc, x, op, shape, ndim):
    """Lines folding `x` into `acc` (already holding the identity) with the combining functor
    `op` (`tr::Add`, ...): `acc.dims` is None on the reduced dims. The innermost loop is a
    runtime template (`tr::fold` or `tr::accumulate`), shared by every node of the same types."""
    if ndim == 0:
        return [f"{acc.array}.data[0] = {op}()({acc.array}.data[0], static_cast<{acc.ctype}>({x.array}.data[0]));"]
    lines = []
    full = all(d is None for d in acc.dims)
    if full and ndim > 1:
        lines += [f"if (tr::contiguous({x.array})) {{",
                  f"  {acc.array}.data[0] = tr::fold({acc.array}.data[0], {x.array}.data, 1, tr::numel({shape}, {ndim}), {op}());",
                  "} else {", *_indent(_reduce_nested(acc, x, op, shape, ndim)), "}"]
        return lines
    return _reduce_nested(acc, x, op, shape, ndim)


def _reduce_nested(acc, x, op, shape, ndim):
    parallel = acc.dims[0] is not None
    lines = [f"const int64_t* const n_ = {shape};"]
    inner = _setup([acc], ["a"], False) + _setup([x], ["x"], True)
    if ndim > 1:
        inner.append("const int64_t " + ", ".join(f"n{d} = n_[{d}]" for d in range(1, ndim)) + ";")
    cur = {"a": "a", "x": "x"}
    body, depth = [], 0
    for d in range(ndim - 1):
        lo, hi = ("lo_", "hi_") if d == 0 else ("0", f"n{d}")
        block = [f"for (int64_t i{d} = {lo}; i{d} < {hi}; ++i{d}) {{"]
        if acc.dims[d] is not None:
            block.append(f"  {acc.ctype}* const a_{d} = {cur['a']} + i{d} * as{d};")
            cur["a"] = f"a_{d}"
        block.append(f"  const {x.ctype}* const x_{d} = {cur['x']} + i{d} * xs{d};")
        cur["x"] = f"x_{d}"
        body.extend(_indent(block, depth))
        depth += 1
    last = ndim - 1
    n = "(hi_ - lo_)" if last == 0 else f"n{last}"
    xrow = f"({cur['x']} + lo_ * xs0)" if last == 0 else cur["x"]
    if acc.dims[last] is None:
        call = f"{cur['a']}[0] = tr::fold({cur['a']}[0], {xrow}, xs{last}, {n}, {op}());"
    else:
        arow = f"({cur['a']} + lo_ * as0)" if last == 0 else cur["a"]
        call = f"tr::accumulate({arow}, as{last}, {xrow}, xs{last}, {n}, {op}());"
    body.extend(_indent([call], depth))
    for d in reversed(range(ndim - 1)):
        body.append("  " * d + "}")
    inner.extend(body)
    if parallel:
        return ["{", *_indent(lines), f"  tr::parallel_for(n_[0], tr::numel(n_, {ndim}), [&](int64_t lo_, int64_t hi_) TR_NOINLINE {{",
                *_indent(inner, 2), "  });", "}"]
    return ["{", *_indent(lines), "  const int64_t lo_ = 0, hi_ = n_[0];", *_indent(inner), "}"]


def _indent(lines, depth=1):
    pad = "  " * depth
    return [pad + line if line else line for line in lines]
