"""Elementwise CUDA kernels: one `__global__` function per node (a whole Composite in one pass
over memory) and the host launcher the node's step calls.

The kernel is a grid-stride loop over the output's elements in C order. When every operand that
is read per element is C-contiguous (checked by the launcher at run time) all offsets are the
flat index; otherwise each thread splits its index into coordinates and steps each operand by
its own strides (a dim an operand is broadcast on is never read). Operands that are broadcast on
every dim are read once per thread; literal constants are printed into the body.
"""
from transpile.emit.cpp.loops import Operand

BLOCK = 256
MAX_BLOCKS = 1 << 16  # grid-stride beyond: enough blocks to fill any GPU several times


def elementwise_function(name, outs, ins, body, ndim, comment):
    """(params, body lines, kernel lines) of DeviceFunction `name` computing `outs[j] =
    exprs[j]`, `lines, exprs = body(values)` with `values` the inputs' current elements.
    `outs` and `ins` are `cpp.loops.Operand`s (outputs full); the function takes the arrays in
    the order outs, then the inputs that are arrays."""
    arrays = [(f"o{j}", op) for j, op in enumerate(outs)] + [(f"p{k}", op) for k, op in enumerate(ins) if op.array is not None]
    params = tuple(f"tr::Array<{op.ctype}, {ndim}> {pname}" for pname, op in arrays)
    per_element = [(pname, op) for pname, op in arrays if not op.scalar() or ndim == 0]
    flat_ok = all(op.full() for _, op in per_element)
    values = []
    for k, op in enumerate(ins):
        if op.array is None:
            values.append(op.value)
        elif op.scalar():
            values.append(f"p{k}.data[0]")
        else:
            values.append(f"p{k}.data[i_p{k}]")
    lines, exprs = body(values)
    kernel = [f"// {comment}", f"__global__ void {name}_kernel(int64_t n, bool flat, {', '.join(params)}) {{",
              "    const int64_t step = int64_t(gridDim.x) * blockDim.x;",
              "    for (int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += step) {"]
    offsets = [pname for pname, op in per_element if not op.scalar()]
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
                f"const int64_t blocks = (n + {BLOCK - 1}) / {BLOCK} < {MAX_BLOCKS} ? (n + {BLOCK - 1}) / {BLOCK} : {MAX_BLOCKS};",
                f"{name}_kernel<<<unsigned(blocks), {BLOCK}, 0, stream>>>(n, flat, {', '.join(p for p, _ in arrays)});",
                "return cudaGetLastError();"]
    return params, launcher, kernel


def operand_of(buf, broadcastable):
    return Operand.of(buf.name, buf.ctype, broadcastable)
