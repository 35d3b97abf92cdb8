"""Elementwise CUDA kernels: one `__global__` function per node (a whole Composite in one pass
over memory) and the host launcher the node's step calls.

The kernel is a grid-stride loop over the output's elements in C order. When every operand that
is read per element is C-contiguous (checked by the launcher at run time) all offsets are the
flat index; otherwise each thread splits its index into coordinates and steps each operand by
its own strides (a dim an operand is broadcast on is never read). Operands that are broadcast on
every dim are read once per thread; literal constants are printed into the body.

In the flat case each thread first takes UNROLL elements a pass, all their loads issued before
any store, so that several loads per thread are in flight (the load of the next element cannot
pass the store of this one, which may alias it). The pass computes each element as the plain
loop does, so the results are the same bits, in place too.
"""
from transpile.emit.cpp.loops import Operand

BLOCK = 256
MAX_BLOCKS = 1 << 20  # grid-stride beyond
UNROLL = 4            # elements a thread loads before it stores, in the flat case
#: from this many elements, a thread of the flat case has UNROLL of them (fewer: one, more blocks)
UNROLL_FROM = 1 << 22


def elementwise_function(name, outs, ins, body, ndim, comment):
    """(params, body lines, kernel lines) of DeviceFunction `name` computing `outs[j] =
    exprs[j]`, `lines, exprs = body(values)` with `values` the inputs' current elements.
    `outs` and `ins` are `cpp.loops.Operand`s (outputs full); the function takes the arrays in
    the order outs, then the inputs that are arrays."""
    arrays = [(f"o{j}", op) for j, op in enumerate(outs)] + [(f"p{k}", op) for k, op in enumerate(ins) if op.array is not None]
    params = tuple(f"tr::Array<{op.ctype}, {ndim}> {pname}" for pname, op in arrays)
    per_element = [(pname, op) for pname, op in arrays if not op.scalar() or ndim == 0]
    flat_ok = all(op.full() for _, op in per_element)
    lines, exprs = body(_values(ins, lambda k: f"p{k}.data[i_p{k}]"))
    offsets = [pname for pname, op in per_element if not op.scalar()]
    kernel = [f"// {comment}", f"__global__ void {name}_kernel(int64_t n, bool flat, {', '.join(params)}) {{",
              "    const int64_t step = int64_t(gridDim.x) * blockDim.x;",
              "    int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;"]
    if offsets and ndim and flat_ok:
        kernel += _unrolled_flat_pass(ins, outs, body)
    kernel += ["    for (; i < n; i += step) {"]
    if offsets:
        kernel.append(f"        int64_t {', '.join(f'i_{p} = i' for p in offsets)};")
        kernel += ["        if (!flat) {", "            int64_t rest = i, c;",
                   f"            {' '.join(f'i_{p} = 0;' for p in offsets)}"]
        for d in reversed(range(ndim)):
            kernel.append(f"            c = rest % o0.shape[{d}];" if d else "            c = rest;")
            if d:
                kernel.append(f"            rest /= o0.shape[{d}];")
            for pname, op in per_element:
                if not op.scalar() and op.dims[d] is not None:
                    kernel.append(f"            i_{pname} += c * {pname}.strides[{op.dims[d]}];")
        kernel.append("        }")
    kernel += [f"        {line}" for line in lines]
    kernel += [f"        o{j}.data[{'i_o' + str(j) if ndim and not outs[j].scalar() else '0'}] = {expr};"  # one element
               for j, expr in enumerate(exprs)]
    kernel += ["    }", "}"]
    contiguous = " && ".join(f"tr::contiguous({pname})" for pname, op in per_element if not op.scalar())
    launcher = [f"const int64_t n = tr::numel(o0.shape, {ndim});" if ndim else "const int64_t n = 1;",
                "if (n == 0) {", "    return cudaSuccess;", "}",
                f"const bool flat = {contiguous if (flat_ok and contiguous) else 'false'};",
                f"const int64_t per_block = n >= {UNROLL_FROM} && flat ? {BLOCK * UNROLL} : {BLOCK};",
                f"const int64_t blocks = (n + per_block - 1) / per_block < {MAX_BLOCKS} ? (n + per_block - 1) / per_block "
                f": {MAX_BLOCKS};",
                f"{name}_kernel<<<unsigned(blocks), {BLOCK}, 0, stream>>>(n, flat, {', '.join(p for p, _ in arrays)});",
                "return cudaGetLastError();"]
    return params, launcher, kernel


def _unrolled_flat_pass(ins, outs, body):
    """Kernel lines: while UNROLL elements i, i + step, ... are left, load them all, then compute
    and store each (in its own block: the body's temporaries repeat)."""
    at = [f"i + {u} * step" if u else "i" for u in range(UNROLL)]
    loads = [f"            const {op.ctype} a{k}_{u} = p{k}.data[{at[u]}];"
             for k, op in enumerate(ins) if op.array is not None and not op.scalar() for u in range(UNROLL)]
    lines = [f"    if (flat) {{  // {UNROLL} elements a pass, loaded before any is stored",
             f"        for (; i + {UNROLL - 1} * step < n; i += {UNROLL} * step) {{", *loads]
    for u in range(UNROLL):
        body_lines, exprs = body(_values(ins, lambda k: f"a{k}_{u}"))  # noqa: B023 -- called right here
        lines += ["            {", *(f"                {line}" for line in body_lines)]
        lines += [f"                o{j}.data[{at[u] if not outs[j].scalar() else '0'}] = {expr};" for j, expr in enumerate(exprs)]
        lines += ["            }"]
    return lines + ["        }", "    }"]


def _values(ins, element):
    """The body's input values: a literal's value, a fully broadcast array's one element, or
    `element(k)`, input k's current element."""
    return [op.value if op.array is None else f"p{k}.data[0]" if op.scalar() else element(k)
            for k, op in enumerate(ins)]


def operand_of(buf, broadcastable):
    return Operand.of(buf.name, buf.ctype, broadcastable)
