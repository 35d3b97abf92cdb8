"""Convolution over 2 or 3 spatial dims with channel groups: the forward op and its two gradient
ops of `tensor/nnet/conv.py` (conv2d) and `conv3d_ops.py`, as im2col + one GEMM per image and group
(templates/runtime/conv.h), every border mode, subsample, filter_flip and dilation.

Shapes are checked at entry like the reference's `ConvBase.check` (the shape hints, the
channels and groups, a filter larger than the padded input, the topgrad's shape; all ValueError).
Operands that a GEMM cannot read in place (another dtype than the output's, or not contiguous
where the matrix view needs it) are first copied into contiguous temporaries of the output's dtype.
"""
from transpile.emit import cpp
from transpile.emit.registry import LoweringError, register_lowering
from transpile.scalar.dtypes import C_TYPES
from transpile.tensor.nnet.conv import ConvForward, ConvGradInputs, ConvGradWeights

_SPATIAL = {2: ("g_.oh", "g_.ow"), 3: ("g_.od", "g_.oh", "g_.ow")}


def _who(op):
    what = {ConvForward: "", ConvGradInputs: " gradient w.r.t. the input",
            ConvGradWeights: " gradient w.r.t. the filters"}
    base = next(cls for cls in type(op).__mro__ if cls in what)
    return cpp.string_literal(op.who + what[base])


def _geometry(lc, node, img_shape, kern_shape):
    """Lines checking the hints and computing `g_` from two `const int64_t[nd + 2]` names."""
    op = node.op
    nd, n = op.nd, op.nd + 2
    for var in node.inputs + node.outputs:
        if var.dtype.startswith("complex") or var.dtype == "bool":
            raise LoweringError(f"{op}: convolution of {var.dtype} values ({var}) is not lowered")
    lc.use_runtime("conv")
    who = _who(op)
    for hint, shape, what in ((op.imshp, img_shape, "input"), (op.kshp, kern_shape, "filter")):
        if hint is None:
            continue
        bad = " || ".join(f"{shape}[{d}] != {h}" for d, h in enumerate(hint) if h is not None)
        if bad:
            lc.emit(f"if ({bad}) " + lc.fail("value", f"%s: the {what} has shape %s, but {what}_shape {hint} was given",
                                             who, f"tr::shape_text({shape}, {n}).text"))
    mode = op.border_mode
    border, pad = ({"valid": 0, "full": 1, "half": 2}[mode], (0,) * nd) if isinstance(mode, str) else (3, mode)
    lead = 3 - nd  # a 2-d convolution is a 3-d one of depth 1
    par = ((0,) * lead + tuple(pad)) + ((1,) * lead + op.subsample) + ((1,) * lead + op.filter_dilation)
    lc.emit(f"const int64_t par_[9] = {{{', '.join(str(p) for p in par)}}};", "ConvGeom g_;",
            f"TR_CHECK(conv_geometry(ctx, {who}, {cpp.string_literal(repr(mode))}, g_, {img_shape}, {kern_shape}, {nd}, "
            f"{op.num_groups}, {border}, par_, {'true' if op.filter_flip else 'false'}));")
    return who


def _lengths(lc, node, who):
    """Checked non-negative int64 names of the node's trailing 0-d integer inputs."""
    names = []
    for i, var in enumerate(node.inputs[2:]):
        name = f"len{i}_"
        lc.emit(f"const int64_t {name} = static_cast<int64_t>({lc.scalar(var)});",
                f"if ({name} < 0) " + lc.fail("value", f"%s: negative length %lld of spatial axis {i}", who,
                                              f"(long long){name}"))
        names.append(name)
    return names


