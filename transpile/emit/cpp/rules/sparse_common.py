"""What the sparse rules share: the runtime helper, fresh part vectors, a matrix's dims and
lines as C++ locals, broadcasting a dense operand, reorienting a matrix, loops over parts."""
from transpile.emit.cpp.loops import Operand, map_loop
from transpile.emit.registry import LoweringError
from transpile.scalar.dtypes import C_TYPES


def setup(lc, node):
    for var in node.inputs + node.outputs:
        if var.dtype.startswith("complex"):
            raise LoweringError(f"{node.op}: complex sparse values ({var}) are not lowered")
    lc.use_runtime("sparse")


def vector(lc, dtype, length, hint):
    """A fresh 1-d temporary of `length` (a C++ expression) elements."""
    lc.emit(f"const int64_t {hint}_len_[1] = {{{length}}};")
    return lc.temp(dtype, (False,), f"{hint}_len_", hint)


def declare_dims(lc, sb, suffix=""):
    """Locals rows, cols, major (lines), minor (line length) and nnz of sparse value `sb`."""
    rows, cols = sb.dims()
    major, minor = ("rows", "cols") if sb.format == "csr" else ("cols", "rows")
    s = suffix
    lc.emit(f"[[maybe_unused]] const int64_t rows{s}_ = {rows}, cols{s}_ = {cols};",
            f"[[maybe_unused]] const int64_t major{s}_ = {major}{s}_, minor{s}_ = {minor}{s}_, "
            f"nnz{s}_ = {sb.data.name}.shape[0];")
    return {k: f"{k}{s}_" for k in ("rows", "cols", "major", "minor", "nnz")}


def csr_flag(sb):
    return "true" if sb.format == "csr" else "false"


def dense_strides(lc, y, rows, cols):
    """(stride along rows, stride along cols) reading dense `y` (at most 2-d) broadcast numpy's
    way to (rows, cols); fails like the reference when it does not broadcast."""
    if y.ndim == 0:
        return "0", "0"
    src = lc.name(y)
    targets = [rows, cols][2 - y.ndim:]
    bad = " || ".join(f"({src}.shape[{d}] != 1 && {src}.shape[{d}] != {t})" for d, t in enumerate(targets))
    lc.emit(f"if ({bad}) " + lc.fail("value", "%s: dense operand of shape %s does not broadcast to the sparse shape "
                                     "(%lld, %lld)", lc.label(), f"tr::shape_text({src}.shape, {y.ndim}).text",
                                     f"(long long){rows}", f"(long long){cols}"))
    strides = [f"({src}.shape[{d}] == 1 ? 0 : {src}.strides[{d}])" for d in range(y.ndim)]
    return tuple(["0"] * (2 - y.ndim) + strides)


def oriented(lc, sb, format, dims, hint):
    """(data, indices, indptr) buffers of `sb` compressed along `format`'s lines (converted into
    temporaries when `sb` has the other format); `dims` are sb's locals."""
    if sb.format == format:
        return sb.data, sb.indices, sb.indptr
    indptr = vector(lc, "int32", f"{dims['minor']} + 1", f"{hint}_indptr")
    indices = vector(lc, "int32", dims["nnz"], f"{hint}_indices")
    data = vector(lc, sb.data.dtype, dims["nnz"], f"{hint}_data")
    lc.emit(f"sp::convert({dims['major']}, {dims['minor']}, {sb.indptr.name}.data, {sb.indices.name}.data, "
            f"{sb.data.name}.data, {indptr.name}.data, {indices.name}.data, {data.name}.data);")
    return data, indices, indptr


def map_parts(lc, dst, srcs, body):
    """dst[k] = body(values of srcs at k) over 1-d buffers of dst's length; `body(values)`
    returns (lines, expression)."""
    outs = [Operand.of(dst.name, dst.ctype, (False,))]
    ins = [Operand.of(b.name, b.ctype, (False,)) for b in srcs]

    def loop_body(values):
        lines, expr = body(values)
        return lines, [expr]

    lc.emit(*map_loop(outs, ins, loop_body, f"{dst.name}.shape", 1))


def cast(value, dtype):
    return f"static_cast<{C_TYPES[dtype]}>({value})"
