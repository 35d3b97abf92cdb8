"""2-d convolution: `Conv2d`, `Conv2dGradInputs`, `Conv2dGradWeights` as im2col + GEMM
(templates/runtime/conv.h), every border mode, subsample, filter_flip and dilation.

Shapes are checked at entry like the reference's `_ConvBase.check` (the shape hints, the
channels, a filter larger than the padded input, the topgrad's shape; all ValueError). Operands
that a GEMM cannot read in place (another dtype than the output's, or not contiguous where the
matrix view needs it) are first copied into contiguous temporaries of the output's dtype.
"""
from transpile.emit import cpp
from transpile.emit.registry import LoweringError, register_lowering
from transpile.scalar.dtypes import C_TYPES
from transpile.tensor.nnet.conv import Conv2d, Conv2dGradInputs, Conv2dGradWeights

_WHO = {Conv2d: "conv2d", Conv2dGradInputs: "conv2d gradient w.r.t. the input",
        Conv2dGradWeights: "conv2d gradient w.r.t. the filters"}


def _geometry(lc, node, img_shape, kern_shape):
    """Lines checking the hints and computing `g_` from two `const int64_t[4]` names."""
    op = node.op
    for var in node.inputs + node.outputs:
        if var.dtype.startswith("complex") or var.dtype == "bool":
            raise LoweringError(f"{op}: convolution of {var.dtype} values ({var}) is not lowered")
    lc.use_runtime("conv")
    who = cpp.string_literal(_WHO[type(op)])
    for hint, shape, what in ((op.imshp, img_shape, "input"), (op.kshp, kern_shape, "filter")):
        if hint is None:
            continue
        bad = " || ".join(f"{shape}[{d}] != {h}" for d, h in enumerate(hint) if h is not None)
        if bad:
            lc.emit(f"if ({bad}) " + lc.fail("value", f"%s: the {what} has shape %s, but {what}_shape {hint} was given",
                                             who, f"tr::shape_text({shape}, 4).text"))
    mode = op.border_mode
    border, (ph, pw) = ({"valid": 0, "full": 1, "half": 2}[mode], (0, 0)) if isinstance(mode, str) else (3, mode)
    (sh, sw), (dh, dw) = op.subsample, op.filter_dilation
    lc.emit("ConvGeom g_;",
            f"TR_CHECK(conv_geometry(ctx, {who}, {cpp.string_literal(repr(mode))}, g_, {img_shape}, {kern_shape}, {border}, "
            f"{ph}, {pw}, {sh}, {sw}, {dh}, {dw}, {'true' if op.filter_flip else 'false'}));")
    return who


def _length(lc, var, what, who):
    """A checked non-negative int64 from the 0-d integer input `var`."""
    name = what.replace(" ", "_") + "_"
    lc.emit(f"const int64_t {name} = static_cast<int64_t>({lc.scalar(var)});",
            f"if ({name} < 0) " + lc.fail("value", f"%s: negative {what} %lld", who, f"(long long){name}"))
    return name


def _check_topgrad(lc, tg, expected, who, other):
    lc.emit(f"const int64_t want_[4] = {{{', '.join(expected)}}};",
            f"if (!std::equal({tg.name}.shape, {tg.name}.shape + 4, want_)) "
            + lc.fail("value", "%s: topgrad has shape %s, expected %s (for %s)", who, f"tr::shape_text({tg.name}.shape, 4).text",
                      "tr::shape_text(want_, 4).text", f"tr::shape_text({other}, 4).text"))


def _matrix(lc, buf, dtype, hint, start):
    """(data, stride 0, stride 1) of `buf` read as unit-stride runs over dims `start`.. (kernels:
    start 1, rows o, runs (c, u, v); topgrad: start 2, per image b and row o, runs of pixels):
    `buf` itself when it can be, else a contiguous copy in `dtype`."""
    data, s0, s1 = f"{hint}d_", f"{hint}s0_", f"{hint}s1_"
    ctype = C_TYPES[dtype]
    lc.emit(f"const {ctype}* {data} = nullptr;", f"int64_t {s0} = 0, {s1} = 0;")
    if buf.dtype == dtype:
        lc.emit(f"if (conv_flat({buf.name}, {start})) {{",
                f"  {data} = {buf.name}.data; {s0} = {buf.name}.strides[0]; {s1} = {buf.name}.strides[1];",
                "} else {")
    else:
        lc.emit("{")
    tmp = lc.temp(dtype, (False,) * 4, f"{buf.name}.shape", hint)
    lc.emit(*["  " + line for line in lc.copy(tmp, buf)],
            f"  {data} = {tmp.name}.data; {s0} = {tmp.name}.strides[0]; {s1} = {tmp.name}.strides[1];", "}")
    return data, s0, s1