def _check_topgrad(lc, tg, nd, who, other):
    n = nd + 2
    lc.emit(f"const int64_t want_[{n}] = {{{', '.join(('g_.b', 'g_.o') + _SPATIAL[nd])}}};",
            f"if (!std::equal({tg.name}.shape, {tg.name}.shape + {n}, want_)) "
            + lc.fail("value", "%s: topgrad has shape %s, expected %s (for %s)", who, f"tr::shape_text({tg.name}.shape, {n}).text",
                      f"tr::shape_text(want_, {n}).text", f"tr::shape_text({other}, {n}).text"))


def _matrix(lc, buf, dtype, hint, start, rows_apart=False):
    """(data, stride 0, stride 1) of `buf` read as unit-stride runs over dims `start`.. (kernels:
    start 1, rows o, runs (c, taps); topgrad: start 2, per image b and row o, runs of pixels):
    `buf` itself when it can be, else a contiguous copy in `dtype`. With `rows_apart` (cuBLAS),
    `buf` itself only when its rows (dim start - 1) are at least a run apart."""
    data, s0, s1 = f"{hint}d_", f"{hint}s0_", f"{hint}s1_"
    ctype = C_TYPES[dtype]
    lc.emit(f"const {ctype}* {data} = nullptr;", f"int64_t {s0} = 0, {s1} = 0;")
    if buf.dtype == dtype:
        condition = f"conv_flat({buf.name}, {start})"
        if rows_apart:
            run = " * ".join(f"{buf.name}.shape[{d}]" for d in range(start, buf.ndim))
            condition += f" && ({buf.name}.shape[{start - 1}] <= 1 || {buf.name}.strides[{start - 1}] >= {run})"
        lc.emit(f"if ({condition}) {{",
                f"  {data} = {buf.name}.data; {s0} = {buf.name}.strides[0]; {s1} = {buf.name}.strides[1];",
                "} else {")
    else:
        lc.emit("{")
    tmp = lc.temp(dtype, (False,) * buf.ndim, f"{buf.name}.shape", hint)
    lc.emit(*["  " + line for line in lc.copy(tmp, buf)],
            f"  {data} = {tmp.name}.data; {s0} = {tmp.name}.strides[0]; {s1} = {tmp.name}.strides[1];", "}")
    return data, s0, s1


def _cols(lc, dtype):
    lc.emit("const int64_t cols_shape_[2] = {g_.taps(), g_.pixels()};")
    return lc.temp(dtype, (False, False), "cols_shape_", "cols")


@register_lowering(ConvForward)
def lower_conv(lc, node):
    (img, kern), (out,) = node.inputs, node.outputs
    nd = node.op.nd
    I, K = lc.buffer(img), lc.buffer(kern)
    _geometry(lc, node, f"{I.name}.shape", f"{K.name}.shape")
    lc.need("blas")
    lc.emit(f"const int64_t oshape_[{nd + 2}] = {{{', '.join(('g_.b', 'g_.o') + _SPATIAL[nd])}}};")
    O = lc.alloc(out, "oshape_")
    t = O.ctype
    kd, ks, _ = _matrix(lc, K, out.dtype, "k", 1)
    cols = _cols(lc, out.dtype)
    lc.emit("const int64_t per_image_ = g_.o * g_.pixels();",
            "for (int64_t b = 0; b < g_.b; ++b) {",
            "  for (int64_t q = 0; q < g_.groups; ++q) {",
            f"    conv_im2col({I.name}, b, q * g_.c, g_, {cols.name}.data);",
            f"    tr::product<{t}>(g_.og, g_.pixels(), g_.taps(), 1, tr::Mat<{t}>{{{kd} + q * g_.og * {ks}, {ks}, 1}}, "
            f"tr::Mat<{t}>{{{cols.name}.data, g_.pixels(), 1}}, 0, "
            f"{O.name}.data + b * per_image_ + q * g_.og * g_.pixels(), g_.pixels(), 1);",
            "  }",
            "}")


