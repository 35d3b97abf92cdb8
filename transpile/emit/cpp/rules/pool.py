"""2-d and 3-d pooling: `Pool` (max, sum, average_inc_pad, average_exc_pad) and its gradients
`MaxPoolGrad`, `AveragePoolGrad`, `MaxPoolGradGrad`, with the reference's checks (ValueError
for a window larger than the padded input with ignore_border=True, and for gradient operands of
the wrong shape). The kernels are runtime templates (templates/runtime/pool.h) over the planes."""
import numpy as np

from transpile.emit import cpp
from transpile.emit.registry import LoweringError, register_lowering
from transpile.scalar.dtypes import C_TYPES
from transpile.tensor.nnet.pool import AveragePoolGrad, MaxPoolGrad, MaxPoolGradGrad, Pool

MODE_CODES = {"max": 0, "sum": 1, "average_inc_pad": 2, "average_exc_pad": 3}


def _start(lc, node, x):
    """Checks of `_PoolBase.check` and the geometry `g_` of input buffer `x`."""
    op = node.op
    for var in node.inputs:
        if var.dtype.startswith("complex"):
            raise LoweringError(f"{op}: pooling complex values ({var}) is not lowered")
    lc.use_runtime("pool")
    nd, n = op.ndim, x.ndim
    par = op.ws + op.stride + op.pad
    lc.emit(f"const int64_t par_[{3 * nd}] = {{{', '.join(str(v) for v in par)}}};",
            f"const PoolGeom g_ = pool_geometry({x.name}.shape, {n}, {nd}, par_, "
            f"{'true' if op.ignore_border else 'false'});")
    if op.ignore_border:
        who = cpp.string_literal(op.who) if type(op) is Pool else lc.label()  # the reference's wording
        lead = 3 - nd
        bad = " || ".join(f"{w} > g_.n[{lead + a}] + {2 * p}" for a, (w, p) in enumerate(zip(op.ws, op.pad)))
        count = {2: "two", 3: "three"}[nd]
        lc.emit(f"if ({bad}) "
                + lc.fail("value", f"%s: ws {op.ws} is larger than the input's last {count} dims (shape %s, padding "
                          f"{op.pad}) with ignore_border=True", who, f"tr::shape_text({x.name}.shape, {n}).text"))
    dims = ", ".join([f"{x.name}.shape[{d}]" for d in range(n - nd)] + [f"g_.out[{a}]" for a in range(3 - nd, 3)])
    lc.emit(f"const int64_t pooled_[{n}] = {{{dims}}};")
    return "pooled_"


def _check_shape(lc, buf, expected, what, against):
    n = buf.ndim
    lc.emit(f"if (!std::equal({buf.name}.shape, {buf.name}.shape + {n}, {expected})) "
            + lc.fail("value", f"%s: {what} has shape %s, expected %s for input shape %s", lc.label(),
                      f"tr::shape_text({buf.name}.shape, {n}).text", f"tr::shape_text({expected}, {n}).text",
                      f"tr::shape_text({against.name}.shape, {n}).text"))


def _wide(*dtypes):
    return C_TYPES[np.result_type(*dtypes).name]


@register_lowering(Pool)
def lower_pool(lc, node):
    (x,), (out,) = node.inputs, node.outputs
    X = lc.buffer(x)
    shape = _start(lc, node, X)
    Z = lc.alloc(out, shape)
    lc.emit(f"pool_forward<{MODE_CODES[node.op.mode]}>({X.name}, {Z.name}, g_);")


@register_lowering(MaxPoolGradGrad)
def lower_max_pool_grad_grad(lc, node):
    (x, z, ggx), (out,) = node.inputs, node.outputs
    X, Z, GG = lc.buffer(x), lc.buffer(z), lc.buffer(ggx)
    shape = _start(lc, node, X)
    _check_shape(lc, Z, shape, "the pooled output", X)
    _check_shape(lc, GG, f"{X.name}.shape", "ggx", X)
    O = lc.alloc(out, shape)
    lc.emit(f"max_pool_grad_grad({X.name}, {Z.name}, {GG.name}, {O.name}, g_);")


@register_lowering(MaxPoolGrad)
def lower_max_pool_grad(lc, node):
    (x, z, gz), (out,) = node.inputs, node.outputs
    X, Z, G = lc.buffer(x), lc.buffer(z), lc.buffer(gz)
    shape = _start(lc, node, X)
    _check_shape(lc, Z, shape, "the pooled output", X)
    _check_shape(lc, G, shape, "the output gradient", X)
    O = lc.alloc(out, f"{X.name}.shape")
    lc.emit(f"max_pool_grad<{_wide(x.dtype, gz.dtype)}>({X.name}, {Z.name}, {G.name}, {O.name}, g_);")


@register_lowering(AveragePoolGrad)
def lower_average_pool_grad(lc, node):
    """Accumulated in gz's dtype (a temporary when the input's differs), like the reference."""
    (x, gz), (out,) = node.inputs, node.outputs
    X, G = lc.buffer(x), lc.buffer(gz)
    shape = _start(lc, node, X)
    _check_shape(lc, G, shape, "the output gradient", X)
    O = lc.alloc(out, f"{X.name}.shape")
    acc = O if gz.dtype == out.dtype else lc.temp(gz.dtype, out.broadcastable, f"{X.name}.shape", "acc")
    lc.emit(f"avg_pool_grad<{MODE_CODES[node.op.mode]}>({G.name}, {acc.name}, g_);")
    if acc is not O:
        lc.emit(*lc.copy(O, acc))
