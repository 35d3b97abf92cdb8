"""Functions of the stored values: `StructuredUnary` (the structure is shared, the values mapped
through the scalar op's own C++ form) and `StructuredUnaryGrad` (f'(x) times the gradient's
values at x's positions, gathered from a dense or a sparse gradient)."""
from transpile.emit.registry import LoweringError, register_lowering
from transpile.emit.cpp.rules.sparse_common import (
    cast,
    csr_flag,
    declare_dims,
    dense_strides,
    map_parts,
    oriented,
    setup,
    vector,
)
from transpile.scalar import activation, arith, transcendental
from transpile.scalar import dtypes as D
from transpile.scalar.dtypes import C_TYPES
from transpile.sparse.basic import is_sparse_variable
from transpile.sparse.structured import StructuredUnary, StructuredUnaryGrad

#: StructuredUnary names computed by a scalar op
SCALAR_OPS = {"neg": arith.neg, "sqr": arith.sqr, "sqrt": arith.sqrt, "abs": arith.abs_, "sin": transcendental.sin,
              "tanh": transcendental.tanh, "expm1": transcendental.expm1, "log1p": transcendental.log1p,
              "sigmoid": activation.sigmoid, "exp": arith.exp, "log": arith.log}

#: f'(x) given x (and lines computing locals from it), in the C type T; as the reference
#: (structured.FUNCTIONS) writes them
DERIVATIVES = {
    "neg": lambda x, T: ([], f"{T}(-1)"),
    "sqr": lambda x, T: ([], f"{T}(2) * {x}"),
    "sqrt": lambda x, T: ([], f"{T}(0.5) / std::sqrt({x})"),
    "abs": lambda x, T: ([], f"({x} > {T}(0) ? {T}(1) : {x} < {T}(0) ? {T}(-1) : {x})"),
    "sin": lambda x, T: ([], f"std::cos({x})"),
    "tanh": lambda x, T: ([f"const {T} y_ = std::tanh({x});"], f"{T}(1) - y_ * y_"),
    "expm1": lambda x, T: ([], f"std::expm1({x}) + {T}(1)"),
    "log1p": lambda x, T: ([], f"{T}(1) / ({T}(1) + {x})"),
    "sigmoid": lambda x, T: ([f"const {T} x_ = {x};", f"const {T} e_ = std::exp(-std::abs(x_));",
                              f"const {T} y_ = x_ >= {T}(0) ? {T}(1) / ({T}(1) + e_) : e_ / ({T}(1) + e_);"],
                             f"y_ * ({T}(1) - y_)"),
    "exp": lambda x, T: ([], f"std::exp({x})"),
    "log": lambda x, T: ([], f"{T}(1) / {x}"),
    "identity": lambda x, T: ([], f"{T}(1)"),
}


@register_lowering(StructuredUnary)
def lower_structured_unary(lc, node):
    setup(lc, node)
    (x,), (out,) = node.inputs, node.outputs
    sb = lc.sparse(x)
    name, dtype = node.op.name, out.dtype
    data = vector(lc, dtype, f"{sb.data.name}.shape[0]", "data")
    if name in ("ones_like", "zeros_like"):
        value = "1" if name == "ones_like" else "0"
        lc.emit(f"std::fill({data.name}.data, {data.name}.data + {data.name}.shape[0], {data.ctype}({value}));")
    elif name == "identity":
        map_parts(lc, data, [sb.data], lambda v: ([], cast(v[0], dtype)))
    else:
        op = SCALAR_OPS[name]
        map_parts(lc, data, [sb.data], lambda v: ([], lc.printer.expr(op, [cast(v[0], dtype)], [dtype], dtype)))
    lc.bind_sparse(out, data, sb.indices, sb.indptr, sb.shape)


@register_lowering(StructuredUnaryGrad)
def lower_structured_unary_grad(lc, node):
    setup(lc, node)
    (x, gz), (out,) = node.inputs, node.outputs
    derivative = DERIVATIVES.get(node.op.name)
    if derivative is None:
        raise LoweringError(f"{node.op}: {node.op.name} has no derivative")
    sb = lc.sparse(x)
    dims = declare_dims(lc, sb)
    g = vector(lc, out.dtype, dims["nnz"], "g")
    if is_sparse_variable(gz):
        sg = lc.sparse(gz)
        dg = declare_dims(lc, sg, "g")
        lc.emit(f"if (rowsg_ != {dims['rows']} || colsg_ != {dims['cols']}) "
                + lc.fail("value", "%s: the gradient's shape (%lld, %lld) differs from x's (%lld, %lld)", lc.label(),
                          "(long long)rowsg_", "(long long)colsg_", f"(long long){dims['rows']}",
                          f"(long long){dims['cols']}"))
        gd, gi, gp = oriented(lc, sg, sb.format, dg, "gz")
        ws, stamp = vector(lc, out.dtype, dims["minor"], "ws"), vector(lc, "int64", dims["minor"], "stamp")
        lc.emit(f"sp::gather_sparse({sb.indices.name}.data, {sb.indptr.name}.data, {dims['major']}, {dims['minor']}, "
                f"{gd.name}.data, {gi.name}.data, {gp.name}.data, {ws.name}.data, {stamp.name}.data, {g.name}.data);")
    else:
        g0, g1 = dense_strides(lc, gz, dims["rows"], dims["cols"])
        lc.emit(f"sp::gather_dense({sb.indices.name}.data, {sb.indptr.name}.data, {dims['major']}, {csr_flag(sb)}, "
                f"{lc.name(gz)}.data, {g0}, {g1}, {g.name}.data);")
    # the derivative in x's own float type (as numpy computes it), the product in the output's
    calc = x.dtype if D.is_float(x.dtype) else out.dtype
    data = vector(lc, out.dtype, dims["nnz"], "data")

    def body(v):
        lines, d = derivative(cast(v[0], calc), C_TYPES[calc])
        return lines, f"{cast(d, out.dtype)} * {v[1]}"

    map_parts(lc, data, [sb.data, g], body)
    lc.bind_sparse(out, data, sb.indices, sb.indptr, sb.shape)
