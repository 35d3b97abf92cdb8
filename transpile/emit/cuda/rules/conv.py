"""Convolution over 2 or 3 spatial dims with channel groups on the GPU (float32 and float64): the
forward op and its two gradients, im2col + one cuBLAS gemm per image and group, and for the input
gradient a gemm then a deterministic col2im gather (templates/cuda/conv.cuh). The shapes are
checked on the host by the C++ rule's code (the same errors, `ConvGeom` filled there). Operands
a gemm cannot read in place (another dtype than the output's, not contiguous where the matrix
view needs it, or rows closer than a row's length: a negative or broadcast stride) are first
copied into contiguous GPU temporaries of the output's dtype."""
from transpile.emit.cpp.rules.conv import _SPATIAL, _check_topgrad, _cols, _geometry, _lengths, _who
from transpile.emit.cpp.rules.conv import _matrix as cpp_matrix
from transpile.emit.registry import register_lowering
from transpile.tensor.nnet.conv import ConvForward, ConvGradInputs, ConvGradWeights

GEOM_FIELDS = ("b", "c", "groups", "o", "og", "d", "h", "w", "kd", "kh", "kw", "od", "oh", "ow", "pd", "ph", "pw", "sd",
               "sh", "sw", "dd", "dh", "dw", "flip")


def _floats(node):
    return all(v.dtype in ("float32", "float64") for v in node.outputs) and not any(
        v.dtype.startswith("complex") or v.dtype == "bool" for v in node.inputs)


def _geom(lc):
    lc.emit(f"const int64_t geom_[{len(GEOM_FIELDS)}] = {{{', '.join(f'int64_t(g_.{f})' for f in GEOM_FIELDS)}}};")
    lc.need("cuda_conv")
    lc.need("cublas")


def _matrix(lc, buf, dtype, hint, start):
    """The C++ rule's operand (`buf` or a contiguous GPU copy), its rows apart as cuBLAS needs."""
    return cpp_matrix(lc, buf, dtype, hint, start, rows_apart=True)


def _call(lc, name, params, body, *args):
    lc.emit(lc.device_function(name, params, (body,), context=True)(*args))


@register_lowering(ConvForward, target="cuda", when=_floats)
def lower_conv(lc, node):
    (img, kern), (out,) = node.inputs, node.outputs
    nd, n = node.op.nd, node.op.nd + 2
    I, K = lc.buffer(img), lc.buffer(kern)
    _geometry(lc, node, f"{I.name}.shape", f"{K.name}.shape")
    _geom(lc)
    lc.emit(f"const int64_t oshape_[{n}] = {{{', '.join(('g_.b', 'g_.o') + _SPATIAL[nd])}}};")
    O = lc.alloc(out, "oshape_")
    kd, ks, _ = _matrix(lc, K, out.dtype, "k", 1)
    cols = _cols(lc, out.dtype)
    t = O.ctype
    _call(lc, f"conv_{out.dtype}_{img.dtype}_{n}d", (f"{O.decl} out", f"{I.decl} x", f"const {t}* k", "int64_t ks",
                                                    "const int64_t* geom", f"{t}* cols"),
          "return tr::cu::conv_forward(ctx, out, x, k, ks, geom, cols);",
          O.name, I.name, kd, ks, "geom_", f"{cols.name}.data")


@register_lowering(ConvGradWeights, target="cuda", host_inputs=("2:",), when=_floats)
def lower_conv_grad_weights(lc, node):
    (img, topgrad), (out,) = node.inputs[:2], node.outputs
    nd, n = node.op.nd, node.op.nd + 2
    I, G = lc.buffer(img), lc.buffer(topgrad)
    who = _who(node.op)
    lengths = _lengths(lc, node, who)
    groups = node.op.num_groups
    if groups > 1:
        lc.emit(f"if ({I.name}.shape[1] % {groups} != 0) "
                + lc.fail("value", f"%s: the input has %lld channels (shape %s), which do not divide into "
                          f"num_groups={groups}", who, f"(long long){I.name}.shape[1]",
                          f"tr::shape_text({I.name}.shape, {n}).text"))
    lc.emit(f"const int64_t kshape_[{n}] = {{{G.name}.shape[1], {I.name}.shape[1] / {groups}, {', '.join(lengths)}}};")
    _geometry(lc, node, f"{I.name}.shape", "kshape_")
    _check_topgrad(lc, G, nd, who, f"{I.name}.shape")
    _geom(lc)
    O = lc.alloc(out, "kshape_")
    gd, gb, go = _matrix(lc, G, out.dtype, "g", 2)
    cols = _cols(lc, out.dtype)
    t = O.ctype
    _call(lc, f"conv_grad_weights_{out.dtype}_{img.dtype}_{n}d",
          (f"{O.decl} gk", f"{I.decl} x", f"const {t}* tg", "int64_t gb", "int64_t go", "const int64_t* geom", f"{t}* cols"),
          "return tr::cu::conv_grad_weights(ctx, gk, x, tg, gb, go, geom, cols);",
          O.name, I.name, gd, gb, go, "geom_", f"{cols.name}.data")


@register_lowering(ConvGradInputs, target="cuda", host_inputs=("2:",), when=_floats)
def lower_conv_grad_inputs(lc, node):
    (kern, topgrad), (out,) = node.inputs[:2], node.outputs
    nd, n = node.op.nd, node.op.nd + 2
    K, G = lc.buffer(kern), lc.buffer(topgrad)
    who = _who(node.op)
    lengths = _lengths(lc, node, who)
    lc.emit(f"const int64_t ishape_[{n}] = {{{G.name}.shape[0], {K.name}.shape[1] * {node.op.num_groups}, "
            f"{', '.join(lengths)}}};")
    _geometry(lc, node, "ishape_", f"{K.name}.shape")
    _check_topgrad(lc, G, nd, who, f"{K.name}.shape")
    _geom(lc)
    O = lc.alloc(out, "ishape_")
    kd, ks, _ = _matrix(lc, K, out.dtype, "k", 1)
    gd, gb, go = _matrix(lc, G, out.dtype, "g", 2)
    cols = _cols(lc, out.dtype)
    t = O.ctype
    _call(lc, f"conv_grad_inputs_{out.dtype}_{n}d",
          (f"{O.decl} gx", f"const {t}* k", "int64_t ks", f"const {t}* tg", "int64_t gb", "int64_t go",
           "const int64_t* geom", f"{t}* cols"),
          "return tr::cu::conv_grad_inputs(ctx, gx, k, ks, tg, gb, go, geom, cols);",
          O.name, kd, ks, gd, gb, go, "geom_", f"{cols.name}.data")
