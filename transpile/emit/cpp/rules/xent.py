"""Categorical cross-entropy with integer labels: `CrossentropyCategorical1Hot`, its gradient
`CrossentropyCategorical1HotGrad`, and the fused softmax forms of the FAST_RUN rewrites
(`CrossentropySoftmax1Hot`, `CrossentropySoftmax1HotDx`).

Every rule first checks, like `_check_labels` in the reference, that there is one label per row
(ValueError) and that each label is a valid class (IndexError naming the first bad one). Mixed
dtypes are combined in numpy's result type before the store converts to the output dtype.
"""
import numpy as np

from transpile.emit.registry import register_lowering
from transpile.scalar.dtypes import C_TYPES
from transpile.tensor.nnet.xent import CrossentropyCategorical1Hot, CrossentropyCategorical1HotGrad
from transpile.tensor.nnet.xent_softmax import CrossentropySoftmax1Hot, CrossentropySoftmax1HotDx


def _wide(*dtypes):
    """C++ type of numpy's result type of `dtypes` (a float type: the ops divide)."""
    dtype = np.result_type(*dtypes)
    if dtype.kind != "f":
        dtype = np.dtype("float64")
    return C_TYPES[dtype.name]


def check_labels(lc, coding, labels):
    """Lines of `_check_labels`: one label per row of `coding`, every label in [0, classes)."""
    c, y = coding.name, labels.name
    lc.emit(f"if ({y}.shape[0] != {c}.shape[0]) "
            + lc.fail("value", "%s: %lld rows of coding_dist (shape %s) but %lld labels (shape %s)", lc.label(),
                      f"(long long){c}.shape[0]", f"tr::shape_text({c}.shape, 2).text", f"(long long){y}.shape[0]",
                      f"tr::shape_text({y}.shape, 1).text"),
            f"for (int64_t i = 0; i < {y}.shape[0]; ++i) {{",
            f"  const long long label_ = (long long){y}.data[i * {y}.strides[0]];",
            f"  if (label_ < 0 || label_ >= (long long){c}.shape[1]) "
            + lc.fail("index", "%s: class index %lld out of range for %lld classes (coding_dist shape %s)", lc.label(),
                      "label_", f"(long long){c}.shape[1]", f"tr::shape_text({c}.shape, 2).text"),
            "}")


def _picked(coding, labels):
    """C++ expression of coding[i, labels[i]]."""
    c, y = coding.name, labels.name
    return f"{c}.data[i * {c}.strides[0] + int64_t({y}.data[i * {y}.strides[0]]) * {c}.strides[1]]"


def _rows_shape(lc, coding):
    lc.emit(f"const int64_t rows_[1] = {{{coding.name}.shape[0]}};")
    return "rows_"


@register_lowering(CrossentropyCategorical1Hot)
def lower_xent_1hot(lc, node):
    (coding, labels), (out,) = node.inputs, node.outputs
    C, Y = lc.buffer(coding), lc.buffer(labels)
    check_labels(lc, C, Y)
    dst = lc.alloc(out, _rows_shape(lc, C))
    lc.emit(f"for (int64_t i = 0; i < rows_[0]; ++i) {dst.name}.data[i] = -std::log({_picked(C, Y)});")


def check_1hot_grad(lc, G, C, Y):
    """The checks of `CrossentropyCategorical1HotGrad` (the labels; one output gradient per row, or
    one for all) and `gs_`, the stride of g (0 when broadcast)."""
    check_labels(lc, C, Y)
    lc.emit(f"if ({G.name}.shape[0] != {C.name}.shape[0] && {G.name}.shape[0] != 1) "
            + lc.fail("value", "%s: operands could not be broadcast together: %lld output gradients for %lld rows",
                      lc.label(), f"(long long){G.name}.shape[0]", f"(long long){C.name}.shape[0]"),
            f"const int64_t gs_ = {G.name}.shape[0] == 1 ? 0 : {G.name}.strides[0];")


