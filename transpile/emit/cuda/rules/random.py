"""Random draws on the GPU, bit for bit the CPU's: the state, the size and the parameters' shapes
are checked on the host by the C++ rule's code (`start_draw`: the same errors), the new state
[key, counter + 1] is written there and copied to the GPU, and the kernel (templates/cuda/
random.cuh) calls the CPU runtime's own samplers (transpile_random.h, `__host__ __device__` under
nvcc; the kernels are then compiled with --fmad=false), one thread per group of elements.
Samplers that check their parameters per element report an invalid one through a flag read
back after the kernel, with the CPU rule's message."""
from transpile.emit.cpp.rules.random import _CHECKED, _SAMPLERS, start_draw
from transpile.emit.registry import register_lowering
from transpile.tensor.random.op import RandomDraw

#: the functor of templates/cuda/random.cuh drawing each kind
FUNCTORS = {"uniform": "UniformDraw", "normal": "NormalDraw", "truncated_normal": "TruncatedNormalDraw",
            "binomial": "BinomialDraw", "integers": "IntegersDraw", "exponential": "ExponentialDraw",
            "poisson": "PoissonDraw", "gamma": "GammaDraw", "categorical": "CategoricalDraw"}


def _drawable(node):
    return type(node.op) in _SAMPLERS and not any(
        v.dtype.startswith("complex") or v.dtype == "float16" for v in node.inputs + node.outputs)


@register_lowering(RandomDraw, target="cuda", host_inputs=(0, 1), when=_drawable)
def lower_random_draw(lc, node):
    op, params = node.op, node.inputs[2:]
    kind = _SAMPLERS[type(op)]
    new_state, sample = node.outputs
    shape = start_draw(lc, node)
    state_h = lc.temp("uint64", (False,), "state_shape_", "state", space="host")
    lc.emit(f"{state_h.name}.data[0] = key_;", f"{state_h.name}.data[1] = counter_ + 1;")
    ns = lc.alloc(new_state, "state_shape_")
    lc.emit(*lc.copy(ns, state_h))
    nd = op.ndim
    out = lc.alloc(sample, shape)
    lc.emit(f"const int64_t n_ = {f'tr::numel({out.name}.shape, {nd})' if nd else 'int64_t(1)'};",
            "bool bad_ = false;")
    P = [lc.buffer(p) for p in params]
    fields = ["out.data"] + [f"p{j}.data" for j in range(len(P))]
    extra_params, extra_args = [], []
    if kind == "binomial":
        fields.append("trials")
        extra_params, extra_args = ["int64_t trials"], [f"int64_t({op.n})"]
    if kind == "categorical":
        last = params[0].ndim - 1
        fields += ["k", "pk"]
        extra_params = ["int64_t k", "int64_t pk"]
        extra_args = [f"{P[0].name}.shape[{last}]", f"{P[0].name}.strides[{last}]"]
    fields += ["key", "counter"]
    types = ", ".join([out.ctype] + [b.ctype for b in P][:1 if kind in ("binomial", "categorical") else len(P)])
    functor = f"tr::cu::{FUNCTORS[kind]}<{types}>{{{', '.join(fields)}}}"
    checked = "true" if kind in _CHECKED else "false"
    name = f"draw_{kind}_{'_'.join(v.dtype for v in [sample] + params)}_{nd}d"
    call = lc.device_function(
        name, (f"{out.decl} out", *[f"{b.decl} p{j}" for j, b in enumerate(P)], *extra_params, "uint64_t key",
               "uint64_t counter", "const int64_t* shape", "const int64_t* s0", "const int64_t* s1", "int64_t n",
               "bool* bad"),
        (f"return tr::cu::draw(stream, {functor}, tr::cu::draw_dims({nd}, shape, s0, s1), n, {checked}, bad);",))
    s0 = "ps0_" if params else "nullptr"
    s1 = "ps1_" if len(params) > 1 else s0
    lc.need("cuda_random")
    lc.emit(call(out.name, *[b.name for b in P], *extra_args, "key_", "counter_", shape, s0, s1, "n_", "&bad_"))
    if kind in _CHECKED:
        lc.emit("if (bad_) " + lc.fail("value", f"%s: {_CHECKED[kind]}", lc.label()))
