"""Matrix products: `Dot` of 1-d/2-d operands as one `tr::product` call (a CBLAS gemm/gemv/dot
when the project found one and the dtypes and strides allow, the blocked kernel otherwise).
Vectors are viewed as 1 x k or k x 1 matrices."""
from transpile.emit.cpp import unit_kernels
from transpile.emit.registry import register_lowering
from transpile.tensor.blas import Dot


@register_lowering(Dot)
def lower_dot(lc, node):
    (a, b), (out,) = node.inputs, node.outputs
    A, B = lc.buffer(a), lc.buffer(b)
    lc.need("blas")
    # (rows, cols, s0, s1) of each operand as a matrix
    if a.ndim == 2:
        m, k = f"{A.name}.shape[0]", f"{A.name}.shape[1]"
        amat = f"{A.name}.strides[0], {A.name}.strides[1]"
    else:
        m, k = "1", f"{A.name}.shape[0]"
        amat = f"0, {A.name}.strides[0]"
    kb = f"{B.name}.shape[0]"
    if b.ndim == 2:
        n = f"{B.name}.shape[1]"
        bmat = f"{B.name}.strides[0], {B.name}.strides[1]"
    else:
        n = "1"
        bmat = f"{B.name}.strides[0], 0"
    lc.emit(f"if ({k} != {kb}) "
            + lc.fail("value", f"dot: shapes %s and %s not aligned: %lld (dim {a.ndim - 1}) != %lld (dim 0)",
                      f"tr::shape_text({A.name}.shape, {a.ndim}).text", f"tr::shape_text({B.name}.shape, {b.ndim}).text",
                      f"(long long){k}", f"(long long){kb}"))
    dims = [d for d in (m if a.ndim == 2 else None, n if b.ndim == 2 else None) if d is not None]
    shape = "nullptr"
    if dims:
        lc.emit(f"const int64_t shape_[{len(dims)}] = {{{', '.join(dims)}}};")
        shape = "shape_"
    C = lc.alloc(out, shape)
    c0 = f"{C.name}.strides[0]" if a.ndim == 2 else "0"
    c1 = f"{C.name}.strides[{out.ndim - 1}]" if b.ndim == 2 else "1"
    lc.use_kernel(unit_kernels.product(C.ctype, A.ctype, B.ctype))
    lc.emit(f"tr::product<{C.ctype}>({m}, {n}, {k}, 1, tr::Mat<{A.ctype}>{{{A.name}.data, {amat}}}, "
            f"tr::Mat<{B.ctype}>{{{B.name}.data, {bmat}}}, 0, {C.name}.data, {c0}, {c1});")
