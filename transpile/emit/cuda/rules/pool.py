"""2-d and 3-d pooling on the GPU: `Pool` (every mode), `MaxPoolGrad`, `AveragePoolGrad` and
`MaxPoolGradGrad`. The geometry and the checks are the C++ rule's host code (the same errors);
the kernels (templates/cuda/pool.cuh) compute each value in the CPU kernels' order and types:
one thread per output element, and for the gradients one thread per input element gathering
the windows that contain it (no atomics: the CPU's bits)."""
from transpile.emit.cpp.rules.pool import MODE_CODES, _check_shape, _start, _wide
from transpile.emit.registry import register_lowering
from transpile.tensor.nnet.pool import AveragePoolGrad, MaxPoolGrad, MaxPoolGradGrad, Pool


def _real(node):
    return not any(v.dtype.startswith("complex") for v in node.inputs + node.outputs)


def _geometry(lc, node, X):
    """The checks, the output shape `pooled_` and the geometry `geom_` for the kernels."""
    shape = _start(lc, node, X)
    fields = [f"g_.{f}[{a}]" for f in ("n", "out", "ws", "st", "pad") for a in range(3)]
    lc.emit(f"const int64_t geom_[15] = {{{', '.join(fields)}}};")
    lc.need("cuda_pool")
    return shape


def _launch(lc, node, name, arrays, launcher):
    """Define and call device function `name` on `arrays` [(param type, argument)] and the geometry."""
    params = tuple(f"{decl} a{k}" for k, (decl, _) in enumerate(arrays)) + ("int nd", "const int64_t* geom")
    args = ", ".join(f"a{k}" for k in range(len(arrays)))
    call = lc.device_function(name, params, (f"return tr::cu::{launcher}(stream, {args}, tr::cu::pool_windows(nd, geom));",))
    lc.emit(call(*[arg for _, arg in arrays], str(node.op.ndim), "geom_"))


def _suffix(node):
    return "_".join(v.dtype for v in node.inputs + node.outputs) + f"_{node.inputs[0].ndim}d"


@register_lowering(Pool, target="cuda", when=_real)
def lower_pool(lc, node):
    (x,), (out,) = node.inputs, node.outputs
    X = lc.buffer(x)
    Z = lc.alloc(out, _geometry(lc, node, X))
    mode = MODE_CODES[node.op.mode]
    _launch(lc, node, f"pool_{node.op.mode}_{_suffix(node)}", [(Z.decl, Z.name), (X.decl, X.name)], f"pool_forward<{mode}>")


@register_lowering(MaxPoolGradGrad, target="cuda", when=_real)
def lower_max_pool_grad_grad(lc, node):
    (x, z, ggx), (out,) = node.inputs, node.outputs
    X, Z, GG = lc.buffer(x), lc.buffer(z), lc.buffer(ggx)
    shape = _geometry(lc, node, X)
    _check_shape(lc, Z, shape, "the pooled output", X)
    _check_shape(lc, GG, f"{X.name}.shape", "ggx", X)
    O = lc.alloc(out, shape)
    _launch(lc, node, f"max_pool_grad_grad_{_suffix(node)}", [(b.decl, b.name) for b in (O, X, Z, GG)], "max_pool_grad_grad")


@register_lowering(MaxPoolGrad, target="cuda", when=_real)
def lower_max_pool_grad(lc, node):
    (x, z, gz), (out,) = node.inputs, node.outputs
    X, Z, G = lc.buffer(x), lc.buffer(z), lc.buffer(gz)
    shape = _geometry(lc, node, X)
    _check_shape(lc, Z, shape, "the pooled output", X)
    _check_shape(lc, G, shape, "the output gradient", X)
    O = lc.alloc(out, f"{X.name}.shape")
    _launch(lc, node, f"max_pool_grad_{_suffix(node)}", [(b.decl, b.name) for b in (O, X, Z, G)],
            f"max_pool_grad<{_wide(x.dtype, gz.dtype)}>")


@register_lowering(AveragePoolGrad, target="cuda", when=_real)
def lower_average_pool_grad(lc, node):
    """Accumulated in gz's dtype (a GPU temporary when the input's differs), like the CPU rule."""
    (x, gz), (out,) = node.inputs, node.outputs
    X, G = lc.buffer(x), lc.buffer(gz)
    shape = _geometry(lc, node, X)
    _check_shape(lc, G, shape, "the output gradient", X)
    O = lc.alloc(out, f"{X.name}.shape")
    acc = O if gz.dtype == out.dtype else lc.temp(gz.dtype, out.broadcastable, f"{X.name}.shape", "acc")
    mode = MODE_CODES[node.op.mode]
    _launch(lc, node, f"avg_pool_grad_{node.op.mode}_{_suffix(node)}", [(acc.decl, acc.name), (G.decl, G.name)],
            f"avg_pool_grad<{mode}>")
    if acc is not O:
        lc.emit(*lc.copy(O, acc))