@register_lowering(ConvGradWeights)
def lower_conv_grad_weights(lc, node):
    (img, topgrad), (out,) = node.inputs[:2], node.outputs
    nd = node.op.nd
    I, G = lc.buffer(img), lc.buffer(topgrad)
    who = _who(node.op)
    lengths = _lengths(lc, node, who)
    groups = node.op.num_groups
    if groups > 1:
        lc.emit(f"if ({I.name}.shape[1] % {groups} != 0) "
                + lc.fail("value", f"%s: the input has %lld channels (shape %s), which do not divide into "
                          f"num_groups={groups}", who, f"(long long){I.name}.shape[1]",
                          f"tr::shape_text({I.name}.shape, {nd + 2}).text"))
    lc.emit(f"const int64_t kshape_[{nd + 2}] = {{{G.name}.shape[1], {I.name}.shape[1] / {groups}, "
            f"{', '.join(lengths)}}};")
    _geometry(lc, node, f"{I.name}.shape", "kshape_")
    _check_topgrad(lc, G, nd, who, f"{I.name}.shape")
    lc.need("blas")
    O = lc.alloc(out, "kshape_")
    t = O.ctype
    lc.emit(f"std::fill({O.name}.data, {O.name}.data + tr::numel({O.name}), {t}(0));")
    gd, gb, go = _matrix(lc, G, out.dtype, "g", 2)
    cols = _cols(lc, out.dtype)
    lc.emit("for (int64_t b = 0; b < g_.b; ++b) {",
            "  for (int64_t q = 0; q < g_.groups; ++q) {",
            f"    conv_im2col({I.name}, b, q * g_.c, g_, {cols.name}.data);",
            f"    tr::product<{t}>(g_.og, g_.taps(), g_.pixels(), 1, tr::Mat<{t}>{{{gd} + b * {gb} + q * g_.og * {go}, {go}, 1}}, "
            f"tr::Mat<{t}>{{{cols.name}.data, 1, g_.pixels()}}, 1, {O.name}.data + q * g_.og * g_.taps(), g_.taps(), 1);",
            "  }",
            "}")


@register_lowering(ConvGradInputs)
def lower_conv_grad_inputs(lc, node):
    (kern, topgrad), (out,) = node.inputs[:2], node.outputs
    nd = node.op.nd
    K, G = lc.buffer(kern), lc.buffer(topgrad)
    who = _who(node.op)
    lengths = _lengths(lc, node, who)
    lc.emit(f"const int64_t ishape_[{nd + 2}] = {{{G.name}.shape[0], {K.name}.shape[1] * {node.op.num_groups}, "
            f"{', '.join(lengths)}}};")
    _geometry(lc, node, "ishape_", f"{K.name}.shape")
    _check_topgrad(lc, G, nd, who, f"{K.name}.shape")
    lc.need("blas")
    O = lc.alloc(out, "ishape_")
    t = O.ctype
    lc.emit(f"std::fill({O.name}.data, {O.name}.data + tr::numel({O.name}), {t}(0));")
    kd, ks, _ = _matrix(lc, K, out.dtype, "k", 1)
    gd, gb, go = _matrix(lc, G, out.dtype, "g", 2)
    cols = _cols(lc, out.dtype)
    lc.emit("const int64_t per_image_ = g_.groups * g_.c * g_.volume();",
            "for (int64_t b = 0; b < g_.b; ++b) {",
            "  for (int64_t q = 0; q < g_.groups; ++q) {",
            f"    tr::product<{t}>(g_.taps(), g_.pixels(), g_.og, 1, tr::Mat<{t}>{{{kd} + q * g_.og * {ks}, 1, {ks}}}, "
            f"tr::Mat<{t}>{{{gd} + b * {gb} + q * g_.og * {go}, {go}, 1}}, 0, {cols.name}.data, g_.pixels(), 1);",
            f"    conv_col2im({cols.name}.data, g_, {O.name}.data + b * per_image_ + q * g_.c * g_.volume());",
            "  }",
            "}")
