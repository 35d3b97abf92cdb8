"""Neural-network ops: `Softmax`, `LogSoftmax` (any axis) and the one-hot cross-entropies
(`CrossentropySoftmax1Hot` and its gradient, `CrossentropyCategorical1Hot` and its gradient),
each one call of a kernel in transpile_nnet.h."""
from transpile.emit.registry import register_lowering
from transpile.tensor.nnet.softmax import LogSoftmax, Softmax
from transpile.tensor.nnet.xent import CrossentropyCategorical1Hot, CrossentropyCategorical1HotGrad
from transpile.tensor.nnet.xent_softmax import CrossentropySoftmax1Hot, CrossentropySoftmax1HotDx


@register_lowering(Softmax, LogSoftmax)
def lower_softmax(lc, node):
    (x,), (out,) = node.inputs, node.outputs
    lc.need("nnet")
    src = lc.name(x)
    dst = lc.alloc(out, f"{src}.shape")
    log = "true" if isinstance(node.op, LogSoftmax) else "false"
    lc.emit(f"tr::softmax({dst.name}, {src}, {node.op.axis}, {log});")


def _labels(lc, coding, labels):
    lc.need("nnet")
    c, y = lc.name(coding), lc.name(labels)
    lc.emit(f"TR_CHECK(tr::check_labels(ctx, {lc.label()}, {c}.shape, {y}));")
    return c, y


@register_lowering(CrossentropySoftmax1Hot)
def lower_xent_softmax(lc, node):
    (x, y), (out,) = node.inputs, node.outputs
    c, labels = _labels(lc, x, y)
    dst = lc.alloc(out, f"{c}.shape")
    lc.emit(f"tr::xent_softmax({dst.name}, {c}, {labels});")


@register_lowering(CrossentropyCategorical1Hot)
def lower_xent_1hot(lc, node):
    (coding, y), (out,) = node.inputs, node.outputs
    c, labels = _labels(lc, coding, y)
    dst = lc.alloc(out, f"{c}.shape")
    lc.emit(f"tr::xent_1hot({dst.name}, {c}, {labels});")


def _gradient(lc, node, kernel):
    (g, coding, y), (out,) = node.inputs, node.outputs
    c, labels = _labels(lc, coding, y)
    gname = lc.name(g)
    lc.emit(f"if ({gname}.shape[0] != {c}.shape[0]) "
            + lc.fail("value", "%s: %lld gradient entries for %lld rows", lc.label(), f"(long long){gname}.shape[0]",
                      f"(long long){c}.shape[0]"))
    dst = lc.alloc(out, f"{c}.shape")
    lc.emit(f"tr::{kernel}({dst.name}, {gname}, {c}, {labels});")


@register_lowering(CrossentropySoftmax1HotDx)
def lower_xent_softmax_dx(lc, node):
    _gradient(lc, node, "xent_softmax_dx")


@register_lowering(CrossentropyCategorical1HotGrad)
def lower_xent_1hot_grad(lc, node):
    _gradient(lc, node, "xent_1hot_grad")