def _cols(lc, dtype):
    lc.emit("const int64_t cols_shape_[2] = {g_.taps(), g_.pixels()};")
    return lc.temp(dtype, (False, False), "cols_shape_", "cols")


@register_lowering(Conv2d)
def lower_conv2d(lc, node):
    (img, kern), (out,) = node.inputs, node.outputs
    I, K = lc.buffer(img), lc.buffer(kern)
    _geometry(lc, node, f"{I.name}.shape", f"{K.name}.shape")
    lc.need("blas")
    lc.emit("const int64_t oshape_[4] = {g_.b, g_.o, g_.oh, g_.ow};")
    O = lc.alloc(out, "oshape_")
    t = O.ctype
    kd, ks, _ = _matrix(lc, K, out.dtype, "k", 1)
    cols = _cols(lc, out.dtype)
    lc.emit("const int64_t per_image_ = g_.o * g_.pixels();",
            "for (int64_t b = 0; b < g_.b; ++b) {",
            f"  conv_im2col({I.name}, b, g_, {cols.name}.data);",
            f"  tr::product<{t}>(g_.o, g_.pixels(), g_.taps(), 1, tr::Mat<{t}>{{{kd}, {ks}, 1}}, "
            f"tr::Mat<{t}>{{{cols.name}.data, g_.pixels(), 1}}, 0, {O.name}.data + b * per_image_, g_.pixels(), 1);",
            "}")


@register_lowering(Conv2dGradWeights)
def lower_conv2d_grad_weights(lc, node):
    (img, topgrad, kh, kw), (out,) = node.inputs, node.outputs
    I, G = lc.buffer(img), lc.buffer(topgrad)
    who = cpp.string_literal(_WHO[Conv2dGradWeights])
    rows, cols_ = _length(lc, kh, "filter rows", who), _length(lc, kw, "filter columns", who)
    lc.emit(f"const int64_t kshape_[4] = {{{G.name}.shape[1], {I.name}.shape[1], {rows}, {cols_}}};")
    _geometry(lc, node, f"{I.name}.shape", "kshape_")
    _check_topgrad(lc, G, ["g_.b", "g_.o", "g_.oh", "g_.ow"], who, f"{I.name}.shape")
    lc.need("blas")
    O = lc.alloc(out, "kshape_")
    t = O.ctype
    lc.emit(f"std::fill({O.name}.data, {O.name}.data + tr::numel({O.name}), {t}(0));")
    gd, gb, go = _matrix(lc, G, out.dtype, "g", 2)
    cols = _cols(lc, out.dtype)
    lc.emit("for (int64_t b = 0; b < g_.b; ++b) {",
            f"  conv_im2col({I.name}, b, g_, {cols.name}.data);",
            f"  tr::product<{t}>(g_.o, g_.taps(), g_.pixels(), 1, tr::Mat<{t}>{{{gd} + b * {gb}, {go}, 1}}, "
            f"tr::Mat<{t}>{{{cols.name}.data, 1, g_.pixels()}}, 1, {O.name}.data, g_.taps(), 1);",
            "}")


@register_lowering(Conv2dGradInputs)
def lower_conv2d_grad_inputs(lc, node):
    (kern, topgrad, h, w), (out,) = node.inputs, node.outputs
    K, G = lc.buffer(kern), lc.buffer(topgrad)
    who = cpp.string_literal(_WHO[Conv2dGradInputs])
    rows, cols_ = _length(lc, h, "input rows", who), _length(lc, w, "input columns", who)
    lc.emit(f"const int64_t ishape_[4] = {{{G.name}.shape[0], {K.name}.shape[1], {rows}, {cols_}}};")
    _geometry(lc, node, "ishape_", f"{K.name}.shape")
    _check_topgrad(lc, G, ["g_.b", "g_.o", "g_.oh", "g_.ow"], who, f"{K.name}.shape")
    lc.need("blas")
    O = lc.alloc(out, "ishape_")
    t = O.ctype
    lc.emit(f"std::fill({O.name}.data, {O.name}.data + tr::numel({O.name}), {t}(0));")
    kd, ks, _ = _matrix(lc, K, out.dtype, "k", 1)
    gd, gb, go = _matrix(lc, G, out.dtype, "g", 2)
    cols = _cols(lc, out.dtype)
    lc.emit("const int64_t per_image_ = g_.c * g_.h * g_.w;",
            "for (int64_t b = 0; b < g_.b; ++b) {",
            f"  tr::product<{t}>(g_.taps(), g_.pixels(), g_.o, 1, tr::Mat<{t}>{{{kd}, 1, {ks}}}, "
            f"tr::Mat<{t}>{{{gd} + b * {gb}, {go}, 1}}, 0, {cols.name}.data, g_.pixels(), 1);",
            f"  conv_col2im({cols.name}.data, g_, {O.name}.data + b * per_image_);",
            "}")