@register_lowering(CrossentropyCategorical1HotGrad)
def lower_xent_1hot_grad(lc, node):
    """Zeros except out[i, y[i]] = -g[i] / coding[i, y[i]] (g of length 1 is broadcast, as
    numpy would)."""
    (g, coding, labels), (out,) = node.inputs, node.outputs
    G, C, Y = lc.buffer(g), lc.buffer(coding), lc.buffer(labels)
    check_1hot_grad(lc, G, C, Y)
    dst = lc.alloc(out, f"{C.name}.shape")
    wide = _wide(g.dtype, coding.dtype)
    lc.emit(f"std::fill({dst.name}.data, {dst.name}.data + tr::numel({dst.name}), {dst.ctype}(0));",
            f"for (int64_t i = 0; i < {C.name}.shape[0]; ++i) {{",
            f"  {dst.name}.data[i * {dst.name}.shape[1] + int64_t({Y.name}.data[i * {Y.name}.strides[0]])] = "
            f"static_cast<{dst.ctype}>(-static_cast<{wide}>({G.name}.data[i * gs_]) / static_cast<{wide}>({_picked(C, Y)}));",
            "}")


@register_lowering(CrossentropySoftmax1Hot)
def lower_xent_softmax(lc, node):
    """out[i] = logsumexp(x[i]) - x[i, y[i]]."""
    (x, labels), (out,) = node.inputs, node.outputs
    X, Y = lc.buffer(x), lc.buffer(labels)
    lc.use_runtime("logsumexp")
    check_labels(lc, X, Y)
    dst = lc.alloc(out, _rows_shape(lc, X))
    t = dst.ctype
    lc.emit(f"const int64_t n_ = {X.name}.shape[1];",
            f"tr::parallel_for(rows_[0], rows_[0] * n_, [&](int64_t lo_, int64_t hi_) {{",
            "  for (int64_t i = lo_; i < hi_; ++i) {",
            f"    if (n_ == 0) {{ {dst.name}.data[i] = std::numeric_limits<{t}>::infinity(); continue; }}",
            f"    {dst.name}.data[i] = static_cast<{t}>(row_logsumexp({X.name}.data + i * {X.name}.strides[0], "
            f"{X.name}.strides[1], n_) - {_picked(X, Y)});",
            "  }",
            "});")


def check_dx(lc, G, S, Y):
    """The checks of `CrossentropySoftmax1HotDx`: the labels, one gradient entry per row."""
    check_labels(lc, S, Y)
    lc.emit(f"if ({G.name}.shape[0] != {S.name}.shape[0]) "
            + lc.fail("value", "%s: %lld gradient entries for %lld rows", lc.label(),
                      f"(long long){G.name}.shape[0]", f"(long long){S.name}.shape[0]"))


@register_lowering(CrossentropySoftmax1HotDx)
def lower_xent_softmax_dx(lc, node):
    """dx = g[:, None] * sm, then dx[i, y[i]] -= g[i]."""
    (g, sm, labels), (out,) = node.inputs, node.outputs
    G, S, Y = lc.buffer(g), lc.buffer(sm), lc.buffer(labels)
    check_dx(lc, G, S, Y)
    dst = lc.alloc(out, f"{S.name}.shape")
    t, wide = dst.ctype, _wide(g.dtype, sm.dtype)
    d, s = dst.name, S.name
    lc.emit(f"const int64_t n_ = {s}.shape[1];",
            f"tr::parallel_for({s}.shape[0], {s}.shape[0] * n_, [&](int64_t lo_, int64_t hi_) {{",
            "  for (int64_t i = lo_; i < hi_; ++i) {",
            f"    const {wide} gi_ = static_cast<{wide}>({G.name}.data[i * {G.name}.strides[0]]);",
            f"    const {S.ctype}* srow_ = {s}.data + i * {s}.strides[0];",
            f"    {t}* drow_ = {d}.data + i * n_;",
            f"    for (int64_t j = 0; j < n_; ++j) drow_[j] = static_cast<{t}>(gi_ * static_cast<{wide}>(srow_[j * {s}.strides[1]]));",
            f"    {t}& picked_ = drow_[int64_t({Y.name}.data[i * {Y.name}.strides[0]])];",
            f"    picked_ = static_cast<{t}>(picked_ - static_cast<{t}>({G.name}.data[i * {G.name}.strides[0]]));",
            "  }",
            "});")
